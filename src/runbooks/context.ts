// Findings (+ inventory records) → the template contexts in types.ts.
import type { Finding, FindingCategory, FindingsDocument, HandChange, PolicyVerdict, ProtocolState, RegistryChange, RegValue, ServerAnalysis } from '../findings/types.js';
import { extlsCommand, handLines, type HandLines as HandChangeLines } from './commands.js';
import { RunbookDataError } from './errors.js';
import { jsonAscii } from './escape.js';
import { lastError, mailFlowRows, serverMailFlow, type MailFlowRow } from './mail-flow.js';
import { failingNow, maintenanceFor, type FleetIndex, type ServerFacts } from './maintenance.js';
import { needsRunbook, type ServerPlan } from './plan.js';
import type { ChangePlan, ChangeRow, FleetContext, FleetRow, LastProbe, MatrixCell, ServerContext, Wave } from './types.js';
import { byServerName } from '../util/server-order.js';

export const FILES = { runbook: 'runbook.md', remediate: 'remediate.ps1', rollback: 'rollback.ps1', backup: 'registry-backup.json' } as const;

export { RunbookDataError } from './errors.js';

/** A collected value (present, type, value) as the scripts' data block prints it. */
function beforeOfValue(v: RegValue): ChangeRow['before'] {
  if (!v.present) return null;
  return beforeOf({ current: v.value as RegistryChange['current'], currentType: v.type });
}

/** The inventory's value in the shape the scripts' data block prints (type and data, null when it was missing). */
function beforeOf(c: Pick<RegistryChange, 'current' | 'currentType'>): ChangeRow['before'] {
  if (c.current === null && c.currentType === null) return null;
  const type = c.currentType ?? (typeof c.current === 'number' ? 'REG_DWORD' : 'REG_SZ');
  if (typeof c.current === 'number') return { type, kind: 'dword', dword: c.current, text: null, list: null };
  if (Array.isArray(c.current)) return { type, kind: 'list', dword: null, text: null, list: [...c.current] };
  return { type, kind: 'text', dword: null, text: c.current ?? '', list: null };
}

function changeRow(c: RegistryChange, i: number, why: string): ChangeRow {
  const action = c.current === null && c.currentType === null ? 'create' : c.currentType === 'REG_DWORD' ? 'update' : 'retype';
  return {
    number: i + 1,
    hive: c.hive,
    path: c.path,
    fullPath: c.fullPath,
    name: c.name,
    type: c.type,
    desired: c.desired,
    currentDisplay: c.currentDisplay,
    desiredDisplay: c.desiredDisplay,
    currentType: c.currentType,
    action,
    before: beforeOf(c),
    why,
  };
}

/**
 * What the templates and the report read of a server's analysis. Kept instead of the whole analysis (registry
 * evidence, per-policy changes) so that thousands of servers fit in little memory; see slimAnalysis.
 */
type RunbookServer = Pick<ServerAnalysis, 'server' | 'address' | 'groups' | 'status' | 'failure' | 'fleetMember'> & {
  host: { os: { display: string }; exchange: { display: string }; pendingReboot: boolean } | null;
  protocols: Pick<ProtocolState, 'protocol' | 'state'>[];
  verdicts: Pick<PolicyVerdict, 'policy' | 'verdict'>[];
  findings: Pick<Finding, 'id' | 'severity' | 'title' | 'explanation' | 'category'>[];
  /** mail-flow failures from the protocol logs, failing now first */
  mailFlow: MailFlowRow[];
  /** the SCHANNEL values the inventory saw (Enabled, DisabledByDefault per protocol side): the scripts' preconditions */
  schannelValues: SchannelValue[];
  /** what was read (absent from older findings documents: then everything counts as read) */
  checked?: ServerAnalysis['checked'];
};

/** One SCHANNEL value as the inventory saw it. */
export interface SchannelValue {
  path: string;
  name: string;
  value: RegValue;
}

function schannelValues(s: ServerAnalysis): SchannelValue[] {
  const out: SchannelValue[] = [];
  for (const p of s.protocols) {
    for (const side of [p.client, p.server]) {
      out.push({ path: side.registry.path, name: 'Enabled', value: side.registry.enabled });
      out.push({ path: side.registry.path, name: 'DisabledByDefault', value: side.registry.disabledByDefault });
    }
  }
  return out;
}

