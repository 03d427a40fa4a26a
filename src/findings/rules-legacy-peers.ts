// Protocol-log evidence (collector section protocolLogs): SMTP peers and HTTPS clients (IIS logs, protocolLogs.https)
// still negotiating TLS 1.0/1.1 block phase 2.
// The section is secondary evidence and may be absent, disabled, failed or truncated: only 'scanned' has its full shape.
import { finding, type RuleResult, type ServerContext } from './context.js';
import type { PolicyRule } from './policy.js';
import type { ProtocolLogs } from '../inventory/types.js';
import type { Https } from '../contracts/protocol-logs.js';
import type { Evidence, Finding, LegacyPeer } from './types.js';

type PeersRule = Extract<PolicyRule, { rule: 'legacy-peers' }>;

function legacyPeers(logs: ProtocolLogs, versions: string[]): LegacyPeer[] {
  const out: LegacyPeer[] = [];
  for (const p of logs.peers ?? []) {
    for (const v of versions) {
      const count = p.tlsVersions[v] ?? 0;
      if (count <= 0) continue;
      const direction = p.direction === 'receive' || p.direction === 'send' ? p.direction : 'unknown';
      const remote = p.remoteAddress ?? '(unknown address)';
      const remoteName = p.remoteName ?? null;
      const lastSeen = p.tlsLastSeen[v] ?? null;
      const where = [p.service, p.connector].filter(Boolean).join(' / ');
      out.push({
        remote, tlsVersion: v, direction, count, lastSeen, remoteName, protocol: 'smtp', where: where || null,
        display: `${remote}${remoteName ? ` (${remoteName})` : ''} ${direction === 'receive' ? '→ this server' : direction === 'send' ? '← this server' : ''} SMTP ${v} × ${count}${where ? ` (${where})` : ''}${lastSeen ? `, last ${lastSeen}` : ''}`.replace(/\s+/g, ' '),
      });
    }
  }
  return out.sort((a, b) => b.count - a.count || a.remote.localeCompare(b.remote));
}

/** HTTPS clients (Outlook, ActiveSync, EWS...) from the IIS logs' crypt-protocol field. */
function legacyHttpsClients(https: Https | undefined, versions: string[]): LegacyPeer[] {
  if (!https || https.status !== 'scanned') return [];
  const out: LegacyPeer[] = [];
  for (const c of https.clients ?? []) {
    for (const v of versions) {
      const count = c.tlsVersions[v] ?? 0;
      if (count <= 0) continue;
      const remote = c.remoteAddress ?? '(unknown address)';
      const lastSeen = c.tlsLastSeen[v] ?? null;
      out.push({
        remote, tlsVersion: v, direction: 'receive', count, lastSeen, remoteName: c.remoteName, protocol: 'https', where: c.site,
        display: `${remote}${c.remoteName ? ` (${c.remoteName})` : ''} → this server HTTPS ${v} × ${count} request(s) (IIS ${c.site})${lastSeen ? `, last ${lastSeen}` : ''}`,
      });
    }
  }
  return out.sort((a, b) => b.count - a.count || a.remote.localeCompare(b.remote));
}

