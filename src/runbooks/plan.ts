// What one server's change plan holds, from its policy verdicts.
// A blocked policy must not hold back the others: when phase 1 (TLS 1.2 on) can go but phase 2 (legacy off) is
// blocked by peers still on TLS 1.0, the plan carries phase 1 and lists phase 2 as held back. Only when every
// policy with changes is blocked does the plan carry the blocked changes, gated by their blockers.
import { handLines, isOrgWide } from './commands.js';
import type { Blocker, PolicyVerdict, RegistryChange, ServerAnalysis } from '../findings/types.js';
import { managedValue } from '../findings/managed-keys.js';
import { RunbookDataError } from './errors.js';
import type { BlockerRow, HeldBack, ManualStep } from './types.js';

export interface ServerPlan {
  changes: RegistryChange[];
  /** non-empty when the plan's own changes are blocked (remediate.ps1 then refuses without -IgnoreBlockers) */
  blockers: BlockerRow[];
  heldBack: HeldBack[];
  /** failing findings of the plan's policies that extls cannot change itself (done by hand, listed in the runbook) */
  manual: ManualStep[];
  /** every blocker of the server, for the fleet report */
  allBlockers: BlockerRow[];
  restartRequired: boolean;
  /** the policies whose changes are in the plan */
  policies: string[];
  /** per change (same order): the findings that call for it, "title (ID)"; the scripts' data block shows it */
  why: string[];
}

const changeKey = (c: { path: string; name: string }) => `${c.path.toLowerCase()}\u0000${c.name.toLowerCase()}`;

function rows(blockers: Blocker[]): BlockerRow[] {
  const seen = new Map<string, BlockerRow>();
  for (const b of blockers) seen.set(`${b.kind}\u0000${b.message}`, { kind: b.kind, message: b.message, byHand: b.byHand ? handLines(b.byHand, null) : null });
  return [...seen.values()];
}

/**
 * The change with extls's own path and name for the value it names. Findings may come from a file (--findings):
 * a change to a value extls does not manage is refused, never written into a script.
 */
function managedChange(server: string, c: RegistryChange): RegistryChange {
  const managed = c.hive === 'HKLM' && c.type === 'REG_DWORD' ? managedValue(c.path, c.name) : null;
  if (!managed) {
    throw new RunbookDataError(server, `a planned change names a registry value extls does not manage (${c.hive}\\${c.path}\\${c.name}); refusing to write it into a script`);
  }
  if (!Number.isSafeInteger(c.desired) || c.desired < 0 || c.desired > 0xffffffff) throw new RunbookDataError(server, `a planned change to ${managed.path}\\${managed.name} wants ${c.desired}, not a DWORD`);
  return managed.path === c.path && managed.name === c.name && c.fullPath === `HKLM\\${managed.path}`
    ? c
    : { ...c, path: managed.path, fullPath: `HKLM\\${managed.path}`, name: managed.name };
}

/** Changes of several verdicts, de-duplicated; two policies wanting different values is an error. */
function merge(server: string, verdicts: PolicyVerdict[]): RegistryChange[] {
  const seen = new Map<string, RegistryChange>();
  for (const v of verdicts) {
    for (const raw of v.changes) {
      const c = managedChange(server, raw);
      const prior = seen.get(changeKey(c));
      if (!prior) seen.set(changeKey(c), c);
      else if (prior.desired !== c.desired) {
        throw new RunbookDataError(server, `policies disagree on ${c.fullPath}\\${c.name}: ${prior.desired} and ${c.desired}`);
      }
    }
  }
  return [...seen.values()];
}

const empty: ServerPlan = { changes: [], blockers: [], heldBack: [], manual: [], allBlockers: [], restartRequired: false, policies: [], why: [] };

/** A server gets a runbook when its plan changes registry values or lists steps to do by hand. */
export const needsRunbook = (p: ServerPlan): boolean => p.changes.length > 0 || p.manual.length > 0;

function manualSteps(s: ServerAnalysis, verdicts: PolicyVerdict[]): ManualStep[] {
  const ids = new Set(verdicts.flatMap((v) => v.manualFindingIds));
  return s.findings
    .filter((f) => ids.has(f.id))
    .map((f) => ({
      id: f.id, severity: f.severity, title: f.title, explanation: f.explanation, connector: f.connector ?? null,
      byHand: f.byHand ? handLines(f.byHand, s.server) : null, orgWide: f.byHand ? isOrgWide(f.byHand) : false,
    }));
}

/** Why each change is planned: the findings whose changes hold it, "title (ID)" (a change without one says so). */
function reasons(s: ServerAnalysis, changes: RegistryChange[]): string[] {
  const byKey = new Map<string, string[]>();
  for (const f of s.findings) {
    for (const c of f.changes) {
      const list = byKey.get(changeKey(c)) ?? [];
      const why = `${f.title} (${f.id})`;
      if (!list.includes(why)) list.push(why);
      byKey.set(changeKey(c), list);
    }
  }
  return changes.map((c) => (byKey.get(changeKey(c)) ?? []).join('; ') || 'the policy\'s value');
}

export function planFor(s: ServerAnalysis): ServerPlan {
  if (s.status !== 'ok') return empty;
  const plan = planOf(s);
  return { ...plan, why: reasons(s, plan.changes) };
}

function planOf(s: ServerAnalysis): Omit<ServerPlan, 'why'> {
  const actionable = s.verdicts.filter((v) => v.changes.length > 0 || v.manualFindingIds.length > 0);
  const isBlocked = (v: PolicyVerdict) => v.verdict === 'blocked' || v.blockers.length > 0;
  const go = actionable.filter((v) => !isBlocked(v));
  const stopped = s.verdicts.filter(isBlocked);
  const allBlockers = rows([...s.verdicts.flatMap((v) => v.blockers), ...s.findings.flatMap((f) => f.blockers)]);
  if (go.length > 0) {
    const changes = merge(s.server, go);
    const planned = new Set(changes.map(changeKey));
    return {
      changes,
      blockers: [],
      heldBack: stopped.map((v) => ({
        policy: v.policy,
        title: v.policyTitle,
        blockers: rows(v.blockers),
        changeCount: v.changes.filter((c) => !planned.has(changeKey(c))).length,
      })),
      manual: manualSteps(s, go),
      allBlockers,
      restartRequired: go.some((v) => v.restartRequired),
      policies: go.map((v) => v.policy),
    };
  }
  const blockedActionable = actionable.filter(isBlocked);
  const changes = merge(s.server, blockedActionable);
  const planned = new Set(changes.map(changeKey));
  return {
    changes,
    blockers: rows(blockedActionable.flatMap((v) => v.blockers)),
    // blocked policies with nothing to change (phase 2 already in place, but nobody looked at the logs) still wait
    heldBack: stopped.filter((v) => !blockedActionable.includes(v)).map((v) => ({
      policy: v.policy,
      title: v.policyTitle,
      blockers: rows(v.blockers),
      changeCount: v.changes.filter((c) => !planned.has(changeKey(c))).length,
    })),
    manual: manualSteps(s, blockedActionable),
    allBlockers,
    restartRequired: blockedActionable.some((v) => v.restartRequired),
    policies: blockedActionable.map((v) => v.policy),
  };
}