export function slimAnalysis(s: ServerAnalysis): RunbookServer {
  return {
    server: s.server,
    address: s.address,
    groups: s.groups,
    status: s.status,
    failure: s.failure,
    fleetMember: s.fleetMember !== false,
    host: s.host && { os: { display: s.host.os.display }, exchange: { display: s.host.exchange.display }, pendingReboot: s.host.pendingReboot },
    protocols: s.protocols.map((p) => ({ protocol: p.protocol, state: p.state })),
    verdicts: s.verdicts.map((v) => ({ policy: v.policy, verdict: v.verdict })),
    findings: s.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title, explanation: f.explanation, category: f.category })),
    mailFlow: mailFlowRows(s.findings),
    schannelValues: schannelValues(s),
    ...(s.checked ? { checked: s.checked } : {}),
  };
}

/** The finding categories that say nothing when their source was not read: shown "not checked", never "ok". */
function notChecked(s: RunbookServer, category: FindingCategory): boolean {
  if (!s.checked) return false;
  if (category === 'mail-flow' || category === 'protocol-logs') return !s.checked.protocolLogs;
  if (category === 'connector') return !s.checked.connectors;
  if (category === 'certificate') return !s.checked.certificates;
  return false;
}

export interface ServerInput {
  /** the last probe of its SMTP port, when runbooks were given probe results */
  lastProbe: LastProbe | null;
  analysis: RunbookServer;
  facts: ServerFacts;
  folder: string;
  plan: ServerPlan;
  wave: number | null;
  /** why this server's data could not be planned from (it is then judged as not collected) */
  unusable?: string;
}

/** What a server's context needs of the findings document (known before the fleet checks are done). */
export type AnalysisHead = { policies: readonly Pick<FindingsDocument['policies'][number], 'id' | 'title' | 'phase'>[]; createdAt: string };

/** The computer a server's scripts are for: its name's first DNS label (EX01 of ex01.contoso.com). */
export function computerOf(server: string): string {
  return server.split('.')[0] || server;
}

/** Renewing a certificate takes a CA's lead time: a task before the window, not a step inside it. */
const leadTime = (findingId: string) => /^CERT-(EXPIRING|EXPIRED)-/.test(findingId);

export function serverContext(doc: AnalysisHead, input: ServerInput, fleet: FleetIndex, generatedAt: string, toolVersion: string): ServerContext {
  const { analysis: s, facts } = input;
  const { changes, blockers, restartRequired } = input.plan;
  const policies = input.plan.policies.map((id) => {
    const p = doc.policies.find((x) => x.id === id);
    return { id, title: p?.title ?? id, phase: p?.phase ?? null };
  });
  const plan: ChangePlan = {
    format: 'extls-change-plan',
    version: 1,
    server: s.server,
    generatedAt,
    tool: `extls ${toolVersion}`,
    policies: policies.map((p) => p.id),
    restartRequired,
    blockers,
    backupFile: FILES.backup,
    changes: changes.map((c) => ({ path: c.path, name: c.name, type: c.type, desired: c.desired })),
  };
  const planned = new Set(changes.map((c) => `${c.path.toLowerCase()}\u0000${c.name.toLowerCase()}`));
  const probeTarget = input.lastProbe?.endpoint ?? `${s.address}:25`;
  const eoTarget = input.lastProbe?.endpoint ?? probeTarget;
  const eoName = input.lastProbe?.exchangeOnline?.expectName ?? null;
  return {
    kind: 'server',
    tool: { name: 'extls', version: toolVersion },
    generatedAt,
    findingsCreatedAt: doc.createdAt,
    server: {
      name: s.server,
      folder: input.folder,
      dag: facts.dag,
      site: s.groups.site,
      role: s.groups.role,
      os: s.host?.os.display ?? 'unknown',
      exchange: s.host?.exchange.display ?? 'unknown',
      exchangeInstalled: facts.exchangeInstalled,
      isEdge: facts.isEdge,
      roles: facts.roles,
      clusterMember: facts.clusterMember,
      clusterName: facts.clusterName,
      pendingReboot: s.host?.pendingReboot ?? false,
      computer: computerOf(s.server),
    },
    maintenance: maintenanceFor(facts, fleet, input.wave),
    policies,
    changes: changes.map((c, i) => changeRow(c, i, input.plan.why[i] ?? '')),
    changeCount: changes.length,
    restartRequired,
    blocked: blockers.length > 0,
    blockers,
    heldBack: input.plan.heldBack,
    manual: input.plan.manual.filter((m) => !leadTime(m.id)),
    beforeWindow: input.plan.manual.filter((m) => leadTime(m.id)),
    phases: [...new Set(policies.map((p) => p.phase).filter((p): p is number => p !== null))].sort(),
    findings: s.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title, explanation: f.explanation })),
    mailFlow: serverMailFlow(s.mailFlow ?? []),
    probeTarget,
    // `--` first: a target that starts with '-' (a server named --out=...) is never read as an option
    probeCommand: extlsCommand('probe', [], [probeTarget]).line,
    lastProbe: input.lastProbe,
    exchangeOnlineProbe: {
      target: eoTarget,
      expectName: eoName,
      command: extlsCommand('probe', [['--as', 'exchange-online'], ...(eoName !== null ? [['--expect-name', eoName] as [string, string]] : [])], [eoTarget]),
    },
    wave: input.wave,
    files: { ...FILES },
    planJson: jsonAscii(plan),
    unchanged: (s.schannelValues ?? [])
      .filter((v) => !planned.has(`${v.path.toLowerCase()}\u0000${v.name.toLowerCase()}`))
      .map((v) => ({ path: v.path, name: v.name, before: beforeOfValue(v.value) })),
  };
}

