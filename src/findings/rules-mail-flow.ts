// Mail-flow failures: the protocol-log error groups (protocolLogs.errors, peers' starttlsWithoutHandshake and
// mailWithoutTls) judged as findings, one per direction × connector × remote × cause class, each naming the findings
// of the same server that probably cause it. Runs after every other rule of the server: it picks its causes among
// their findings.
import { createHash } from 'node:crypto';
import { finding, type ServerContext } from './context.js';
import { findProtocol } from './rules-schannel.js';
import type { Evidence, Finding, MailFlowFailure, MailFlowCause, Severity } from './types.js';
import { isCredentialCause } from './exchange-config.js';

/**
 * A failure last seen within this many days before the end of the log window is "failing now" (critical for TLS
 * causes). Policies can set `failingNowDays`; this is the default.
 */
export const DEFAULT_FAILING_NOW_DAYS = 2;

interface LogError {
  kind?: string;
  code?: string | null;
  signature?: string;
  direction?: string;
  service?: string;
  connector?: string;
  remoteAddress?: string | null;
  count?: number;
  firstSeen?: string;
  lastSeen?: string;
  samples?: { file?: string; line?: number; text?: string }[];
}
interface LogPeer {
  direction?: string;
  service?: string;
  connector?: string;
  remoteAddress?: string | null;
  starttlsWithoutHandshake?: number;
  mailWithoutTls?: number;
  firstSeen?: string;
  lastSeen?: string;
}
interface Logs {
  status?: string;
  window?: { referenceTime?: string; start?: string; logDays?: number };
  errors?: LogError[];
  peers?: LogPeer[];
}

const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Which cause class a logged error belongs to. */
export function classify(e: { kind?: string; signature?: string }): MailFlowCause {
  const sig = e.signature ?? '';
  switch (e.kind) {
    case 'smtp-451-5.7.3':
    case 'smtp-530-5.7.0':
      return 'starttls-required';
    case 'smtp-421-4.4.2':
      return /SocketError/i.test(sig) ? 'tls-handshake' : 'network';
    case 'smtp-454-4.7.x':
      // "454 4.7.0 TLS not available due to local problem": the answering server has no usable certificate
      return 'credentials';
    default:
      return /UnknownCredentials|NoCredentials|certificate/i.test(sig) ? 'credentials' : 'tls-handshake';
  }
}

const classWord: Record<MailFlowCause, string> = {
  'tls-handshake': 'HANDSHAKE',
  credentials: 'CREDENTIALS',
  'starttls-required': 'STARTTLS',
  network: 'NETWORK',
};

const classTitle: Record<MailFlowCause, string> = {
  'tls-handshake': 'TLS handshake fails',
  credentials: 'TLS fails for lack of a usable certificate',
  'starttls-required': 'STARTTLS required but not done',
  network: 'connection drops (network, not TLS)',
};

/** Categories the Exchange-config rules use for certificates and connectors. */
const CERT_CATEGORIES: readonly string[] = ['certificate', 'connector'];

function sameConnector(a: string | null, logged: string): boolean {
  if (a === null) return false;
  const norm = (s: string) => s.trim().toLowerCase();
  // receive connectors are logged as "SERVER\Connector name"
  const bare = logged.includes('\\') ? logged.slice(logged.indexOf('\\') + 1) : logged;
  return norm(a) === norm(logged) || norm(a) === norm(bare) || norm(a.includes('\\') ? a.slice(a.indexOf('\\') + 1) : a) === norm(bare);
}

function certificateCauses(findings: Finding[], connector: string): string[] {
  // a certificate that is still valid (expiring), or one only a peer would refuse, is never the cause (exchange-config.ts)
  const live = findings.filter((f) => CERT_CATEGORIES.includes(f.category) && f.severity !== 'info' && isCredentialCause(f.id));
  const named = live.filter((f) => sameConnector(f.connector, connector));
  if (named.length) return named.map((f) => f.id);
  // no finding names this connector: any certificate finding about SMTP (not tied to one connector) may be it
  return live.filter((f) => (f.category as string) === 'certificate' && f.connector === null).map((f) => f.id);
}

