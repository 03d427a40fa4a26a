// The server's SMTP certificates (collector section exchangeConfig). Lifetime thresholds as HealthChecker's
// (CSS-Exchange Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecurityExchangeCertificates.ps1:
// 60 days and more fine, 30 to 59 a warning, under 30 red, negative expired), and its weak signature OIDs
// (Get-ExchangeCertificateCustomObject.ps1, from MS-GPNAP's OID table).
import type { ExchangeCertificate } from '../inventory/types.js';
import { finding, type RuleResult, type ServerContext } from './context.js';
import {
  certEvidence, certificatesNamed, certLabel, cmd, day, daysLeft, exchangeConfigOf, formatList, isExoConnector, isExpired, isNotExchangeCertificate,
  receiveConnectorsOf, sendConnectorsSourcedBy, line, p,
} from './exchange-config.js';
import type { PolicyRule } from './policy.js';
import type { HandChange, Severity } from './types.js';

type CertRule = Extract<PolicyRule, { rule: 'exchange-certificates' }>;

/** Signature algorithm OIDs HealthChecker calls weak (SHA-1, MD5, MD4, MD2). */
const WEAK_SIGNATURES = new Map<string, string>([
  ['1.2.840.113549.1.1.5', 'sha1RSA'], ['1.2.840.113549.1.1.4', 'md5RSA'], ['1.2.840.10040.4.3', 'sha1DSA'],
  ['1.3.14.3.2.29', 'sha1RSA'], ['1.3.14.3.2.15', 'shaRSA'], ['1.3.14.3.2.3', 'md5RSA'], ['1.2.840.113549.1.1.2', 'md2RSA'],
  ['1.2.840.113549.1.1.3', 'md4RSA'], ['1.3.14.3.2.2', 'md4RSA'], ['1.3.14.3.2.4', 'md4RSA'], ['1.3.14.7.2.3.1', 'md2RSA'],
  ['1.3.14.3.2.13', 'sha1DSA'], ['1.3.14.3.2.27', 'dsaSHA1'], ['1.3.14.3.2.26', 'sha1'], ['1.2.840.113549.2.5', 'md5'],
  ['1.2.840.10045.4.1', 'sha1ECDSA'],
]);
const ECC_KEY = /^(ECC|ECDSA|ECDH|1\.2\.840\.10045\.2\.1)$/i;

const hasSmtp = (c: ExchangeCertificate) => (c.services ?? []).some((s) => s.toUpperCase() === 'SMTP');

/** Connector names whose TlsCertificateName names the certificate (receive connectors here, send connectors this server sources). */
function namingConnectors(ctx: ServerContext, c: ExchangeCertificate): string[] {
  const names: string[] = [];
  for (const rc of receiveConnectorsOf(ctx.data, ctx.record.server)) {
    if (rc.tlsCertificateName && certificatesNamed(rc.tlsCertificateName, [c]).length) names.push(rc.name ?? rc.identity ?? '(unnamed)');
  }
  for (const sc of sendConnectorsSourcedBy(ctx.data, ctx.record.server)) {
    if (sc.tlsCertificateName && certificatesNamed(sc.tlsCertificateName, [c]).length) names.push(sc.name ?? sc.identity ?? '(unnamed)');
  }
  return [...new Set(names)].sort();
}

/** Does a DNS name of the certificate (SAN, else the subject's CN) cover the host name? One wildcard label at most. */
export function certificateCovers(c: ExchangeCertificate, host: string): boolean {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  const cn = /(?:^|,)\s*CN=([^,]+)/i.exec(c.subject ?? '')?.[1]?.trim();
  const names = c.domains.length ? c.domains : cn ? [cn] : [];
  return names.some((n) => {
    const x = n.trim().toLowerCase().replace(/\.$/, '');
    if (x === h) return true;
    return x.startsWith('*.') && h.endsWith(x.slice(1)) && !h.slice(0, h.length - x.length + 1).includes('.');
  });
}

/**
 * Where Exchange Online sees the certificate: named by a send connector to Exchange Online that this server sources
 * (or chosen by that connector's FQDN when it names none), by the hybrid configuration, or by a receive connector
 * that accepts Exchange Online's mail (TlsDomainCapabilities ...:AcceptCloudServicesMail).
 */
