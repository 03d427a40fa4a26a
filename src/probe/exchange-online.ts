// The handshake as Exchange Online makes it when it delivers to a server: TLS 1.2 offering exactly the suites
// Microsoft 365 accepts today, in Microsoft's priority order (data/m365-cipher-suites.csv through the knowledge
// loader), and TLS 1.3 only where that table lists TLS 1.3 suites. On "no", the suites the server takes instead are
// found by offering every TLS 1.2 suite and taking away the one the server chose, until it refuses the rest or the
// time budget runs out (one connection per suite found, plus one).
import net from 'node:net';
import { loadKnowledge, type CipherSuiteRow } from '../findings/knowledge.js';
import { judgeCertificate } from './certificate-judgement.js';
import { TLS12_SUITES, ianaName, opensslName } from './cipher-names.js';
import { attemptHandshake, type AttemptContext, type HandshakeSpec } from './handshake.js';
import type { CertificateInfo, Endpoint, ExchangeOnlineCheck, ProbeOptions, ProbeResult, ServerSuites, VersionResult } from './types.js';

/**
 * data/m365-cipher-suites.csv's status column: `accepted` (Microsoft's current list) is offered; rows accepted only
 * until TLS 1.0/1.1 were deprecated (`until-tls10-deprecation`) are not. Without the column every row counts.
 */
export const SUITE_STATUS_COLUMN = 'status';
export const CURRENT_SUITE_STATUS = 'accepted';

// Our OpenSSL must not refuse what Schannel would accept (small DH groups, SHA-1 signatures in the key exchange):
// the verdict is about the suites and the version; the certificate is judged separately.
const ANY_LEVEL = '@SECLEVEL=0';

const DEFAULT_SUITE_BUDGET_MS = 30_000;

export interface ExchangeOnlineProfile {
  /** TLS 1.2 suites, IANA names in order. */
  tls12: string[];
  /** TLS 1.3 suites (TLS_AES_…), IANA names, empty when Exchange Online does not use TLS 1.3 per the table. */
  tls13: string[];
  /** Rows whose IANA name has no OpenSSL name here: not offered (a data row to check). */
  unmapped: string[];
  source: string;
}

function isCurrent(row: CipherSuiteRow): boolean {
  const status = (row as unknown as Record<string, string | undefined>)[SUITE_STATUS_COLUMN];
  return status === undefined || status === '' || status.toLowerCase() === CURRENT_SUITE_STATUS;
}

const versionsOf = (row: CipherSuiteRow): string[] => row.tls_versions.split(/[;,]/).map((v) => v.trim());

/** The suites Exchange Online offers, from the knowledge tables (rows in Microsoft's priority order). */
export function exchangeOnlineProfile(dir?: string): ExchangeOnlineProfile {
  const rows = loadKnowledge(dir).m365CipherSuites.filter(isCurrent);
  const tls12: string[] = [];
  const tls13: string[] = [];
  const unmapped: string[] = [];
  for (const row of rows) {
    const versions = versionsOf(row);
    const suite = row.suite.trim().toUpperCase();
    if (versions.includes('TLS 1.3') && /^TLS_(AES|CHACHA20)_/.test(suite)) tls13.push(suite);
    if (versions.includes('TLS 1.2')) {
      if (opensslName(suite)) tls12.push(suite);
      else unmapped.push(suite);
    }
  }
  const source = [...new Set(rows.map((r) => r.source))].join('; ');
  return { tls12, tls13, unmapped, source };
}

function notTested(version: VersionResult['version'], reason: string): VersionResult {
  return { version, outcome: 'not-tested', step: null, reason, code: null, protocol: null, cipher: null, certificate: null, durationMs: 0 };
}

/** Offer every TLS 1.2 suite; take away the one the server chose; again, until it refuses or time is up. */
export async function findServerSuites(ctx: AttemptContext, servername: string | undefined, budgetMs: number): Promise<ServerSuites> {
  const started = Date.now();
  const remaining = TLS12_SUITES.map(([, openssl]) => openssl);
  const suites: string[] = [];
  let attempts = 0;
  let stoppedBy: string | null = null;
  for (;;) {
    if (remaining.length === 0) break;
    if (Date.now() - started >= budgetMs) {
      stoppedBy = `time budget of ${Math.round(budgetMs / 1000)} s used up`;
      break;
    }
    const spec: HandshakeSpec = { version: 'TLSv1.2', ciphers: `${remaining.join(':')}:${ANY_LEVEL}`, ...(servername ? { servername } : {}) };
    attempts += 1;
    const { result } = await attemptHandshake(spec, ctx);
    if (result.outcome === 'refused') break; // none of the rest: the list is complete
    if (result.outcome !== 'accepted' || !result.cipher) {
      stoppedBy = `${result.step ?? 'handshake'}: ${result.reason ?? 'no answer'}`;
      break;
    }
    const chosen = result.cipher.name;
    const index = remaining.indexOf(chosen);
    suites.push(result.cipher.standardName ?? ianaName(chosen) ?? chosen);
    if (index < 0) {
      stoppedBy = `the server chose ${chosen}, which was not offered`;
      break;
    }
    remaining.splice(index, 1);
  }
  return { suites, complete: stoppedBy === null, attempts, durationMs: Date.now() - started, stoppedBy };
}

