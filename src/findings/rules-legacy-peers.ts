// Protocol-log evidence (collector section protocolLogs): peers still negotiating TLS 1.0/1.1 block phase 2.
// The section is secondary evidence and may be absent, disabled, failed or truncated: only 'scanned' has its full shape.
import { finding, type RuleResult, type ServerContext } from './context.js';
import type { PolicyRule } from './policy.js';
import type { ProtocolLogs } from '../inventory/types.js';
import type { Evidence, LegacyPeer } from './types.js';

type PeersRule = Extract<PolicyRule, { rule: 'legacy-peers' }>;

function legacyPeers(logs: ProtocolLogs, versions: string[]): LegacyPeer[] {
  const out: LegacyPeer[] = [];
  for (const p of logs.peers ?? []) {
    for (const v of versions) {
      const count = p.tlsVersions?.[v] ?? 0;
      if (typeof count !== 'number' || count <= 0) continue;
      const direction = p.direction === 'receive' || p.direction === 'send' ? p.direction : 'unknown';
      const remote = p.remoteAddress ?? '(unknown address)';
      const lastSeen = p.tlsLastSeen?.[v] ?? null;
      const where = [p.service, p.connector].filter(Boolean).join(' / ');
      out.push({
        remote, tlsVersion: v, direction, count, lastSeen,
        display: `${remote} ${direction === 'receive' ? '→ this server' : direction === 'send' ? '← this server' : ''} ${v} × ${count}${where ? ` (${where})` : ''}${lastSeen ? `, last ${lastSeen}` : ''}`.replace(/\s+/g, ' '),
      });
    }
  }
  return out.sort((a, b) => b.count - a.count || a.remote.localeCompare(b.remote));
}

export function legacyPeersRule(ctx: ServerContext, rule: PeersRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  const logs = ctx.data.protocolLogs ?? null;
  const versions = rule.versions.join('/');
  if (!logs || logs.status !== 'scanned') {
    out.findings.push(finding({
      id: 'LEGACY-PEERS-NOT-CHECKED',
      severity: 'info',
      category: 'protocol-logs',
      title: `No SMTP protocol-log evidence about peers on ${versions}`,
      explanation:
        `The protocol logs were not scanned (${logs ? `${logs.status ?? 'unknown status'}${logs.message ? `: ${logs.message}` : ''}` : 'section absent'}). ` +
        `Before turning ${versions} off, find the senders and receivers that still use them (scan the logs with extls inventory, or Select-String the FrontEnd receive logs for SP_PROT_TLS1_0).`,
      evidence: [{ kind: 'protocol-log', path: null, name: 'status', raw: logs?.status ?? null, display: logs?.status ?? 'not collected' }],
    }));
    return out;
  }
  const peers = legacyPeers(logs, rule.versions);
  if (!peers.length) return out;
  const sessions = peers.reduce((n, p) => n + p.count, 0);
  const remotes = [...new Set(peers.map((p) => p.remote))];
  const ev: Evidence = {
    kind: 'protocol-log',
    path: (logs.folders ?? []).filter((f) => f.exists).map((f) => f.path).filter(Boolean).join('; ') || null,
    name: 'peers',
    raw: sessions,
    display: `${remotes.length} peer(s), ${sessions} session(s) on ${versions} since ${logs.window?.start ?? '?'}${logs.truncated || (logs.limits?.peersOmitted ?? 0) > 0 ? ' (scan truncated: there may be more)' : ''}`,
    peers,
  };
  const f = finding({
    id: 'LEGACY-PEERS-SEEN',
    severity: rule.severity,
    category: 'protocol-logs',
    title: `${remotes.length} SMTP peer(s) still use ${versions} (${sessions} sessions)`,
    explanation:
      `The SMTP protocol logs show these peers negotiating ${versions}. Turning those versions off makes their mail fail ` +
      '(421 4.4.2 / TLS negotiation failed) unless they move to TLS 1.2 first; contact them or their admins, then collect again.',
    evidence: [ev],
  });
  out.findings.push(f);
  out.blockers.push({ kind: 'legacy-peers', message: f.title, evidence: [ev] });
  return out;
}
