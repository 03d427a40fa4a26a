// DAG, site, role and Edge are decided once, by the analysis; runbooks and fleet checks only read them.
import { analyzeServer } from '../../src/findings/server.js';
import { loadPolicy } from '../../src/findings/policy.js';
import { readyOutput, record } from './builders.js';

const policies = [loadPolicy('tls12-ready')];
const at = new Date('2026-11-28T00:00:00Z');

function analysed(mutate: (o: ReturnType<typeof readyOutput>) => void, groups = {}) {
  const o = readyOutput();
  mutate(o);
  return analyzeServer(record(o, 'EX01', groups), policies, at);
}

describe('server groups', () => {
  it('takes the cluster name as the DAG of a Mailbox server the fleet file puts in no DAG', () => {
    const a = analysed((o) => { o.cluster = { member: true, clusterName: 'DAG07' }; o.exchange.installed = true; });
    expect(a.groups).toMatchObject({ dag: 'DAG07', role: 'Mailbox', edge: false });
    expect(a.host?.cluster).toEqual({ member: true, name: 'DAG07' });
  });

  it('keeps the fleet file\'s DAG, site and role over what the collector saw', () => {
    const a = analysed((o) => { o.cluster = { member: true, clusterName: 'CLUSTER9' }; }, { dag: 'DAG01', site: 'AMS', role: 'Hub' });
    expect(a.groups).toEqual({ dag: 'DAG01', site: 'AMS', role: 'Hub', edge: false });
  });

  it('puts an Edge server in no DAG, from its roles or the fleet file\'s role', () => {
    const byRoles = analysed((o) => { o.exchange.isEdge = true; o.cluster = { member: true, clusterName: 'X' }; });
    expect(byRoles.groups).toMatchObject({ dag: null, role: 'Edge', edge: true });
    const byFleet = analysed(() => undefined, { role: 'edge', dag: 'DAG01' });
    expect(byFleet.groups).toMatchObject({ dag: null, edge: true });
  });

  it('carries the address and the settings fleet checks compare', () => {
    const a = analysed(() => undefined);
    expect(a.address).toBe(record(readyOutput()).address);
    expect(a.settings).toEqual(expect.arrayContaining([{ setting: 'TLS 1.2 Server', value: 'on' }]));
    expect(a.settings.some((s) => s.setting.startsWith('.NET v4.0.30319 native SchUseStrongCrypto'))).toBe(true);
  });
});
