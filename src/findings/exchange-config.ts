// Reading the collector's exchangeConfig section: certificate lookups by TlsCertificateName, Exchange Online
// connectors, and the Exchange Management Shell commands the runbook's "Changes by hand" steps print.
import type { ExchangeCertificate, ExchangeConfig, ReceiveConnector, SendConnector } from '../inventory/types.js';
import type { Evidence, HandStepLine, ShellCommand, ShellParameter } from './types.js';

export function exchangeConfigOf(data: { exchangeConfig?: ExchangeConfig | null }): ExchangeConfig | null {
  const c = data.exchangeConfig;
  return c && typeof c === 'object' ? c : null;
}

/** Parameter builders: values stay data (templates quote them with psLiteral). */
export const p = {
  text: (name: string, text: string): ShellParameter => ({ name, text, list: null, flag: null, setNull: false }),
  list: (name: string, list: string[]): ShellParameter => ({ name, text: null, list, flag: null, setNull: false }),
  flag: (name: string, flag: boolean): ShellParameter => ({ name, text: null, list: null, flag, setNull: false }),
  null: (name: string): ShellParameter => ({ name, text: null, list: null, flag: null, setNull: true }),
  switch: (name: string): ShellParameter => ({ name, text: null, list: null, flag: null, setNull: false }),
};

export function cmd(cmdlet: string, parameters: ShellParameter[], pipeTo: ShellCommand['pipeTo'] = null): ShellCommand {
  return { cmdlet, parameters, pipeTo };
}

export const formatList = (...properties: string[]) => ({ cmdlet: 'Format-List', parameters: [p.list('Property', properties)] });

export const line = (text: string, command: ShellCommand | null = null): HandStepLine => ({ text, command });

/** "<I>issuer<S>subject" → its parts (HealthChecker's rule: <I> and <S> markers, case-insensitive); null when not in that form. */
export function parseTlsCertificateName(value: string): { issuer: string; subject: string } | null {
  const m = /^\s*<I>(.*)<S>(.*)$/is.exec(value);
  if (!m) return null;
  return { issuer: m[1]!.trim(), subject: m[2]!.trim() };
}

/**
 * Issuer and subject compared as HealthChecker compares them with the certificate's (Get-ExchangeConnectorCustomObject.ps1:
 * PowerShell -eq, whole strings, case-insensitive): "CN=a, O=b" and "CN=a,O=b" are different names, because Exchange
 * looks the certificate up by the exact string and finds none for the other spelling.
 */
function sameName(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return a === b || a.toLowerCase() === b.toLowerCase();
}

export function tlsCertificateNameOf(c: ExchangeCertificate): string {
  return `<I>${c.issuer ?? ''}<S>${c.subject ?? ''}`;
}

export function certificatesNamed(value: string, certs: ExchangeCertificate[]): ExchangeCertificate[] {
  const n = parseTlsCertificateName(value);
  if (!n) return [];
  return certs.filter((c) => sameName(c.issuer, n.issuer) && sameName(c.subject, n.subject));
}

function expiresAt(c: ExchangeCertificate): Date | null {
  if (!c.notAfter) return null;
  const d = new Date(c.notAfter);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function isExpired(c: ExchangeCertificate, at: Date): boolean {
  const d = expiresAt(c);
  return d !== null && d.getTime() <= at.getTime();
}

/** Whole days left, truncated as HealthChecker's (NotAfter - now).Days; negative once expired. */
export function daysLeft(c: ExchangeCertificate, at: Date): number | null {
  const d = expiresAt(c);
  return d === null ? null : Math.trunc((d.getTime() - at.getTime()) / 86_400_000);
}

export const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'unknown date');

export function certLabel(c: ExchangeCertificate): string {
  return `${c.subject ?? c.friendlyName ?? '(no subject)'} (${c.thumbprint})`;
}

export function certEvidence(c: ExchangeCertificate, name: string, raw: string | number | null, display: string): Evidence {
  return { kind: 'certificate', path: null, name, raw, display: `${certLabel(c)}: ${display}` };
}