function exoSees(ctx: ServerContext, c: ExchangeCertificate): string | null {
  const cfg = exchangeConfigOf(ctx.data)!;
  for (const sc of sendConnectorsSourcedBy(ctx.data, ctx.record.server)) {
    if (sc.enabled === false || !isExoConnector(sc)) continue;
    if (sc.tlsCertificateName ? certificatesNamed(sc.tlsCertificateName, [c]).length > 0 : sc.fqdn !== null && hasSmtp(c) && certificateCovers(c, sc.fqdn)) {
      return `send connector ${sc.name ?? sc.identity ?? '(unnamed)'} presents it to Exchange Online`;
    }
  }
  const hybrid = cfg.hybridConfiguration;
  if (hybrid?.configured && hybrid.tlsCertificateName && certificatesNamed(hybrid.tlsCertificateName, [c]).length) return 'the hybrid configuration names it (TlsCertificateName)';
  for (const rc of receiveConnectorsOf(ctx.data, ctx.record.server)) {
    if (rc.enabled === false || !rc.tlsDomainCapabilities.some((t) => /:AcceptCloudServicesMail\b/i.test(t))) continue;
    if (rc.tlsCertificateName && certificatesNamed(rc.tlsCertificateName, [c]).length) return `receive connector ${rc.name ?? rc.identity ?? '(unnamed)'} presents it to Exchange Online`;
  }
  return null;
}

/** CertificateStatus values HealthChecker colours (Invoke-AnalyzerSecurityExchangeCertificates.ps1): red, or yellow. */
const STATUS_RED = new Set(['revoked', 'dateinvalid', 'invalid']);
const STATUS_YELLOW = new Set(['untrusted', 'revocationcheckfailure']);
const STATUS_WORDS: Record<string, string> = {
  revoked: 'its issuer revoked it: peers that check revocation refuse it',
  dateinvalid: 'it is outside its validity period (expired or not yet valid)',
  invalid: 'Windows cannot build a valid chain for it (broken chain, bad signature or missing issuer)',
  untrusted: 'its chain ends in a root this server does not trust (a private CA, or a self-signed certificate not in the trusted roots): partners that validate it refuse it',
  revocationcheckfailure: 'its revocation status could not be checked (CRL or OCSP unreachable from the server)',
};

function checkLines(server: string, c: ExchangeCertificate) {
  return [
    line('The certificate Exchange uses for SMTP is valid and enabled for SMTP (Services shows SMTP, NotAfter is months away, HasPrivateKey is True):',
      cmd('Get-ExchangeCertificate', [p.text('Server', server)], formatList('Thumbprint', 'Subject', 'Services', 'NotAfter', 'HasPrivateKey', 'Status'))),
    line(`Run the collector again and analyse it: the finding about ${c.thumbprint} is gone.`),
  ];
}

function renewal(server: string, c: ExchangeCertificate, connectors: string[], why: string): HandChange {
  const steps = c.isSelfSigned
    ? [line(`Renew the self-signed certificate (${why}); Exchange creates a new one with a new thumbprint:`,
        cmd('Get-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', c.thumbprint)], { cmdlet: 'New-ExchangeCertificate', parameters: [p.flag('PrivateKeyExportable', true)] }))]
    : [
        line(`Request the renewal from the issuing CA (${why}); the request text goes to the CA:`,
          cmd('Get-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', c.thumbprint)], { cmdlet: 'New-ExchangeCertificate', parameters: [p.switch('GenerateRequest'), p.flag('PrivateKeyExportable', true)] })),
        line('Complete the request with the CA\'s answer: Import-ExchangeCertificate on this server (Exchange admin center: Servers > Certificates > Complete).'),
      ];
  steps.push(line(`Enable the renewed certificate for SMTP (its thumbprint is in Get-ExchangeCertificate's list). To "Overwrite the existing default SMTP certificate?" answer ${c.internalTransport ? 'Yes: the old one is the internal transport certificate' : 'No: the old one is not the internal transport certificate'}:`,
    cmd('Enable-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', '<thumbprint of the renewed certificate>'), p.list('Services', ['SMTP'])])));
  if (connectors.length) {
    steps.push(line(`Connectors name it by issuer and subject (${connectors.join(', ')}): they keep working when the renewed certificate has the same issuer and subject; otherwise set their TlsCertificateName to the new one's (see their findings).`));
  }
  return {
    steps,
    check: checkLines(server, c),
    undo: [line('Enable the old certificate for SMTP again (only while it is still valid); the renewed one stays installed and can be removed later:',
      cmd('Enable-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', c.thumbprint), p.list('Services', ['SMTP'])]))],
  };
}