// ---------------------------------------------------------------- fleet

/**
 * Servers' steps that change the organisation (a send connector's TlsCertificateName, ...): once each in rollout.md,
 * naming every server whose analysis asked for it. The same step (same commands) from several servers is one.
 */
function orgWideSteps(inputs: readonly ServerInput[]): FleetContext['fleetFindings'] {
  const byKey = new Map<string, FleetContext['fleetFindings'][number]>();
  for (const i of inputs) {
    for (const m of i.plan.manual) {
      if (!m.orgWide || !m.byHand) continue;
      const key = JSON.stringify([m.id, m.byHand]);
      const known = byKey.get(key);
      if (known) known.servers = [...known.servers, i.analysis.server];
      else byKey.set(key, { id: m.id, severity: m.severity, title: m.title, explanation: m.explanation, group: `organisation ${m.connector ?? m.id}`, servers: [i.analysis.server], connector: m.connector, byHand: m.byHand, mitigation: false });
    }
  }
  return [...byKey.values()];
}

/**
 * An organisation's change by hand with its commands built; when its data fails a check, the steps say so
 * instead (the fleet's files are still written, and no command is built from that data).
 */
function fleetHandLines(h: HandChange): HandChangeLines {
  try {
    return handLines(h, null);
  } catch (err) {
    if (!(err instanceof RunbookDataError)) throw err;
    return { steps: [{ text: `extls wrote no command for this change: ${err.message}. Make the change by hand after checking the collected values.`, command: null }], check: [], undo: [] };
  }
}

const SEVERITY_RANK: Record<string, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
const VERDICT_CLASS: Record<string, string> = { pass: 'ok', fail: 'fail', blocked: 'blocked', 'not-judged': 'na' };
const PROTOCOL_CHECKS = ['TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3'];
/**
 * The report's column for each finding category, or null where another column shows it (SCHANNEL: the protocol
 * columns) or it needs none. A Record so that a category added to the findings schema needs a decision here.
 */
const CATEGORY_COLUMNS: Readonly<Record<FindingCategory, string | null>> = {
  schannel: null,
  dotnet: '.NET',
  winhttp: 'WinHTTP',
  exchange: 'Exchange build',
  os: null,
  reboot: 'Reboot',
  'protocol-logs': 'Legacy peers',
  collection: null,
  'mail-flow': 'Mail flow',
  certificate: 'Certificates',
  connector: 'Connectors',
};
const CATEGORY_CHECKS = (Object.entries(CATEGORY_COLUMNS) as [FindingCategory, string | null][])
  .filter((e): e is [FindingCategory, string] => e[1] !== null)
  .map(([id, title]) => ({ id, title }));

const na: MatrixCell = { text: '–', cls: 'na', sort: '0' };

// A handful of distinct cells repeat across thousands of rows: one object each keeps the report's context small.
const cellCache = new Map<string, MatrixCell>();
function cell(text: string, cls: string, sort: string): MatrixCell {
  const key = `${text}\u0001${cls}\u0001${sort}`;
  let c = cellCache.get(key);
  if (!c) cellCache.set(key, (c = { text, cls, sort }));
  return c;
}

/** The outside view from `extls probe` (runbooks --probes): what the SMTP port accepted, '–' for a server not probed. */
function probeCell(p: LastProbe | null): MatrixCell {
  if (!p) return na;
  if (!p.reached) return cell('probe failed', 'na', '1');
  // TLS 1.2 accepted with none of Exchange Online's suites is still a server Exchange Online cannot deliver to
  if (p.exchangeOnline?.canDeliver === false) return cell('Exchange Online: no', 'fail', '5');
  if (!p.tls12Accepted) return cell('no TLS 1.2', 'fail', '4');
  return p.legacyAccepted ? cell('TLS 1.2 + legacy', 'warn', '3') : cell('TLS 1.2', 'ok', '2');
}

