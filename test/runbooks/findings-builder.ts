// Builds findings documents (schemas/findings.schema.json) for the runbook tests, shaped like the findings
// engine's output (src/findings/types.ts). Each document is validated before use.
import type { Blocker, FindingsDocument, ProtocolState, RegistryChange, ServerAnalysis, SideState } from '../../src/findings/types.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';

export const SCHANNEL = 'SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols';
export const NET4 = 'SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319';
export const NET4_WOW = 'SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319';

const hex = (n: number) => (n === 0 || n === 1 ? String(n) : `0x${n.toString(16).padStart(8, '0')} (${n})`);

export function change(path: string, name: string, desired: number, current: number | string | null = null, currentType: string | null = null): RegistryChange {
  const type = current === null ? null : (currentType ?? (typeof current === 'number' ? 'REG_DWORD' : 'REG_SZ'));
  return {
    hive: 'HKLM',
    path,
    fullPath: `HKLM\\${path}`,
    name,
    type: 'REG_DWORD',
    current,
    currentType: type,
    desired,
    currentDisplay: current === null ? 'missing' : typeof current === 'number' ? hex(current) : `${type} '${current}'`,
    desiredDisplay: hex(desired),
  };
}

/** The usual phase-one plan: TLS 1.2 on for both sides, .NET 4 strong crypto in both views. */
export function tls12Changes(): RegistryChange[] {
  return [
    change(`${SCHANNEL}\\TLS 1.2\\Server`, 'Enabled', 1),
    change(`${SCHANNEL}\\TLS 1.2\\Server`, 'DisabledByDefault', 0),
    change(`${SCHANNEL}\\TLS 1.2\\Client`, 'Enabled', 1, 0),
    change(`${SCHANNEL}\\TLS 1.2\\Client`, 'DisabledByDefault', 0, 1),
    change(NET4, 'SystemDefaultTlsVersions', 1),
    change(NET4, 'SchUseStrongCrypto', 1, '1', 'REG_SZ'),
    change(NET4_WOW, 'SchUseStrongCrypto', 1, 4294967295),
  ];
}

function side(protocol: string, s: 'Client' | 'Server', state: 'on' | 'off' | 'faulty'): SideState {
  const path = `${SCHANNEL}\\${protocol}\\${s}`;
  return {
    side: s,
    state,
    derivedFrom: 'os-default',
    osDefault: 'on',
    faults: [],
    enabled: state === 'on',
    disabledByDefault: state !== 'on',
    nonStandardValues: false,
    registry: {
      hive: 'HKLM',
      path,
      fullPath: `HKLM\\${path}`,
      keyExists: false,
      enabled: { present: false },
      disabledByDefault: { present: false },
      enabledDisplay: 'missing',
      disabledByDefaultDisplay: 'missing',
    },
    display: state,
  };
}

function protocol(name: string, state: 'on' | 'off' | 'faulty'): ProtocolState {
  return {
    protocol: name,
    code: name.replace(/[^A-Z0-9]/gi, '').toUpperCase(),
    state,
    clientServerMismatch: false,
    client: side(name, 'Client', state),
    server: side(name, 'Server', state),
    display: state,
  };
}

export interface ServerSpec {
  name: string;
  dag?: string | null;
  site?: string | null;
  role?: string | null;
  edge?: boolean;
  /** the Windows cluster the collector found */
  cluster?: string;
  exchange?: boolean;
  changes?: RegistryChange[];
  blockers?: Blocker[];
  failed?: boolean;
  tls12?: 'on' | 'off' | 'faulty';
  /** adds a failing finding with no planned change (a GPO cipher suite order): a manual step */
  manual?: boolean;
  /**
   * SCHANNEL values the inventory saw, by '<protocol>\\<side>' (e.g. 'TLS 1.0\\Server'): the scripts expect them
   * unchanged on their target. Planned changes' current values are filled in from the changes.
   */
  schannel?: Record<string, { Enabled?: number; DisabledByDefault?: number }>;
  /** where the server is reached (default: its name); runbooks address redirect targets by it when it is an FQDN */
  address?: string;
  /** false: known only from a drop-folder file, not named in the fleet file */
  fleetMember?: boolean;
  /** adds a critical mail-flow failure still seen at the end of the log window (failing now) on this send connector */
  failingNowOn?: string;
}