/** The expected FQDN and where it came from: given, the fleet file, or the host name probed from the command line. */
function expectedNameOf(endpoint: Endpoint, options: ProbeOptions): { name: string | null; source: 'given' | 'fleet' | 'host' | null } {
  if (options.expectName) return { name: options.expectName, source: 'given' };
  if (endpoint.expectedName) return { name: endpoint.expectedName, source: 'fleet' };
  // a fleet server's address is how extls reaches it, not necessarily the name Exchange Online's connector uses
  if (endpoint.server === null && !net.isIP(endpoint.host)) return { name: endpoint.host, source: 'host' };
  return { name: null, source: null };
}

const label = (v: VersionResult): string => (v.protocol === 'TLSv1.3' ? 'TLS 1.3' : 'TLS 1.2');

/** The Exchange Online check for an endpoint whose SMTP dialogue was held (result.status ok). */
export async function checkExchangeOnline(
  endpoint: Endpoint,
  result: ProbeResult,
  ctx: AttemptContext,
  options: ProbeOptions,
  profile: ExchangeOnlineProfile = exchangeOnlineProfile(options.dataDir),
): Promise<ExchangeOnlineCheck> {
  const expected = expectedNameOf(endpoint, options);
  const servername = expected.name && !net.isIP(expected.name) ? expected.name : undefined;
  const base = {
    offeredSuites: profile.tls12,
    offeredTls13Suites: profile.tls13,
    source: profile.source,
    serverSuites: null as ServerSuites | null,
  };
  const judge = (cert: CertificateInfo | null) => (cert ? judgeCertificate(cert, expected.name, expected.source, ctx.now()) : null);

  if (result.status !== 'ok') {
    const why = `could not be probed (${result.failure?.category ?? 'error'})`;
    return { ...base, canDeliver: null, display: `unknown: ${why}`, reason: why, tls12: notTested('TLSv1.2', why), tls13: notTested('TLSv1.3', why), certificate: null };
  }
  if (!result.starttls.offered) {
    const why = 'STARTTLS not offered: Exchange Online sends in clear text, or fails where its connector requires TLS';
    return { ...base, canDeliver: false, display: `no: ${why}`, reason: why, tls12: notTested('TLSv1.2', 'STARTTLS not offered'), tls13: notTested('TLSv1.3', 'STARTTLS not offered'), certificate: null };
  }

  const tls12Spec: HandshakeSpec = {
    version: 'TLSv1.2',
    ciphers: `${profile.tls12.map((s) => opensslName(s)!).join(':')}:${ANY_LEVEL}`,
    ...(servername ? { servername } : {}),
  };
  const first = profile.tls12.length ? await attemptHandshake(tls12Spec, ctx) : null;
  const tls12 = first ? first.result : notTested('TLSv1.2', 'no TLS 1.2 suite in the table');
  const starttlsRefused = first?.starttlsReply != null && first.starttlsReply.code !== 220;
  const tls13 = profile.tls13.length
    ? (await attemptHandshake({ version: 'TLSv1.3', ciphers: profile.tls13.join(':'), ...(servername ? { servername } : {}) }, ctx)).result
    : notTested('TLSv1.3', 'Exchange Online does not use TLS 1.3 for SMTP according to data/m365-cipher-suites.csv');
  const accepted = [tls12, tls13].find((v) => v.outcome === 'accepted');
  const certificate = judge(accepted?.certificate ?? result.certificate);
  if (accepted) {
    const suite = accepted.cipher?.standardName ?? accepted.cipher?.name ?? 'unknown suite';
    return { ...base, canDeliver: true, display: `yes: ${label(accepted)} with ${suite}`, reason: null, tls12, tls13, certificate };
  }

  // Why not: the server refused TLS 1.2 itself, or took TLS 1.2 but none of these suites, or we could not tell.
  const serverTls12 = result.versions.find((v) => v.version === 'TLSv1.2');
  let reason: string;
  let serverSuites: ServerSuites | null = null;
  if (tls12.outcome === 'error' && starttlsRefused) {
    reason = `STARTTLS refused (${first!.starttlsReply!.code} ${first!.starttlsReply!.text})`;
  } else if (tls12.outcome === 'error' || tls12.outcome === 'not-tested') {
    // a timeout or a dropped connection says nothing about what Exchange Online would get: never a "no"
    const why = `the handshake got no answer (${tls12.step ?? 'handshake'}: ${tls12.reason ?? 'error'})`;
    return { ...base, canDeliver: null, display: `unknown: ${why}`, reason: why, tls12, tls13, certificate };
  } else if (serverTls12 && serverTls12.outcome === 'refused') {
    reason = `the server refuses TLS 1.2 (${serverTls12.reason ?? 'refused'})`;
  } else {
    serverSuites = await findServerSuites(ctx, servername, options.suiteBudgetMs ?? DEFAULT_SUITE_BUDGET_MS);
    const list = serverSuites.suites.length ? serverSuites.suites.join(', ') : 'none found';
    reason =
      `no cipher suite in common: the server takes ${list}${serverSuites.complete ? '' : ` (search stopped: ${serverSuites.stoppedBy})`}` +
      ` and none of Exchange Online's (${tls12.reason ?? 'refused'})`;
  }
  return { ...base, serverSuites, canDeliver: false, display: `no: ${reason}`, reason, tls12, tls13, certificate };
}
