// The analysis output (schemas/findings.schema.json). Shaped for Handlebars: iterable things are arrays,
// every value a template is likely to print has a precomputed `display` string next to the raw data.

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const severities: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Raw registry value exactly as the collector reports it (DWORDs unsigned). */
import type { RegValue } from '../inventory/types.js';
export type { RegValue };

export type Side = 'Client' | 'Server';
/** on/off: how SCHANNEL behaves; faulty: contradicting or wrongly typed values; unknown: missing value on an unknown OS build. */
export type EffectiveState = 'on' | 'off' | 'faulty' | 'unknown';
/** explicit: both values set; os-default: neither set; partly-explicit: one set, the other from the OS default. */
export type Derivation = 'explicit' | 'os-default' | 'partly-explicit';
export type OsDefault = 'on' | 'off' | 'not-supported' | 'unknown';

export type SideFault =
  /** Enabled and DisabledByDefault say opposite things (e.g. Enabled=1, DisabledByDefault=1) */
  | 'contradictory'
  /** a value that is not a REG_DWORD: SCHANNEL ignores it */
  | 'wrong-type'
  /** a value is set for a protocol this Windows build does not support */
  | 'unsupported-by-os';

export interface SideState {
  side: Side;
  state: EffectiveState;
  derivedFrom: Derivation;
  osDefault: OsDefault;
  faults: SideFault[];
  /** SCHANNEL's view: non-zero Enabled is true (0xffffffff included); null when unknown */
  enabled: boolean | null;
  disabledByDefault: boolean | null;
  /** a present DWORD other than 0 or 1 (IIS Crypto writes 0xffffffff) */
  nonStandardValues: boolean;
  registry: {
    hive: 'HKLM';
    /** path below the hive, e.g. SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Server */
    path: string;
    fullPath: string;
    keyExists: boolean;
    enabled: RegValue;
    disabledByDefault: RegValue;
    enabledDisplay: string;
    disabledByDefaultDisplay: string;
  };
  /** "on (OS default)", "off (Enabled=0, DisabledByDefault=1)", "faulty: Enabled=1 but DisabledByDefault=1" */
  display: string;
}

export interface ProtocolState {
  /** registry key name: "TLS 1.2", "SSL 3.0", "PCT 1.0" ... */
  protocol: string;
  /** stable id fragment: TLS12, SSL30, PCT10 */
  code: string;
  /** on/off when both sides agree and neither is faulty; faulty when they differ or one side is faulty */
  state: EffectiveState;
  clientServerMismatch: boolean;
  client: SideState;
  server: SideState;
  display: string;
}

/** One registry value to write. `current` is the raw value or null when the value is missing. */
export interface RegistryChange {
  hive: 'HKLM';
  path: string;
  fullPath: string;
  name: string;
  type: 'REG_DWORD';
  current: number | string | string[] | null;
  currentType: string | null;
  desired: number;
  currentDisplay: string;
  desiredDisplay: string;
}

export interface Evidence {
  kind: 'registry' | 'build' | 'protocol-log' | 'collection' | 'pending-reboot' | 'fleet';
  /** registry path below HKLM (registry, pending-reboot), log folder (protocol-log), null otherwise */
  path: string | null;
  /** registry value name, build field, ... */
  name: string | null;
  /** raw registry value (registry kind) or the raw fact (build string, failure message) */
  raw: RegValue | string | number | null;
  display: string;
  /** protocol-log peers seen with the versions in question */
  peers?: LegacyPeer[];
}

export interface LegacyPeer {
  /** remote IP or host as the log shows it */
  remote: string;
  /** "TLS 1.0" / "TLS 1.1" */
  tlsVersion: string;
  direction: 'receive' | 'send' | 'unknown';
  count: number;
  lastSeen: string | null;
  display: string;
}

export type BlockerKind = 'exchange-too-old' | 'dotnet-too-old' | 'legacy-peers' | 'reboot-pending' | 'unknown-build' | 'not-collected';

export interface Blocker {
  kind: BlockerKind;
  message: string;
  evidence: Evidence[];
}

