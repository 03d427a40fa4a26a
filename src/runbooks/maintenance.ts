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

/** A Mailbox server another one may hand its queues to, if it qualifies (see redirectCandidate). */
interface Peer {
  name: string;
  /** its FQDN (the fleet file's address, else its name, when either is a DNS name with a domain); null: unknown */
  fqdn: string | null;
  wave: number | null;
  failingNow: boolean;
  fleetMember: boolean;
}

/** Mailbox servers by DAG and by site (lower-case), so each server finds its peers without scanning the fleet. */
export interface FleetIndex {
  byDag: Map<string, Peer[]>;
  bySite: Map<string, Peer[]>;
}

/** What the index needs of each server of the run (a ServerInput). */
export interface IndexInput {
  facts: ServerFacts;
  analysis: { server: string; address: string; status: string; fleetMember?: boolean; mailFlow?: readonly { failingNow: boolean; severity: string }[] };
  wave: number | null;
}

/** Mail flow fails now: a critical mail-flow finding still seen in the last days of the log window. */
export function failingNow(i: Pick<IndexInput, 'analysis'>): boolean {
  return (i.analysis.mailFlow ?? []).some((r) => r.failingNow && r.severity === 'critical');
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** A DNS name with a domain (ex01.contoso.com): what Redirect-Message -Target wants. Addresses and short names are not. */
export function fqdnOf(name: string, address: string): string | null {
  for (const n of [address, name]) {
    const t = n.trim().replace(/\.$/, '');
    if (t.includes('.') && !IPV4.test(t) && !t.includes(':') && /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(t)) return t;
  }
  return null;
}

export function indexFleet(fleet: readonly IndexInput[]): FleetIndex {
  const byDag = new Map<string, Peer[]>();
  const bySite = new Map<string, Peer[]>();
  const add = (m: Map<string, Peer[]>, k: string, v: Peer) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const i of fleet) {
    const o = i.facts;
    if (i.analysis.status !== 'ok' || (o.kind !== 'dag-mailbox' && o.kind !== 'mailbox')) continue;
    const peer: Peer = {
      name: o.name, fqdn: fqdnOf(i.analysis.server, i.analysis.address), wave: i.wave, failingNow: failingNow(i),
      fleetMember: i.analysis.fleetMember !== false,
    };
    if (o.dag) add(byDag, o.dag.toLowerCase(), peer);
    if (o.site) add(bySite, o.site.toLowerCase(), peer);
  }
  for (const list of [...byDag.values(), ...bySite.values()]) list.sort((a, b) => byServerName(a.name, b.name));
  return { byDag, bySite };
}

/**
 * The server to hand the queues to: a fleet member (never a server known only from a drop-folder file), collected,
 * not failing now, not in the same wave (it stays in service meanwhile), with a known FQDN; same DAG first, then
 * same site. Null, with the reason, when none qualifies: extls never invents one.
 */
function redirectCandidate(f: ServerFacts, wave: number | null, fleet: FleetIndex): { target: string | null; why: string | null } {
  const pools = [f.dag ? fleet.byDag.get(f.dag.toLowerCase()) : undefined, f.site ? fleet.bySite.get(f.site.toLowerCase()) : undefined];
  const refused: string[] = [];
  for (const pool of pools) {
    for (const p of pool ?? []) {
      if (p.name === f.name) continue;
      const why = !p.fleetMember ? 'not in the fleet file' : p.failingNow ? 'its mail flow fails now' : wave !== null && p.wave === wave ? 'in the same wave' : p.fqdn === null ? 'FQDN unknown (give its address as an FQDN in the fleet file)' : null;
      if (!why) return { target: p.fqdn, why: null };
      if (refused.length < 5 && !refused.some((r) => r.startsWith(`${p.name}:`))) refused.push(`${p.name}: ${why}`);
    }
  }
  return {
    target: null,
    why: refused.length ? `no other Mailbox server qualifies (${refused.join('; ')})` : 'extls knows no other Mailbox server in this DAG or site',
  };
}

/** The maintenance part of the runbook context: steps by kind, DAG peers and a redirect target. */
export function maintenanceFor(f: ServerFacts, fleet: FleetIndex, wave: number | null = null): ServerContext['maintenance'] {
  // fleet members only: a drop-folder file naming itself a member of the DAG is not one the runbook relies on
  const otherDagMembers = f.dag ? (fleet.byDag.get(f.dag.toLowerCase()) ?? []).filter((p) => p.name !== f.name && p.fleetMember).map((p) => p.name) : [];
  const mailbox = f.kind === 'dag-mailbox' || f.kind === 'mailbox';
  const redirect = mailbox ? redirectCandidate(f, wave, fleet) : { target: null, why: null };
  return {
    kind: f.kind,
    dagMailbox: f.kind === 'dag-mailbox',
    mailbox: f.kind === 'mailbox',
    edge: f.kind === 'edge',
    none: f.kind === 'none',
    summary: summaries[f.kind],
    dag: f.dag,
    redirectTarget: redirect.target,
    redirectNone: redirect.why,
    otherDagMembers,
  };
}
