// The organisation's send connectors: every server with the Exchange Management Shell reports the same list, so each
// connector is judged once, as a fleet finding naming its source servers. Checks for the connector to Exchange
// Online follow Microsoft Learn ("Configure mail flow using connectors", the Hybrid Configuration wizard's outbound
// connector: TlsAuthLevel DomainValidation, TlsDomain mail.protection.outlook.com, RequireTLS $true) and
// HealthChecker's hybrid analyzer (Invoke-AnalyzerHybridInformation.ps1).
import type { HybridConfiguration, InventoryRecord, SendConnector } from '../inventory/types.js';
import {
  addressOf, cmd, EXO_DOMAIN, exchangeConfigOf, exoCloudOf, exoCloudOfTlsDomain, formatList, isExoConnector, line, p, shortName,
} from './exchange-config.js';
import type { FleetDifference, FleetFinding, HandChange, ServerAnalysis } from './types.js';

/** The settings the findings compare, as one server reported them (every server repeats the organisation's list). */
type Reported = Pick<SendConnector, 'tlsAuthLevel' | 'tlsDomain' | 'requireTls' | 'tlsCertificateName' | 'cloudServicesMailEnabled'>;

interface Seen {
  connector: SendConnector;
  /** servers whose collection reported the connector, and the values they saw (no full copy per server) */
  reports: { server: string; values: Reported }[];
}

const keyOf = (c: SendConnector) => (c.guid ?? c.identity ?? c.name ?? '').toLowerCase();
const shown = (v: string | boolean | null) => (v === null ? '(not set)' : String(v));

/** What the mitigation needs of each server: can it carry the mail, and which send connectors fail on it now. */
interface MailState {
  /** collected, a fleet member, and no mail flow failing now */
  healthy: boolean;
  /** send connectors (lower-case names) with a critical failure still seen in the last days of the log window */
  failingSend: Set<string>;
}

function mailState(record: InventoryRecord, analysis: ServerAnalysis | undefined): MailState {
  const failingSend = new Set<string>();
  let failing = false;
  for (const f of analysis?.findings ?? []) {
    if (f.category !== 'mail-flow' || f.severity !== 'critical') continue;
    const m = f.evidence.find((e) => e.failure)?.failure;
    if (!m?.failingNow) continue;
    failing = true;
    if (m.direction === 'send') failingSend.add(m.connector.toLowerCase());
  }
  return { healthy: record.status === 'ok' && record.fleetMember !== false && !failing, failingSend };
}

export class SendConnectorFleet {
  private readonly seen = new Map<string, Seen>();
  private readonly servers = new Map<string, string>();
  private readonly states = new Map<string, MailState>();

  private hybrid: { value: HybridConfiguration; server: string } | null = null;
  /** send connector names (lower case) with a TLS mail-flow failure in some server's protocol logs */
  private readonly failing = new Map<string, Set<string>>();

  add(record: InventoryRecord, analysis?: ServerAnalysis): void {
    this.servers.set(shortName(record.server), record.server);
    this.states.set(shortName(record.server), mailState(record, analysis));
    if (record.data?.computerName) this.servers.set(shortName(record.data.computerName), record.server);
    const cfg = record.data ? exchangeConfigOf(record.data) : null;
    if (cfg?.hybridConfiguration?.configured && !this.hybrid) this.hybrid = { value: cfg.hybridConfiguration, server: record.server };
    for (const f of analysis?.findings ?? []) {
      if (!f.connector || !/^MAILFLOW-SEND-(HANDSHAKE|CREDENTIALS|STARTTLS)-/.test(f.id)) continue;
      const k = f.connector.toLowerCase();
      this.failing.set(k, (this.failing.get(k) ?? new Set()).add(`${record.server}: ${f.id}`));
    }
    for (const c of cfg?.sendConnectors ?? []) {
      const k = keyOf(c);
      if (!k) continue;
      const s = this.seen.get(k);
      const values: Reported = {
        tlsAuthLevel: c.tlsAuthLevel, tlsDomain: c.tlsDomain, requireTls: c.requireTls, tlsCertificateName: c.tlsCertificateName, cloudServicesMailEnabled: c.cloudServicesMailEnabled,
      };
      if (s) s.reports.push({ server: record.server, values });
      else this.seen.set(k, { connector: c, reports: [{ server: record.server, values }] });
    }
  }