/** `probe` is undefined when the run was given no probe results (no column), null for a server without one. */
function cellsFor(doc: FindingsDocument, s: RunbookServer, probe: LastProbe | null | undefined): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const p of doc.policies) {
    const v = s.verdicts.find((x) => x.policy === p.id);
    cells.push(v ? cell(v.verdict, VERDICT_CLASS[v.verdict] ?? 'na', String({ fail: 4, blocked: 3, 'not-judged': 1, pass: 2 }[v.verdict] ?? 0)) : na);
  }
  for (const name of PROTOCOL_CHECKS) {
    const p = s.protocols.find((x) => x.protocol === name);
    const cls = !p ? 'na' : p.state === 'faulty' ? 'fail' : p.state === 'unknown' ? 'na' : p.state === 'on' ? (name === 'TLS 1.2' ? 'ok' : 'warn') : name === 'TLS 1.2' ? 'fail' : 'ok';
    cells.push(p ? cell(p.state, cls, p.state) : na);
  }
  for (const c of CATEGORY_CHECKS) {
    const worst = s.findings
      .filter((f) => f.category === c.id)
      .reduce<string | null>((w, f) => (w === null || SEVERITY_RANK[f.severity]! > SEVERITY_RANK[w]! ? f.severity : w), null);
    // nothing read is not "ok": sorted just above ok, below every severity
    const none = notChecked(s, c.id) ? cell('not checked', 'na', '0.5') : cell('ok', 'ok', '0');
    // an info finding alone ("certificates were not read") is no judgement either
    const judged = worst && !(worst === 'info' && notChecked(s, c.id));
    cells.push(s.status !== 'ok' ? na : judged ? cell(worst, worst, String(SEVERITY_RANK[worst])) : none);
  }
  if (probe !== undefined) cells.push(probeCell(probe));
  return cells;
}

function fleetChecks(doc: FindingsDocument, probed = false): { id: string; title: string }[] {
  return [
    ...doc.policies.map((p) => ({ id: `policy:${p.id}`, title: p.title })),
    ...PROTOCOL_CHECKS.map((p) => ({ id: `protocol:${p}`, title: p })),
    ...CATEGORY_CHECKS.map((c) => ({ id: `category:${c.id}`, title: c.title })),
    ...(probed ? [{ id: 'probe:starttls', title: 'STARTTLS probe' }] : []),
  ];
}

