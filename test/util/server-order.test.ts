// One server-name order everywhere: natural (EX2 before EX10) and case-insensitive (ex03 between EX02 and EX04).
import { indexFleet, type ServerFacts } from '../../src/runbooks/maintenance.js';
import { planWaves } from '../../src/runbooks/waves.js';
import { byServerName } from '../../src/util/server-order.js';

const mixed = ['EX10', 'ex03', 'EX2', 'Ex01', 'EX04'];
const ordered = ['Ex01', 'EX2', 'ex03', 'EX04', 'EX10'];

describe('server-name order', () => {
  test('byServerName is natural and ignores case', () => {
    expect([...mixed].sort(byServerName)).toEqual(ordered);
    expect(byServerName('ex01', 'EX01')).toBe(0);
  });

  test('rollout waves list their members in that order', () => {
    const waves = planWaves(mixed.map((name) => ({ name, dag: null, site: null, isEdge: false })));
    expect(waves.flat().map((s) => s.name)).toEqual(ordered);
  });

  test('DAG peers are listed in that order', () => {
    const facts = mixed.map((name): ServerFacts => ({
      name, dag: 'DAG1', site: 'HQ', kind: 'dag-mailbox', exchangeInstalled: true, isEdge: false, roles: ['Mailbox'], clusterMember: true, clusterName: 'DAG1',
    }));
    const index = indexFleet(facts.map((f) => ({ facts: f, analysis: { server: f.name, address: f.name, status: 'ok' }, wave: null })));
    expect(index.byDag.get('dag1')!.map((p) => p.name)).toEqual(ordered);
  });
});