  findings(): FleetFinding[] {
    const out: FleetFinding[] = [];
    const seen = [...this.seen.values()].sort((a, b) => (a.connector.name ?? '').localeCompare(b.connector.name ?? ''));
    for (const s of seen) {
      const c = s.connector;
      if (c.enabled === false || !isExoConnector(c)) continue;
      out.push(...this.judge(s));
    }
    return out;
  }

  private judge(s: Seen): FleetFinding[] {
    const c = s.connector;
    const name = c.name ?? c.identity ?? '(unnamed)';
    const identity = c.identity ?? name;
    const sources = c.sourceTransportServers;
    const inFleet = sources.map((x) => this.servers.get(shortName(x))).filter((x): x is string => !!x);
    const servers = inFleet.length ? [...new Set(inFleet)] : [...new Set(s.reports.map((r) => r.server))];
    const base = {
      group: { kind: 'organisation' as const, name: `send connector ${name}` },
      servers,
      connector: name,
    };
    const sourcesText = sources.length ? sources.join(', ') : '(none listed)';
    const target = [...c.smartHosts, ...c.addressSpaces.map(addressOf)].join(', ');
    const diff = (setting: string, value: (x: Reported) => string | boolean | null) => reportedDifference(s, setting, value);
    const check = [line('The connector shows the new values:', cmd('Get-SendConnector', [p.text('Identity', identity)], formatList('Identity', 'TlsAuthLevel', 'TlsDomain', 'RequireTLS', 'TlsCertificateName', 'SmartHosts')))];
    const out: FleetFinding[] = [];
    const hybrid = c.cloudServicesMailEnabled === true && !c.addressSpaces.some((a) => addressOf(a) === '*');
    // HealthChecker's "relay Internet mail via Microsoft 365": an Exchange Online smart host with a wildcard address space
    const relay = c.smartHosts.some((h) => /\.mail\.protection\./i.test(h)) && c.addressSpaces.some((a) => addressOf(a).includes('*'));
    const cloud = exoCloudOf(c);
    const serviceDomain = cloud?.serviceDomain ?? EXO_DOMAIN;
    const failures = [...(this.failing.get(name.toLowerCase()) ?? [])].sort();
    const failingText = failures.length ? ` Mail through it fails now (${failures.join('; ')}).` : '';
    const level = c.tlsAuthLevel;
    if (level !== 'CertificateValidation' && level !== 'DomainValidation') {
      const want = hybrid ? 'DomainValidation' : 'CertificateValidation';
      // Set-SendConnector: a TlsAuthLevel cannot be set "if the RequireTLS parameter is set to $false"
      // (office-docs-powershell Set-SendConnector.md, -TlsAuthLevel): RequireTLS $true in the same command
      const byHand: HandChange = {
        steps: [line(`Make the connector require TLS and validate Exchange Online's certificate (${want}${hybrid ? ` for ${serviceDomain}${cloud ? `, ${cloud.name}` : ''}` : ''}):`,
          cmd('Set-SendConnector', [p.text('Identity', identity), p.flag('RequireTLS', true), p.text('TlsAuthLevel', want), ...(hybrid ? [p.text('TlsDomain', serviceDomain)] : [])]))],
        check,
        undo: [line('Set the previous values again:', cmd('Set-SendConnector', [p.text('Identity', identity),
          level === null ? p.null('TlsAuthLevel') : p.text('TlsAuthLevel', level),
          p.flag('RequireTLS', c.requireTls === true),
          ...(hybrid ? [c.tlsDomain === null ? p.null('TlsDomain') : p.text('TlsDomain', c.tlsDomain)] : [])]))],
      };
      // HealthChecker: yellow ("TlsAuthLevel not set to CertificateValidation or DomainValidation"; red only in its hybrid
      // analysis of a relay connector); extls raises it to high when the connector's mail actually fails.
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', severity: failures.length ? 'high' : 'medium',
        title: `Send connector ${name} to Exchange Online does not validate its certificate (TlsAuthLevel ${shown(level)})`,
        explanation: `The connector sends to Exchange Online (${target || 'CloudServicesMailEnabled'}) from ${sourcesText} with TlsAuthLevel ${shown(level)}. Without CertificateValidation or DomainValidation Exchange Online cannot treat the mail as coming from your organisation's certificate (hybrid mail flow, attribution to the inbound connector) and a man in the middle goes unnoticed. HealthChecker warns (yellow${relay ? '; red in its hybrid analysis of a connector that relays Internet mail through Microsoft 365, as this one does' : ''}).${failingText} Set ${want}.`,
        differences: [diff('TlsAuthLevel', (x) => x.tlsAuthLevel)],
        byHand,
      });
    } else if (level === 'DomainValidation' && (exoCloudOfTlsDomain(c.tlsDomain) === null || (cloud !== null && exoCloudOfTlsDomain(c.tlsDomain) !== cloud))) {
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-TLS-DOMAIN', severity: 'high',
        title: `Send connector ${name} to Exchange Online checks the wrong TlsDomain (${shown(c.tlsDomain)})`,
        explanation: `With DomainValidation Exchange compares the certificate Exchange Online presents (${serviceDomain}${cloud ? `, ${cloud.name}` : ''}) with TlsDomain ${c.tlsDomain === null ? '(not set: then with each recipient\'s domain, which never matches)' : `"${c.tlsDomain}"`}; the check fails and the mail queues. HealthChecker accepts only the service domain of a cloud (mail.protection.outlook.com, mail.protection.office365.us, mail.protection.partner.outlook.cn). Set TlsDomain to ${serviceDomain}.`,
        differences: [diff('TlsDomain', (x) => x.tlsDomain)],
        byHand: {
          steps: [line(`Set the domain Exchange Online's certificate carries${cloud ? ` (${cloud.name})` : ''}:`, cmd('Set-SendConnector', [p.text('Identity', identity), p.text('TlsDomain', serviceDomain)]))],
          check,
          undo: [line('Set the previous value again:', cmd('Set-SendConnector', [p.text('Identity', identity), c.tlsDomain === null ? p.null('TlsDomain') : p.text('TlsDomain', c.tlsDomain)]))],
        },
      });
    }
    out.push(...this.hybridChain(s, base, check, failingText));
    const mitigation = this.stopTheBleeding(c, name, identity, base);
    if (mitigation) out.push(mitigation);
    if (c.cloudServicesMailEnabled === true && c.requireTls !== true) {
      out.push({
        ...base, id: 'FLEET-SENDCONN-HYBRID-NO-REQUIRETLS', severity: 'high',
        title: `Hybrid send connector ${name} does not require TLS`,
        explanation: `The connector carries hybrid mail (CloudServicesMailEnabled) from ${sourcesText} but RequireTLS is ${shown(c.requireTls)}: when STARTTLS fails the mail goes in clear text and Exchange Online does not accept it as internal (HealthChecker: "RequireTLS must be set to true to ensure a working mail flow"). Set RequireTLS $true.`,
        differences: [diff('RequireTLS', (x) => x.requireTls)],
        byHand: {
          steps: [line('Require TLS on the connector:', cmd('Set-SendConnector', [p.text('Identity', identity), p.flag('RequireTLS', true)]))],
          check,
          undo: [line('Set the previous value again:', cmd('Set-SendConnector', [p.text('Identity', identity), p.flag('RequireTLS', false)]))],
        },
      });
    }
    return out;
  }

  /**
   * The hybrid certificate chain on the send side (HealthChecker: Invoke-AnalyzerFrequentConfigurationIssues.ps1's
   * Exchange Online connector check and Invoke-AnalyzerHybridInformation.ps1): CloudServicesMailEnabled, a
   * TlsCertificateName, and the same one the hybrid configuration names.
   */
  private hybridChain(s: Seen, base: Omit<FleetFinding, 'id' | 'severity' | 'title' | 'explanation' | 'differences' | 'byHand'>, check: HandChange['check'], failingText: string): FleetFinding[] {
    const c = s.connector;
    const name = c.name ?? c.identity ?? '(unnamed)';
    const identity = c.identity ?? name;
    const out: FleetFinding[] = [];
    const diff = (setting: string, value: (x: Reported) => string | boolean | null) => reportedDifference(s, setting, value);
    const hybridName = this.hybrid?.value.tlsCertificateName ?? null;
    if (c.cloudServicesMailEnabled !== true) {
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-NOT-CLOUD-MAIL', severity: failingText ? 'high' : 'medium',
        title: `Send connector ${name} to Exchange Online has CloudServicesMailEnabled ${shown(c.cloudServicesMailEnabled)}`,
        explanation: `Without CloudServicesMailEnabled Exchange strips the cross-premises headers, so Exchange Online treats your organisation's mail as anonymous Internet mail (HealthChecker: "Misconfigured to send authenticated internal mail to M365", https://aka.ms/HC-ExoConnectorIssue).${failingText} Set CloudServicesMailEnabled $true (the Hybrid Configuration wizard does).`,
        differences: [diff('CloudServicesMailEnabled', (x) => x.cloudServicesMailEnabled)],
        byHand: {
          steps: [line('Send the organisation\'s mail to Exchange Online as cloud mail:', cmd('Set-SendConnector', [p.text('Identity', identity), p.flag('CloudServicesMailEnabled', true)]))],
          check,
          undo: [line('Set the previous value again:', cmd('Set-SendConnector', [p.text('Identity', identity), p.flag('CloudServicesMailEnabled', false)]))],
        },
      });
    }
    // HealthChecker flags an unset TlsCertificateName when the connector has no FQDN either (the server's own name is
    // then presented), and, in its hybrid analysis, whenever a hybrid configuration exists.
    if (!c.tlsCertificateName && (c.fqdn === null || this.hybrid !== null)) {
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-NO-TLSCERT', severity: failingText ? 'high' : 'medium',
        title: `Send connector ${name} to Exchange Online names no certificate (TlsCertificateName not set)`,
        explanation: `Exchange Online matches your organisation's mail to its inbound connector by the certificate the connector presents. Without TlsCertificateName Exchange picks one by the connector's FQDN (${c.fqdn ?? 'not set: the server\'s own name, often an internal one'})${hybridName ? `, not necessarily the hybrid certificate ${hybridName}` : ''}, and the mail is not attributed (HealthChecker: TLSCertificateName not set, https://aka.ms/HC-ExoConnectorIssue).${failingText} Set TlsCertificateName to ${hybridName ? 'the hybrid configuration\'s value' : 'the "<I>issuer<S>subject" of the certificate Exchange Online\'s inbound connector expects'}.`,
        differences: [diff('TlsCertificateName', (x) => x.tlsCertificateName)],
        byHand: {
          steps: [line('Name the certificate the connector presents:', cmd('Set-SendConnector', [p.text('Identity', identity), p.text('TlsCertificateName', hybridName ?? '<I><issuer of the certificate><S><its subject>')]))],
          check,
          undo: [line('Set the previous value again:', cmd('Set-SendConnector', [p.text('Identity', identity), p.null('TlsCertificateName')]))],
        },
      });
    } else if (hybridName && c.tlsCertificateName && c.cloudServicesMailEnabled === true && c.tlsCertificateName.toLowerCase() !== hybridName.toLowerCase()) {
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-TLSCERT-NOT-HYBRID', severity: failingText ? 'high' : 'medium',
        title: `Send connector ${name} names another certificate than the hybrid configuration`,
        explanation: `The connector's TlsCertificateName is "${c.tlsCertificateName}"; Get-HybridConfiguration (reported by ${this.hybrid!.server}) names "${hybridName}". Exchange Online's inbound connector from your organisation expects the hybrid certificate; the strings are compared exactly (HealthChecker: "Certificate Matches Hybrid Certificate" False, yellow).${failingText} Point the connector at the hybrid certificate, or run the Hybrid Configuration wizard again after renewing it.`,
        differences: [diff('TlsCertificateName', (x) => x.tlsCertificateName)],
        byHand: {
          steps: [line('Name the hybrid certificate on the connector:', cmd('Set-SendConnector', [p.text('Identity', identity), p.text('TlsCertificateName', hybridName)]))],
          check,
          undo: [line('Set the previous value again:', cmd('Set-SendConnector', [p.text('Identity', identity), p.text('TlsCertificateName', c.tlsCertificateName)]))],
        },
      });
    }
    return out;
  }

  /**
   * Source servers failing to Exchange Online now come off the connector's source list while the others carry the
   * mail: an Exchange setting, no restart, before any change window (issue 23). Only when at least one remaining
   * source is healthy (collected, a fleet member, not failing now); otherwise there is nothing safe to do here.
   */
  private stopTheBleeding(c: SendConnector, name: string, identity: string, base: Pick<FleetFinding, 'group' | 'connector'>): FleetFinding | null {
    const sources = c.sourceTransportServers;
    const key = name.toLowerCase();
    const failing = sources.filter((x) => this.states.get(shortName(x))?.failingSend.has(key));
    if (!failing.length) return null;
    const remaining = sources.filter((x) => !failing.includes(x));
    const carriers = remaining.filter((x) => this.states.get(shortName(x))?.healthy);
    const failingNames = failing.map((x) => this.servers.get(shortName(x)) ?? x);
    if (!carriers.length) {
      return {
        ...base, servers: failingNames, id: 'FLEET-SENDCONN-EXO-NO-HEALTHY-SOURCE', severity: 'critical', differences: [], byHand: null,
        title: `Send connector ${name}: ${failing.join(', ')} fail${failing.length === 1 ? 's' : ''} to Exchange Online now and no other source server can take over`,
        explanation: `Every other source server of the connector (${remaining.join(', ') || 'none'}) is failing now, not collected or not in the fleet file, so taking the failing ones off the connector would stop its mail altogether. Fix their cause in the first wave (rollout.md, their runbooks).`,
      };
    }
    return {
      ...base, servers: failingNames, id: 'FLEET-SENDCONN-EXO-FAILING-SOURCES', severity: 'critical', differences: [],
      title: `Stop the bleeding: take ${failing.join(', ')} off send connector ${name} while ${carriers.join(', ')} carr${carriers.length === 1 ? 'ies' : 'y'} its mail`,
      explanation: `${failing.join(', ')} fail${failing.length === 1 ? 's' : ''} to send to Exchange Online now (mail-flow findings failing now). Removing ${failing.length === 1 ? 'it' : 'them'} from the connector's source servers needs no restart: the healthy source${carriers.length === 1 ? '' : 's'} ${carriers.join(', ')} take${carriers.length === 1 ? 's' : ''} the mail at once. Put ${failing.length === 1 ? 'it' : 'them'} back after ${failing.length === 1 ? 'its' : 'their'} fix (the undo step).`,
      byHand: {
        steps: [line(`Keep only the source servers that can deliver (${remaining.join(', ')}):`, cmd('Set-SendConnector', [p.text('Identity', identity), p.list('SourceTransportServers', remaining)]))],
        check: [line('The connector lists only them, and their queues to Exchange Online drain:', cmd('Get-SendConnector', [p.text('Identity', identity)], formatList('Identity', 'SourceTransportServers')))],
        undo: [line('Once the failing servers are fixed (their wave is done), give the connector its source servers back:', cmd('Set-SendConnector', [p.text('Identity', identity), p.list('SourceTransportServers', sources)]))],
      },
    };
  }
}

/** One setting as the connector's source servers reported it: which servers saw which value. */
function reportedDifference(s: Seen, setting: string, value: (x: Reported) => string | boolean | null): FleetDifference {
  const byValue = new Map<string, string[]>();
  for (const r of s.reports) {
    const v = shown(value(r.values));
    byValue.set(v, [...(byValue.get(v) ?? []), r.server]);
  }
  return { setting, values: [...byValue.entries()].map(([v, list]) => ({ value: v, servers: list, display: `${v}: reported by ${list.join(', ')}` })) };
}
