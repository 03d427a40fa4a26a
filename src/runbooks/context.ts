// Findings (+ inventory records) → the template contexts in types.ts.
import type { Blocker, FindingsDocument, RegistryChange, ServerAnalysis } from '../findings/types.js';
import type { InventoryRecord } from '../inventory/types.js';
import { jsonAscii } from './escape.js';
import { maintenanceFor, type ServerFacts } from './maintenance.js';
import type { BlockerRow, ChangePlan, ChangeRow, FleetContext, FleetRow, MatrixCell, ServerContext, Wave } from './types.js';

export const FILES = { runbook: 'runbook.md', remediate: 'remediate.ps1', rollback: 'rollback.ps1', backup: 'registry-backup.json' } as const;

export class RunbookDataError extends Error {
  constructor(
    readonly server: string | null,
    message: string,
  ) {
    super(server === null ? message : `server ${server}: ${message}`);
    this.name = 'RunbookDataError';
  }
}

const changeKey = (c: { path: string; name: string }) => `${c.path.toLowerCase()}\u0000${c.name.toLowerCase()}`;

/** Every change the server's policy verdicts ask for, de-duplicated; two policies wanting different values is an error. */
export function plannedChanges(s: ServerAnalysis): RegistryChange[] {
  const sources = s.verdicts.length > 0 ? s.verdicts.map((v) => v.changes) : s.findings.map((f) => f.changes);
  const seen = new Map<string, RegistryChange>();
  for (const list of sources) {
    for (const c of list) {
      const prior = seen.get(changeKey(c));
      if (!prior) seen.set(changeKey(c), c);
      else if (prior.desired !== c.desired) {
        throw new RunbookDataError(s.server, `policies disagree on ${c.fullPath}\\${c.name}: ${prior.desired} and ${c.desired}`);
      }
    }
  }
  return [...seen.values()];
}

export function blockersOf(s: ServerAnalysis): BlockerRow[] {
  const all: Blocker[] = [...s.verdicts.flatMap((v) => v.blockers), ...s.findings.flatMap((f) => f.blockers)];
  const seen = new Map<string, BlockerRow>();
  for (const b of all) seen.set(`${b.kind}\u0000${b.message}`, { kind: b.kind, message: b.message });
  return [...seen.values()];
}

function changeRow(c: RegistryChange, i: number): ChangeRow {
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
  };
}

export interface ServerInput {
  analysis: ServerAnalysis;
  facts: ServerFacts;
  folder: string;
  changes: RegistryChange[];
  blockers: BlockerRow[];
  wave: number | null;
}

export function serverContext(doc: FindingsDocument, input: ServerInput, fleet: readonly ServerFacts[], generatedAt: string, toolVersion: string): ServerContext {
  const { analysis: s, facts, changes, blockers } = input;
  const restartRequired = s.verdicts.some((v) => v.restartRequired && v.changes.length > 0) || s.findings.some((f) => f.restartRequired && f.changes.length > 0);
  const policies = s.verdicts.map((v) => ({ id: v.policy, title: v.policyTitle }));
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
    },
    maintenance: maintenanceFor(facts, fleet),
    policies,
    changes: changes.map(changeRow),
    changeCount: changes.length,
    restartRequired,
    blocked: blockers.length > 0,
    blockers,
    findings: s.findings.map((f) => ({ id: f.id, severity: f.severity, title: f.title, explanation: f.explanation })),
    probeTarget: `${s.server}:25`,
    wave: input.wave,
    files: { ...FILES },
    planJson: jsonAscii(plan),
  };
}

// ---------------------------------------------------------------- fleet

const SEVERITY_RANK: Record<string, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
const VERDICT_CLASS: Record<string, string> = { pass: 'ok', fail: 'fail', blocked: 'blocked', 'not-judged': 'na' };
const PROTOCOL_CHECKS = ['TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3'];
const CATEGORY_CHECKS: { id: string; title: string }[] = [
  { id: 'dotnet', title: '.NET' },
  { id: 'winhttp', title: 'WinHTTP' },
  { id: 'exchange', title: 'Exchange build' },
  { id: 'reboot', title: 'Reboot' },
  { id: 'protocol-logs', title: 'Legacy peers' },
];

const na: MatrixCell = { text: '–', cls: 'na', sort: '0' };

