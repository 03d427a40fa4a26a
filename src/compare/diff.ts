// What changed between two inventories, per server: the proof after a change window, and drift over time.
// Both are judged by the same policies at the same reference time, so a verdict changes only because the server did.
import { analyzeInventory } from '../findings/analyze.js';
import { byServerName } from '../util/server-order.js';
import type { Policy } from '../findings/policy.js';
import type { FindingsDocument, LegacyPeer, ServerAnalysis } from '../findings/types.js';

type ChangeKind = 'server' | 'status' | 'build' | 'setting' | 'verdict' | 'finding' | 'peer';

export interface Change {
  kind: ChangeKind;
  /** what changed: "TLS 1.0 Server", "Exchange build", "tls12-ready", "NET4-STRONGCRYPTO-MISSING", "10.0.0.5 TLS 1.0 receive" */
  item: string;
  /** null: not there before (after: not there any more) */
  before: string | null;
  after: string | null;
}

export interface ServerDiff {
  server: string;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  changes: Change[];
}

export interface InventoryDiff {
  schemaVersion: 1;
  referenceTime: string;
  policies: string[];
  reference: { file: string; createdAt: string | null };
  difference: { file: string; createdAt: string | null };
  servers: ServerDiff[];
  summary: { added: number; removed: number; changed: number; unchanged: number };
}

/** The facts compared, by item name: builds, SCHANNEL sides, policy verdicts. */
function facts(s: ServerAnalysis): { kind: ChangeKind; item: string; value: string | null }[] {
  const out: { kind: ChangeKind; item: string; value: string | null }[] = [
    { kind: 'status', item: 'Status', value: s.status === 'ok' ? 'ok' : `failed (${s.failure?.category ?? 'unknown'})` },
  ];
  if (s.host) {
    out.push({ kind: 'build', item: 'Windows build', value: s.host.os.build === null ? null : `${s.host.os.build}${s.host.os.ubr === null ? '' : `.${s.host.os.ubr}`}` });
    out.push({ kind: 'build', item: 'Exchange build', value: s.host.exchange.build });
    out.push({ kind: 'build', item: '.NET Framework', value: s.host.dotNet.version ?? (s.host.dotNet.release === null ? null : String(s.host.dotNet.release)) });
    out.push({ kind: 'status', item: 'Reboot pending', value: String(s.host.pendingReboot) });
  }
  for (const p of s.protocols) {
    out.push({ kind: 'setting', item: `${p.protocol} Client`, value: p.client.display });
    out.push({ kind: 'setting', item: `${p.protocol} Server`, value: p.server.display });
  }
  for (const v of s.verdicts) out.push({ kind: 'verdict', item: v.policy, value: v.verdict });
  return out;
}

function peersOf(s: ServerAnalysis): Map<string, LegacyPeer> {
  const peers = new Map<string, LegacyPeer>();
  for (const f of s.findings) {
    for (const e of f.evidence) for (const p of e.peers ?? []) peers.set(`${p.remote} ${p.tlsVersion} ${p.direction}`, p);
    for (const b of f.blockers) for (const e of b.evidence) for (const p of e.peers ?? []) peers.set(`${p.remote} ${p.tlsVersion} ${p.direction}`, p);
  }
  return peers;
}

function findingIds(s: ServerAnalysis): Map<string, string> {
  return new Map(s.findings.filter((f) => f.severity !== 'info' || f.policies.length > 0).map((f) => [f.id, `${f.severity}: ${f.title}`]));
}

/** Every difference between two analyses of one server, in a stable order. */
function diffServer(before: ServerAnalysis, after: ServerAnalysis): Change[] {
  const changes: Change[] = [];
  const a = new Map(facts(after).map((f) => [f.item, f]));
  const seen = new Set<string>();
  for (const f of facts(before)) {
    seen.add(f.item);
    const now = a.get(f.item);
    const value = now ? now.value : null;
    if (value !== f.value) changes.push({ kind: f.kind, item: f.item, before: f.value, after: value });
  }
  for (const f of a.values()) if (!seen.has(f.item) && f.value !== null) changes.push({ kind: f.kind, item: f.item, before: null, after: f.value });

  const fb = findingIds(before);
  const fa = findingIds(after);
  for (const [id, text] of fb) if (!fa.has(id)) changes.push({ kind: 'finding', item: id, before: text, after: null });
  for (const [id, text] of fa) if (!fb.has(id)) changes.push({ kind: 'finding', item: id, before: null, after: text });

  const pb = peersOf(before);
  const pa = peersOf(after);
  for (const [key, p] of pb) if (!pa.has(key)) changes.push({ kind: 'peer', item: key, before: p.display, after: null });
  for (const [key, p] of pa) if (!pb.has(key)) changes.push({ kind: 'peer', item: key, before: null, after: p.display });
  return changes;
}

function diffFindings(reference: FindingsDocument, difference: FindingsDocument, files: { reference: string; difference: string }): InventoryDiff {
  const before = new Map(reference.servers.map((s) => [s.server.toLowerCase(), s]));
  const after = new Map(difference.servers.map((s) => [s.server.toLowerCase(), s]));
  const servers: ServerDiff[] = [];
  for (const [key, b] of before) {
    const a = after.get(key);
    if (!a) {
      servers.push({ server: b.server, change: 'removed', changes: [{ kind: 'server', item: 'Server', before: b.server, after: null }] });
      continue;
    }
    const changes = diffServer(b, a);
    servers.push({ server: a.server, change: changes.length ? 'changed' : 'unchanged', changes });
  }
  for (const [key, a] of after) {
    if (!before.has(key)) servers.push({ server: a.server, change: 'added', changes: [{ kind: 'server', item: 'Server', before: null, after: a.server }] });
  }
  servers.sort((x, y) => byServerName(x.server, y.server));
  const count = (c: ServerDiff['change']) => servers.filter((s) => s.change === c).length;
  return {
    schemaVersion: 1,
    referenceTime: difference.referenceTime,
    policies: difference.policies.map((p) => p.id),
    reference: { file: files.reference, createdAt: reference.inventory.createdAt },
    difference: { file: files.difference, createdAt: difference.inventory.createdAt },
    servers,
    summary: { added: count('added'), removed: count('removed'), changed: count('changed'), unchanged: count('unchanged') },
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
  return { diff: diffFindings(before, after, files), inputErrors };
}
