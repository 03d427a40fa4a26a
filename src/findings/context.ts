// What every rule sees about one server, computed once.
import type { CollectorOutput, InventoryRecord } from '../inventory/types.js';
import { protocolStates } from './effective-state.js';
import {
  dotNetInfo, exchangeBuildInfo, loadKnowledge, windowsBuildInfo,
  type DotNetInfo, type ExchangeBuildInfo, type Knowledge, type WindowsBuildInfo,
} from './knowledge.js';
import { dword } from './registry.js';
import type { Blocker, Evidence, Finding, FindingCategory, HostFacts, ProtocolState, Severity } from './types.js';

export interface ServerContext {
  record: InventoryRecord;
  data: CollectorOutput;
  protocols: ProtocolState[];
  exchange: ExchangeBuildInfo;
  windows: WindowsBuildInfo;
  dotNet: DotNetInfo;
  knowledge: Knowledge;
  referenceTime: Date;
}

/** What one rule says: findings (tagged with the policy by the caller) and blockers it raises for the policy. */
export interface RuleResult {
  findings: Finding[];
  blockers: Blocker[];
}

export function serverContext(record: InventoryRecord, data: CollectorOutput, referenceTime: Date, knowledge: Knowledge = loadKnowledge()): ServerContext {
  const release = dword(data.dotNet.release.value);
  return {
    record,
    data,
    protocols: protocolStates(data, knowledge),
    exchange: exchangeBuildInfo(data.exchange.installed ? data.exchange.build : null, referenceTime, knowledge),
    windows: windowsBuildInfo(data.os.currentBuild, knowledge),
    dotNet: dotNetInfo(release, knowledge),
    knowledge,
    referenceTime,
  };
}

export function hostFacts(ctx: ServerContext): HostFacts {
  const { data, exchange, windows, dotNet } = ctx;
  const os = data.os;
  const osDisplay = windows.known
    ? `${windows.name} (build ${os.currentBuild}${os.ubr !== null ? `.${os.ubr}` : ''})`
    : `${os.productName ?? 'unknown Windows'} (build ${os.currentBuild ?? '?'}, not in the knowledge base)`;
  const installed = data.exchange.installed;
  return {
    os: { productName: os.productName, build: os.currentBuild, ubr: os.ubr, name: windows.name, known: windows.known, display: osDisplay },
    exchange: {
      installed,
      build: data.exchange.build,
      product: installed ? exchange.product : null,
      buildName: exchange.row?.name ?? null,
      known: exchange.known,
      isEdge: data.exchange.isEdge,
      roles: data.exchange.roles,
      supportStatus: installed ? exchange.supportStatus : 'not-installed',
      tls12Capable: installed ? exchange.tls12Capable : null,
      canDisableLegacy: installed ? exchange.canDisableLegacy : null,
      display: installed ? exchange.display : 'Exchange not installed',
    },
    dotNet: { release: dotNet.release, version: dotNet.version, display: dotNet.display },
    pendingReboot: data.pendingReboot.pending,
    cluster: { member: data.cluster.member, name: data.cluster.clusterName },
  };
}

export function finding(f: {
  id: string;
  severity: Severity;
  category: FindingCategory;
  title: string;
  explanation: string;
  evidence?: Evidence[];
  changes?: Finding['changes'];
  restartRequired?: boolean;
  causes?: string[];
  connector?: string | null;
  byHand?: Finding['byHand'];
}): Finding {
  const changes = f.changes ?? [];
  return {
    id: f.id,
    severity: f.severity,
    category: f.category,
    title: f.title,
    explanation: f.explanation,
    policies: [],
    evidence: f.evidence ?? [],
    changes,
    restartRequired: f.restartRequired ?? changes.length > 0,
    blockers: [],
    causes: f.causes ?? [],
    connector: f.connector ?? null,
    ...(f.byHand ? { byHand: f.byHand } : {}),
  };
}

export function buildEvidence(name: string, raw: string | number | null, display: string): Evidence {
  return { kind: 'build', path: null, name, raw, display };
}
