// Which Exchange maintenance steps fit a server: DAG member, standalone Mailbox, Edge, or no Exchange.
import type { ServerAnalysis } from '../findings/types.js';
import { byServerName } from '../util/server-order.js';
import type { MaintenanceKind, ServerContext } from './types.js';

export interface ServerFacts {
  name: string;
  dag: string | null;
  site: string | null;
  kind: MaintenanceKind;
  exchangeInstalled: boolean;
  isEdge: boolean;
  roles: string[];
  clusterMember: boolean;
  clusterName: string | null;
}

/** The maintenance facts of a server, all decided by the analysis (groups, host). */
export function serverFacts(s: Pick<ServerAnalysis, 'server' | 'groups' | 'host'>): ServerFacts {
  const exchange = s.host?.exchange;
  const installed = exchange?.installed ?? false;
  const { dag, site, edge } = s.groups;
  let kind: MaintenanceKind = 'none';
  if (installed || edge) kind = edge ? 'edge' : dag ? 'dag-mailbox' : 'mailbox';
  return {
    name: s.server, dag, site, kind, exchangeInstalled: installed, isEdge: edge, roles: exchange?.roles ?? [],
    clusterMember: s.host?.cluster.member ?? false, clusterName: s.host?.cluster.name ?? null,
  };
}

const summaries: Record<MaintenanceKind, string> = {
  'dag-mailbox':
    'Mailbox server in a DAG: drain transport, hand its queues to another server, move its active databases away and block activation, pause the cluster node, take it offline; the exact reverse afterwards.',
  mailbox: 'Standalone Mailbox server: drain transport and let the queues empty before the restart; no DAG or cluster steps.',
  edge: 'Edge Transport server: no DAG or cluster steps; drain and stop transport so senders use the other MX/Edge servers meanwhile.',
  none: 'No Exchange server found on this host: only the registry change and the restart.',
};

/** Mailbox servers by DAG and by site (lower-case), so each server finds its peers without scanning the fleet. */
export interface FleetIndex {
  byDag: Map<string, string[]>;
  bySite: Map<string, string[]>;
}

export function indexFleet(fleet: readonly ServerFacts[]): FleetIndex {
  const byDag = new Map<string, string[]>();
  const bySite = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, v: string) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const o of fleet) {
    if (o.kind !== 'dag-mailbox' && o.kind !== 'mailbox') continue;
    if (o.dag) add(byDag, o.dag.toLowerCase(), o.name);
    if (o.site) add(bySite, o.site.toLowerCase(), o.name);
  }
  for (const list of [...byDag.values(), ...bySite.values()]) list.sort(byServerName);
  return { byDag, bySite };
}

/** The maintenance part of the runbook context: steps by kind, DAG peers and a redirect target. */
export function maintenanceFor(f: ServerFacts, fleet: FleetIndex): ServerContext['maintenance'] {
  const others = (list: string[] | undefined) => (list ?? []).filter((n) => n !== f.name);
  const otherDagMembers = f.dag ? others(fleet.byDag.get(f.dag.toLowerCase())) : [];
  // the first other Mailbox server of the site (no copy of a site's list per server: sites hold hundreds)
  const sameSite = f.site ? fleet.bySite.get(f.site.toLowerCase())?.find((n) => n !== f.name) : undefined;
  const redirectTarget = f.kind === 'dag-mailbox' || f.kind === 'mailbox' ? (otherDagMembers[0] ?? sameSite ?? null) : null;
  return {
    kind: f.kind,
    dagMailbox: f.kind === 'dag-mailbox',
    mailbox: f.kind === 'mailbox',
    edge: f.kind === 'edge',
    none: f.kind === 'none',
    summary: summaries[f.kind],
    dag: f.dag,
    redirectTarget,
    otherDagMembers,
  };
}