export type FindingCategory = 'schannel' | 'dotnet' | 'winhttp' | 'exchange' | 'os' | 'reboot' | 'protocol-logs' | 'collection';

export interface Finding {
  /** stable id, unique within one server: TLS12-SERVER-DISABLED, NET4-STRONGCRYPTO-MISSING, ... */
  id: string;
  severity: Severity;
  category: FindingCategory;
  title: string;
  explanation: string;
  /** ids of the policies this finding fails (empty for purely informational findings) */
  policies: string[];
  evidence: Evidence[];
  changes: RegistryChange[];
  restartRequired: boolean;
  blockers: Blocker[];
}

export type Verdict = 'pass' | 'fail' | 'blocked' | 'not-judged';

export interface PolicyVerdict {
  policy: string;
  policyTitle: string;
  verdict: Verdict;
  /** "pass", "fail: 3 findings, 7 changes", "blocked: exchange-too-old" */
  display: string;
  findingIds: string[];
  /**
   * failing findings extls plans no registry change for and that raise no blocker (e.g. a cipher suite order owned by
   * a GPO): the runbook lists them as manual steps
   */
  manualFindingIds: string[];
  /** every change the policy needs on this server, de-duplicated, in a stable order */
  changes: RegistryChange[];
  restartRequired: boolean;
  blockers: Blocker[];
}

export interface HostFacts {
  os: {
    productName: string | null;
    build: string | null;
    ubr: number | null;
    /** knowledge-base name ("Windows Server 2019") or null when the build is not in data/ */
    name: string | null;
    known: boolean;
    display: string;
  };
  exchange: {
    installed: boolean;
    build: string | null;
    product: string | null;
    /** CU/SU name from data/exchange-builds.csv, null when unknown */
    buildName: string | null;
    known: boolean;
    isEdge: boolean;
    roles: string[];
    supportStatus: 'supported' | 'out-of-support' | 'unknown' | 'not-installed';
    tls12Capable: boolean | null;
    canDisableLegacy: boolean | null;
    display: string;
  };
  dotNet: {
    release: number | null;
    version: string | null;
    display: string;
  };
  pendingReboot: boolean;
}

export interface ServerAnalysis {
  server: string;
  groups: { dag: string | null; site: string | null; role: string | null };
  status: 'ok' | 'failed';
  failure: { category: string; message: string } | null;
  /** null for failed collections */
  host: HostFacts | null;
  protocols: ProtocolState[];
  verdicts: PolicyVerdict[];
  findings: Finding[];
  counts: SeverityCounts;
  /** the worst severity among findings, or null */
  worstSeverity: Severity | null;
}

export interface SeverityCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
}

export interface FleetDifference {
  /** "TLS 1.2 Server", ".NET v4.0.30319 native SchUseStrongCrypto", "Exchange build" */
  setting: string;
  values: { value: string; servers: string[]; display: string }[];
}

export interface FleetFinding {
  /** FLEET-DAG-TLS-DRIFT, FLEET-SITE-TLS-DRIFT, FLEET-DAG-MIXED-BUILDS */
  id: string;
  severity: Severity;
  title: string;
  explanation: string;
  group: { kind: 'dag' | 'site'; name: string };
  servers: string[];
  differences: FleetDifference[];
}

export interface PolicySummary {
  policy: string;
  policyTitle: string;
  pass: number;
  fail: number;
  blocked: number;
  notJudged: number;
  display: string;
}

export interface InputError {
  /** server name when the record had one, else "servers[3]" */
  server: string;
  index: number;
  messages: string[];
}

export interface FindingsDocument {
  schemaVersion: 1;
  tool: { name: 'extls'; version: string };
  createdAt: string;
  /** the reference time support status was judged against */
  referenceTime: string;
  inventory: { source: string; createdAt: string | null };
  policies: { id: string; title: string; phase: number | null; description: string; source: string }[];
  servers: ServerAnalysis[];
  fleetFindings: FleetFinding[];
  inputErrors: InputError[];
  summary: {
    servers: number;
    ok: number;
    failed: number;
    invalid: number;
    byPolicy: PolicySummary[];
    bySeverity: SeverityCounts;
    fleetFindings: number;
  };
}