function failingNowFinding(connector: string): ServerAnalysis['findings'][number] {
  return {
    id: 'MAILFLOW-SEND-HANDSHAKE-TEST', severity: 'critical', category: 'mail-flow',
    title: `Failing now: send connector "${connector}": TLS handshake fails`, explanation: 'TLS negotiation failed with error SocketError.',
    policies: [], changes: [], restartRequired: false, blockers: [], causes: ['TLS12-SERVER-DISABLED'], connector,
    evidence: [{
      kind: 'protocol-log', path: null, name: 'errors', raw: 3, display: '3 × SocketError',
      failure: {
        cause: 'tls-handshake', direction: 'send', service: 'Hub', connector, remote: '52.101.68.3', error: 'TLS negotiation failed with error SocketError',
        signatures: [{ kind: 'tls-negotiation-failed', code: null, signature: 'TLS negotiation failed with error SocketError', count: 3 }],
        count: 3, starttlsWithoutHandshake: 0, mailWithoutTls: 0, firstSeen: '2025-05-31T08:00:00.000Z', lastSeen: '2025-06-01T09:00:00.000Z',
        failingNow: true, failingNowSince: '2025-05-30T10:00:00.000Z', probableCause: 'TLS12-SERVER-DISABLED',
      },
    }],
  };
}

/** The side's registry values as the inventory saw them: from spec.schannel, then from the changes' current values. */
function withRegistry(p: ProtocolState, spec: ServerSpec, changes: RegistryChange[]): ProtocolState {
  const fill = (s: SideState): SideState => {
    const given = spec.schannel?.[`${p.protocol}\\${s.side}`] ?? {};
    const value = (name: 'Enabled' | 'DisabledByDefault') => {
      const c = changes.find((x) => x.path.toLowerCase() === s.registry.path.toLowerCase() && x.name === name);
      const n = given[name] ?? (c && typeof c.current === 'number' && c.currentType === 'REG_DWORD' ? c.current : undefined);
      return n === undefined ? { present: false as const } : { present: true as const, type: 'REG_DWORD' as const, value: n };
    };
    return { ...s, registry: { ...s.registry, enabled: value('Enabled'), disabledByDefault: value('DisabledByDefault') } };
  };
  return { ...p, client: fill(p.client), server: fill(p.server) };
}

const manualFinding: ServerAnalysis['findings'][number] = {
  id: 'CIPHERS-NO-M365-SUITE',
  severity: 'critical',
  category: 'schannel',
  title: 'No cipher suite in the configured order is one Exchange Online accepts',
  explanation: 'Add TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 to the GPO <SSL Cipher Suite Order>.',
  policies: ['tls12-ready'],
  evidence: [],
  changes: [],
  restartRequired: true,
  blockers: [],
  causes: [],
  connector: null,
};

