// What changed between two inventories, per server: the proof after a change window, and drift over time.
// Both are judged by the same policies at the same reference time, so a verdict changes only because the server did.
// Everything the analysis knows is compared generically: host facts, SCHANNEL sides, verdicts, every finding (of
// whatever category: SCHANNEL, .NET, mail flow, certificates, connectors...), legacy-TLS peers, the certificates and
// connectors the collector read, and the fleet findings. Each item is new, resolved, changed or unchanged.
import { analyzeInventory } from '../findings/analyze.js';
import { byServerName } from '../util/server-order.js';
import type { Policy } from '../findings/policy.js';
import type { Finding, FindingCategory, FindingsDocument, FleetFinding, LegacyPeer, ServerAnalysis } from '../findings/types.js';

type ChangeKind = 'server' | 'status' | 'build' | 'setting' | 'verdict' | 'finding' | 'peer' | 'certificate' | 'connector' | 'fleet' | 'record';

/** The categories a change is counted under: every finding category, and the facts that are no finding. */
const findingCategories: Record<FindingCategory, true> = {
  schannel: true,
  dotnet: true,
  winhttp: true,
  exchange: true,
  os: true,
  reboot: true,
  'protocol-logs': true,
  collection: true,
  'mail-flow': true,
  certificate: true,
  connector: true,
};
export const diffCategories = [...(Object.keys(findingCategories) as FindingCategory[]), 'host', 'verdict', 'fleet', 'record'] as const;
export type DiffCategory = (typeof diffCategories)[number];

export type ChangeState = 'new' | 'resolved' | 'changed' | 'unchanged';

export interface Change {
  kind: ChangeKind;
  /** what it is counted under in the summary: the finding's category, or host, verdict, fleet, record */
  category: DiffCategory;
  /** what changed: "TLS 1.0 Server", "Exchange build", "tls12-ready", "NET4-STRONGCRYPTO-MISSING", "10.0.0.5 TLS 1.0 receive" */
  item: string;
  /** new: not there before; resolved: not there any more; changed; unchanged */
  state: ChangeState;
  /** null: not there before (after: not there any more) */
  before: string | null;
  after: string | null;
}

export interface ServerDiff {
  server: string;
  /** invalid: a record of either inventory could not be judged (its schema errors are in `changes`), never "removed" */
  change: 'added' | 'removed' | 'changed' | 'unchanged' | 'invalid';
  /** what differs; with the unchanged items too, so a finding still open is visible (state "unchanged") */
  changes: Change[];
}

export type CategoryCounts = Record<ChangeState, number>;

export interface InventoryDiff {
  schemaVersion: 1;
  referenceTime: string;
  policies: string[];
  reference: { file: string; createdAt: string | null };
  difference: { file: string; createdAt: string | null };
  servers: ServerDiff[];
  /** fleet findings (DAG/site drift, organisation connectors), by id and group */
  fleet: Change[];
  summary: { added: number; removed: number; changed: number; unchanged: number; invalid: number; byCategory: Record<DiffCategory, CategoryCounts> };
}

interface Fact {
  kind: ChangeKind;
  category: DiffCategory;
  item: string;
  value: string | null;
}

/** The facts compared, by item name: builds, SCHANNEL sides, policy verdicts. */
function hostFacts(s: ServerAnalysis): Fact[] {
  const out: Fact[] = [{ kind: 'status', category: 'host', item: 'Status', value: s.status === 'ok' ? 'ok' : `failed (${s.failure?.category ?? 'unknown'})` }];
  if (s.host) {
    out.push({ kind: 'build', category: 'os', item: 'Windows build', value: s.host.os.build === null ? null : `${s.host.os.build}${s.host.os.ubr === null ? '' : `.${s.host.os.ubr}`}` });
    out.push({ kind: 'build', category: 'exchange', item: 'Exchange build', value: s.host.exchange.build });
    out.push({ kind: 'build', category: 'dotnet', item: '.NET Framework', value: s.host.dotNet.version ?? (s.host.dotNet.release === null ? null : String(s.host.dotNet.release)) });
    out.push({ kind: 'status', category: 'reboot', item: 'Reboot pending', value: String(s.host.pendingReboot) });
  }
  for (const p of s.protocols) {
    out.push({ kind: 'setting', category: 'schannel', item: `${p.protocol} Client`, value: p.client.display });
    out.push({ kind: 'setting', category: 'schannel', item: `${p.protocol} Server`, value: p.server.display });
  }
  for (const v of s.verdicts) out.push({ kind: 'verdict', category: 'verdict', item: v.policy, value: v.verdict });
  return out;
}

/** A finding as one line: severity and title, and for mail flow whether it is failing now and how often. */
function findingValue(f: Finding): string {
  const failure = f.evidence.find((e) => e.failure)?.failure;
  const flow = failure ? ` (${failure.failingNow ? 'failing now' : 'earlier'}, ${failure.count} x ${failure.error})` : '';
  return `${f.severity}: ${f.title}${flow}`;
}

