// One server: run every policy's rules, merge the findings, decide a verdict per policy.
import type { InventoryRecord } from '../inventory/types.js';
import { unhandled } from '../util/exhaustive.js';
import { finding, hostFacts, serverContext, type RuleResult, type ServerContext } from './context.js';
import type { Knowledge } from './knowledge.js';
import type { Policy, PolicyRule } from './policy.js';
import { serverGroups } from '../inventory/groups.js';
import { tlsSettings } from './groups.js';
import { exchangeConfigOf } from './exchange-config.js';
import { changeKey } from './registry.js';
import { dotNetReleaseRule, dotNetValueRule } from './rules-dotnet.js';
import { exchangeBuildRule, exchangeFacts, exchangeSupportRule } from './rules-exchange.js';
import { osFacts, rebootPending } from './rules-host.js';
import { legacyPeersRule } from './rules-legacy-peers.js';
import { mailFlowFindings } from './rules-mail-flow.js';
import { m365CipherRule } from './rules-ciphers.js';
import { certificatesRule } from './rules-certificates.js';
import { connectorsRule } from './rules-connectors.js';
import { schannelHygiene, schannelProtocolRule } from './rules-schannel.js';
import { tls13SupportRule } from './rules-tls13.js';
import { trustedRootsRule } from './rules-trusted-roots.js';
import { winHttpRule } from './rules-winhttp.js';
import {
  severities, type Blocker, type Finding, type PolicyVerdict, type RegistryChange, type ServerAnalysis, type Severity, type SeverityCounts,
} from './types.js';

function runRule(ctx: ServerContext, rule: PolicyRule): RuleResult {
  switch (rule.rule) {
    case 'schannel-protocol': return schannelProtocolRule(ctx, rule);
    case 'dotnet-value': return dotNetValueRule(ctx, rule);
    case 'dotnet-release': return dotNetReleaseRule(ctx, rule);
    case 'winhttp-protocols': return winHttpRule(ctx, rule);
    case 'exchange-build': return exchangeBuildRule(ctx, rule);
    case 'exchange-support': return exchangeSupportRule(ctx, rule);
    case 'legacy-peers': return legacyPeersRule(ctx, rule);
    case 'm365-cipher-suites': return m365CipherRule(ctx, rule);
    case 'exchange-certificates': return certificatesRule(ctx, rule);
    case 'exchange-connectors': return connectorsRule(ctx, rule);
    case 'tls13-support': return tls13SupportRule(ctx, rule);
    case 'trusted-roots': return trustedRootsRule(ctx, rule);
    default: return unhandled(rule, 'policy rule kind');
  }
}

const rank = (s: Severity) => severities.indexOf(s); // 0 = critical
const atLeast = (s: Severity, threshold: Severity) => rank(s) <= rank(threshold);

function uniqueBlockers(list: Blocker[]): Blocker[] {
  const seen = new Map<string, Blocker>();
  for (const b of list) if (!seen.has(`${b.kind}|${b.message}`)) seen.set(`${b.kind}|${b.message}`, b);
  return [...seen.values()];
}

function uniqueChanges(list: RegistryChange[]): RegistryChange[] {
  const seen = new Map<string, RegistryChange>();
  for (const c of list) if (!seen.has(changeKey(c))) seen.set(changeKey(c), c);
  return [...seen.values()];
}

export function verdictDisplay(v: PolicyVerdict['verdict'], findings: number, changes: number, blockers: Blocker[], failure?: string): string {
  switch (v) {
    case 'pass': return 'pass';
    case 'fail': return `fail: ${findings} finding${findings === 1 ? '' : 's'}, ${changes} change${changes === 1 ? '' : 's'}`;
    case 'blocked': return `blocked: ${[...new Set(blockers.map((b) => b.kind))].join(', ')} (${changes} change${changes === 1 ? '' : 's'} waiting)`;
    case 'not-judged': return `not judged: ${failure ?? 'no data'}`;
  }
}