function cellsFor(doc: FindingsDocument, s: ServerAnalysis): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const p of doc.policies) {
    const v = s.verdicts.find((x) => x.policy === p.id);
    cells.push(v ? { text: v.verdict, cls: VERDICT_CLASS[v.verdict] ?? 'na', sort: String({ fail: 4, blocked: 3, 'not-judged': 1, pass: 2 }[v.verdict] ?? 0) } : na);
  }
  for (const name of PROTOCOL_CHECKS) {
    const p = s.protocols.find((x) => x.protocol === name);
    const cls = !p ? 'na' : p.state === 'faulty' ? 'fail' : p.state === 'unknown' ? 'na' : p.state === 'on' ? (name === 'TLS 1.2' ? 'ok' : 'warn') : name === 'TLS 1.2' ? 'fail' : 'ok';
    cells.push(p ? { text: p.state, cls, sort: p.state } : na);
  }
  for (const c of CATEGORY_CHECKS) {
    const worst = s.findings
      .filter((f) => f.category === c.id)
      .reduce<string | null>((w, f) => (w === null || SEVERITY_RANK[f.severity]! > SEVERITY_RANK[w]! ? f.severity : w), null);
    cells.push(s.status !== 'ok' ? na : worst ? { text: worst, cls: worst, sort: String(SEVERITY_RANK[worst]) } : { text: 'ok', cls: 'ok', sort: '0' });
  }
  return cells;
}

export function fleetChecks(doc: FindingsDocument): { id: string; title: string }[] {
  return [
    ...doc.policies.map((p) => ({ id: `policy:${p.id}`, title: p.title })),
    ...PROTOCOL_CHECKS.map((p) => ({ id: `protocol:${p}`, title: p })),
    ...CATEGORY_CHECKS.map((c) => ({ id: `category:${c.id}`, title: c.title })),
  ];
}

export function fleetContext(
  doc: FindingsDocument,
  inputs: readonly ServerInput[],
  waves: Wave[],
  generatedAt: string,
  toolVersion: string,
): FleetContext {
  const rows: FleetRow[] = inputs.map(({ analysis: s, facts, folder, changes, blockers, wave }) => ({
    server: s.server,
    folder: changes.length > 0 ? folder : null,
    dag: facts.dag,
    site: s.groups.site,
    role: s.groups.role,
    status: s.status,
    statusText: s.status === 'ok' ? 'collected' : `not collected: ${s.failure?.category ?? 'unknown'}`,
    cells: cellsFor(doc, s),
    changeCount: changes.length,
    restartRequired: changes.length > 0 && (s.verdicts.some((v) => v.restartRequired) || s.findings.some((f) => f.restartRequired)),
    blockerCount: blockers.length,
    wave,
    waveText: wave !== null ? String(wave) : blockers.length > 0 && changes.length > 0 ? 'blocked' : s.status !== 'ok' ? 'n/a' : changes.length === 0 ? 'none needed' : 'n/a',
  }));
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
      needChanges: collected.filter((i) => i.changes.length > 0).length,
      compliant: collected.filter((i) => i.changes.length === 0 && i.blockers.length === 0).length,
      blocked: collected.filter((i) => i.blockers.length > 0).length,
      restartRequired: rows.filter((r) => r.restartRequired).length,
      changes: collected.reduce((n, i) => n + i.changes.length, 0),
      waves: waves.length,
      bySeverity,
    },
    checks: fleetChecks(doc),
    rows,
    blockers: collected.flatMap((i) => i.blockers.map((b) => ({ server: i.analysis.server, kind: b.kind, message: b.message }))),
    waves,
    blockedServers: collected
      .filter((i) => i.blockers.length > 0)
      .map((i) => ({ name: i.analysis.server, dag: i.facts.dag, reasons: i.blockers.map((b) => `${b.kind}: ${b.message}`) })),
    notCollected: inputs
      .filter((i) => i.analysis.status !== 'ok')
      .map((i) => ({ name: i.analysis.server, reason: i.analysis.failure ? `${i.analysis.failure.category}: ${i.analysis.failure.message}` : 'not collected' })),
    fleetFindings: doc.fleetFindings.map((f) => ({
      id: f.id,
      severity: f.severity,
      title: f.title,
      explanation: f.explanation,
      group: `${f.group.kind} ${f.group.name}`,
      servers: f.servers,
    })),
  };
}