function findingFacts(s: ServerAnalysis): Fact[] {
  return s.findings
    .filter((f) => f.severity !== 'info' || f.policies.length > 0)
    .map((f) => ({ kind: 'finding' as const, category: f.category, item: f.id, value: findingValue(f) }));
}

function peerFacts(s: ServerAnalysis): Fact[] {
  const peers = new Map<string, LegacyPeer>();
  for (const f of s.findings) {
    for (const e of f.evidence) for (const p of e.peers ?? []) peers.set(`${p.remote} ${p.tlsVersion} ${p.direction}`, p);
    for (const b of f.blockers) for (const e of b.evidence) for (const p of e.peers ?? []) peers.set(`${p.remote} ${p.tlsVersion} ${p.direction}`, p);
  }
  // the count and last-seen move every day: a peer is the same peer while it is there
  return [...peers].map(([key]) => ({ kind: 'peer' as const, category: 'protocol-logs' as const, item: key, value: 'uses legacy TLS' }));
}

type Loose = Record<string, unknown>;
const text = (v: unknown): string => (v === null || v === undefined ? '-' : Array.isArray(v) ? (v.length ? v.join(', ') : '-') : String(v));

/** The certificates and connectors the collector read (data.exchangeConfig), keyed so a renewal is a change. */
function exchangeFacts(record: Loose | undefined): Fact[] {
  const config = ((record?.data as Loose | null | undefined)?.exchangeConfig ?? null) as Loose | null;
  if (!config) return [];
  const out: Fact[] = [];
  const certificates = (Array.isArray(config.certificates) ? config.certificates : []) as Loose[];
  const subjects = new Map<string, number>();
  for (const c of certificates) subjects.set(text(c.subject), (subjects.get(text(c.subject)) ?? 0) + 1);
  for (const c of certificates) {
    // by subject, so a renewed certificate (new thumbprint, later expiry) is one changed item; by thumbprint when
    // the server holds several with one subject
    const subject = text(c.subject);
    const item = `Certificate ${subject}${(subjects.get(subject) ?? 0) > 1 ? ` (${text(c.thumbprint)})` : ''}`;
    const expires = typeof c.notAfter === 'string' ? c.notAfter.slice(0, 10) : '-';
    out.push({ kind: 'certificate', category: 'certificate', item, value: `${text(c.thumbprint)}, expires ${expires}, services ${text(c.services)}, ${text(c.status)}` });
  }
  for (const c of (Array.isArray(config.sendConnectors) ? config.sendConnectors : []) as Loose[]) {
    out.push({
      kind: 'connector',
      category: 'connector',
      item: `Send connector ${text(c.name ?? c.identity)}`,
      value: `Enabled ${text(c.enabled)}, RequireTLS ${text(c.requireTls)}, TlsAuthLevel ${text(c.tlsAuthLevel)}, TlsDomain ${text(c.tlsDomain)}, IgnoreStartTLS ${text(c.ignoreStartTls)}, TlsCertificateName ${text(c.tlsCertificateName)}, SmartHosts ${text(c.smartHosts)}`,
    });
  }
  for (const c of (Array.isArray(config.receiveConnectors) ? config.receiveConnectors : []) as Loose[]) {
    out.push({
      kind: 'connector',
      category: 'connector',
      item: `Receive connector ${text(c.identity ?? c.name)}`,
      value: `Enabled ${text(c.enabled)}, RequireTLS ${text(c.requireTls)}, AuthMechanism ${text(c.authMechanism)}, TlsCertificateName ${text(c.tlsCertificateName)}, Bindings ${text(c.bindings)}`,
    });
  }
  return out;
}

/** Pairs the items of two fact lists by name: new, resolved, changed, unchanged, in a stable order. */
function compareFacts(before: Fact[], after: Fact[]): Change[] {
  const changes: Change[] = [];
  const a = new Map(after.map((f) => [`${f.kind} ${f.item}`, f]));
  const seen = new Set<string>();
  for (const f of before) {
    const key = `${f.kind} ${f.item}`;
    seen.add(key);
    const now = a.get(key);
    if (!now || now.value === null) {
      if (f.value !== null) changes.push({ kind: f.kind, category: f.category, item: f.item, state: 'resolved', before: f.value, after: null });
      continue;
    }
    const state: ChangeState = f.value === null ? 'new' : now.value === f.value ? 'unchanged' : 'changed';
    changes.push({ kind: f.kind, category: now.category, item: f.item, state, before: f.value, after: now.value });
  }
  for (const f of after) {
    if (!seen.has(`${f.kind} ${f.item}`) && f.value !== null) changes.push({ kind: f.kind, category: f.category, item: f.item, state: 'new', before: null, after: f.value });
  }
  return changes;
}

function diffServer(before: ServerAnalysis, after: ServerAnalysis, rawBefore: Loose | undefined, rawAfter: Loose | undefined): Change[] {
  return [
    ...compareFacts(hostFacts(before), hostFacts(after)),
    ...compareFacts(findingFacts(before), findingFacts(after)),
    ...compareFacts(peerFacts(before), peerFacts(after)),
    ...compareFacts(exchangeFacts(rawBefore), exchangeFacts(rawAfter)),
  ];
}