export function connectorEvidence(connector: string, name: string, raw: string | number | null, display: string): Evidence {
  return { kind: 'connector', path: null, name, raw, display: `${connector}: ${display}` };
}

/** The short (NetBIOS) name Exchange lists servers by: "EX01" of "ex01.contoso.com". */
export function shortName(s: string): string {
  const dot = s.indexOf('.');
  return (dot >= 0 ? s.slice(0, dot) : s).trim().toLowerCase();
}

/** The organisation's send connectors this server is a source of; worked out once per collector output. */
const sourced = new WeakMap<object, SendConnector[]>();
export function sendConnectorsSourcedBy(data: { exchangeConfig?: ExchangeConfig | null; computerName: string }, server: string): SendConnector[] {
  const known = sourced.get(data);
  if (known) return known;
  const names = new Set([shortName(server), shortName(data.computerName)]);
  const list = (exchangeConfigOf(data)?.sendConnectors ?? []).filter((sc) => sc.sourceTransportServers.some((s) => names.has(shortName(s))));
  sourced.set(data, list);
  return list;
}

/** The address of an address space as Exchange prints it: "SMTP:*.contoso.com;1" → "*.contoso.com". */
export function addressOf(space: string): string {
  const noType = space.includes(':') ? space.slice(space.indexOf(':') + 1) : space;
  const cost = noType.lastIndexOf(';');
  return (cost >= 0 ? noType.slice(0, cost) : noType).trim();
}

/** Exchange Online's inbound endpoints (Microsoft Learn: "Configure mail flow using connectors in Exchange Online"). */
export const EXO_DOMAIN = 'mail.protection.outlook.com';

/**
 * Exchange Online in each cloud, with HealthChecker's patterns (Invoke-AnalyzerFrequentConfigurationIssues.ps1 @ f88378b1:
 * $eopDomainRegExPattern, $remoteRoutingDomainRegExPattern, $serviceDomainRegExPattern): worldwide (GCC High / DoD
 * use the .us names), and Office 365 operated by 21Vianet.
 */
export interface ExoCloud { name: string; serviceDomain: string; remoteRouting: string }
export const EXO_CLOUDS: readonly ExoCloud[] = [
  { name: 'worldwide', serviceDomain: 'mail.protection.outlook.com', remoteRouting: 'mail.onmicrosoft.com' },
  { name: 'GCC High / DoD', serviceDomain: 'mail.protection.office365.us', remoteRouting: 'mail.onmicrosoft.us' },
  { name: 'Office 365 operated by 21Vianet', serviceDomain: 'mail.protection.partner.outlook.cn', remoteRouting: 'mail.partner.onmschina.cn' },
];
const bare = (h: string) => h.trim().toLowerCase().replace(/\.$/, '');
/** A tenant's smart host: one label before the service domain (contoso-com.mail.protection.outlook.com). */
export const exoCloudOfSmartHost = (h: string) => EXO_CLOUDS.find((c) => { const x = bare(h); return x.endsWith(`.${c.serviceDomain}`) && !x.slice(0, -c.serviceDomain.length - 1).includes('.'); }) ?? null;
/** A tenant's remote routing domain in an address space (contoso.mail.onmicrosoft.com). */
export const exoCloudOfAddress = (a: string) => EXO_CLOUDS.find((c) => { const x = bare(a).replace(/^\*\./, ''); return x.endsWith(`.${c.remoteRouting}`) && !x.slice(0, -c.remoteRouting.length - 1).includes('.'); }) ?? null;
/** The service domain itself, the only TlsDomain HealthChecker accepts with DomainValidation. */
export const exoCloudOfTlsDomain = (d: string | null) => (d === null ? null : EXO_CLOUDS.find((c) => bare(d) === c.serviceDomain) ?? null);

