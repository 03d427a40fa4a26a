// Fleet-level checks: members of one DAG or site should carry the same TLS settings, and a DAG the same Exchange build.
import type { FleetDifference, FleetFinding, ServerAnalysis } from './types.js';

/**
 * One copy of each string: a fleet's members repeat the same few dozen setting names and values, and the fleet
 * checks keep every member's signature until the end of the analysis.
 */
export class StringPool {
  private readonly seen = new Map<string, string>();
  get(s: string): string {
    const prior = this.seen.get(s);
    if (prior !== undefined) return prior;
    this.seen.set(s, s);
    return s;
  }
}

function differences(members: { name: string; sig: Map<string, string> }[]): FleetDifference[] {
  const settings = [...new Set(members.flatMap((m) => [...m.sig.keys()]))];
  const out: FleetDifference[] = [];
  for (const setting of settings) {
    const byValue = new Map<string, string[]>();
    for (const m of members) {
      const v = m.sig.get(setting) ?? 'not reported';
      const list = byValue.get(v);
      if (list) list.push(m.name);
      else byValue.set(v, [m.name]);
    }
    if (byValue.size < 2) continue;
    out.push({
      setting,
      // slice(): an array grown by push keeps spare room; thousands of these lists live until the report is written
      values: [...byValue.entries()].map(([value, servers]) => ({ value, servers: servers.slice(), display: `${value}: ${servers.join(', ')}` })),
    });
  }
  return out;
}

/** What the fleet checks need of one server, taken while it is analysed, so analyses need not be kept. */
export interface FleetMember {
  server: string;
  ok: boolean;
  dag: string | null;
  site: string | null;
  sig: Map<string, string>;
  build: string;
}

export function fleetMember(a: ServerAnalysis, pool: StringPool = new StringPool()): FleetMember {
  return {
    server: a.server,
    ok: a.status === 'ok',
    dag: a.groups.dag,
    site: a.groups.site,
    sig: new Map(a.settings.map((x) => [pool.get(x.setting), pool.get(x.value)])),
    build: a.host?.exchange.buildName ?? a.host?.exchange.build ?? 'unknown',
  };
}

export function fleetFindingsOf(all: readonly FleetMember[]): FleetFinding[] {
  const ok = all.filter((m) => m.ok);
  const out: FleetFinding[] = [];
  const groupBy = (key: (m: FleetMember) => string | null) => {
    const m = new Map<string, FleetMember[]>();
    for (const p of ok) {
      const k = key(p);
      if (!k) continue;
      const list = m.get(k);
      if (list) list.push(p);
      else m.set(k, [p]);
    }
    return [...m.entries()].filter(([, members]) => members.length > 1).sort(([a], [b]) => a.localeCompare(b));
  };

  for (const [dag, members] of groupBy((m) => m.dag)) {
    const names = members.map((m) => m.server);
    const diffs = differences(members.map((m) => ({ name: m.server, sig: m.sig })));
    if (diffs.length) {
      out.push({
        id: 'FLEET-DAG-TLS-DRIFT', severity: 'medium', title: `DAG ${dag}: members differ in ${diffs.length} TLS setting(s)`,
        explanation:
          'Members of one DAG replicate to and fail over to each other; different TLS settings mean a database or transport path that works on one ' +
          'member fails after a switchover. Bring them to the same state.',
        group: { kind: 'dag', name: dag }, servers: names, differences: diffs,
      });
    }
    const builds = differences(members.map((m) => ({ name: m.server, sig: new Map([['Exchange build', m.build]]) })));
    if (builds.length) {
      out.push({
        id: 'FLEET-DAG-MIXED-BUILDS', severity: 'medium', title: `DAG ${dag}: members run different Exchange builds`,
        explanation:
          'Mixed builds inside a DAG are meant to be temporary (during an update). TLS capability and defaults differ between CUs, so finish the update ' +
          'before changing TLS settings.',
        group: { kind: 'dag', name: dag }, servers: names, differences: builds,
      });
    }
  }
  for (const [site, members] of groupBy((m) => m.site)) {
    const diffs = differences(members.map((m) => ({ name: m.server, sig: m.sig })));
    if (!diffs.length) continue;
    out.push({
      id: 'FLEET-SITE-TLS-DRIFT', severity: 'low', title: `Site ${site}: servers differ in ${diffs.length} TLS setting(s)`,
      explanation:
        'Servers of one site share connectors and load-balanced namespaces; a server with different TLS settings fails some connections the others accept. ' +
        'Expected while a rollout is under way; otherwise bring them to the same state.',
      group: { kind: 'site', name: site }, servers: members.map((m) => m.server), differences: diffs,
    });
  }
  return out;
}
