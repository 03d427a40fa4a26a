/**
 * Types of `extls probe`: one ProbeResult per endpoint, the same shape whatever happened.
 */
import type * as C from '../contracts/probe-result.js';

/** Node's names for the protocol versions (tls.connect minVersion/maxVersion, TLSSocket.getProtocol()). */
export type TlsVersion = C.Version;
// every version of the schema, in order (a Record, so the compiler names one the schema adds)
const VERSION_ORDER: Readonly<Record<TlsVersion, number>> = { TLSv1: 0, 'TLSv1.1': 1, 'TLSv1.2': 2, 'TLSv1.3': 3 };
export const TLS_VERSIONS = (Object.keys(VERSION_ORDER) as TlsVersion[]).sort((a, b) => VERSION_ORDER[a] - VERSION_ORDER[b]);
export const LEGACY_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1'];
/** How admins write them (and Microsoft's docs): column headers, runbook text. */
export const TLS_VERSION_LABELS: Record<TlsVersion, string> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

export interface Endpoint {
  /** Host name or IP literal (IPv6 without brackets). */
  host: string;
  port: number;
  /** Server name as admins know it (fleet `name`), used to join results to the inventory; null for ad-hoc hosts. */
  server: string | null;
  /** The FQDN Exchange Online's connector expects on this server's certificate (fleet file `smtpFqdn`). */
  expectedName?: string | null;
}

/**
 * The result shapes are generated from schemas/probe-result.schema.json (src/contracts/probe-result.ts): the schema
 * documents each field; these names are the probe's words for its parts.
 */
export type ProbeResult = C.ExtlsProbeResult;
/** Why an endpoint could not be probed at all (status "failed"). */
export type FailureCategory = NonNullable<ProbeResult['failure']>['category'];
/** The dialogue step a failure happened in. */
export type Step = C.Step;
export type SmtpReplySummary = C.Reply;
export type CertificateInfo = C.Certificate;
/** One handshake offering a single version. */
export type VersionResult = C.VersionResult;
export type PlaintextMailCheck = ProbeResult['plaintextMail'];
export type StarttlsInfo = ProbeResult['starttls'];
/** `extls probe --as exchange-online`: does a handshake as Exchange Online makes it succeed? */
export type ExchangeOnlineCheck = C.ExchangeOnline;
/** One judgement of the certificate as Exchange Online would make it: ok null when it could not be judged. */
export type CertificateCheck = C.Check;
export type CertificateJudgement = NonNullable<ExchangeOnlineCheck['certificate']>;
/** What the server takes instead, found by offering every TLS 1.2 suite and removing the one it chose, in turn. */
export type ServerSuites = NonNullable<ExchangeOnlineCheck['serverSuites']>;

export interface ProbeOptions {
  /** Per-step timeout in milliseconds (connect, banner, each reply, handshake). */
  timeoutMs: number;
  concurrency: number;
  ehloName: string;
  /** Extra trusted CAs (PEM) added to Node's bundled roots for the chain check. */
  ca?: string[];
  /** Versions to try; default all four. */
  versions?: readonly TlsVersion[];
  /** Called as each endpoint finishes (progress). */
  onResult?: (result: ProbeResult, done: number, total: number) => void;
  /** Name resolution, replaceable in tests; default dns.lookup. */
  lookup?: (host: string) => Promise<string>;
  /** Clock for the certificate's days to expiry; default Date.now. */
  now?: () => number;
  /** Also make the handshake as Exchange Online makes it (ProbeResult.exchangeOnline). */
  exchangeOnline?: boolean;
  /** The FQDN the certificate must name (overrides the endpoint's); used with exchangeOnline. */
  expectName?: string;
  /** Time budget for finding the suites a server offers instead (ms, per endpoint); default 30 s. */
  suiteBudgetMs?: number;
  /** Knowledge folder for the Exchange Online suites (tests); default data/. */
  dataDir?: string;
}