export function server(spec: ServerSpec): ServerAnalysis {
  const changes = spec.changes ?? [];
  const blockers = spec.blockers ?? [];
  if (spec.failed) {
    return {
      server: spec.name,
      address: spec.name,
      groups: { dag: spec.dag ?? null, site: spec.site ?? null, role: spec.role ?? null, edge: spec.edge ?? false },
      status: 'failed',
      failure: { category: 'unreachable', message: 'WinRM: the server did not answer' },
      host: null,
      protocols: [],
      settings: [],
      verdicts: [{ policy: 'tls12-ready', policyTitle: 'TLS 1.2 ready', verdict: 'not-judged', display: 'not judged', findingIds: [], manualFindingIds: [], changes: [], restartRequired: false, blockers: [] }],
      findings: [],
      counts: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      worstSeverity: null,
    };
  }
  const findings: ServerAnalysis['findings'] = [
    ...(spec.failingNowOn ? [failingNowFinding(spec.failingNowOn)] : []),
    ...(spec.manual ? [structuredClone(manualFinding)] : []),
    ...(changes.length > 0 || blockers.length > 0
      ? [
          <ServerAnalysis['findings'][number]>{
            id: 'TLS12-SERVER-DISABLED',
            severity: 'critical',
            category: 'schannel',
            title: 'TLS 1.2 is not enabled for Server',
            explanation: 'Exchange Online refuses TLS 1.0/1.1 connections.',
            policies: ['tls12-ready'],
            evidence: [],
            changes,
            restartRequired: changes.length > 0,
            blockers,
            causes: [],
            connector: null,
          },
        ]
      : []),
  ];
  const verdict = blockers.length > 0 ? 'blocked' : findings.length > 0 ? 'fail' : 'pass';
  return {
    server: spec.name,
    ...(spec.fleetMember === false ? { fleetMember: false } : {}),
    address: spec.address ?? spec.name,
    groups: { dag: spec.dag ?? null, site: spec.site ?? null, role: spec.role ?? (spec.edge ? 'edge' : 'mailbox'), edge: spec.edge ?? false },
    status: 'ok',
    failure: null,
    host: {
      os: { productName: 'Windows Server 2019 Standard', build: '17763', ubr: 1, name: 'Windows Server 2019', known: true, display: 'Windows Server 2019 (17763.1)' },
      exchange: {
        installed: spec.exchange ?? true,
        build: '15.2.1544.4',
        product: 'Exchange Server 2019',
        buildName: 'CU14',
        known: true,
        isEdge: spec.edge ?? false,
        roles: spec.edge ? ['Edge'] : ['Mailbox'],
        supportStatus: 'supported',
        tls12Capable: true,
        canDisableLegacy: true,
        display: 'Exchange Server 2019 CU14 (15.2.1544.4)',
      },
      dotNet: { release: 528040, version: '4.8', display: '.NET Framework 4.8' },
      pendingReboot: blockers.some((b) => b.kind === 'reboot-pending'),
      cluster: { member: Boolean(spec.cluster), name: spec.cluster ?? null },
    },
    protocols: [protocol('TLS 1.0', 'on'), protocol('TLS 1.1', 'on'), protocol('TLS 1.2', spec.tls12 ?? (changes.length > 0 ? 'off' : 'on')), protocol('TLS 1.3', 'off')]
      .map((p) => withRegistry(p, spec, changes)),
    settings: [],
    verdicts: [
      {
        policy: 'tls12-ready',
        policyTitle: 'TLS 1.2 ready',
        verdict,
        display: verdict,
        findingIds: findings.map((f) => f.id),
        manualFindingIds: spec.manual ? [manualFinding.id] : [],
        changes,
        restartRequired: changes.length > 0 || !!spec.manual,
        blockers,
      },
    ],
    findings,
    counts: { critical: findings.length, high: 0, medium: 0, low: 0, info: 0 },
    worstSeverity: findings.length > 0 ? 'critical' : null,
  };
}

export function blocker(kind: Blocker['kind'], message: string): Blocker {
  return { kind, message, evidence: [] };
}

export function findingsDoc(servers: ServerAnalysis[]): FindingsDocument {
  const doc: FindingsDocument = {
    schemaVersion: 1,
    tool: { name: 'extls', version: '0.1.0' },
    createdAt: '2025-06-01T10:00:00.000Z',
    referenceTime: '2025-06-01T10:00:00.000Z',
    inventory: { source: 'fleet.yaml', createdAt: '2025-06-01T09:00:00.000Z' },
    policies: [{ id: 'tls12-ready', title: 'TLS 1.2 ready', phase: 1, description: 'Phase 1', source: 'builtin' }],
    servers,
    fleetFindings: [],
    inputErrors: [],
    summary: {
      servers: servers.length,
      ok: servers.filter((s) => s.status === 'ok').length,
      failed: servers.filter((s) => s.status === 'failed').length,
      invalid: 0,
      byPolicy: [],
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      fleetFindings: 0,
    },
  };
  const validate = validatorFor('findings.schema.json');
  if (!validate(doc)) throw new Error(`test findings do not match the schema:\n${describeErrors(validate.errors, 20).join('\n')}`);
  return doc;
}