export function countSeverities(findings: { severity: Severity }[]): SeverityCounts {
  const c: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

export function worst(findings: Finding[]): Severity | null {
  return findings.reduce<Severity | null>((w, f) => (w === null || rank(f.severity) < rank(w) ? f.severity : w), null);
}

/** Same id from two policies (legacy-off extends tls12-ready): one finding, policies joined, the higher severity. */
function mergeInto(map: Map<string, Finding>, f: Finding): void {
  const have = map.get(f.id);
  if (!have) { map.set(f.id, { ...f, policies: [...f.policies], blockers: [...f.blockers] }); return; }
  have.policies = [...new Set([...have.policies, ...f.policies])];
  if (rank(f.severity) < rank(have.severity)) have.severity = f.severity;
  have.blockers = uniqueBlockers([...have.blockers, ...f.blockers]);
}

export function sortFindings(list: Finding[]): Finding[] {
  return list.sort((a, b) => rank(a.severity) - rank(b.severity) || a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
}

function failureHint(category: string | undefined): string {
  switch (category) {
    case 'stale':
      return 'It stopped reporting to the drop folder: check the collection task on the server (scheduled task, GPO, Configuration Manager or Ansible run) and its access to the share, then build the inventory again.';
    case 'duplicate':
      return 'More than one source claims this server: keep the one that belongs to it and build the inventory again.';
    case 'clock-skew':
      return "Its report is dated in the future of the control node's clock: correct the server's clock (or the file), let it report again, then build the inventory again.";
    case 'interrupted':
      return 'The inventory run was stopped (Ctrl+C or a signal) before this server finished: run extls inventory again.';
    case 'name-not-resolved':
      return "Its name does not resolve in DNS: correct the name or give its address (fleet file: address), then run extls inventory again.";
    default:
      return 'Fix access (WinRM/SSH reachability, credentials, time-outs) and run extls inventory again.';
  }
}

function analyzeFailedServer(record: InventoryRecord, policies: Policy[]): ServerAnalysis {
  return failedAnalysis(record, serverGroups(record.groups, record.data), policies);
}

/**
 * A server whose collected data turned out unusable after its analysis (a value failed its check where the
 * runbooks or the findings schema read it): judged like a server that could not be collected, with the reason.
 */
export function unusableAnalysis(s: Pick<ServerAnalysis, 'server' | 'address' | 'groups' | 'verdicts'>, message: string): ServerAnalysis {
  const policies = s.verdicts.map((v) => ({ id: v.policy, title: v.policyTitle }));
  return failedAnalysis({ server: s.server, address: s.address, failure: { category: 'invalid-output', message } }, s.groups, policies);
}

function failedAnalysis(
  record: Pick<InventoryRecord, 'server' | 'address' | 'failure'>,
  groups: ServerAnalysis['groups'],
  policies: readonly Pick<Policy, 'id' | 'title'>[],
): ServerAnalysis {
  const reason = record.failure ? `${record.failure.category}: ${record.failure.message}` : 'no collector output';
  const ev = [{ kind: 'collection' as const, path: null, name: record.failure?.category ?? null, raw: record.failure?.message ?? null, display: reason }];
  const f = finding({
    id: 'COLLECTION-FAILED',
    severity: 'high',
    category: 'collection',
    title: `Could not be judged: collection failed (${record.failure?.category ?? 'no data'})`,
    explanation: `extls could not read this server's settings (${reason}), so it is neither ready nor known to be broken. ` + failureHint(record.failure?.category),
    evidence: ev,
  });
  f.policies = policies.map((p) => p.id);
  const blocker: Blocker = { kind: 'not-collected', message: f.title, evidence: ev };
  return {
    server: record.server,
    address: record.address,
    groups,
    status: 'failed',
    failure: record.failure,
    host: null,
    protocols: [],
    settings: [],
    verdicts: policies.map((p) => ({
      policy: p.id, policyTitle: p.title, verdict: 'not-judged', display: verdictDisplay('not-judged', 0, 0, [], record.failure?.category),
      findingIds: [f.id], manualFindingIds: [], changes: [], restartRequired: false, blockers: [blocker],
    })),
    findings: [f],
    counts: countSeverities([f]),
    worstSeverity: f.severity,
    checked: { protocolLogs: false, connectors: false, certificates: false },
  };
}

/** What was read for a server, so outputs say "not checked" rather than "ok" where nothing was. */
function whatWasChecked(data: NonNullable<InventoryRecord['data']>): NonNullable<ServerAnalysis['checked']> {
  const cfg = exchangeConfigOf(data);
  const read = cfg !== null && cfg.source !== 'not-read';
  return {
    protocolLogs: data.protocolLogs?.status === 'scanned',
    connectors: read && (cfg.receiveConnectors !== null || cfg.sendConnectors !== null),
    certificates: read && cfg.certificates !== null,
  };
}

export function analyzeServer(record: InventoryRecord, policies: Policy[], referenceTime: Date, knowledge?: Knowledge): ServerAnalysis {
  if (record.status !== 'ok' || record.data === null) return analyzeFailedServer(record, policies);
  const ctx = serverContext(record, record.data, referenceTime, knowledge);
  const merged = new Map<string, Finding>();
  const verdicts: PolicyVerdict[] = [];
  const reboot = rebootPending(ctx);
  const covered = new Set<string>();

  for (const policy of policies) {
    const results = policy.rules.map((r) => {
      if (r.rule === 'schannel-protocol') for (const side of r.sides ?? ['Client', 'Server']) covered.add(`${r.protocol}|${side}`);
      return runRule(ctx, r);
    });
    const findings = results.flatMap((r) => r.findings).map((f) => ({ ...f, policies: [policy.id] }));
    let blockers = results.flatMap((r) => r.blockers);
    if (reboot) blockers.push(reboot.blocker);
    blockers = uniqueBlockers(blockers.filter((b) => policy.blockers.includes(b.kind)));
    const failing = findings.filter((f) => atLeast(f.severity, policy.failAt));
    const blockerSources = new Set(results.filter((r) => r.blockers.length > 0).flatMap((r) => r.findings.map((f) => f.id)));
    const manual = failing.filter((f) => f.changes.length === 0 && !blockerSources.has(f.id));
    const changes = uniqueChanges(failing.flatMap((f) => f.changes));
    const verdict: PolicyVerdict['verdict'] = failing.length === 0 ? 'pass' : blockers.length ? 'blocked' : 'fail';
    if (verdict === 'blocked') for (const f of failing) if (f.changes.length) f.blockers = blockers;
    for (const f of findings) mergeInto(merged, f);
    verdicts.push({
      policy: policy.id,
      policyTitle: policy.title,
      verdict,
      display: verdictDisplay(verdict, failing.length, changes.length, blockers),
      findingIds: failing.map((f) => f.id),
      manualFindingIds: manual.map((f) => f.id),
      changes,
      restartRequired: failing.some((f) => f.restartRequired),
      blockers: verdict === 'pass' ? [] : blockers,
    });
  }
  for (const f of [...schannelHygiene(ctx, covered), ...exchangeFacts(ctx), ...osFacts(ctx), ...(reboot ? [reboot.finding] : [])]) {
    if (!merged.has(f.id)) merged.set(f.id, f);
  }
  // failure rules last: they pick their probable causes among every other finding of this server
  const failingNowDays = policies.find((p) => p.failingNowDays !== undefined)?.failingNowDays;
  for (const f of mailFlowFindings(ctx, [...merged.values()], { failingNowDays })) if (!merged.has(f.id)) merged.set(f.id, f);
  const findings = sortFindings([...merged.values()]);
  return {
    server: record.server,
    ...(record.fleetMember === false ? { fleetMember: false } : {}),
    address: record.address,
    groups: serverGroups(record.groups, record.data),
    status: 'ok',
    failure: null,
    host: hostFacts(ctx),
    protocols: ctx.protocols,
    settings: tlsSettings(ctx.protocols, record),
    verdicts,
    findings,
    counts: countSeverities(findings),
    worstSeverity: worst(findings),
    checked: whatWasChecked(record.data),
  };
}