function fleetFacts(doc: FindingsDocument): Fact[] {
  return doc.fleetFindings.map((f: FleetFinding) => ({
    kind: 'fleet' as const,
    category: 'fleet' as const,
    item: `${f.id} ${f.group.kind} ${f.group.name}`,
    value: `${f.severity}: ${f.title}: ${f.differences.map((d) => `${d.setting}: ${d.values.map((v) => v.display).join(' | ')}`).join('; ')}`,
  }));
}

function rawRecords(inventory: unknown): Map<string, Loose> {
  const servers = (inventory as { servers?: unknown } | null)?.servers;
  const out = new Map<string, Loose>();
  if (!Array.isArray(servers)) return out;
  for (const r of servers as Loose[]) if (r && typeof r === 'object' && typeof r.server === 'string') out.set(r.server.toLowerCase(), r);
  return out;
}

interface Side {
  doc: FindingsDocument;
  raw: Map<string, Loose>;
  file: string;
}

function diffFindings(reference: Side, difference: Side): InventoryDiff {
  const before = new Map(reference.doc.servers.map((s) => [s.server.toLowerCase(), s]));
  const after = new Map(difference.doc.servers.map((s) => [s.server.toLowerCase(), s]));
  // a record that could not be judged is reported as invalid, on whichever side, never as removed or added
  const invalid = new Map<string, { server: string; changes: Change[] }>();
  for (const [side, doc] of [['before', reference.doc], ['after', difference.doc]] as const) {
    for (const e of doc.inputErrors) {
      const key = e.server.toLowerCase();
      const entry = invalid.get(key) ?? { server: e.server, changes: [] };
      const message = `invalid in ${side === 'before' ? reference.file : difference.file}: ${e.messages.join('; ')}`;
      entry.changes.push({ kind: 'record', category: 'record', item: 'Record', state: 'changed', before: side === 'before' ? message : null, after: side === 'after' ? message : null });
      invalid.set(key, entry);
    }
  }
  const servers: ServerDiff[] = [...invalid.values()].map((e) => ({ server: e.server, change: 'invalid' as const, changes: e.changes }));
  for (const [key, b] of before) {
    if (invalid.has(key)) continue;
    const a = after.get(key);
    if (!a) {
      servers.push({ server: b.server, change: 'removed', changes: [{ kind: 'server', category: 'host', item: 'Server', state: 'resolved', before: b.server, after: null }] });
      continue;
    }
    const changes = diffServer(b, a, reference.raw.get(key), difference.raw.get(key));
    servers.push({ server: a.server, change: changes.some((c) => c.state !== 'unchanged') ? 'changed' : 'unchanged', changes });
  }
  for (const [key, a] of after) {
    if (!before.has(key) && !invalid.has(key)) servers.push({ server: a.server, change: 'added', changes: [{ kind: 'server', category: 'host', item: 'Server', state: 'new', before: null, after: a.server }] });
  }
  servers.sort((x, y) => byServerName(x.server, y.server));
  const fleet = compareFacts(fleetFacts(reference.doc), fleetFacts(difference.doc));

  const byCategory = Object.fromEntries(diffCategories.map((c) => [c, { new: 0, resolved: 0, changed: 0, unchanged: 0 }])) as Record<DiffCategory, CategoryCounts>;
  for (const c of [...servers.flatMap((s) => s.changes), ...fleet]) byCategory[c.category][c.state] += 1;
  const count = (c: ServerDiff['change']) => servers.filter((s) => s.change === c).length;
  return {
    schemaVersion: 1,
    referenceTime: difference.doc.referenceTime,
    policies: difference.doc.policies.map((p) => p.id),
    reference: { file: reference.file, createdAt: reference.doc.inventory.createdAt },
    difference: { file: difference.file, createdAt: difference.doc.inventory.createdAt },
    servers,
    fleet,
    summary: { added: count('added'), removed: count('removed'), changed: count('changed'), unchanged: count('unchanged'), invalid: count('invalid'), byCategory },
  };
}

/** Judges both inventories by the same policies at the same time and compares them. */
export function diffInventories(
  reference: unknown,
  difference: unknown,
  policies: Policy[],
  files: { reference: string; difference: string },
  referenceTime: Date = new Date(),
): { diff: InventoryDiff; inputErrors: { file: string; server: string; messages: string[] }[] } {
  const before = analyzeInventory(reference, policies, { referenceTime });
  const after = analyzeInventory(difference, policies, { referenceTime });
  const inputErrors = [
    ...before.inputErrors.map((e) => ({ file: files.reference, server: e.server, messages: e.messages })),
    ...after.inputErrors.map((e) => ({ file: files.difference, server: e.server, messages: e.messages })),
  ];
  const diff = diffFindings({ doc: before, raw: rawRecords(reference), file: files.reference }, { doc: after, raw: rawRecords(difference), file: files.difference });
  return { diff, inputErrors };
}