export function certificatesRule(ctx: ServerContext, rule: CertRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  const cfg = exchangeConfigOf(ctx.data);
  if (!cfg) return out;
  if (cfg.source === 'not-read' || cfg.certificates === null) {
    // Name exactly what was not read: connectors may have been read when certificates were not.
    const connectorsRead = cfg.source !== 'not-read' && (cfg.receiveConnectors !== null || cfg.sendConnectors !== null);
    const what = connectorsRead ? 'Exchange certificates were not read (connectors were)' : 'Exchange certificates and connectors were not read';
    out.findings.push(finding({
      id: 'EXCHANGE-CERTIFICATES-NOT-READ', severity: 'info', category: 'certificate',
      title: what,
      explanation: `${cfg.message ?? 'No certificate list.'} ${connectorsRead ? 'Connectors were judged without their certificates: a connector naming a missing or expired certificate goes unnoticed.' : ''} Collect on the server with the Exchange Management Shell, or pass an Export-Clixml file of Get-ExchangeCertificate${connectorsRead ? '' : ' and of the connectors'} (collector option exchangeConfigExports).`.replace(/\s+/g, ' ').trim(),
      evidence: [{ kind: 'collection', path: null, name: 'exchangeConfig.source', raw: cfg.source, display: `source: ${cfg.source}${cfg.message ? ` (${cfg.message})` : ''}` }],
    }));
    return out;
  }
  const server = ctx.data.computerName || ctx.record.server;
  const warnDays = rule.warnDays ?? 60;
  const failDays = rule.failDays ?? 30;
  const certificates = cfg.certificates.filter((c) => !isNotExchangeCertificate(c));
  // The internal transport certificate (Get-TransportService): HealthChecker is red when it is missing or expired.
  const itt = cfg.internalTransportThumbprint;
  if (itt && !ctx.data.exchange.isEdge && !certificates.some((c) => c.thumbprint.toUpperCase() === itt.toUpperCase())) {
    out.findings.push(finding({
      id: 'INTERNAL-TRANSPORT-CERT-MISSING', severity: rule.severity, category: 'certificate',
      title: `The internal transport certificate ${itt} is not among ${server}'s Exchange certificates`,
      explanation: `Get-TransportService names ${itt} as the internal transport (default SMTP) certificate, and Get-ExchangeCertificate on ${server} does not list it. Exchange servers use it for TLS between each other (and it is the fallback certificate for STARTTLS): mail between servers fails with "TLS negotiation failed with error UnknownCredentials" (HealthChecker: red, "No Internal Transport Certificate found", https://aka.ms/HC-InternalTransportCertificate). Create a new self-signed certificate for SMTP and let it become the default.`,
      evidence: [{ kind: 'certificate', path: null, name: 'InternalTransportCertificateThumbprint', raw: itt, display: `InternalTransportCertificateThumbprint ${itt}; ${certificates.length} Exchange certificate(s) on ${server}, none with it` }],
      byHand: {
        steps: [line(`Create a new self-signed certificate for SMTP on ${server}; to "Overwrite the existing default SMTP certificate?" answer Yes:`,
          cmd('New-ExchangeCertificate', [p.text('Server', server), p.list('Services', ['SMTP']), p.flag('PrivateKeyExportable', true)]))],
        check: [line('The internal transport certificate is listed and valid:', cmd('Get-TransportService', [p.text('Identity', server)], formatList('Name', 'InternalTransportCertificateThumbprint'))),
          line('Its thumbprint is among the server\'s certificates, enabled for SMTP:', cmd('Get-ExchangeCertificate', [p.text('Server', server)], formatList('Thumbprint', 'Subject', 'Services', 'NotAfter', 'Status')))],
        undo: [line('Nothing to undo: the old certificate is gone; the new one can be removed with Remove-ExchangeCertificate once another is the default.')],
      },
    }));
  }
  for (const c of certificates) {
    const connectors = namingConnectors(ctx, c);
    const smtp = hasSmtp(c) || c.internalTransport || connectors.length > 0;
    const servicesUnknown = c.services === null;
    if (!smtp && !servicesUnknown) continue;
    // With its services unknown the certificate may not carry SMTP at all: noted, never failed.
    const cap = (s: Severity): Severity => (smtp ? s : 'low');
    const role = smtp
      ? [hasSmtp(c) ? 'enabled for SMTP' : null, c.internalTransport ? 'the internal transport certificate' : null, connectors.length ? `named by ${connectors.join(', ')}` : null].filter(Boolean).join(', ')
      : 'services unknown (the export did not carry them)';
    const connector = connectors[0] ?? null;
    const add = (f: Parameters<typeof finding>[0]) => out.findings.push(finding({ ...f, connector }));
    const left = daysLeft(c, ctx.referenceTime);
    if (left !== null && isExpired(c, ctx.referenceTime)) {
      add({
        id: `CERT-EXPIRED-${c.thumbprint}`, severity: cap(rule.severity), category: 'certificate',
        title: `SMTP certificate ${certLabel(c)} expired on ${day(c.notAfter)}`,
        explanation: `The certificate (${role}) is no longer valid. Partners and Exchange Online that validate it refuse STARTTLS with it; a connector naming it fails with "TLS negotiation failed with error UnknownCredentials". Renew it and enable the renewed one for SMTP.`,
        evidence: [certEvidence(c, 'NotAfter', c.notAfter, `NotAfter ${c.notAfter} (${Math.max(0, -left)} day(s) ago)`)],
        byHand: renewal(server, c, connectors, `expired ${day(c.notAfter)}`),
      });
    } else if (left !== null && left < warnDays) {
      const failing = left < failDays;
      add({
        id: `CERT-EXPIRING-${c.thumbprint}`, severity: cap(failing ? 'medium' : 'low'), category: 'certificate',
        title: `SMTP certificate ${certLabel(c)} expires in ${left} day(s), on ${day(c.notAfter)}`,
        explanation: `The certificate (${role}) expires within ${failing ? failDays : warnDays} days (HealthChecker: under ${failDays} days red, under ${warnDays} yellow). When it does, STARTTLS with it fails for peers that validate it. Renew it before ${day(c.notAfter)} and enable the renewed one for SMTP.`,
        evidence: [certEvidence(c, 'NotAfter', c.notAfter, `NotAfter ${c.notAfter} (${left} day(s) after ${ctx.referenceTime.toISOString()})`)],
        byHand: renewal(server, c, connectors, `expires ${day(c.notAfter)}`),
      });
    }
    if (c.hasPrivateKey === false) {
      add({
        id: `CERT-NO-PRIVATE-KEY-${c.thumbprint}`, severity: cap(rule.severity), category: 'certificate',
        title: `SMTP certificate ${certLabel(c)} has no private key`,
        explanation: `Exchange cannot offer STARTTLS with a certificate whose private key is missing (${role}); sessions that need it fail with "TLS negotiation failed with error NoCredentials". Restore the key (certutil -repairstore my <thumbprint> when the key is still on the server) or import the certificate again with its key (.pfx).`,
        evidence: [certEvidence(c, 'HasPrivateKey', 'False', 'HasPrivateKey False')],
        byHand: {
          steps: [
            line(`If the key is still on the server, repair the link to it (elevated command prompt): certutil -repairstore my ${c.thumbprint}`),
            line('Otherwise import the certificate with its private key (.pfx, Import-ExchangeCertificate -FileData ... -Password ...) and enable it for SMTP:',
              cmd('Enable-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', c.thumbprint), p.list('Services', ['SMTP'])])),
          ],
          check: [line('HasPrivateKey is True:', cmd('Get-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', c.thumbprint)], formatList('Thumbprint', 'HasPrivateKey', 'Services', 'Status')))],
          undo: [line('Nothing to undo: restoring the private key changes no Exchange setting.')],
        },
      });
    }
    const status = (c.status ?? '').toLowerCase();
    const expired = left !== null && isExpired(c, ctx.referenceTime);
    if ((STATUS_RED.has(status) || STATUS_YELLOW.has(status)) && !(status === 'dateinvalid' && expired)) {
      const red = STATUS_RED.has(status);
      add({
        id: `CERT-STATUS-${c.thumbprint}`, severity: cap(red ? rule.severity : 'medium'), category: 'certificate',
        title: `SMTP certificate ${certLabel(c)} has status ${c.status}`,
        explanation: `Exchange reports the certificate (${role}) as ${c.status}: ${STATUS_WORDS[status]}. HealthChecker colours ${c.status} ${red ? 'red' : 'yellow'}. ${red ? 'Replace it with a valid certificate for the same names and enable that one for SMTP.' : 'Fix the trust or revocation path, or replace it with a certificate from a CA the peers trust.'}`,
        evidence: [certEvidence(c, 'Status', c.status, `Status ${c.status}`)],
        byHand: renewal(server, c, connectors, `status ${c.status}`),
      });
    }
    const weakKey = c.keySize !== null && c.keySize < 2048 && !ECC_KEY.test(c.keyAlgorithm ?? '');
    const ownWeakSig = c.signatureAlgorithm.oid !== null ? WEAK_SIGNATURES.get(c.signatureAlgorithm.oid) : undefined;
    // an intermediate CA above it signed with SHA-1 (the chain the server builds; a self-signed root's own signature
    // is not relied on)
    const weakIssuer = (c.chain ?? []).slice(1).find((e) => !e.selfSigned && e.signatureAlgorithm.oid !== null && WEAK_SIGNATURES.has(e.signatureAlgorithm.oid));
    const weakSig = ownWeakSig ?? (weakIssuer ? WEAK_SIGNATURES.get(weakIssuer.signatureAlgorithm.oid!) : undefined);
    if (weakKey || weakSig) {
      const what = [weakKey ? `a ${c.keySize}-bit key` : null, ownWeakSig ? `a ${ownWeakSig} signature` : null,
        !ownWeakSig && weakIssuer ? `an issuing CA (${weakIssuer.subject}) with a ${weakSig} signature` : null].filter(Boolean).join(' and ');
      // Exchange Online refuses SHA-1 signed certificates: where it sees this one, a weak signature breaks mail flow.
      const exo = weakSig ? exoSees(ctx, c) : null;
      add({
        id: weakKey ? `CERT-WEAK-KEY-${c.thumbprint}` : `CERT-SHA1-SIGNATURE-${c.thumbprint}`,
        severity: exo ? rule.severity : cap(weakKey ? 'medium' : 'low'), category: 'certificate',
        title: `SMTP certificate ${certLabel(c)} has ${what}${exo ? ' and Exchange Online sees it' : ''}`,
        explanation: `${exo ? `Exchange Online sees this certificate (${exo}) and Microsoft 365 no longer accepts SHA-1 signed certificates: the connector's TLS fails. ` : ''}HealthChecker flags keys under 2048 bits (red) and SHA-1/MD5 signatures (yellow); TLS 1.2 peers with current security levels refuse such certificates. Replace it with a certificate with a 2048-bit (or larger) key and a SHA-256 signature for the same names (${c.domains.join(', ') || c.subject || 'its names'}).`,
        evidence: [
          ...(weakKey ? [certEvidence(c, 'KeySize', c.keySize, `${c.keyAlgorithm ?? 'key'} ${c.keySize} bits`)] : []),
          ...(ownWeakSig ? [certEvidence(c, 'SignatureAlgorithm', c.signatureAlgorithm.oid, `signature ${c.signatureAlgorithm.name ?? ownWeakSig} (${c.signatureAlgorithm.oid})`)] : []),
          ...(!ownWeakSig && weakIssuer ? [certEvidence(c, 'chain', weakIssuer.signatureAlgorithm.oid, `issuing CA ${weakIssuer.subject} (${weakIssuer.thumbprint}) signed with ${weakIssuer.signatureAlgorithm.name ?? weakSig} (${weakIssuer.signatureAlgorithm.oid})`)] : []),
        ],
        byHand: {
          steps: [
            line('Request a replacement with a 2048-bit key (the CA signs it with SHA-256), for the same names; a self-signed one is created at once:',
              cmd('New-ExchangeCertificate', [
                p.text('Server', server), p.text('KeySize', '2048'), p.flag('PrivateKeyExportable', true),
                ...(c.subject ? [p.text('SubjectName', c.subject)] : []), ...(c.domains.length ? [p.list('DomainName', c.domains)] : []),
                ...(c.isSelfSigned ? [] : [p.switch('GenerateRequest')]),
              ])),
            ...(c.isSelfSigned ? [] : [line('Complete the request with the CA\'s answer: Import-ExchangeCertificate on this server.')]),
            line('Enable the replacement for SMTP:', cmd('Enable-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', '<thumbprint of the replacement>'), p.list('Services', ['SMTP'])])),
          ],
          check: checkLines(server, c),
          undo: [line('Enable the old certificate for SMTP again:', cmd('Enable-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', c.thumbprint), p.list('Services', ['SMTP'])]))],
        },
      });
    }
  }
  return out;
}