function tlsCauses(findings: Finding[], side: 'CLIENT' | 'SERVER'): string[] {
  const patterns = [
    new RegExp(`^TLS12-${side}-(DISABLED|FAULTY|UNKNOWN)$`),
    /^CIPHERS-NO-M365-SUITE$/,
    /^SCHANNEL-ALGORITHMS-NO-M365-SUITE$/,
    /^TRUSTED-ROOT-MISSING-[0-9A-F]{40}$/,
    /^EXCHANGE-TOO-OLD-FOR-TLS12$/,
    /^TLS13-ENABLED-UNSUPPORTED$/,
  ];
  return findings.filter((f) => f.severity !== 'info' && patterns.some((p) => p.test(f.id))).map((f) => f.id);
}

function causesFor(cls: MailFlowCause, direction: string, connector: string, findings: Finding[]): string[] {
  const side = direction === 'receive' ? 'SERVER' : 'CLIENT';
  switch (cls) {
    case 'tls-handshake': return tlsCauses(findings, side);
    case 'credentials': return certificateCauses(findings, connector);
    case 'starttls-required': return [...new Set([...tlsCauses(findings, side), ...certificateCauses(findings, connector)])];
    case 'network': return [];
  }
}

function noCauseText(cls: MailFlowCause, direction: string): string {
  const send = direction !== 'receive';
  switch (cls) {
    case 'tls-handshake':
      return send
        ? 'No finding on this server explains it (extls found TLS 1.2 Client usable and no cipher suite order without a suite Exchange Online accepts): look at the peer\'s side, a middlebox that inspects or blocks STARTTLS on port 25, or the certificate either side presents.'
        : 'No finding on this server explains it: the peer may offer only TLS versions or cipher suites this server refuses, a middlebox may interfere, or the certificate this connector presents is rejected.';
    case 'credentials':
      return 'No certificate or connector finding on this server names it (extls collected no Exchange certificate data, or it found nothing wrong): check with Get-ExchangeCertificate that a valid certificate with the SMTP service and the connector\'s FQDN (or TlsCertificateName) exists and that its private key is readable by the transport service.';
    case 'starttls-required':
      return send
        ? 'No finding on this server explains it: the send connector may not be offering STARTTLS (check RequireTLS, TlsAuthLevel and IgnoreSTARTTLS on the connector), or a middlebox strips STARTTLS from the conversation.'
        : 'No finding on this server explains it: the connector requires TLS and the peer did not start it (its side, or a middlebox that strips STARTTLS).';
    case 'network':
      return 'This is not a TLS problem: the connection timed out or dropped (network path, firewall, or the peer not answering). Changing TLS settings will not fix it.';
  }
}

function whatItMeans(cls: MailFlowCause, direction: string): string {
  const send = direction !== 'receive';
  switch (cls) {
    case 'tls-handshake':
      return send
        ? 'This server started TLS as a client and the handshake broke off. Exchange Online accepts only TLS 1.2 with its listed cipher suites, so a sender without TLS 1.2 Client (or without any of those suites) gets exactly this: "TLS negotiation failed with error SocketError" and "421 4.4.2 Connection dropped due to SocketError", and the mail stays queued.'
        : 'A peer started TLS against this server and the handshake broke off; senders that require TLS (Exchange Online, partner connectors) then cannot deliver here.';
    case 'credentials':
      return 'TLS could not start because the certificate the connector must present was not found or not usable (UnknownCredentials / NoCredentials: missing, expired, wrong name, or private key not readable by the transport service). Microsoft KB4051498 and KB4495258 describe these errors and the fix.';
    case 'starttls-required':
      return send
        ? 'The peer requires STARTTLS ("451 5.7.3 Must issue a STARTTLS command first") and this server did not offer or complete it, so the peer refuses the mail.'
        : 'This server\'s connector requires TLS and the peer sent without completing STARTTLS, so this server refused the mail.';
    case 'network':
      return 'The connection dropped or timed out.';
  }
}

/** A stable id for the group: direction, connector and remote hashed into six hex digits. */
function groupId(cls: MailFlowCause, direction: string, connector: string, remote: string | null): string {
  const h = createHash('sha1').update(`${direction}\u0000${connector}\u0000${remote ?? ''}`).digest('hex').slice(0, 6).toUpperCase();
  return `MAILFLOW-${direction === 'receive' ? 'RECEIVE' : 'SEND'}-${classWord[cls]}-${h}`;
}

function severityFor(cls: MailFlowCause, failingNow: boolean): Severity {
  // A timeout to a remote host is not this server's TLS failing: reported, never above medium.
  if (cls === 'network') return failingNow ? 'medium' : 'low';
  return failingNow ? 'critical' : 'high';
}