/** The cloud a send connector reaches: by smart host, else by remote routing address space. */
export function exoCloudOf(sc: SendConnector): ExoCloud | null {
  for (const h of sc.smartHosts) { const c = exoCloudOfSmartHost(h); if (c) return c; }
  for (const a of sc.addressSpaces) { const c = exoCloudOfAddress(addressOf(a)); if (c) return c; }
  return null;
}

/** A send connector to Exchange Online: smart host or address space of any cloud (HealthChecker's patterns), or CloudServicesMailEnabled. */
export function isExoConnector(sc: SendConnector): boolean {
  return sc.cloudServicesMailEnabled === true || exoCloudOf(sc) !== null;
}

/** TlsDomain values that match Exchange Online's certificate: a service domain of HealthChecker's pattern. */
export const isExoTlsDomain = (d: string | null) => exoCloudOfTlsDomain(d) !== null;

/**
 * The receive connectors of the server being judged: an export may hold other servers' connectors (Get-ReceiveConnector
 * without -Server lists the organisation's), told apart by their Server property or the "SERVER\name" identity.
 */
const ownReceive = new WeakMap<object, ReceiveConnector[]>();
export function receiveConnectorsOf(data: { exchangeConfig?: ExchangeConfig | null; computerName: string }, server: string): ReceiveConnector[] {
  const known = ownReceive.get(data);
  if (known) return known;
  const names = new Set([shortName(server), shortName(data.computerName)]);
  const serverOf = (rc: ReceiveConnector) => rc.server ?? (rc.identity?.includes('\\') ? rc.identity.slice(0, rc.identity.indexOf('\\')) : null);
  const list = (exchangeConfigOf(data)?.receiveConnectors ?? []).filter((rc) => { const s = serverOf(rc); return s === null || names.has(shortName(s)); });
  ownReceive.set(data, list);
  return list;
}

/** Receive connectors of other servers in the export (reported so the admin sees why they were left out). */
export function otherServersReceiveConnectors(data: { exchangeConfig?: ExchangeConfig | null; computerName: string }, server: string): ReceiveConnector[] {
  const own = new Set(receiveConnectorsOf(data, server));
  return (exchangeConfigOf(data)?.receiveConnectors ?? []).filter((rc) => !own.has(rc));
}

/**
 * Certificates HealthChecker leaves out as not Exchange's (Shared/CertificateFunctions/Get-ExchangeServerCertificateInformation.ps1
 * @ f88378b1): Azure's "DC=Windows Azure CRP Certificate Generator" (self-signed, made by the Azure fabric) and the
 * one-day "CN=MS-Organization-P2P-Access [YYYY]" certificates of Azure AD joined machines (not self-signed).
 */
export function isNotExchangeCertificate(c: ExchangeCertificate): boolean {
  const selfSigned = c.isSelfSigned ?? (c.subject !== null && c.subject === c.issuer);
  const names = [c.subject ?? '', c.issuer ?? ''];
  if (selfSigned && names.some((n) => /DC=Windows Azure CRP Certificate Generator/i.test(n))) return true;
  if (!selfSigned && names.some((n) => /CN=MS-Organization-P2P-Access \[[12][0-9]{3}\]$/i.test(n))) return true;
  return false;
}

/**
 * Certificate findings that can explain a failed TLS session. A certificate that is still valid (expiring) never
 * does; a SHA-1 signature or a short key makes the peer refuse the handshake, never Exchange's own
 * UnknownCredentials / NoCredentials (which mean Exchange found no usable certificate).
 */
export function isCredentialCause(id: string): boolean {
  return !/^CERT-(EXPIRING|SHA1-SIGNATURE|WEAK-KEY)-/.test(id);
}

/** An upper-case id fragment from a connector name ("Outbound to Office 365" → OUTBOUND-TO-OFFICE-365). */
export function idSlug(name: string): string {
  const s = name.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  if (s) return s;
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.codePointAt(0)!) >>> 0;
  return `X${h.toString(16).toUpperCase()}`;
}
