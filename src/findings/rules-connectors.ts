// Connectors whose TlsCertificateName names no usable certificate on this server: its receive connectors, and the
// organisation's send connectors it is a source server of. That is the cause behind "TLS negotiation failed with
// error UnknownCredentials / NoCredentials" in the protocol logs. (The send connectors' Exchange Online settings
// belong to the organisation and are judged once per fleet: fleet-connectors.ts.)
import type { ExchangeCertificate, ReceiveConnector, SendConnector } from '../inventory/types.js';
import { finding, type RuleResult, type ServerContext } from './context.js';
import {
  certificatesNamed, cmd, connectorEvidence, day, exchangeConfigOf, formatList, idSlug, isExpired, sendConnectorsSourcedBy, line, p,
  parseTlsCertificateName, tlsCertificateNameOf,
} from './exchange-config.js';
import type { PolicyRule } from './policy.js';
import type { HandChange } from './types.js';

type ConnRule = Extract<PolicyRule, { rule: 'exchange-connectors' }>;

interface Target {
  kind: 'receive' | 'send';
  name: string;
  identity: string;
  tlsCertificateName: string;
}

/** A valid certificate to point the connector at: enabled for SMTP, with its key, not expired, the latest expiry first. */
function replacement(certs: ExchangeCertificate[], wanted: string, at: Date): ExchangeCertificate | null {
  const subject = parseTlsCertificateName(wanted)?.subject.toLowerCase() ?? null;
  const usable = certs
    .filter((c) => !isExpired(c, at) && c.hasPrivateKey !== false && (c.services ?? []).some((s) => s.toUpperCase() === 'SMTP') && !c.isSelfSigned)
    .sort((a, b) => Number((b.subject ?? '').toLowerCase() === subject) - Number((a.subject ?? '').toLowerCase() === subject) || (b.notAfter ?? '').localeCompare(a.notAfter ?? ''));
  return usable[0] ?? null;
}

function repoint(t: Target, server: string, to: ExchangeCertificate | null): HandChange {
  const setter = t.kind === 'send' ? 'Set-SendConnector' : 'Set-ReceiveConnector';
  const getter = t.kind === 'send' ? 'Get-SendConnector' : 'Get-ReceiveConnector';
  const value = to ? tlsCertificateNameOf(to) : '<I><issuer of the certificate><S><its subject>';
  return {
    steps: [
      line(to
        ? `Point the connector at ${to.subject ?? to.thumbprint} (${to.thumbprint}, valid until ${day(to.notAfter)}), by its issuer and subject:`
        : `No valid SMTP certificate from a CA is on ${server}: install and enable one first (Import-ExchangeCertificate, Enable-ExchangeCertificate -Services SMTP), then set the connector to its "<I>issuer<S>subject":`,
      cmd(setter, [p.text('Identity', t.identity), p.text('TlsCertificateName', value)])),
      ...(t.kind === 'send' ? [line('The certificate must be on every source server of the connector, enabled for SMTP.')] : []),
    ],
    check: [
      line('The connector names the certificate:', cmd(getter, [p.text('Identity', t.identity)], formatList('Identity', 'TlsCertificateName'))),
      line('A matching certificate is on the server (same Issuer and Subject, not expired, HasPrivateKey True):',
        cmd('Get-ExchangeCertificate', [p.text('Server', server)], formatList('Thumbprint', 'Issuer', 'Subject', 'NotAfter', 'HasPrivateKey', 'Services'))),
      line(`New ${t.kind === 'send' ? 'send' : 'receive'} protocol-log lines for the connector no longer show "TLS negotiation failed with error UnknownCredentials"; collect and analyse again.`),
    ],
    undo: [line('Set the previous value again:', cmd(setter, [p.text('Identity', t.identity), p.text('TlsCertificateName', t.tlsCertificateName)]))],
  };
}

function targets(receive: ReceiveConnector[], send: SendConnector[]): Target[] {
  const out: Target[] = [];
  for (const rc of receive) {
    if (!rc.tlsCertificateName || rc.enabled === false) continue;
    const name = rc.name ?? rc.identity ?? '(unnamed)';
    out.push({ kind: 'receive', name, identity: rc.identity ?? name, tlsCertificateName: rc.tlsCertificateName });
  }
  for (const sc of send) {
    if (!sc.tlsCertificateName || sc.enabled === false) continue;
    const name = sc.name ?? sc.identity ?? '(unnamed)';
    out.push({ kind: 'send', name, identity: sc.identity ?? name, tlsCertificateName: sc.tlsCertificateName });
  }
  return out;
}

