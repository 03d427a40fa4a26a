// Protocol-log evidence (collector section protocolLogs): peers still negotiating TLS 1.0/1.1 block phase 2, and so
// does the lack of evidence (issue 23): logs not read, logs covering fewer days than the rule's minLogDays, or a
// connector that carries mail without logging it. Turning TLS 1.0 off where nobody looked breaks whoever still uses
// it. The section is secondary evidence and may be absent, disabled, failed or truncated: only 'scanned' has its
// full shape. SMTP logs never show HTTPS clients (Outlook, ActiveSync, EWS): another evidence source (IIS logs)
// adds its own blockers; every gap here is a 'no-evidence' blocker carrying the steps that close it.
import { finding, type RuleResult, type ServerContext } from './context.js';
import { cmd, exchangeConfigOf, formatList, line, p, sendConnectorsSourcedBy } from './exchange-config.js';
import type { PolicyRule } from './policy.js';
import type { ProtocolLogs, ReceiveConnector, SendConnector } from '../inventory/types.js';
import type { Evidence, HandChange, HandStepLine, LegacyPeer } from './types.js';

type PeersRule = Extract<PolicyRule, { rule: 'legacy-peers' }>;

const DAY_MS = 86_400_000;
/** The rule's default: a week of logs (one working week and its weekend: weekly jobs and partners show up). */
export const DEFAULT_MIN_LOG_DAYS = 7;

function legacyPeers(logs: ProtocolLogs, versions: string[]): LegacyPeer[] {
  const out: LegacyPeer[] = [];
  for (const p of logs.peers ?? []) {
    for (const v of versions) {
      const count = p.tlsVersions?.[v] ?? 0;
      if (typeof count !== 'number' || count <= 0) continue;
      const direction = p.direction === 'receive' || p.direction === 'send' ? p.direction : 'unknown';
      const remote = p.remoteAddress ?? '(unknown address)';
      const lastSeen = p.tlsLastSeen?.[v] ?? null;
      const where = [p.service, p.connector].filter(Boolean).join(' / ');
      out.push({
        remote, tlsVersion: v, direction, count, lastSeen,
        display: `${remote} ${direction === 'receive' ? '→ this server' : direction === 'send' ? '← this server' : ''} ${v} × ${count}${where ? ` (${where})` : ''}${lastSeen ? `, last ${lastSeen}` : ''}`.replace(/\s+/g, ' '),
      });
    }
  }
  return out.sort((a, b) => b.count - a.count || a.remote.localeCompare(b.remote));
}

/**
 * Days the scanned logs cover before the reference time: the window's length when the first session logged lies
 * within a day of the window's start (a busy server logs every hour), else from that first session on; 0 when the
 * logs hold no session at all (logging off, or an empty folder).
 */
export function coveredDays(logs: ProtocolLogs): number {
  const end = Date.parse(logs.window?.referenceTime ?? '');
  const start = Date.parse(logs.window?.start ?? '');
  const windowDays = logs.window?.logDays ?? 0;
  const seen = [...(logs.peers ?? []).map((x) => x.firstSeen), ...(logs.errors ?? []).map((e) => e.firstSeen)]
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t));
  if (!seen.length || Number.isNaN(end)) return 0;
  const first = Math.min(...seen);
  if (!Number.isNaN(start) && first <= start + DAY_MS) return windowDays;
  return Math.max(0, Math.min(windowDays, (end - first) / DAY_MS));
}

/** Ports only Exchange itself uses: the Hub's Default (2525) and Client Proxy (465), the Outbound Proxy Frontend (717). */
const INTERNAL_PORTS: Record<string, number[]> = { hubtransport: [2525, 465], frontendtransport: [717] };
const portOf = (binding: string) => Number(/:(\d+)$/.exec(binding.trim())?.[1] ?? NaN);

/** A receive connector that takes mail from outside Exchange (clients, applications, partners, the Internet). */
function carriesOutsideMail(rc: ReceiveConnector): boolean {
  if (rc.enabled === false) return false;
  const internal = INTERNAL_PORTS[(rc.transportRole ?? '').toLowerCase()];
  if (!internal || !rc.bindings.length) return true;
  return !rc.bindings.every((b) => internal.includes(portOf(b)));
}

const notLogging = (level: string | null | undefined) => typeof level === 'string' && /^none$/i.test(level.trim());

interface Gap {
  /** what is missing, one sentence */
  why: string;
  evidence: Evidence;
  steps: HandStepLine[];
  check: HandStepLine[];
  undo: HandStepLine[];
}

const collectAgain = (days: number) =>
  line(`Then collect this server again with a log window of at least ${days} days (fleet file: collector option logDays ${days}, the protocolLogPaths of this server) and run extls analyze and extls runbooks again.`);

