// The organisation's send connectors: every server with the Exchange Management Shell reports the same list, so each
// connector is judged once, as a fleet finding naming its source servers. Checks for the connector to Exchange
// Online follow Microsoft Learn ("Configure mail flow using connectors", the Hybrid Configuration wizard's outbound
// connector: TlsAuthLevel DomainValidation, TlsDomain mail.protection.outlook.com, RequireTLS $true) and
// HealthChecker's hybrid analyzer (Invoke-AnalyzerHybridInformation.ps1).
import type { InventoryRecord, SendConnector } from '../inventory/types.js';
import type { ServerAnalysis } from './types.js';
import {
  addressOf, cmd, EXO_DOMAIN, exchangeConfigOf, formatList, isExoConnector, isExoTlsDomain, line, p, shortName,
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

  add(record: InventoryRecord, analysis?: ServerAnalysis): void {
    this.servers.set(shortName(record.server), record.server);
    this.states.set(shortName(record.server), mailState(record, analysis));
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
    if (level !== 'CertificateValidation' && level !== 'DomainValidation') {
      const want = hybrid ? 'DomainValidation' : 'CertificateValidation';
      const byHand: HandChange = {
        steps: [line(`Make the connector validate Exchange Online's certificate (${want}${hybrid ? ` for ${EXO_DOMAIN}` : ''}):`,
          cmd('Set-SendConnector', [p.text('Identity', identity), p.text('TlsAuthLevel', want), ...(hybrid ? [p.text('TlsDomain', EXO_DOMAIN)] : [])]))],
        check,
        undo: [line('Set the previous values again:', cmd('Set-SendConnector', [p.text('Identity', identity),
          level === null ? p.null('TlsAuthLevel') : p.text('TlsAuthLevel', level),
          ...(hybrid ? [c.tlsDomain === null ? p.null('TlsDomain') : p.text('TlsDomain', c.tlsDomain)] : [])]))],
      };
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', severity: 'high',
        title: `Send connector ${name} to Exchange Online does not validate its certificate (TlsAuthLevel ${shown(level)})`,
        explanation: `The connector sends to Exchange Online (${target || 'CloudServicesMailEnabled'}) from ${sourcesText} with TlsAuthLevel ${shown(level)}. Without CertificateValidation or DomainValidation Exchange Online cannot treat the mail as coming from your organisation's certificate (hybrid mail flow, attribution to the inbound connector) and a man in the middle goes unnoticed. Set ${want}.`,
        differences: [diff('TlsAuthLevel', (x) => x.tlsAuthLevel)],
        byHand,
      });
    } else if (level === 'DomainValidation' && !isExoTlsDomain(c.tlsDomain)) {
      out.push({
        ...base, id: 'FLEET-SENDCONN-EXO-TLS-DOMAIN', severity: 'high',
        title: `Send connector ${name} to Exchange Online checks the wrong TlsDomain (${shown(c.tlsDomain)})`,
        explanation: `With DomainValidation Exchange compares the certificate Exchange Online presents (${EXO_DOMAIN}) with TlsDomain ${c.tlsDomain === null ? '(not set: then with each recipient\'s domain, which never matches)' : `"${c.tlsDomain}"`}; the check fails and the mail queues. Set TlsDomain to ${EXO_DOMAIN}.`,
        differences: [diff('TlsDomain', (x) => x.tlsDomain)],
        byHand: {
          steps: [line('Set the domain Exchange Online\'s certificate carries:', cmd('Set-SendConnector', [p.text('Identity', identity), p.text('TlsDomain', EXO_DOMAIN)]))],
          check,
          undo: [line('Set the previous value again:', cmd('Set-SendConnector', [p.text('Identity', identity), c.tlsDomain === null ? p.null('TlsDomain') : p.text('TlsDomain', c.tlsDomain)]))],
        },
      });
    }
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