export function connectorsRule(ctx: ServerContext, rule: ConnRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  const cfg = exchangeConfigOf(ctx.data);
  if (!cfg || cfg.source === 'not-read') return out;
  if (cfg.receiveConnectors === null && cfg.sendConnectors === null) {
    out.findings.push(finding({
      id: 'EXCHANGE-CONNECTORS-NOT-READ', severity: 'info', category: 'connector',
      title: 'Exchange connectors were not read',
      explanation: `${cfg.message ?? 'No connector list.'} Certificates alone were judged; a connector naming a missing certificate would go unnoticed. Collect with the Exchange Management Shell, or pass Export-Clixml files of Get-ReceiveConnector and Get-SendConnector (collector option exchangeConfigExports).`,
      evidence: [{ kind: 'collection', path: null, name: 'exchangeConfig.source', raw: cfg.source, display: `source: ${cfg.source}` }],
    }));
    return out;
  }
  if (cfg.certificates === null) return out; // nothing to look the names up in: the certificate rule said so
  const server = ctx.data.computerName || ctx.record.server;
  const used = new Set<string>();
  for (const t of targets(cfg.receiveConnectors ?? [], sendConnectorsSourcedBy(ctx.data, ctx.record.server))) {
    let slug = `${t.kind === 'send' ? 'SENDCONN' : 'RECVCONN'}-${idSlug(t.name)}`;
    for (let i = 2; used.has(slug); i++) slug = `${slug}-${i}`;
    used.add(slug);
    const parsed = parseTlsCertificateName(t.tlsCertificateName);
    const ev = connectorEvidence(t.name, 'TlsCertificateName', t.tlsCertificateName, `TlsCertificateName ${t.tlsCertificateName}`);
    const kindText = t.kind === 'send' ? 'send connector' : 'receive connector';
    if (!parsed) {
      out.findings.push(finding({
        id: `${slug}-CERT-NAME-INVALID`, severity: 'medium', category: 'connector', connector: t.name,
        title: `${kindText} ${t.name}: TlsCertificateName is not "<I>issuer<S>subject"`,
        explanation: 'Exchange looks the certificate up by the issuer after <I> and the subject after <S>; without them it finds none and TLS with the connector\'s certificate fails (UnknownCredentials).',
        evidence: [ev], byHand: repoint(t, server, replacement(cfg.certificates, t.tlsCertificateName, ctx.referenceTime)),
      }));
      continue;
    }
    const named = certificatesNamed(t.tlsCertificateName, cfg.certificates);
    if (named.length === 0) {
      out.findings.push(finding({
        id: `${slug}-CERT-NOT-FOUND`, severity: rule.severity, category: 'connector', connector: t.name,
        title: `${kindText} ${t.name} names a certificate that is not on ${server}`,
        explanation: `TlsCertificateName names issuer "${parsed.issuer}" and subject "${parsed.subject}", and no certificate on ${server} has both (it was removed or renewed under another issuer). The connector then has no certificate to offer: its sessions fail with "TLS negotiation failed with error UnknownCredentials" (or NoCredentials). Set TlsCertificateName to a certificate that is on the server.`,
        evidence: [ev, connectorEvidence(t.name, 'certificates', cfg.certificates.length, `${cfg.certificates.length} certificate(s) on ${server}, none with that issuer and subject`)],
        byHand: repoint(t, server, replacement(cfg.certificates, t.tlsCertificateName, ctx.referenceTime)),
      }));
      continue;
    }
    if (named.every((c) => isExpired(c, ctx.referenceTime))) {
      const latest = named.map((c) => c.notAfter ?? '').sort().at(-1) ?? null;
      out.findings.push(finding({
        id: `${slug}-CERT-EXPIRED`, severity: rule.severity, category: 'connector', connector: t.name,
        title: `${kindText} ${t.name} names only an expired certificate (${day(latest)})`,
        explanation: `Every certificate on ${server} with the issuer and subject TlsCertificateName names has expired (${named.map((c) => `${c.thumbprint} ${day(c.notAfter)}`).join(', ')}). Peers that validate it refuse it; Exchange logs "TLS negotiation failed with error UnknownCredentials". Install the renewed certificate (same issuer and subject keeps the connector as it is) or point the connector at a valid one.`,
        evidence: [ev, ...named.map((c) => connectorEvidence(t.name, 'NotAfter', c.notAfter, `${c.thumbprint} expired ${c.notAfter}`))],
        byHand: repoint(t, server, replacement(cfg.certificates, t.tlsCertificateName, ctx.referenceTime)),
      }));
    }
  }
  return out;
}