interface Group {
  cls: MailFlowCause;
  direction: 'receive' | 'send' | 'unknown';
  service: string;
  connector: string;
  remote: string | null;
  errors: LogError[];
  starttlsWithoutHandshake: number;
  mailWithoutTls: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

const minIso = (a: string | null, b: string | undefined | null) => (!b ? a : !a || b < a ? b : a);
const maxIso = (a: string | null, b: string | undefined | null) => (!b ? a : !a || b > a ? b : a);
const dirOf = (d: string | undefined): Group['direction'] => (d === 'receive' || d === 'send' ? d : 'unknown');

interface MailFlowOptions {
  failingNowDays?: number;
}

export function mailFlowFindings(ctx: ServerContext, others: Finding[], options: MailFlowOptions = {}): Finding[] {
  const logs = isObject(ctx.data.protocolLogs) ? (ctx.data.protocolLogs as Logs) : null;
  if (!logs || logs.status !== 'scanned') return [];
  const days = options.failingNowDays ?? DEFAULT_FAILING_NOW_DAYS;
  const endText = logs.window?.referenceTime;
  const end = endText && !Number.isNaN(Date.parse(endText)) ? new Date(endText) : ctx.referenceTime;
  const nowFrom = new Date(end.getTime() - days * 86_400_000).toISOString();

  const groups = new Map<string, Group>();
  const groupFor = (cls: MailFlowCause, direction: string | undefined, service: string | undefined, connector: string | undefined, remote: string | null | undefined) => {
    const d = dirOf(direction);
    const key = `${cls}\u0000${d}\u0000${connector ?? ''}\u0000${remote ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { cls, direction: d, service: service ?? 'unknown', connector: connector ?? '', remote: remote ?? null, errors: [], starttlsWithoutHandshake: 0, mailWithoutTls: 0, firstSeen: null, lastSeen: null };
      groups.set(key, g);
    }
    return g;
  };
  for (const e of Array.isArray(logs.errors) ? logs.errors : []) {
    if (!isObject(e)) continue;
    const g = groupFor(classify(e), e.direction, e.service, e.connector, e.remoteAddress);
    g.errors.push(e);
    g.firstSeen = minIso(g.firstSeen, e.firstSeen);
    g.lastSeen = maxIso(g.lastSeen, e.lastSeen);
  }
  // Peers that issued STARTTLS and never completed a handshake, or carried mail in plaintext, belong to the TLS
  // failures already grouped for them; STARTTLS without a handshake and no logged error is a handshake failure too.
  const peerKey = (d: string | undefined, connector: string | undefined, remote: string | null | undefined) => `${dirOf(d)}\u0000${connector ?? ''}\u0000${remote ?? ''}`;
  const tlsGroupOf = new Map<string, Group>();
  for (const g of groups.values()) {
    const k = peerKey(g.direction, g.connector, g.remote);
    if (g.cls !== 'network' && !tlsGroupOf.has(k)) tlsGroupOf.set(k, g);
  }
  for (const p of Array.isArray(logs.peers) ? logs.peers : []) {
    if (!isObject(p)) continue;
    const stalled = typeof p.starttlsWithoutHandshake === 'number' ? p.starttlsWithoutHandshake : 0;
    const plain = typeof p.mailWithoutTls === 'number' ? p.mailWithoutTls : 0;
    if (stalled <= 0 && plain <= 0) continue;
    const same = tlsGroupOf.get(peerKey(p.direction, p.connector, p.remoteAddress));
    if (same) {
      same.starttlsWithoutHandshake += stalled;
      same.mailWithoutTls += plain;
    } else if (stalled > 0) {
      const g = groupFor('tls-handshake', p.direction, p.service, p.connector, p.remoteAddress);
      g.starttlsWithoutHandshake += stalled;
      g.mailWithoutTls += plain;
      g.firstSeen = minIso(g.firstSeen, p.firstSeen);
      g.lastSeen = maxIso(g.lastSeen, p.lastSeen);
    }
  }

  const out: Finding[] = [];
  for (const g of groups.values()) {
    // most frequent first; on a tie the TLS line, which says more than the 421 that follows it
    const errors = [...g.errors].sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || Number(b.kind === 'tls-negotiation-failed') - Number(a.kind === 'tls-negotiation-failed'));
    // one failed session logs several of these lines (TLS negotiation failed, then 421 4.4.2): count the largest
    const count = Math.max(g.starttlsWithoutHandshake, ...errors.map((e) => (typeof e.count === 'number' ? e.count : 0)));
    const failingNow = g.lastSeen !== null && g.lastSeen >= nowFrom;
    const causes = causesFor(g.cls, g.direction, g.connector, others);
    const error = errors[0]?.signature ?? `STARTTLS issued, no TLS handshake completed (${g.starttlsWithoutHandshake} session${g.starttlsWithoutHandshake === 1 ? '' : 's'})`;
    const remote = g.remote ?? '(unknown address)';
    const causeText = causes.length
      ? `Probable cause on this server: ${causes.join(', ')} (see ${causes.length === 1 ? 'that finding' : 'those findings'}); fixing it should make these errors stop.`
      : noCauseText(g.cls, g.direction);
    const tls12 = findProtocol(ctx, 'TLS 1.2');
    const sideOff = g.cls !== 'network' && g.cls !== 'credentials' && !causes.length && tls12 && (g.direction === 'receive' ? tls12.server : tls12.client).state !== 'on'
      ? ` (TLS 1.2 ${g.direction === 'receive' ? 'Server' : 'Client'} is ${(g.direction === 'receive' ? tls12.server : tls12.client).display} here, though no policy in this run judges it.)`
      : '';
    const failure: MailFlowFailure = {
      cause: g.cls,
      direction: g.direction,
      service: g.service,
      connector: g.connector,
      remote: g.remote,
      error,
      signatures: errors.map((e) => ({ kind: e.kind ?? 'unknown', code: e.code ?? null, signature: e.signature ?? '', count: e.count ?? 0 })),
      count,
      starttlsWithoutHandshake: g.starttlsWithoutHandshake,
      mailWithoutTls: g.mailWithoutTls,
      firstSeen: g.firstSeen,
      lastSeen: g.lastSeen,
      failingNow,
      failingNowSince: nowFrom,
      probableCause: causes.length ? causes.join(', ') : g.cls === 'network' ? 'network, not TLS' : 'no cause in this server\'s settings',
    };
    const summary: Evidence = {
      kind: 'protocol-log',
      path: null,
      name: 'failures',
      raw: count,
      display:
        `${g.direction} ${g.service} connector "${g.connector}" ${g.direction === 'receive' ? 'from' : 'to'} ${remote}: ` +
        `${errors.map((e) => `${e.signature} × ${e.count}`).join('; ') || error}` +
        `${g.starttlsWithoutHandshake && errors.length ? `; STARTTLS without a handshake × ${g.starttlsWithoutHandshake}` : ''}` +
        `${g.mailWithoutTls ? `; ${g.mailWithoutTls} session(s) carried mail without TLS` : ''}; first ${g.firstSeen ?? '?'}, last ${g.lastSeen ?? '?'}`,
      failure,
    };
    const samples: Evidence[] = errors.flatMap((e) => (Array.isArray(e.samples) ? e.samples : []).map((s) => ({
      kind: 'protocol-log' as const,
      path: typeof s.file === 'string' ? s.file : null,
      name: typeof s.line === 'number' ? `line ${s.line}` : null,
      raw: typeof s.text === 'string' ? s.text : null,
      display: typeof s.text === 'string' ? s.text : '',
    })));
    out.push(finding({
      id: groupId(g.cls, g.direction, g.connector, g.remote),
      severity: severityFor(g.cls, failingNow),
      category: 'mail-flow',
      title: `${failingNow ? 'Failing now' : 'Failed'}: ${g.direction === 'receive' ? 'receive' : 'send'} connector "${g.connector}" ${g.direction === 'receive' ? 'from' : 'to'} ${remote}: ${classTitle[g.cls]} (${count} × ${error})`,
      explanation:
        `${whatItMeans(g.cls, g.direction)} Seen ${count} time(s) between ${g.firstSeen ?? '?'} and ${g.lastSeen ?? '?'}` +
        `${failingNow ? ` — within the last ${days} day(s) of the log window, so mail is failing now` : ` — not within the last ${days} day(s) of the log window`}. ${causeText}${sideOff}`,
      evidence: [summary, ...samples],
      restartRequired: false,
      causes,
      connector: g.connector || null,
    }));
  }
  return out;
}
