// Mail-flow failures: the protocol-log error groups (protocolLogs.errors, peers' starttlsWithoutHandshake and
// mailWithoutTls) judged as findings, one per cause: direction × connector × peer × cause class, where a peer is one
// address, or Exchange Online whatever its addresses, or (receive side) every unknown Internet host of a connector.
// Each names the findings of the same server that probably cause it. Runs after every other rule of the server: it
// picks its causes among their findings. Reads the collector's aggregates through the types generated from
// schemas/protocol-logs.schema.json (the record was validated against it before any rule runs).
import { createHash } from 'node:crypto';
import type { ExtlsSMTPProtocolLogEvidence } from '../contracts/protocol-logs.js';
import { finding, type ServerContext } from './context.js';
import { exchangeConfigOf } from './exchange-config.js';
import { EXCHANGE_ONLINE, isExchangeOnlineConnector, isExchangeOnlineName } from './exchange-online-peer.js';
import { findProtocol } from './rules-schannel.js';
import type { SendConnector } from '../inventory/types.js';
import type { Evidence, Finding, MailFlowFailure, MailFlowCause, Severity } from './types.js';
import { isCredentialCause } from './exchange-config.js';

/**
 * A failure last seen within this many days before the end of the log window is "failing now" (critical for TLS
 * causes). Policies can set `failingNowDays`; this is the default.
 */
export const DEFAULT_FAILING_NOW_DAYS = 2;

type Logs = ExtlsSMTPProtocolLogEvidence;
type LogError = NonNullable<Logs['errors']>[number];
type LogPeer = NonNullable<Logs['peers']>[number];
type Stage = NonNullable<LogError['sessionStage']>;

/**
 * Who failed, for tables: "52.101.68.3 (mx.partner.example)", "Exchange Online (4 addresses, name)", "Internet hosts
 * (3 addresses)": the address with the remote's name beside it, or the peer.
 */
export function remoteLabel(m: Pick<MailFlowFailure, 'remote' | 'remoteName' | 'peer' | 'remoteCount'>): string {
  if (m.peer) {
    const n = m.remoteCount ?? 0;
    const parts = [n ? `${n} address${n === 1 ? '' : 'es'}` : '', m.peer === INTERNET_HOSTS ? '' : m.remoteName ?? ''].filter(Boolean);
    return parts.length ? `${m.peer} (${parts.join(', ')})` : m.peer;
  }
  return `${m.remote ?? '(unknown address)'}${m.remoteName ? ` (${m.remoteName})` : ''}`;
}

/** The peer of receive-side failures of unknown Internet hosts, aggregated per connector. */
export const INTERNET_HOSTS = 'Internet hosts';

const HANDSHAKE_STAGES: readonly Stage[] = ['handshake', 'tls-failed'];

/**
 * Which cause class a logged error belongs to, judged by its session (issue 24 item 1): `421 4.4.2 … SocketError` is a
 * TLS handshake failure only when the same session issued STARTTLS or logged "TLS negotiation failed" (else the
 * connection dropped: network, middlebox or peer); `TimedOut` right after STARTTLS is a stalled handshake, elsewhere a
 * network time-out. Groups from collectors older than issue 24 carry no stage: SocketError is then taken as TLS.
 */