function logsGap(ctx: ServerContext, logs: ProtocolLogs | null, days: number): Gap {
  const server = ctx.record.server;
  const status = logs ? `${logs.status ?? 'unknown status'}${logs.message ? `: ${logs.message}` : ''}` : 'section absent';
  const ev: Evidence = { kind: 'protocol-log', path: null, name: 'status', raw: logs?.status ?? null, display: logs?.status ?? 'not collected' };
  const where = [
    line('Find the folders this server writes its SMTP protocol logs to (Transport service and Front End Transport service):',
      cmd('Get-TransportService', [p.text('Identity', server)], formatList('ReceiveProtocolLogPath', 'SendProtocolLogPath'))),
    ...(ctx.data.exchange.isEdge ? [] : [line('and of the Front End Transport service:', cmd('Get-FrontEndTransportService', [p.text('Identity', server)], formatList('ReceiveProtocolLogPath', 'SendProtocolLogPath')))]),
  ];
  let first: HandStepLine;
  switch (logs?.status) {
    case 'disabled':
      first = line('Log scanning is off for this server (collector option scanLogs false): remove that option from its fleet entry.');
      break;
    case 'error':
      first = line(`The scan failed (${logs.message ?? 'no message'}): fix its cause (the collector's warnings say more).`);
      break;
    case 'no-log-folders':
      first = line('None of the protocol-log folders the collector looked in exists: the logs are elsewhere, were not copied, or protocol logging never wrote any. Give the folders (or copies of them) as protocolLogPaths for this server.');
      break;
    default:
      first = line('The inventory holds no protocol-log section for this server (an older collector, or an inventory made by hand): collect it again with the current collector.');
  }
  return {
    why: `the SMTP protocol logs were not read (${status})`,
    evidence: ev,
    steps: [first, ...where, collectAgain(days)],
    check: [line(`extls analyze shows the legacy-peers evidence for ${server} (no LEGACY-PEERS-NO-EVIDENCE finding).`)],
    undo: [line('Nothing to undo: reading logs changes nothing on the server.')],
  };
}

function shortLogsGap(ctx: ServerContext, logs: ProtocolLogs, covered: number, days: number): Gap {
  const shown = Math.round(covered * 10) / 10;
  const ev: Evidence = {
    kind: 'protocol-log', path: null, name: 'coverage', raw: shown,
    display: `${shown} day(s) of logs (window ${logs.window?.logDays ?? '?'} days from ${logs.window?.start ?? '?'}); at least ${days} wanted`,
  };
  return {
    why: covered === 0
      ? `the protocol logs hold no SMTP session in the window (protocol logging off, or empty folders), so they show nothing of the last ${days} days`
      : `the protocol logs cover ${shown} day(s), fewer than ${days}`,
    evidence: ev,
    steps: [
      line(`The logs must reach back ${days} days. If the window was shorter, collect with logDays ${days}; if the files are younger, wait until they hold ${days} days (protocol logs are deleted by age and by folder size: check that MaxAge and MaxDirectorySize keep ${days} days):`,
        cmd('Get-TransportService', [p.text('Identity', ctx.record.server)], formatList('ReceiveProtocolLogMaxAge', 'ReceiveProtocolLogMaxDirectorySize', 'SendProtocolLogMaxAge', 'SendProtocolLogMaxDirectorySize'))),
      collectAgain(days),
    ],
    check: [line(`extls analyze no longer reports fewer than ${days} days of logs for ${ctx.record.server}.`)],
    undo: [line('Nothing to undo.')],
  };
}

function connectorGap(kind: 'receive' | 'send', c: ReceiveConnector | SendConnector, days: number): Gap {
  const identity = c.identity ?? c.name ?? '(unnamed)';
  const cmdlet = kind === 'receive' ? 'ReceiveConnector' : 'SendConnector';
  return {
    why: `the ${kind} connector ${identity} carries mail but does not log it (ProtocolLoggingLevel None)`,
    evidence: { kind: 'connector', path: null, name: 'ProtocolLoggingLevel', raw: c.protocolLoggingLevel ?? null, display: `${identity}: ProtocolLoggingLevel ${c.protocolLoggingLevel ?? '?'}` },
    steps: [
      line(`Turn on protocol logging for the ${kind} connector ${identity}, then let it log for ${days} days:`,
        cmd(`Set-${cmdlet}`, [p.text('Identity', identity), p.text('ProtocolLoggingLevel', 'Verbose')])),
      collectAgain(days),
    ],
    check: [line('The connector logs:', cmd(`Get-${cmdlet}`, [p.text('Identity', identity)], formatList('Identity', 'ProtocolLoggingLevel')))],
    undo: [line('Turn it off again once phase 2 is done, if the team does not keep it:', cmd(`Set-${cmdlet}`, [p.text('Identity', identity), p.text('ProtocolLoggingLevel', 'None')]))],
  };
}

