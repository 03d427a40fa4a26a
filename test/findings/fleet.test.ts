import { analyzeInventory } from '../../src/findings/analyze.js';
import { inventory, readyOutput, record, referenceTime, setExchange, setSchannel } from './builders.js';

const run = (...records: ReturnType<typeof record>[]) => analyzeInventory(inventory(records), ['tls12-ready'], { referenceTime });

describe('fleet checks', () => {
  it('FLEET-DAG-TLS-DRIFT names the setting and who has which value', () => {
    const doc = run(
      record(readyOutput(), 'EX01', { dag: 'DAG01' }),
      record(setSchannel(readyOutput(), 'TLS 1.0', 'both', 0, 1), 'EX02', { dag: 'DAG01' }),
      record(readyOutput(), 'EX03', { dag: 'DAG02' }),
    );
    const f = doc.fleetFindings.find((x) => x.id === 'FLEET-DAG-TLS-DRIFT')!;
    expect(f).toMatchObject({ group: { kind: 'dag', name: 'DAG01' }, servers: ['EX01', 'EX02'] });
    expect(f.differences).toEqual([
      { setting: 'TLS 1.0 Client', values: [{ value: 'on', servers: ['EX01'], display: 'on: EX01' }, { value: 'off', servers: ['EX02'], display: 'off: EX02' }] },
      expect.objectContaining({ setting: 'TLS 1.0 Server' }),
    ]);
    expect(doc.summary.fleetFindings).toBe(doc.fleetFindings.length);
  });

  it('does not fire for identical members, or for 0xffffffff vs 1 (same effective state)', () => {
    const doc = run(
      record(readyOutput(), 'EX01', { dag: 'DAG01', site: 'HQ' }),
      record(setSchannel(readyOutput(), 'TLS 1.2', 'both', 4294967295, 0), 'EX02', { dag: 'DAG01', site: 'HQ' }),
    );
    expect(doc.fleetFindings).toEqual([]);
  });

  it('uses the cluster name when the fleet file gives no DAG', () => {
    // the base output is a member of cluster DAG01
    const doc = run(record(readyOutput(), 'EX01'), record(setSchannel(readyOutput(), 'TLS 1.1', 'both', 0, 1), 'EX02'));
    expect(doc.fleetFindings.map((f) => `${f.id} ${f.group.name}`)).toEqual(['FLEET-DAG-TLS-DRIFT DAG01']);
  });

  it('FLEET-SITE-TLS-DRIFT for servers of one site', () => {
    const noCluster = () => { const o = readyOutput(); o.cluster = { member: false, clusterName: null }; return o; };
    const doc = run(record(noCluster(), 'EX01', { site: 'HQ' }), record(setSchannel(noCluster(), 'TLS 1.1', 'both', 0, 1), 'EDGE01', { site: 'HQ' }));
    expect(doc.fleetFindings.map((f) => f.id)).toEqual(['FLEET-SITE-TLS-DRIFT']);
  });

  it('FLEET-DAG-MIXED-BUILDS fires for different CUs in a DAG and not for equal builds', () => {
    const doc = run(record(readyOutput(), 'EX01', { dag: 'DAG01' }), record(setExchange(readyOutput(), '15.2.1748.10'), 'EX02', { dag: 'DAG01' }));
    const f = doc.fleetFindings.find((x) => x.id === 'FLEET-DAG-MIXED-BUILDS')!;
    expect(f.differences[0]!.values.map((v) => v.display)).toEqual(['Exchange Server 2019 CU14: EX01', 'Exchange Server 2019 CU15: EX02']);
    expect(run(record(readyOutput(), 'EX01', { dag: 'DAG01' }), record(readyOutput(), 'EX02', { dag: 'DAG01' })).fleetFindings).toEqual([]);
  });

  it('ignores failed servers', () => {
    const doc = run(record(readyOutput(), 'EX01', { dag: 'DAG01' }), record(null, 'EX02', { dag: 'DAG01' }));
    expect(doc.fleetFindings).toEqual([]);
  });
});
