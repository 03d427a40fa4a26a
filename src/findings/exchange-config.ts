// Reading the collector's exchangeConfig section: certificate lookups by TlsCertificateName, Exchange Online
// connectors, and the Exchange Management Shell commands the runbook's "Changes by hand" steps print.
import type { ExchangeCertificate, ExchangeConfig, SendConnector } from '../inventory/types.js';
import type { Evidence, HandStepLine, NativeCommand, ShellCommand, ShellParameter } from './types.js';

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

/** certutil -repairstore my <thumbprint>: relinks a certificate in the machine's Personal store to its private key. */
export const certutilRepairStore = (thumbprint: string): NativeCommand => ({
  program: 'certutil.exe',
  arguments: [{ kind: 'option', text: '-repairstore' }, { kind: 'word', text: 'my' }, { kind: 'thumbprint', text: thumbprint }],
});

export const formatList = (...properties: string[]) => ({ cmdlet: 'Format-List', parameters: [p.list('Property', properties)] });

export const line = (text: string, command: ShellCommand | NativeCommand | null = null): HandStepLine => ({ text, command });

/** "<I>issuer<S>subject" → its parts (HealthChecker's rule: <I> and <S> markers, case-insensitive); null when not in that form. */
export function parseTlsCertificateName(value: string): { issuer: string; subject: string } | null {
  const m = /^\s*<I>(.*)<S>(.*)$/is.exec(value);
  if (!m) return null;
  return { issuer: m[1]!.trim(), subject: m[2]!.trim() };
}

/** X.500 names compared the way Exchange users write them: case and the spaces after separators do not matter. */
const normalized = new Map<string, string>();
function norm(s: string): string {
  let n = normalized.get(s);
  if (n === undefined) {
    if (normalized.size >= 10_000) normalized.clear();
    normalized.set(s, (n = s.trim().replace(/\s*([,;+=])\s*/g, '$1').toLowerCase()));
  }
  return n;
}

function sameName(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  return a === b || norm(a) === norm(b);
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
 * Exchange Online per cloud: the domain of its inbound endpoints (the tenant's MX host is <tenant>.<domain>), which
 * is also the name its certificate carries, so the TlsDomain a DomainValidation connector must check.
 * - worldwide: mail.protection.outlook.com (Microsoft Learn, "Configure mail flow using connectors in Exchange Online")
 * - GCC High and DoD: mail.protection.office365.us (MicrosoftDocs/microsoft-365-docs "DNS records for Office 365
 *   GCC High", microsoft-365/enterprise/dns-records-for-office-365-gcc-high.md at 940c6ea9b09dd3922b23b8656556d86b2e63824b,
 *   and "DNS records for Office 365 DoD", dns-records-for-office-365-dod.md at 06481cea9c0a31903bccf55c3d2145fdc186e4a8:
 *   MX "*tenant*.mail.protection.office365.us")
 * - 21Vianet (China): mail.protection.partner.outlook.cn (Microsoft 365 docs for Office 365 operated by 21Vianet,
 *   "Create DNS records ...": MX "<domain-key>.mail.protection.partner.outlook.cn")
 */
export const EXO_CLOUDS = [
  { cloud: 'worldwide', domain: EXO_DOMAIN },
  { cloud: 'GCC High / DoD', domain: 'mail.protection.office365.us' },
  { cloud: '21Vianet', domain: 'mail.protection.partner.outlook.cn' },
] as const;
export type ExoCloud = (typeof EXO_CLOUDS)[number];

const hostCloud = (h: string): ExoCloud | undefined => {
  const x = h.trim().toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
  return EXO_CLOUDS.find((c) => x === c.domain || x.endsWith(`.${c.domain}`));
};
const isExoHost = (h: string) => hostCloud(h) !== undefined;

/** A send connector to Exchange Online: its address space or smart host is under an Exchange Online domain, or CloudServicesMailEnabled. */
export function isExoConnector(sc: SendConnector): boolean {
  return sc.cloudServicesMailEnabled === true || sc.addressSpaces.some((a) => isExoHost(addressOf(a))) || sc.smartHosts.some(isExoHost);
}

/**
 * The cloud a connector to Exchange Online sends to, read from its own smart hosts and address spaces; worldwide
 * when they name none (a hybrid connector to <tenant>.mail.onmicrosoft.com with DNS routing).
 */
export function exoCloudOf(sc: SendConnector): ExoCloud {
  for (const h of [...sc.smartHosts, ...sc.addressSpaces.map(addressOf)]) {
    const c = hostCloud(h);
    if (c) return c;
  }
  return EXO_CLOUDS[0];
}

/** TlsDomain values that match the certificate of that cloud's Exchange Online (its domain, or a name under it). */
export const isExoTlsDomain = (d: string | null, cloud: ExoCloud = EXO_CLOUDS[0]) => d !== null && hostCloud(d) === cloud;

/** An upper-case id fragment from a connector name ("Outbound to Office 365" → OUTBOUND-TO-OFFICE-365). */
export function idSlug(name: string): string {
  const s = name.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  if (s) return s;
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.codePointAt(0)!) >>> 0;
  return `X${h.toString(16).toUpperCase()}`;
}
