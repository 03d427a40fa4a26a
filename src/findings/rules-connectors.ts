// Connectors whose TlsCertificateName names no usable certificate on this server: its receive connectors, and the
// organisation's send connectors it is a source server of. That is the cause behind "TLS negotiation failed with
// error UnknownCredentials / NoCredentials" in the protocol logs. (The send connectors' Exchange Online settings
// belong to the organisation and are judged once per fleet: fleet-connectors.ts.)
import type { ExchangeCertificate, ReceiveConnector, SendConnector } from '../inventory/types.js';
import { finding, type RuleResult, type ServerContext } from './context.js';
import {
  certificatesNamed, cmd, connectorEvidence, day, EXO_CLOUDS, exchangeConfigOf, formatList, idSlug, isExpired, isNotExchangeCertificate, line, p,
  parseTlsCertificateName, receiveConnectorsOf, otherServersReceiveConnectors, sendConnectorsSourcedBy, shortName, tlsCertificateNameOf,
} from './exchange-config.js';
import { certificateCovers } from './rules-certificates.js';
import type { PolicyRule } from './policy.js';
import type { Finding, HandChange } from './types.js';

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
    undo: [line('Set the previous value again:', cmd(setter, [p.text('Identity', t.identity), t.tlsCertificateName ? p.text('TlsCertificateName', t.tlsCertificateName) : p.null('TlsCertificateName')]))],
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

const ACCEPT_CLOUD = /:AcceptCloudServicesMail$/i;
const isCloudCapability = (t: string) => ACCEPT_CLOUD.test(t.trim());
const rcName = (rc: ReceiveConnector) => rc.name ?? rc.identity ?? '(unnamed)';
const rcIdentity = (rc: ReceiveConnector) => rc.identity ?? rcName(rc);

/**
 * Receive-side causes: a connector that accepts Exchange Online's mail without a certificate name, a hybrid receiving
 * server whose connectors do not accept Exchange Online's mail as cloud mail, and a connector whose FQDN no valid
 * SMTP certificate covers (Exchange then cannot offer STARTTLS with a matching certificate: event 12014).
 */