export function fleetContext(
  doc: FindingsDocument,
  inputs: readonly ServerInput[],
  waves: Wave[],
  generatedAt: string,
  toolVersion: string,
): FleetContext {
  const probed = inputs.some((i) => i.lastProbe !== null);
  const rows: FleetRow[] = inputs.map(({ analysis: s, facts, folder, plan, wave, lastProbe }) => ({
    server: s.server,
    folder: needsRunbook(plan) ? folder : null,
    dag: facts.dag,
    site: s.groups.site,
    role: s.groups.role,
    status: s.status,
    statusText: s.status === 'ok' ? 'collected' : `not collected: ${s.failure?.category ?? 'unknown'}`,
    cells: cellsFor(doc, s, probed ? lastProbe : undefined),
    changeCount: plan.changes.length,
    restartRequired: needsRunbook(plan) && plan.restartRequired,
    blockerCount: plan.allBlockers.length,
    wave,
    waveText: wave !== null ? String(wave) : s.status !== 'ok' ? 'n/a' : plan.allBlockers.length > 0 ? 'blocked' : needsRunbook(plan) ? 'n/a' : 'none needed',
    mailFlowErrors: (s.mailFlow ?? []).reduce((n, r) => n + r.count, 0),
    mailFlowFailingNow: (s.mailFlow ?? []).some((r) => r.failingNow),
    lastError: lastError(s.mailFlow ?? []),
  }));
  // the report opens with these: every failure group seen in the last days of the log window, worst first
  const mailFlowNow = inputs
    .flatMap(({ analysis: s, folder, plan }) => (s.mailFlow ?? []).filter((r) => r.failingNow).map((r) => ({
      ...r,
      server: s.server,
      link: needsRunbook(plan) ? `${folder}/runbook.md` : `#server-${s.server}`,
      probableCause: r.causes.length ? r.causes.join(', ') : r.probableCause,
    })))
    .sort((a, b) => (SEVERITY_RANK[b.severity]! - SEVERITY_RANK[a.severity]!) || b.count - a.count || byServerName(a.server, b.server));
  const collected = inputs.filter((i) => i.analysis.status === 'ok');
  const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const i of collected) for (const f of i.analysis.findings) bySeverity[f.severity]++;
  return {
    kind: 'fleet',
    tool: { name: 'extls', version: toolVersion },
    generatedAt,
    findingsCreatedAt: doc.createdAt,
    inventorySource: doc.inventory.source,
    policies: doc.policies.map((p) => ({ id: p.id, title: p.title })),
    summary: {
      servers: inputs.length,
      collected: collected.length,
      notCollected: inputs.length - collected.length,
      needChanges: collected.filter((i) => needsRunbook(i.plan) || i.plan.allBlockers.length > 0).length,
      compliant: collected.filter((i) => !needsRunbook(i.plan) && i.plan.allBlockers.length === 0).length,
      blocked: collected.filter((i) => i.plan.allBlockers.length > 0 && i.wave === null).length,
      restartRequired: rows.filter((r) => r.restartRequired).length,
      changes: collected.reduce((n, i) => n + i.plan.changes.length, 0),
      waves: waves.length,
      bySeverity,
      mailFlowFailingNow: new Set(mailFlowNow.map((r) => r.server)).size,
      mailFlowEarlier: inputs.reduce((n, i) => n + (i.analysis.mailFlow ?? []).filter((r) => !r.failingNow).length, 0),
    },
    mailFlowNow,
    checks: fleetChecks(doc, probed),
    rows,
    blockers: collected.flatMap((i) => i.plan.allBlockers.map((b) => ({ server: i.analysis.server, kind: b.kind, message: b.message }))),
    waves,
    heldBack: collected.flatMap(({ analysis: s, folder, plan }) => plan.heldBack.map((h) => ({
      server: s.server,
      link: needsRunbook(plan) ? `${folder}/runbook.md` : null,
      policy: h.policy,
      title: h.title,
      blockers: h.blockers,
    }))),
    blockedServers: collected
      .filter((i) => i.plan.allBlockers.length > 0 && i.wave === null)
      .map((i) => ({ name: i.analysis.server, dag: i.facts.dag, reasons: i.plan.allBlockers.map((b) => `${b.kind}: ${b.message}`) })),
    notCollected: inputs
      .filter((i) => i.analysis.status !== 'ok')
      .map((i) => ({ name: i.analysis.server, reason: i.analysis.failure ? `${i.analysis.failure.category}: ${i.analysis.failure.message}` : 'not collected' })),
    fleetFindings: [...doc.fleetFindings.map((f) => ({
      id: f.id,
      severity: f.severity,
      title: f.title,
      explanation: f.explanation,
      group: `${f.group.kind} ${f.group.name}`,
      servers: f.servers,
      connector: f.connector ?? null,
      byHand: f.byHand ? fleetHandLines(f.byHand) : null,
      mitigation: MITIGATIONS.has(f.id),
    })), ...orgWideSteps(inputs)],
    bleeding: bleeding(inputs, doc.fleetFindings),
  };
}

/** Fleet findings that stop mail flow failing now without a restart (or say why nothing can): rollout.md opens with them. */
const MITIGATIONS = new Set(['FLEET-SENDCONN-EXO-FAILING-SOURCES', 'FLEET-SENDCONN-EXO-NO-HEALTHY-SOURCE']);

/** Servers failing now, by wave: what fails, and the steps that need no restart (their own, and the organisation's). */
function bleeding(inputs: readonly ServerInput[], fleetFindings: FindingsDocument['fleetFindings']): FleetContext['bleeding'] {
  return inputs
    .filter((i) => failingNow(i))
    .map(({ analysis: s, plan, folder, wave }) => {
      const rows = (s.mailFlow ?? []).filter((r) => r.failingNow && r.severity === 'critical');
      const causes = new Set(rows.flatMap((r) => r.causes));
      return {
        server: s.server,
        wave,
        link: needsRunbook(plan) ? `${folder}/runbook.md` : null,
        failures: rows.map((r) => `${r.connector} (${r.direction}, ${r.remote}): ${r.error} × ${r.count}, last ${r.lastSeen}; probable cause: ${r.causes.length ? r.causes.join(', ') : r.probableCause}`),
        mitigations: plan.manual
          .filter((m) => causes.has(m.id) && m.byHand)
          .map((m) => ({ id: m.id, title: m.title, byHand: m.byHand! })),
        organisation: fleetFindings.filter((f) => MITIGATIONS.has(f.id) && f.servers.includes(s.server)).map((f) => f.id),
      };
    })
    .sort((a, b) => (a.wave ?? Infinity) - (b.wave ?? Infinity) || byServerName(a.server, b.server));
}