/** IIS logs read, but none carries crypt-protocol: HTTPS clients' TLS versions are unknown. */
function httpsNotLogged(https: Https | undefined, versions: string): Finding | null {
  if (!https || https.status !== 'scanned' || !https.summary || https.summary.filesWithTlsFields > 0 || https.summary.filesWithoutTlsFields === 0) return null;
  return finding({
    id: 'LEGACY-HTTPS-NOT-LOGGED',
    severity: 'info',
    category: 'protocol-logs',
    title: `IIS logs do not record the TLS version: HTTPS clients on ${versions} not checked`,
    explanation:
      `${https.summary.filesWithoutTlsFields} IIS log file(s) were read and none has the custom field crypt-protocol, so Outlook, ActiveSync and EWS clients that still use ${versions} cannot be found there. ` +
      'Add the custom fields crypt-protocol (CRYPT_PROTOCOL), crypt-cipher (CRYPT_CIPHER_ALG_ID), crypt-hash (CRYPT_HASH_ALG_ID) and crypt-keyexchange (CRYPT_KEYEXCHANGE_ALG_ID) to the sites\' W3C logging (Microsoft Security blog, "New IIS functionality to help identify weak TLS usage", 2017-09-07; Exchange Team blog, "Exchange Server TLS guidance Part 2", 2018-04-02), wait, and collect again.',
    evidence: [{ kind: 'protocol-log', path: (https.folders ?? []).filter((f) => f.exists).map((f) => f.path).join('; ') || null, name: 'https.summary.filesWithoutTlsFields', raw: https.summary.filesWithoutTlsFields, display: `${https.summary.filesWithoutTlsFields} IIS log file(s) without crypt-protocol` }],
  });
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
    // the IIS logs may have been read all the same
    if (logs?.https?.status !== 'scanned') return out;
  }
  if (!logs) return out;
  const smtp = logs.status === 'scanned' ? legacyPeers(logs, rule.versions) : [];
  const https = legacyHttpsClients(logs.https, rule.versions);
  const unlogged = httpsNotLogged(logs.https, versions);
  if (unlogged) out.findings.push(unlogged);
  if (!smtp.length && !https.length) return out;
  const peers = [...smtp, ...https];
  const sessions = smtp.reduce((n, p) => n + p.count, 0);
  const requests = https.reduce((n, p) => n + p.count, 0);
  const remotes = [...new Set(smtp.map((p) => p.remote))];
  const clients = [...new Set(https.map((p) => p.remote))];
  const truncated = logs.truncated || (logs.limits?.peersOmitted ?? 0) > 0 || logs.https?.truncated === true || (logs.https?.limits?.clientsOmitted ?? 0) > 0;
  const what = [
    remotes.length ? `${remotes.length} SMTP peer(s), ${sessions} session(s)` : '',
    clients.length ? `${clients.length} HTTPS client(s), ${requests} request(s)` : '',
  ].filter(Boolean).join('; ');
  const ev: Evidence = {
    kind: 'protocol-log',
    path: [...(logs.folders ?? []), ...(logs.https?.folders ?? [])].filter((f) => f.exists).map((f) => f.path).filter(Boolean).join('; ') || null,
    name: 'peers',
    raw: sessions + requests,
    display: `${what} on ${versions} since ${logs.window?.start ?? logs.https?.window?.start ?? '?'}${truncated ? ' (scan truncated: there may be more)' : ''}`,
    peers,
  };
  const title = [
    remotes.length ? `${remotes.length} SMTP peer(s) still use ${versions} (${sessions} sessions)` : '',
    clients.length ? `${clients.length} HTTPS client(s) still use ${versions} (${requests} requests)` : '',
  ].filter(Boolean).join('; ');
  const f = finding({
    id: 'LEGACY-PEERS-SEEN',
    severity: rule.severity,
    category: 'protocol-logs',
    title,
    explanation:
      `${remotes.length ? `The SMTP protocol logs show these peers negotiating ${versions}. ` : ''}` +
      `${clients.length ? `The IIS logs (custom field crypt-protocol) show these HTTPS clients (Outlook, ActiveSync, EWS and others, named by their user agent) negotiating ${versions}. ` : ''}` +
      'Turning those versions off makes their connections fail ' +
      `(${remotes.length ? '421 4.4.2 / TLS negotiation failed' : ''}${remotes.length && clients.length ? '; ' : ''}${clients.length ? 'HTTPS handshake errors' : ''}) unless they move to TLS 1.2 first; contact them or their admins, then collect again.`,
    evidence: [ev],
  });
  out.findings.push(f);
  out.blockers.push({ kind: 'legacy-peers', message: f.title, evidence: [ev] });
  return out;
}
