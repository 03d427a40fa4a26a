// The organisation's send connectors: every server with the Exchange Management Shell reports the same list, so each
// connector is judged once, as a fleet finding naming its source servers. Checks for the connector to Exchange
// Online follow Microsoft Learn ("Configure mail flow using connectors", the Hybrid Configuration wizard's outbound
// connector: TlsAuthLevel DomainValidation, TlsDomain mail.protection.outlook.com, RequireTLS $true) and
// HealthChecker's hybrid analyzer (Invoke-AnalyzerHybridInformation.ps1).
import type { InventoryRecord, SendConnector } from '../inventory/types.js';
import {
  addressOf, cmd, exchangeConfigOf, exoCloudOf, formatList, isExoConnector, isExoTlsDomain, line, p, shortName,
} from './exchange-config.js';
import type { FleetDifference, FleetFinding, HandChange } from './types.js';

/** The settings the findings compare, as one server reported them (every server repeats the organisation's list). */
type Reported = Pick<SendConnector, 'tlsAuthLevel' | 'tlsDomain' | 'requireTls'>;

interface Seen {
  connector: SendConnector;
  /** servers whose collection reported the connector, and the values they saw (no full copy per server) */
  reports: { server: string; values: Reported }[];
}

const keyOf = (c: SendConnector) => (c.guid ?? c.identity ?? c.name ?? '').toLowerCase();
const shown = (v: string | boolean | null) => (v === null ? '(not set)' : String(v));

export class SendConnectorFleet {
  private readonly seen = new Map<string, Seen>();
  private readonly servers = new Map<string, string>();

  add(record: InventoryRecord): void {
    this.servers.set(shortName(record.server), record.server);
    if (record.data?.computerName) this.servers.set(shortName(record.data.computerName), record.server);
    const cfg = record.data ? exchangeConfigOf(record.data) : null;
    for (const c of cfg?.sendConnectors ?? []) {
      const k = keyOf(c);
      if (!k) continue;
      const s = this.seen.get(k);
      const values: Reported = { tlsAuthLevel: c.tlsAuthLevel, tlsDomain: c.tlsDomain, requireTls: c.requireTls };
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
    const diff = (setting: string, value: (x: Reported) => string | boolean | null): FleetDifference => {
      const byValue = new Map<string, string[]>();
      for (const r of s.reports) {
        const v = shown(value(r.values));
        byValue.set(v, [...(byValue.get(v) ?? []), r.server]);
      }
      return { setting, values: [...byValue.entries()].map(([v, list]) => ({ value: v, servers: list, display: `${v}: reported by ${list.join(', ')}` })) };
    };
    const check = [line('The connector shows the new values:', cmd('Get-SendConnector', [p.text('Identity', identity)], formatList('Identity', 'TlsAuthLevel', 'TlsDomain', 'RequireTLS', 'TlsCertificateName', 'SmartHosts')))];
    const out: FleetFinding[] = [];
    const hybrid = c.cloudServicesMailEnabled === true && !c.addressSpaces.some((a) => addressOf(a) === '*');
    const level = c.tlsAuthLevel;
    // the cloud the connector sends to, from its own smart hosts: GCC High / 21Vianet certificates carry other names
    const cloud = exoCloudOf(c);
    const exoDomain = cloud.domain;
    if (level !== 'CertificateValidation' && level !== 'DomainValidation') {
      const want = hybrid ? 'DomainValidation' : 'CertificateValidation';
      // Set-SendConnector: a TlsAuthLevel cannot be set "if the RequireTLS parameter is set to $false"
      // (office-docs-powershell Set-SendConnector.md, -TlsAuthLevel): RequireTLS $true in the same command
      const byHand: HandChange = {
        steps: [line(`Make the connector require TLS and validate Exchange Online's certificate (${want}${hybrid ? ` for ${exoDomain}, ${cloud.cloud}` : ''}):`,
          cmd('Set-SendConnector', [p.text('Identity', identity), p.flag('RequireTLS', true), p.text('TlsAuthLevel', want), ...(hybrid ? [p.text('TlsDomain', exoDomain)] : [])]))],
        check,
        undo: [line('Set the previous values again:', cmd('Set-SendConnector', [p.text('Identity', identity),
          level === null ? p.null('TlsAuthLevel') : p.text('TlsAuthLevel', level),
          p.flag('RequireTLS', c.requireTls === true),
          ...(hybrid ? [c.tlsDomain === null ? p.null('TlsDomain') : p.text('TlsDomain', c.tlsDomain)] : [])]))],
      };
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', severity: 'high',
        title: `Send connector ${name} to Exchange Online does not validate its certificate (TlsAuthLevel ${shown(level)})`,
        explanation: `The connector sends to Exchange Online (${target || 'CloudServicesMailEnabled'}) from ${sourcesText} with TlsAuthLevel ${shown(level)}. Without CertificateValidation or DomainValidation Exchange Online cannot treat the mail as coming from your organisation's certificate (hybrid mail flow, attribution to the inbound connector) and a man in the middle goes unnoticed. Set ${want}.`,
        differences: [diff('TlsAuthLevel', (x) => x.tlsAuthLevel)],
        byHand,
      });
    } else if (level === 'DomainValidation' && !isExoTlsDomain(c.tlsDomain, cloud)) {
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-TLS-DOMAIN', severity: 'high',
        title: `Send connector ${name} to Exchange Online checks the wrong TlsDomain (${shown(c.tlsDomain)})`,
        explanation: `With DomainValidation Exchange compares the certificate Exchange Online presents (${exoDomain}, ${cloud.cloud}) with TlsDomain ${c.tlsDomain === null ? '(not set: then with each recipient\'s domain, which never matches)' : `"${c.tlsDomain}"`}; the check fails and the mail queues. Set TlsDomain to ${exoDomain}.`,
        differences: [diff('TlsDomain', (x) => x.tlsDomain)],
        byHand: {
          steps: [line(`Set the domain Exchange Online's certificate carries (${cloud.cloud}):`, cmd('Set-SendConnector', [p.text('Identity', identity), p.text('TlsDomain', exoDomain)]))],
          check,
          undo: [line('Set the previous value again:', cmd('Set-SendConnector', [p.text('Identity', identity), c.tlsDomain === null ? p.null('TlsDomain') : p.text('TlsDomain', c.tlsDomain)]))],
        },
      });
    }
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
}
