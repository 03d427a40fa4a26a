// The template contexts (schemas/runbook-context.schema.json, documented in docs/templates.md).
// Every field is always present (null or [] when there is nothing), so strict templates can rely on them.

export type MaintenanceKind = 'dag-mailbox' | 'mailbox' | 'edge' | 'none';

export interface ChangeRow {
  /** 1-based position in the plan */
  number: number;
  hive: 'HKLM';
  path: string;
  fullPath: string;
  name: string;
  type: 'REG_DWORD';
  desired: number;
  currentDisplay: string;
  desiredDisplay: string;
  currentType: string | null;
  /** create: value missing; update: DWORD with another value; retype: value of another type is replaced */
  action: 'create' | 'update' | 'retype';
}

export interface BlockerRow {
  kind: string;
  message: string;
}

/** A policy whose changes are left out of the plan because it is blocked (the others go ahead). */
export interface HeldBack {
  policy: string;
  title: string;
  blockers: BlockerRow[];
  /** its changes that are not in the plan anyway */
  changeCount: number;
}

/** A failing finding extls plans no registry change for (e.g. cipher suite order owned by a GPO): done by hand. */
export interface ManualStep {
  id: string;
  severity: string;
  title: string;
  explanation: string;
}

/** What the generated scripts embed (one JSON literal) and act on. Current values are read at run time. */
export interface ChangePlan {
  format: 'extls-change-plan';
  version: 1;
  server: string;
  generatedAt: string;
  tool: string;
  policies: string[];
  restartRequired: boolean;
  blockers: BlockerRow[];
  backupFile: string;
  changes: { path: string; name: string; type: 'REG_DWORD'; desired: number }[];
}

/** The last `extls probe` of the server's SMTP port (runbooks --probes), quoted in the pre- and post-checks. */
export interface LastProbe {
  endpoint: string;
  probedAt: string;
  /** "accepts TLS 1.0, TLS 1.2", "STARTTLS not offered", "could not be probed (...)" */
  display: string;
  /** false when the probe could not complete (connection, timeout): the two flags below then say nothing */
  reached: boolean;
  tls12Accepted: boolean;
  legacyAccepted: boolean;
}

export interface ServerContext {
  kind: 'server';
  tool: { name: 'extls'; version: string };
  generatedAt: string;
  findingsCreatedAt: string;
  server: {
    name: string;
    folder: string;
    dag: string | null;
    site: string | null;
    role: string | null;
    os: string;
    exchange: string;
    exchangeInstalled: boolean;
    isEdge: boolean;
    roles: string[];
    clusterMember: boolean;
    clusterName: string | null;
    pendingReboot: boolean;
  };
  maintenance: {
    kind: MaintenanceKind;
    dagMailbox: boolean;
    mailbox: boolean;
    edge: boolean;
    none: boolean;
    /** one sentence on why these steps */
    summary: string;
    dag: string | null;
    /** another Mailbox server to hand queued mail to (same DAG first, then same site); null when none is known */
    redirectTarget: string | null;
    otherDagMembers: string[];
  };
  /** the policies whose changes are in this plan */
  policies: { id: string; title: string; phase: number | null }[];
  /** distinct phases among them (1: TLS 1.2 on, 2: legacy off) */
  phases: number[];
  changes: ChangeRow[];
  changeCount: number;
  restartRequired: boolean;
  /** true when the plan's own changes are blocked: remediate.ps1 refuses to run without -IgnoreBlockers */
  blocked: boolean;
  blockers: BlockerRow[];
  heldBack: HeldBack[];
  /** steps the admin does by hand (no registry change extls can plan) */
  manual: ManualStep[];
  findings: { id: string; severity: string; title: string; explanation: string }[];
  /** host:port for `extls probe` */
  probeTarget: string;
  /** null when no probe results were given */
  lastProbe: LastProbe | null;
  /** rollout wave number (1-based), null when blocked */
  wave: number | null;
  files: { runbook: string; remediate: string; rollback: string; backup: string };
  /** the change plan as ASCII JSON text, for psLiteral in the scripts */
  planJson: string;
}

export interface MatrixCell {
  /** what the cell shows */
  text: string;
  /** CSS class: ok, fail, warn, blocked, na, info, severity names */
  cls: string;
  /** sort key (numbers sort numerically in the report's script) */
  sort: string;
}

export interface FleetRow {
  server: string;
  folder: string | null;
  dag: string | null;
  site: string | null;
  role: string | null;
  status: 'ok' | 'failed';
  statusText: string;
  cells: MatrixCell[];
  changeCount: number;
  restartRequired: boolean;
  blockerCount: number;
  wave: number | null;
  waveText: string;
}

export interface Wave {
  number: number;
  servers: { name: string; dag: string | null; site: string | null; folder: string | null }[];
  size: number;
}

export interface FleetContext {
  kind: 'fleet';
  tool: { name: 'extls'; version: string };
  generatedAt: string;
  findingsCreatedAt: string;
  inventorySource: string;
  policies: { id: string; title: string }[];
  summary: {
    servers: number;
    collected: number;
    notCollected: number;
    needChanges: number;
    compliant: number;
    blocked: number;
    restartRequired: number;
    changes: number;
    waves: number;
    bySeverity: { critical: number; high: number; medium: number; low: number; info: number };
  };
  checks: { id: string; title: string }[];
  rows: FleetRow[];
  blockers: { server: string; kind: string; message: string }[];
  waves: Wave[];
  blockedServers: { name: string; dag: string | null; reasons: string[] }[];
  notCollected: { name: string; reason: string }[];
  fleetFindings: { id: string; severity: string; title: string; explanation: string; group: string; servers: string[] }[];
}