export function classify(e: { kind?: string; signature?: string; sessionStage?: Stage | null }): MailFlowCause {
  const sig = e.signature ?? '';
  const stage = e.sessionStage ?? null;
  switch (e.kind) {
    case 'smtp-451-5.7.3':
    case 'smtp-530-5.7.0':
      return 'starttls-required';
    case 'smtp-450-4.7.230':
    case 'smtp-550-5.7.230':
      return 'exchange-out-of-date';
    case 'smtp-421-4.4.2':
      if (stage !== null) return HANDSHAKE_STAGES.includes(stage) ? 'tls-handshake' : 'network';
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
  'exchange-out-of-date': 'BUILD',
};

const classTitle: Record<MailFlowCause, string> = {
  'tls-handshake': 'TLS handshake fails',
  credentials: 'TLS fails for lack of a usable certificate',
  'starttls-required': 'STARTTLS required but not done',
  network: 'connection drops (network, not TLS)',
  'exchange-out-of-date': 'Exchange Online throttles or blocks this out-of-date server',
};

/** Categories the Exchange-config rules use for certificates and connectors. */
const CERT_CATEGORIES: readonly string[] = ['certificate', 'connector'];

const bareName = (s: string) => (s.includes('\\') ? s.slice(s.indexOf('\\') + 1) : s).trim().toLowerCase();
function sameConnector(a: string | null, logged: string): boolean {
  if (a === null) return false;
  // receive connectors are logged as "SERVER\Connector name"
  return a.trim().toLowerCase() === logged.trim().toLowerCase() || bareName(a) === bareName(logged);
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

/** Exchange Online judges the build: this server's build findings (unsupported, too old, unknown) are the cause. */
function buildCauses(findings: Finding[]): string[] {
  return findings.filter((f) => f.category === 'exchange' && f.severity !== 'info').map((f) => f.id);
}

interface Group {
  cls: MailFlowCause;
  direction: 'receive' | 'send' | 'unknown';
  service: string;
  connector: string;
  /** the address, or null when the group is a peer of many addresses */
  remote: string | null;
  peer: string | null;
  errors: LogError[];
  /** address -> [name, failures] */
  sources: Map<string, { name: string | null; count: number }>;
  starttlsWithoutHandshake: number;
  mailWithoutTls: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

const minIso = (a: string | null, b: string | undefined | null) => (!b ? a : !a || b < a ? b : a);
const maxIso = (a: string | null, b: string | undefined | null) => (!b ? a : !a || b > a ? b : a);
const dirOf = (d: string | undefined): Group['direction'] => (d === 'receive' || d === 'send' ? d : 'unknown');

/** RFC 1918, loopback, link-local, CGNAT (RFC 6598), IPv6 ULA and link-local: not an Internet host. */
export function isPrivateAddress(a: string | null): boolean {
  if (!a) return false;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(a);
  if (v4) {
    const [x, y] = [Number(v4[1]), Number(v4[2])];
    return x === 10 || x === 127 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168) || (x === 169 && y === 254) || (x === 100 && y >= 64 && y <= 127);
  }
  const v6 = a.toLowerCase();
  return v6 === '::1' || /^f[cd][0-9a-f]{2}:/.test(v6) || /^fe[89ab][0-9a-f]:/.test(v6);
}

/** A peer that carried mail over TLS in the window is known, not a scanner. */
function deliveredOverTls(p: LogPeer | undefined): boolean {
  if (!p) return false;
  if (p.mailWithTlsLastSeen !== undefined) return p.mailWithTlsLastSeen !== null;
  // collectors older than issue 24: some mail and some TLS, not necessarily together
  return p.mailSessions - p.mailWithoutTls > 0 && Object.keys(p.tlsVersions).length > 0;
}

function noCauseText(g: Group): string {
  const send = g.direction !== 'receive';
  switch (g.cls) {
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
    case 'exchange-out-of-date':
      return 'No build finding on this server names it: run Get-OnPremServerReportInfo in Exchange Online PowerShell to see the build Exchange Online saw, and install the latest Cumulative Update and Security Update (Exchange Team blog, "How to pause throttling and blocking of out-of-date on-premises Exchange Servers", 2023-12-12, also says how to pause the enforcement for a while).';
  }
}

const stagesOf = (g: Group) => new Set(g.errors.map((e) => e.sessionStage ?? null));

function whatItMeans(g: Group): string {
  const send = g.direction !== 'receive';
  const stages = stagesOf(g);
  switch (g.cls) {
    case 'tls-handshake': {
      const stalled = g.errors.some((e) => e.kind === 'smtp-421-4.4.2' && /TimedOut/i.test(e.signature) && e.sessionStage === 'handshake');
      const stall = stalled ? ' The connection timed out right after STARTTLS was accepted: the handshake stalled (a middlebox that inspects port 25, or a peer that cannot agree on a version or cipher suite).' : '';
      return (send
        ? 'This server started TLS as a client and the handshake broke off. Exchange Online accepts only TLS 1.2 with its listed cipher suites, so a sender without TLS 1.2 Client (or without any of those suites) gets exactly this: "TLS negotiation failed with error SocketError" and "421 4.4.2 Connection dropped due to SocketError", and the mail stays queued.'
        : 'A peer started TLS against this server and the handshake broke off; senders that require TLS (Exchange Online, partner connectors) then cannot deliver here.') + stall;
    }
    case 'credentials':
      return 'TLS could not start because the certificate the connector must present was not found or not usable (UnknownCredentials / NoCredentials: missing, expired, wrong name, or private key not readable by the transport service). Microsoft KB4051498 and KB4495258 describe these errors and the fix.';
    case 'starttls-required':
      if (!send) return 'This server\'s connector requires TLS and the peer sent without completing STARTTLS, so this server refused the mail.';
      return 'The peer requires STARTTLS ("451 5.7.3 Must issue a STARTTLS command first") and this server sent without it, so the peer refuses the mail.' +
        (stages.has('starttls-offered') ? ' The peer offered STARTTLS in its EHLO answer and this server did not use it: the send connector ignores it (IgnoreSTARTTLS $true), or an earlier TLS handshake to this peer failed and Exchange fell back to plain text.' : '') +
        (stages.has('no-starttls') ? ' In some sessions the peer\'s EHLO answer did not offer STARTTLS at all: a middlebox on the path may strip it.' : '');
    case 'network': {
      const dropped = g.errors.some((e) => /SocketError/i.test(e.signature));
      return dropped
        ? 'The connection dropped (SocketError) in a session that had not started a TLS handshake, or after TLS was already negotiated: the network, a middlebox or the peer closed it. It is not tied to this server\'s SCHANNEL settings.'
        : 'The connection timed out outside a TLS handshake.';
    }
    case 'exchange-out-of-date':
      return 'Exchange Online throttles (450 4.7.230) and then blocks (550 5.7.230) mail from on-premises Exchange servers it sees as out of date ("Connecting Exchange server version is out-of-date"; Exchange Team blog, "How to pause throttling and blocking of out-of-date on-premises Exchange Servers", 2023-12-12). The cause is this server\'s build, not TLS.';
  }
}

/** A stable id: class, direction, connector and peer (address, or the peer's name) hashed into six hex digits. */
function groupId(g: Group): string {
  const who = g.peer ?? g.remote ?? '';
  const h = createHash('sha1').update(`${g.direction}\u0000${g.connector}\u0000${who}`).digest('hex').slice(0, 6).toUpperCase();
  const tag = g.peer === INTERNET_HOSTS ? '-INTERNET' : '';
  return `MAILFLOW-${g.direction === 'receive' ? 'RECEIVE' : 'SEND'}-${classWord[g.cls]}${tag}-${h}`;
}

function severityFor(g: Group, failingNow: boolean, causes: string[]): Severity {
  // A timeout to a remote host is not this server's TLS failing: reported, never above medium.
  if (g.cls === 'network') return failingNow ? 'medium' : 'low';
  // Unknown Internet hosts (scanners abort STARTTLS all day): never critical on their own.
  if (g.peer === INTERNET_HOSTS) return causes.length ? (failingNow ? 'high' : 'medium') : 'low';
  // 450 4.7.230 throttles (mail is delayed); 550 5.7.230 blocks
  if (g.cls === 'exchange-out-of-date' && !g.errors.some((e) => e.kind === 'smtp-550-5.7.230')) return failingNow ? 'high' : 'medium';
  return failingNow ? 'critical' : 'high';
}

interface MailFlowOptions {
  failingNowDays?: number;
}

function sendConnectorNamed(ctx: ServerContext, connector: string): SendConnector | null {
  return (exchangeConfigOf(ctx.data)?.sendConnectors ?? []).find((sc) => sameConnector(sc.name, connector)) ?? null;
}

export function mailFlowFindings(ctx: ServerContext, others: Finding[], options: MailFlowOptions = {}): Finding[] {
  const logs = ctx.data.protocolLogs ?? null;
  // no transport, no mail flow to check (Exchange not installed)
  if (!logs || logs.status !== 'scanned') return ctx.data.exchange.installed === false ? [] : [notChecked(logs), ...notLoggedConnectors(ctx)];
  const days = options.failingNowDays ?? DEFAULT_FAILING_NOW_DAYS;
  const endText = logs.window?.referenceTime;
  const end = endText && !Number.isNaN(Date.parse(endText)) ? new Date(endText) : ctx.referenceTime;
  const nowFrom = new Date(end.getTime() - days * 86_400_000).toISOString();

  const peers = logs.peers ?? [];
  const peerKey = (d: string, connector: string, remote: string | null) => `${dirOf(d)}\u0000${connector}\u0000${remote ?? ''}`;
  const peerOf = new Map<string, LogPeer>(peers.map((p) => [peerKey(p.direction, p.connector, p.remoteAddress), p]));
  const exoConnector = new Map<string, boolean>();
  const isExoSend = (connector: string) => {
    if (!exoConnector.has(connector)) {
      const sc = sendConnectorNamed(ctx, connector);
      exoConnector.set(connector, sc !== null && isExchangeOnlineConnector(sc));
    }
    return exoConnector.get(connector)!;
  };

  // Which peer a failure belongs to: Exchange Online (by name or by its send connector), the unknown Internet hosts
  // of a receive connector (TLS and network failures only; a host that delivered over TLS in the window is known),
  // or its own address.
  const peerFor = (cls: MailFlowCause, direction: Group['direction'], connector: string, remote: string | null, name: string | null): string | null => {
    if (isExchangeOnlineName(name)) return EXCHANGE_ONLINE;
    if (direction === 'send' && isExoSend(connector)) return EXCHANGE_ONLINE;
    if (direction === 'receive' && (cls === 'tls-handshake' || cls === 'network') && !isPrivateAddress(remote) &&
        !deliveredOverTls(peerOf.get(peerKey(direction, connector, remote)))) return INTERNET_HOSTS;
    return null;
  };

  const groups = new Map<string, Group>();
  const groupFor = (cls: MailFlowCause, direction: string, service: string, connector: string, remote: string | null, name: string | null) => {
    const d = dirOf(direction);
    const peer = peerFor(cls, d, connector, remote, name);
    const key = `${cls}\u0000${d}\u0000${connector}\u0000${peer ? `peer:${peer}` : remote ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { cls, direction: d, service, connector, remote: peer ? null : remote, peer, errors: [], sources: new Map(), starttlsWithoutHandshake: 0, mailWithoutTls: 0, firstSeen: null, lastSeen: null };
      groups.set(key, g);
    }
    return g;
  };
  const nameOf = (d: string, connector: string, remote: string | null, own?: string | null) =>
    own ?? peerOf.get(peerKey(d, connector, remote))?.remoteName ?? null;
  const addSource = (g: Group, remote: string | null, name: string | null, count: number) => {
    const k = remote ?? '';
    const s = g.sources.get(k) ?? { name, count: 0 };
    s.count += count;
    s.name ??= name;
    g.sources.set(k, s);
  };

  for (const e of logs.errors ?? []) {
    const name = nameOf(e.direction, e.connector, e.remoteAddress, e.remoteName);
    const g = groupFor(classify(e), e.direction, e.service, e.connector, e.remoteAddress, name);
    // the same signature from several addresses of one peer is one signature
    const same = g.errors.find((x) => x.kind === e.kind && x.signature === e.signature && (x.sessionStage ?? null) === (e.sessionStage ?? null));
    if (same) {
      g.errors[g.errors.indexOf(same)] = {
        ...same, count: same.count + e.count, firstSeen: minIso(same.firstSeen, e.firstSeen)!, lastSeen: maxIso(same.lastSeen, e.lastSeen)!,
        samples: [...same.samples, ...e.samples].slice(0, 3) as LogError['samples'],
      };
    } else g.errors.push(e);
    addSource(g, e.remoteAddress, name, e.count);
    g.firstSeen = minIso(g.firstSeen, e.firstSeen);
    g.lastSeen = maxIso(g.lastSeen, e.lastSeen);
  }
  // Peers that issued STARTTLS and never completed a handshake, or carried mail in plaintext, belong to the TLS
  // failures already grouped for them; STARTTLS without a handshake and no logged error is a handshake failure too.
  const tlsGroupOf = new Map<string, Group>();
  for (const g of groups.values()) {
    if (g.cls === 'network' || g.cls === 'exchange-out-of-date') continue;
    for (const remote of g.sources.keys()) {
      const k = peerKey(g.direction, g.connector, remote || null);
      if (!tlsGroupOf.has(k)) tlsGroupOf.set(k, g);
    }
  }
  for (const p of peers) {
    const stalled = p.starttlsWithoutHandshake;
    const plain = p.mailWithoutTls;
    if (stalled <= 0 && plain <= 0) continue;
    const same = tlsGroupOf.get(peerKey(p.direction, p.connector, p.remoteAddress));
    if (same) {
      same.starttlsWithoutHandshake += stalled;
      same.mailWithoutTls += plain;
      // a source's failures are its failed sessions: the error lines, or more sessions that stalled after STARTTLS
      const src = same.sources.get(p.remoteAddress ?? '');
      if (src && stalled > src.count) src.count = stalled;
    } else if (stalled > 0) {
      const g = groupFor('tls-handshake', p.direction, p.service, p.connector, p.remoteAddress, p.remoteName ?? null);
      g.starttlsWithoutHandshake += stalled;
      g.mailWithoutTls += plain;
      addSource(g, p.remoteAddress, p.remoteName ?? null, stalled);
      g.firstSeen = minIso(g.firstSeen, p.firstSeen);
      g.lastSeen = maxIso(g.lastSeen, p.lastSeen);
    }
  }

  const handshakeGroups = [...groups.values()].filter((g) => g.cls === 'tls-handshake');
  const out: Finding[] = [];
  for (const g of groups.values()) {
    // most frequent first; on a tie the TLS line, which says more than the 421 that follows it
    const errors = [...g.errors].sort((a, b) => b.count - a.count || Number(b.kind === 'tls-negotiation-failed') - Number(a.kind === 'tls-negotiation-failed'));
    // one failed session logs several of these lines (TLS negotiation failed, then 421 4.4.2): count the largest
    const count = Math.max(g.starttlsWithoutHandshake, ...errors.map((e) => e.count));
    const failingNow = g.lastSeen !== null && g.lastSeen >= nowFrom;
    const side = g.direction === 'receive' ? 'SERVER' : 'CLIENT';
    let causes: string[];
    const notes: string[] = [];
    switch (g.cls) {
      case 'tls-handshake': causes = tlsCauses(others, side); break;
      case 'credentials': causes = certificateCauses(others, g.connector); break;
      case 'network': causes = []; break;
      case 'exchange-out-of-date': causes = buildCauses(others); break;
      case 'starttls-required': {
        // this server's certificate matters only where a send session tried STARTTLS (or the stage is unknown)
        const tried = g.direction !== 'send' || g.errors.some((e) => !e.sessionStage || e.sessionStage === 'handshake' || e.sessionStage === 'tls-failed');
        causes = [...new Set([...tlsCauses(others, side), ...(tried ? certificateCauses(others, g.connector) : [])])];
        if (g.direction === 'send') {
          // 451 5.7.3 on a send connector: IgnoreSTARTTLS $true, or a failed handshake to the same peer that fell back to plain text
          const sc = sendConnectorNamed(ctx, g.connector);
          if (sc?.ignoreStartTls === true) notes.push(`IgnoreSTARTTLS $true on send connector "${sc.name}"`);
          const fellBack = handshakeGroups.filter((h) => h.direction === 'send' && h.connector === g.connector &&
            (g.peer ? h.peer === g.peer : [...g.sources.keys()].some((r) => h.sources.has(r))));
          if (fellBack.length) {
            notes.push('a failed TLS handshake to the same peer that fell back to plain text');
            causes = [...new Set([...causes, ...tlsCauses(others, side)])];
          }
        }
        break;
      }
    }
    const error = errors[0]?.signature ?? `STARTTLS issued, no TLS handshake completed (${g.starttlsWithoutHandshake} session${g.starttlsWithoutHandshake === 1 ? '' : 's'})`;
    const sources = [...g.sources.entries()].map(([remote, s]) => ({ remote: remote || null, remoteName: s.name, count: s.count }))
      .sort((a, b) => b.count - a.count || (a.remote ?? '').localeCompare(b.remote ?? ''));
    const remoteName = g.peer === INTERNET_HOSTS ? null : sources.find((s) => s.remoteName)?.remoteName ?? null;
    const who = g.peer === EXCHANGE_ONLINE
      ? `${EXCHANGE_ONLINE} (${sources.length} address${sources.length === 1 ? '' : 'es'}${remoteName ? `, ${remoteName}` : ''})`
      : g.peer === INTERNET_HOSTS
        ? `${sources.length} unknown Internet host${sources.length === 1 ? '' : 's'} (top: ${sources.slice(0, 3).map((s) => `${s.remote ?? '?'}${s.remoteName ? ` ${s.remoteName}` : ''} × ${s.count}`).join(', ')})`
        : `${g.remote ?? '(unknown address)'}${remoteName ? ` (${remoteName})` : ''}`;
    const noteText = notes.length ? ` Named by the logs and the connector: ${notes.join('; ')}.` : '';
    const causeText = causes.length
      ? `Probable cause on this server: ${causes.join(', ')} (see ${causes.length === 1 ? 'that finding' : 'those findings'}); fixing it should make these errors stop.${noteText}`
      : notes.length ? `Probable cause: ${notes.join('; ')}.` : noCauseText(g);
    const tls12 = findProtocol(ctx, 'TLS 1.2');
    const sideState = tls12 ? (g.direction === 'receive' ? tls12.server : tls12.client) : null;
    const sideOff = (g.cls === 'tls-handshake' || g.cls === 'starttls-required') && !causes.length && sideState && sideState.state !== 'on'
      ? ` (TLS 1.2 ${g.direction === 'receive' ? 'Server' : 'Client'} is ${sideState.display} here, though no policy in this run judges it.)`
      : '';
    const scanners = g.peer === INTERNET_HOSTS
      ? ` These hosts never delivered mail over TLS to this connector in the window: Internet scanners abort STARTTLS all day on any public server, so this is reported once per connector and is not critical on its own${causes.length ? '' : ' (no finding on this server explains it)'}.`
      : '';
    const failure: MailFlowFailure = {
      cause: g.cls,
      direction: g.direction,
      service: g.service,
      connector: g.connector,
      remote: g.peer ? null : g.remote,
      error,
      signatures: errors.map((e) => ({ kind: e.kind, code: e.code, signature: e.signature, count: e.count, sessionStage: e.sessionStage ?? null })),
      count,
      starttlsWithoutHandshake: g.starttlsWithoutHandshake,
      mailWithoutTls: g.mailWithoutTls,
      firstSeen: g.firstSeen,
      lastSeen: g.lastSeen,
      failingNow,
      failingNowSince: nowFrom,
      probableCause: causes.length ? causes.join(', ') : notes.length ? notes.join('; ') : g.cls === 'network' ? 'network, not TLS' : 'no cause in this server\'s settings',
      remoteName,
      peer: g.peer,
      remoteCount: sources.length,
      ...(g.peer ? { sources: sources.slice(0, 10) } : {}),
    };
    const summary: Evidence = {
      kind: 'protocol-log',
      path: null,
      name: 'failures',
      raw: count,
      display:
        `${g.direction} ${g.service} connector "${g.connector}" ${g.direction === 'receive' ? 'from' : 'to'} ${who}: ` +
        `${errors.map((e) => `${e.signature} × ${e.count}`).join('; ') || error}` +
        `${g.starttlsWithoutHandshake && errors.length ? `; STARTTLS without a handshake × ${g.starttlsWithoutHandshake}` : ''}` +
        `${g.mailWithoutTls ? `; ${g.mailWithoutTls} session(s) carried mail without TLS` : ''}; first ${g.firstSeen ?? '?'}, last ${g.lastSeen ?? '?'}`,
      failure,
    };
    const samples: Evidence[] = errors.flatMap((e) => e.samples.map((s) => ({
      kind: 'protocol-log' as const,
      path: s.file,
      name: `line ${s.line}`,
      raw: s.text,
      display: s.text,
    })));
    out.push(finding({
      id: groupId(g),
      severity: severityFor(g, failingNow, causes),
      category: 'mail-flow',
      title: `${failingNow ? 'Failing now' : 'Failed'}: ${g.direction === 'receive' ? 'receive' : 'send'} connector "${g.connector}" ${g.direction === 'receive' ? 'from' : 'to'} ${g.peer === INTERNET_HOSTS ? `${sources.length} unknown Internet host(s)` : who}: ${classTitle[g.cls]} (${count} × ${error})`,
      explanation:
        `${whatItMeans(g)} Seen ${count} time(s) between ${g.firstSeen ?? '?'} and ${g.lastSeen ?? '?'}` +
        `${failingNow ? ` — within the last ${days} day(s) of the log window, so mail is failing now` : ` — not within the last ${days} day(s) of the log window`}.${scanners} ${causeText}${sideOff}`,
      evidence: [summary, ...samples],
      restartRequired: false,
      causes,
      connector: g.connector || null,
    }));
  }
  return [...out, ...notLoggedConnectors(ctx)];
}

/** The server's protocol logs were not read: mail flow not checked, which is not "no failures" (issue 24 item 5). */
function notChecked(logs: Logs | null): Finding {
  const why = logs ? `${logs.status}${logs.message ? `: ${logs.message}` : ''}` : 'not collected';
  return finding({
    id: 'MAILFLOW-NOT-CHECKED',
    severity: 'low',
    category: 'mail-flow',
    title: 'Mail flow not checked: the SMTP protocol logs were not read',
    explanation:
      `The SMTP protocol logs of this server were not scanned (${why}), so extls cannot tell whether mail flow fails here: this is "not logged", not "no failures". ` +
      'Give the log folders (collector option protocolLogPaths, or collect on the server so the default folders under the Exchange install path are read) and collect again.',
    evidence: [{ kind: 'protocol-log', path: null, name: 'status', raw: logs?.status ?? null, display: why }],
  });
}

/**
 * Connectors with protocol logging off (ProtocolLoggingLevel None, the default of New-SendConnector /
 * New-ReceiveConnector per Microsoft's cmdlet reference): their failures are never in the logs. Send connectors count
 * when this server is one of their source servers; receive connectors when they are this server's.
 */
function notLoggedConnectors(ctx: ServerContext): Finding[] {
  const cfg = exchangeConfigOf(ctx.data);
  if (!cfg) return [];
  const short = (s: string) => s.split('.')[0]!.trim().toLowerCase();
  const me = new Set([short(ctx.record.server), short(ctx.data.computerName)]);
  const off = (level: string | null | undefined) => typeof level === 'string' && level.trim().toLowerCase() === 'none';
  const list: { kind: 'send' | 'receive'; name: string }[] = [];
  for (const sc of cfg.sendConnectors ?? []) {
    if (!off(sc.protocolLoggingLevel) || sc.enabled === false) continue;
    if (sc.sourceTransportServers.length && !sc.sourceTransportServers.some((s) => me.has(short(s)))) continue;
    list.push({ kind: 'send', name: sc.name ?? '(unnamed)' });
  }
  for (const rc of cfg.receiveConnectors ?? []) {
    if (!off(rc.protocolLoggingLevel) || rc.enabled === false) continue;
    if (rc.server && !me.has(short(rc.server))) continue;
    list.push({ kind: 'receive', name: rc.name ?? '(unnamed)' });
  }
  return list.map((c) => finding({
    id: `MAILFLOW-NOT-LOGGED-${createHash('sha1').update(`${c.kind}\u0000${c.name}`).digest('hex').slice(0, 6).toUpperCase()}`,
    severity: 'low',
    category: 'mail-flow',
    title: `Mail flow not logged: ${c.kind} connector "${c.name}" has protocol logging off`,
    explanation:
      `ProtocolLoggingLevel is None on ${c.kind} connector "${c.name}" (the default for new connectors), so its TLS failures and the peers ` +
      'that still use TLS 1.0/1.1 never reach the protocol logs: for this connector extls found "not logged", not "no failures". ' +
      `Turn logging on (Set-${c.kind === 'send' ? 'Send' : 'Receive'}Connector -ProtocolLoggingLevel Verbose), wait for the days the policy asks for, and collect again.`,
    evidence: [{ kind: 'connector', path: null, name: 'ProtocolLoggingLevel', raw: 'None', display: `${c.kind} connector "${c.name}": ProtocolLoggingLevel None` }],
    connector: c.name,
  }));
}