function receiveChecks(ctx: ServerContext, rule: ConnRule, server: string, own: ReceiveConnector[], certificates: ExchangeCertificate[]): Finding[] {
  const out: Finding[] = [];
  const cfg = exchangeConfigOf(ctx.data)!;
  const enabled = own.filter((rc) => rc.enabled !== false);
  for (const rc of enabled) {
    // HealthChecker (Get-ExchangeConnectorCustomObject.ps1, Invoke-AnalyzerHybridInformation.ps1): a receive connector
    // with TlsDomainCapabilities is cloud-enabled; one not on the Hub role without TlsCertificateName is yellow.
    if (rc.tlsDomainCapabilities.length && rc.transportRole !== 'HubTransport' && !rc.tlsCertificateName) {
      const name = rcName(rc);
      out.push(finding({
        id: `RECVCONN-${idSlug(name)}-CLOUD-NO-TLSCERT`, severity: 'medium', category: 'connector', connector: name,
        title: `receive connector ${name} accepts Exchange Online's mail but names no certificate (TlsCertificateName not set)`,
        explanation: `The connector has TlsDomainCapabilities ${rc.tlsDomainCapabilities.join(', ')} (cloud mail) and no TlsCertificateName: Exchange picks a certificate by the connector's FQDN (${rc.fqdn ?? 'not set'}), which may not be the one Exchange Online's outbound connector expects. HealthChecker: "There is no 'TlsCertificateName' configured for this cloud mail enabled connector. This will cause mail flow issues in hybrid scenarios" (https://aka.ms/HC-HybridConnector). Set it to the hybrid certificate's "<I>issuer<S>subject".`,
        evidence: [connectorEvidence(name, 'TlsDomainCapabilities', rc.tlsDomainCapabilities.join(', '), `TlsDomainCapabilities ${rc.tlsDomainCapabilities.join(', ')}; TlsCertificateName not set`)],
        byHand: repoint({ kind: 'receive', name, identity: rcIdentity(rc), tlsCertificateName: '' }, server, hybridCertificate(cfg, certificates, ctx.referenceTime)),
      }));
    }
  }
  const hybrid = cfg.hybridConfiguration;
  const names = new Set([shortName(server), shortName(ctx.record.server)]);
  const receiving = hybrid?.configured === true
    && [...hybrid.receivingTransportServers, ...hybrid.edgeTransportServers].some((s) => names.has(shortName(s)));
  if (receiving && hybrid) {
    const cloud = hybrid.serviceInstance === 1 ? EXO_CLOUDS[2]! : null;
    const wanted = (cloud ? [cloud] : EXO_CLOUDS).map((c) => `${c.serviceDomain}:AcceptCloudServicesMail`);
    const front = enabled.filter((rc) => ctx.data.exchange.isEdge || rc.transportRole !== 'HubTransport');
    const ok = front.some((rc) => rc.tlsDomainCapabilities.some((t) => wanted.includes(t.trim().toLowerCase().replace(/:acceptcloudservicesmail$/, ':AcceptCloudServicesMail'))));
    if (!ok) {
      const target = front.find((rc) => rc.bindings.some((b) => /:25$/.test(b))) ?? front[0] ?? null;
      const wrong = front.filter((rc) => rc.tlsDomainCapabilities.some(isCloudCapability));
      const name = target ? rcName(target) : '(no frontend receive connector)';
      out.push(finding({
        id: 'RECVCONN-EXO-NO-CLOUD-CAPABILITY', severity: rule.severity, category: 'connector', connector: target ? name : null,
        title: `${server} receives hybrid mail from Exchange Online, but no receive connector has TlsDomainCapabilities ${wanted[0]}`,
        explanation: `The hybrid configuration lists ${server} as a receiving transport server. Exchange Online's mail is accepted as your organisation's (cross-premises headers kept, not anonymous Internet mail) only on a receive connector with TlsDomainCapabilities "${wanted.join('" or "')}" — the value the Hybrid Configuration wizard sets on the Default Frontend connector.${wrong.length ? ` ${wrong.map((rc) => `${rcName(rc)} has ${rc.tlsDomainCapabilities.join(', ')}`).join('; ')}: another domain, which Exchange Online's certificate does not carry.` : ''} Run the Hybrid Configuration wizard again, or set the value on the connector that takes Exchange Online's mail.`,
        evidence: front.map((rc) => connectorEvidence(rcName(rc), 'TlsDomainCapabilities', rc.tlsDomainCapabilities.join(', ') || null, `TlsDomainCapabilities ${rc.tlsDomainCapabilities.join(', ') || '(none)'}`)),
        ...(target ? {
          byHand: {
            steps: [line('Accept Exchange Online\'s mail as cloud mail on the connector (keeps the values it has):',
              cmd('Set-ReceiveConnector', [p.text('Identity', rcIdentity(target)), p.list('TlsDomainCapabilities', [...target.tlsDomainCapabilities.filter((t) => !wrong.includes(target) || !isCloudCapability(t)), wanted[0]!])]))],
            check: [line('The connector shows the value:', cmd('Get-ReceiveConnector', [p.text('Identity', rcIdentity(target))], formatList('Identity', 'TlsDomainCapabilities', 'TlsCertificateName')))],
            undo: [line('Set the previous value again:', cmd('Set-ReceiveConnector', [p.text('Identity', rcIdentity(target)), target.tlsDomainCapabilities.length ? p.list('TlsDomainCapabilities', target.tlsDomainCapabilities) : p.null('TlsDomainCapabilities')]))],
          } satisfies HandChange,
        } : {}),
      }));
    }
  }
  // FQDN coverage: only on a complete picture — every certificate's services known, and the internal transport
  // certificate (always enabled for SMTP) known — so a partial export never raises it.
  if (certificates.every((c) => c.services !== null) && cfg.internalTransportThumbprint !== null) {
    const usable = certificates.filter((c) => !isExpired(c, ctx.referenceTime) && c.hasPrivateKey !== false
      && ((c.services ?? []).some((x) => x.toUpperCase() === 'SMTP') || c.internalTransport));
    for (const rc of enabled) {
      if (rc.tlsCertificateName || !rc.fqdn || !rc.authMechanism.some((m) => m.toLowerCase() === 'tls')) continue;
      if (usable.some((c) => certificateCovers(c, rc.fqdn!))) continue;
      const name = rcName(rc);
      out.push(finding({
        id: `RECVCONN-${idSlug(name)}-FQDN-NOT-COVERED`, severity: 'medium', category: 'connector', connector: name,
        title: `receive connector ${name}: no valid SMTP certificate on ${server} covers its FQDN ${rc.fqdn}`,
        explanation: `Exchange offers STARTTLS on a receive connector with the SMTP certificate whose name matches the connector's FQDN (${rc.fqdn}). None of ${server}'s valid certificates enabled for SMTP names it (${usable.length ? usable.map((c) => `${c.thumbprint}: ${c.domains.join(', ') || c.subject}`).join('; ') : 'there is none'}): Exchange logs event 12014 ("could not find a certificate that contains the domain name ... unable to support the STARTTLS SMTP verb") and STARTTLS is not offered properly, so senders that require TLS fail. Enable a certificate that names ${rc.fqdn} for SMTP, or set TlsCertificateName on the connector.`,
        evidence: [connectorEvidence(name, 'Fqdn', rc.fqdn, `Fqdn ${rc.fqdn}; TlsCertificateName not set`)],
        byHand: {
          steps: [line(`Enable a valid certificate that names ${rc.fqdn} for SMTP on ${server} (import one first when none does):`,
            cmd('Enable-ExchangeCertificate', [p.text('Server', server), p.text('Thumbprint', '<thumbprint of a certificate that names the FQDN>'), p.list('Services', ['SMTP'])]))],
          check: [line('A certificate enabled for SMTP names the FQDN:', cmd('Get-ExchangeCertificate', [p.text('Server', server)], formatList('Thumbprint', 'Subject', 'CertificateDomains', 'Services', 'NotAfter')))],
          undo: [line('Nothing to undo: enabling a certificate for SMTP adds a service; disable it again with Enable-ExchangeCertificate for the previous services.')],
        },
      }));
    }
  }
  return out;
}

/** The certificate the hybrid configuration names, if it is on the server, else the usual replacement pick. */
function hybridCertificate(cfg: NonNullable<ReturnType<typeof exchangeConfigOf>>, certs: ExchangeCertificate[], at: Date): ExchangeCertificate | null {
  const named = cfg.hybridConfiguration?.tlsCertificateName;
  if (named) {
    const c = certificatesNamed(named, certs).find((x) => !isExpired(x, at));
    if (c) return c;
  }
  return replacement(certs, named ?? '', at);
}

export function connectorsRule(ctx: ServerContext, rule: ConnRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  const cfg = exchangeConfigOf(ctx.data);
  if (!cfg || cfg.source === 'not-read') return out;
  if (cfg.receiveConnectors === null || cfg.sendConnectors === null) {
    // Name exactly the lists that were not read.
    const missing = [cfg.receiveConnectors === null ? 'receive connectors (Get-ReceiveConnector)' : null, cfg.sendConnectors === null ? 'send connectors (Get-SendConnector)' : null].filter(Boolean);
    out.findings.push(finding({
      id: 'EXCHANGE-CONNECTORS-NOT-READ', severity: 'info', category: 'connector',
      title: `Exchange ${missing.length === 2 ? 'connectors were' : `${missing[0]!.replace(/ \(.*$/, '')} were`} not read`,
      explanation: `${cfg.message ?? 'No connector list.'} Not read: ${missing.join(' and ')}${cfg.certificates !== null ? '; certificates were read and judged' : ''}. A connector naming a missing certificate would go unnoticed. Collect with the Exchange Management Shell, or pass Export-Clixml files of them (collector option exchangeConfigExports).`,
      evidence: [{ kind: 'collection', path: null, name: 'exchangeConfig.source', raw: cfg.source, display: `source: ${cfg.source}; not read: ${missing.join(', ')}` }],
    }));
    if (cfg.receiveConnectors === null && cfg.sendConnectors === null) return out;
  }
  if (cfg.certificates === null) return out; // nothing to look the names up in: the certificate rule said so
  const server = ctx.data.computerName || ctx.record.server;
  const certificates = cfg.certificates.filter((c) => !isNotExchangeCertificate(c));
  const ownReceive = receiveConnectorsOf(ctx.data, ctx.record.server);
  const others = otherServersReceiveConnectors(ctx.data, ctx.record.server);
  if (others.length) {
    const servers = [...new Set(others.map((rc) => rc.server ?? rc.identity ?? '?'))].sort();
    out.findings.push(finding({
      id: 'RECVCONN-OTHER-SERVERS-SKIPPED', severity: 'info', category: 'connector',
      title: `${others.length} receive connector(s) of other servers (${servers.join(', ')}) were left out`,
      explanation: `The receive connector export holds connectors whose Server is not ${server}. They are judged only with their own server's certificates (collect that server, or export Get-ReceiveConnector -Server ${server}).`,
      evidence: others.map((rc) => connectorEvidence(rc.name ?? rc.identity ?? '(unnamed)', 'Server', rc.server, `Server ${rc.server ?? '(unknown)'}`)),
    }));
  }
  out.findings.push(...receiveChecks(ctx, rule, server, ownReceive, certificates));
  const used = new Set<string>();
  for (const t of targets(ownReceive, sendConnectorsSourcedBy(ctx.data, ctx.record.server))) {
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
        evidence: [ev], byHand: repoint(t, server, replacement(certificates, t.tlsCertificateName, ctx.referenceTime)),
      }));
      continue;
    }
    const named = certificatesNamed(t.tlsCertificateName, certificates);
    if (named.length === 0) {
      out.findings.push(finding({
        id: `${slug}-CERT-NOT-FOUND`, severity: rule.severity, category: 'connector', connector: t.name,
        title: `${kindText} ${t.name} names a certificate that is not on ${server}`,
        explanation: `TlsCertificateName names issuer "${parsed.issuer}" and subject "${parsed.subject}", and no certificate on ${server} has both, spelled exactly so (Exchange compares the strings: it was removed, renewed under another issuer, or the name is spelled differently). The connector then has no certificate to offer: its sessions fail with "TLS negotiation failed with error UnknownCredentials" (or NoCredentials). Set TlsCertificateName to a certificate that is on the server.`,
        evidence: [ev, connectorEvidence(t.name, 'certificates', certificates.length, `${certificates.length} certificate(s) on ${server}, none with exactly that issuer and subject`)],
        byHand: repoint(t, server, replacement(certificates, t.tlsCertificateName, ctx.referenceTime)),
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
        byHand: repoint(t, server, replacement(certificates, t.tlsCertificateName, ctx.referenceTime)),
      }));
    }
  }
  return out;
}
