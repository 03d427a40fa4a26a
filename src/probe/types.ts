/**
 * Result shapes of `extls probe`. Kept in step with schemas/probe-result.schema.json (tests validate every
 * result against it). One ProbeResult per endpoint, the same shape whatever happened.
 */

/** Node's names for the protocol versions (tls.connect minVersion/maxVersion, TLSSocket.getProtocol()). */
export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];
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

/** Why an endpoint could not be probed at all (status "failed"). */
export const FAILURE_CATEGORIES = [
  'dns', // name did not resolve
  'refused', // TCP connection refused
  'unreachable', // no route, network down, host unreachable
  'timeout', // a step took longer than --timeout
  'rejected', // the server answered but will not talk to us (e.g. 554 banner, EHLO and HELO refused)
  'protocol', // the peer does not speak SMTP (garbage, over-long or malformed replies)
  'closed', // the peer closed the connection during the dialogue
  'error', // anything else
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** The dialogue step a failure happened in. */
export const STEPS = ['dns', 'connect', 'banner', 'ehlo', 'mail', 'starttls', 'handshake', 'quit'] as const;
export type Step = (typeof STEPS)[number];

export interface Failure {
  category: FailureCategory;
  step: Step;
  message: string;
  /** Node / OpenSSL error code when there is one (ECONNREFUSED, ERR_SSL_...). */
  code: string | null;
}

export interface SmtpReplySummary {
  code: number;
  /** RFC 3463 enhanced status code from the first line (e.g. "5.7.0"), or null. */
  enhanced: string | null;
  /** The reply's lines without the code, joined with "\n". */
  text: string;
}

export interface CertificateInfo {
  subjectCN: string | null;
  /** The full subject, e.g. "CN=mx.example.com, O=Contoso". */
  subject: string;
  /** subjectAltName entries as Node prints them: "DNS:mx.example.com", "IP Address:10.0.0.1". */
  sans: string[];
  issuer: string;
  issuerCN: string | null;
  selfSigned: boolean;
  /** ISO 8601. */
  validFrom: string;
  validTo: string;
  /** Whole days from the probe until validTo; negative once expired. */
  daysToExpiry: number;
  serialNumber: string;
  fingerprint256: string;
  /** SHA-1 thumbprint as Exchange shows it (Get-ExchangeCertificate): upper-case hex, no separators. */
  thumbprint: string;
  /** Public key algorithm as Node names it (rsa, ec, rsa-pss, ed25519), null when unreadable. */
  keyType: string | null;
  /** RSA modulus length or EC curve size in bits. */
  keyBits: number | null;
  /** e.g. sha256WithRSAEncryption (the dotted OID when unknown). */
  signatureAlgorithm: string | null;
  /** SHA-1, SHA-256, … ; null when the algorithm names none (RSASSA-PSS, Ed25519) or is unknown. */
  signatureHash: string | null;
  /** Whether the chain validates against Node's bundled root CAs (plus --ca). Host name not included. */
  chainValid: boolean;
  /** OpenSSL's reason when it does not, e.g. DEPTH_ZERO_SELF_SIGNED_CERT. */
  chainError: string | null;
  /** Whether the certificate names the probed host (checkServerIdentity); null when probed by IP. */
  hostnameMatches: boolean | null;
}

/**
 * One handshake offering a single version.
 * accepted: handshake completed. refused: the server declined (alert, reset or close during the handshake).
 * error: the attempt did not get as far as a handshake (connect/banner/EHLO/STARTTLS failed or timed out,
 *   or this machine cannot offer the version). not-tested: STARTTLS was not offered, so no attempt was made.
 */
export interface VersionResult {
  version: TlsVersion;
  outcome: 'accepted' | 'refused' | 'error' | 'not-tested';
  /** Step the attempt ended in when not accepted. */
  step: Step | null;
  /** Alert text or error message, null when accepted. */
  reason: string | null;
  code: string | null;
  /** Negotiated protocol (equals `version` when accepted). */
  protocol: string | null;
  cipher: { name: string; standardName: string | null } | null;
  certificate: CertificateInfo | null;
  durationMs: number;
}

export interface PlaintextMailCheck {
  /**
   * What `MAIL FROM:<>` without TLS got. tls-required: 530 or 451 5.7.3 / "STARTTLS" in the text;
   * accepted: 250 (followed by RSET); rejected: another 4xx/5xx; not-tested / error: no answer to judge.
   */
  outcome: 'tls-required' | 'accepted' | 'rejected' | 'error' | 'not-tested';
  reply: SmtpReplySummary | null;
  reason: string | null;
}

export interface StarttlsInfo {
  /** EHLO listed STARTTLS. */
  offered: boolean;
  /** 220 to STARTTLS in at least one attempt; false when every attempt got another reply; null if never sent. */
  accepted: boolean | null;
  /** The first non-220 reply to STARTTLS (e.g. 454 4.7.0 TLS not available), else null. */
  refusal: SmtpReplySummary | null;
}

export interface ProbeSummary {
  acceptedVersions: TlsVersion[];
  /** TLS 1.0 or 1.1 accepted: peers still using them keep working, and the post-check of "disable" fails. */
  legacyAccepted: boolean;
  tls12Accepted: boolean;
  /** Exchange Online needs TLS 1.2 here; false means mail from/to it breaks. */
  modernAccepted: boolean;
}

/** One judgement of the certificate as Exchange Online would make it: ok null when it could not be judged. */
export interface CertificateCheck {
  ok: boolean | null;
  /** Why not (or why it was not judged); null when ok. */
  reason: string | null;
}

/**
 * The certificate as Exchange Online judges it for a connector that validates it (TlsSettings
 * CertificateValidation / DomainValidation): chain to a trusted root, not expired, RSA 2048+ (EC 256+), no SHA-1/MD5
 * signature, and the connector's expected FQDN among its names.
 */
export interface CertificateJudgement {
  /** The FQDN the connector expects: given (--expect-name), from the fleet file (smtpFqdn), or the probed host name. */
  expectedName: string | null;
  expectedNameSource: 'given' | 'fleet' | 'host' | null;
  /** false when any check says no; true when every judged check says yes (a name not judged does not count). */
  acceptable: boolean;
  name: CertificateCheck;
  chain: CertificateCheck;
  expiry: CertificateCheck;
  keySize: CertificateCheck;
  signatureHash: CertificateCheck;
  /** Every "no", one line each ("name: …"). */
  reasons: string[];
}

/** What the server takes instead, found by offering every TLS 1.2 suite and removing the one it chose, in turn. */
export interface ServerSuites {
  /** IANA names, in the order found (the server's preference when it enforces its own order). */
  suites: string[];
  /** false when the time budget or an error stopped the search before the server refused the rest. */
  complete: boolean;
  /** Handshakes made for the search. */
  attempts: number;
  durationMs: number;
  /** Why the search stopped early, null when complete. */
  stoppedBy: string | null;
}

/** `extls probe --as exchange-online`: does a handshake as Exchange Online makes it succeed? */
export interface ExchangeOnlineCheck {
  /** yes/no; null when the endpoint could not be probed at all. */
  canDeliver: boolean | null;
  /** "yes: TLS 1.2 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "no: no cipher suite in common (…)" */
  display: string;
  /** Why not, null on yes. */
  reason: string | null;
  /** The TLS 1.2 suites offered, IANA names in Exchange Online's order (data/m365-cipher-suites.csv). */
  offeredSuites: string[];
  /** TLS 1.3 suites offered; empty when Exchange Online does not use TLS 1.3 per data/. */
  offeredTls13Suites: string[];
  /** Where the suite list comes from (Microsoft's document). */
  source: string;
  /** The TLS 1.2 handshake as Exchange Online makes it (version TLSv1.2; cipher = the suite chosen). */
  tls12: VersionResult;
  /** The TLS 1.3 handshake, not-tested when Exchange Online does not use TLS 1.3. */
  tls13: VersionResult;
  /** On no (with TLS 1.2 accepted by the server): the suites it offered instead; else null. */
  serverSuites: ServerSuites | null;
  /** The certificate presented to Exchange Online's handshake (else the probe's), judged; null without one. */
  certificate: CertificateJudgement | null;
}

export interface ProbeResult {
  schemaVersion: 1;
  /** "host:port" ("[v6]:port" for IPv6). */
  endpoint: string;
  host: string;
  port: number;
  server: string | null;
  /** The IP the probe connected to, null when resolution failed. */
  address: string | null;
  /** ok: the endpoint was probed (SMTP dialogue held); failed: it could not be probed at all (see failure). */
  status: 'ok' | 'failed';
  failure: Failure | null;
  startedAt: string;
  durationMs: number;
  /** The 220 greeting, lines joined with "\n". */
  banner: string | null;
  /** EHLO keywords (upper case, parameters kept): "STARTTLS", "SIZE 10240000". */
  ehloKeywords: string[];
  starttls: StarttlsInfo;
  plaintextMail: PlaintextMailCheck;
  versions: VersionResult[];
  /** Certificate from the highest accepted version, null if none. */
  certificate: CertificateInfo | null;
  summary: ProbeSummary;
  /** The handshake as Exchange Online makes it (--as exchange-online, default with --fleet); null when not asked. */
  exchangeOnline?: ExchangeOnlineCheck | null;
}

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