/** Every reason the logs cannot prove that nobody uses the legacy versions here; empty when they can. */
function evidenceGaps(ctx: ServerContext, logs: ProtocolLogs | null, days: number): { gaps: Gap[]; notes: string[] } {
  const gaps: Gap[] = [];
  const notes: string[] = [];
  if (!logs || logs.status !== 'scanned') gaps.push(logsGap(ctx, logs, days));
  else {
    const covered = coveredDays(logs);
    if (covered < days) gaps.push(shortLogsGap(ctx, logs, covered, days));
  }
  const cfg = exchangeConfigOf(ctx.data);
  if (ctx.data.exchange.installed) {
    const receive = cfg?.receiveConnectors ?? null;
    const send = cfg ? sendConnectorsSourcedBy(ctx.data, ctx.record.server) : null;
    if (receive === null || cfg?.sendConnectors == null) {
      notes.push('The connectors were not read, so extls cannot tell whether every connector that carries mail logs it (ProtocolLoggingLevel): check them with Get-ReceiveConnector and Get-SendConnector.');
    }
    let unknown = 0;
    for (const rc of receive ?? []) {
      if (!carriesOutsideMail(rc)) continue;
      if (notLogging(rc.protocolLoggingLevel)) gaps.push(connectorGap('receive', rc, days));
      else if (rc.protocolLoggingLevel == null) unknown++;
    }
    for (const sc of send ?? []) {
      if (sc.enabled === false) continue;
      if (notLogging(sc.protocolLoggingLevel)) gaps.push(connectorGap('send', sc, days));
      else if (sc.protocolLoggingLevel == null) unknown++;
    }
    if (unknown > 0) notes.push(`${unknown} connector(s) were read without their ProtocolLoggingLevel (an older collector or export): whether they log is unknown.`);
  }
  return { gaps, notes };
}

const HTTPS_NOTE = 'SMTP protocol logs do not show HTTPS clients (Outlook, ActiveSync, EWS, OWA): check those separately (IIS logs) before turning TLS 1.0/1.1 off.';

export function legacyPeersRule(ctx: ServerContext, rule: PeersRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  const logs = ctx.data.protocolLogs ?? null;
  const versions = rule.versions.join('/');
  const days = rule.minLogDays ?? DEFAULT_MIN_LOG_DAYS;
  const { gaps, notes } = evidenceGaps(ctx, logs, days);
  if (gaps.length) {
    const byHand: HandChange = {
      steps: gaps.flatMap((g) => g.steps),
      check: gaps.flatMap((g) => g.check),
      undo: gaps.flatMap((g) => g.undo),
    };
    const why = gaps.map((g) => g.why).join('; ');
    const f = finding({
      id: 'LEGACY-PEERS-NO-EVIDENCE',
      severity: rule.severity,
      category: 'protocol-logs',
      title: `No evidence that nobody uses ${versions} here: ${why}`,
      explanation:
        `Before turning ${versions} off, the SMTP protocol logs of at least ${days} days must show who still uses them. Here ${why}. ` +
        `Phase 2 waits until that evidence is in. ${[...notes, HTTPS_NOTE].join(' ')}`,
      evidence: gaps.map((g) => g.evidence),
    });
    f.byHand = byHand;
    out.findings.push(f);
    out.blockers.push({ kind: 'no-evidence', message: `no evidence about ${versions}: ${why} (steps: LEGACY-PEERS-NO-EVIDENCE)`, evidence: f.evidence, byHand });
  } else if (notes.length) {
    out.findings.push(finding({
      id: 'LEGACY-PEERS-LOGGING-UNKNOWN',
      severity: 'info',
      category: 'protocol-logs',
      title: 'Whether every connector logs is not known',
      explanation: `${notes.join(' ')} ${HTTPS_NOTE}`,
      evidence: [{ kind: 'protocol-log', path: null, name: 'connectors', raw: null, display: 'connectors not read' }],
    }));
  }
  if (!logs || logs.status !== 'scanned') return out;
  const peers = legacyPeers(logs, rule.versions);
  if (!peers.length) return out;
  const sessions = peers.reduce((n, p) => n + p.count, 0);
  const remotes = [...new Set(peers.map((p) => p.remote))];
  const ev: Evidence = {
    kind: 'protocol-log',
    path: (logs.folders ?? []).filter((f) => f.exists).map((f) => f.path).filter(Boolean).join('; ') || null,
    name: 'peers',
    raw: sessions,
    display: `${remotes.length} peer(s), ${sessions} session(s) on ${versions} since ${logs.window?.start ?? '?'}${logs.truncated || (logs.limits?.peersOmitted ?? 0) > 0 ? ' (scan truncated: there may be more)' : ''}`,
    peers,
  };
  const f = finding({
    id: 'LEGACY-PEERS-SEEN',
    severity: rule.severity,
    category: 'protocol-logs',
    title: `${remotes.length} SMTP peer(s) still use ${versions} (${sessions} sessions)`,
    explanation:
      'The SMTP protocol logs show these peers negotiating ' + versions + '. Turning those versions off makes their mail fail ' +
      '(421 4.4.2 / TLS negotiation failed) unless they move to TLS 1.2 first; contact them or their admins, then collect again. ' + HTTPS_NOTE,
    evidence: [ev],
  });
  out.findings.push(f);
  out.blockers.push({ kind: 'legacy-peers', message: f.title, evidence: [ev] });
  return out;
}
