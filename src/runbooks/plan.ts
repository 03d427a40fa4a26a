// What one server's change plan holds, from its policy verdicts.
// A blocked policy must not hold back the others: when phase 1 (TLS 1.2 on) can go but phase 2 (legacy off) is
// blocked by peers still on TLS 1.0, the plan carries phase 1 and lists phase 2 as held back. Only when every
// policy with changes is blocked does the plan carry the blocked changes, gated by their blockers.
import type { Blocker, PolicyVerdict, RegistryChange, ServerAnalysis } from '../findings/types.js';
import { RunbookDataError } from './errors.js';
import type { BlockerRow, HeldBack } from './types.js';

export interface ServerPlan {
  changes: RegistryChange[];
  /** non-empty when the plan's own changes are blocked (remediate.ps1 then refuses without -IgnoreBlockers) */
  blockers: BlockerRow[];
  heldBack: HeldBack[];
  /** every blocker of the server, for the fleet report */
  allBlockers: BlockerRow[];
  restartRequired: boolean;
  /** the policies whose changes are in the plan */
  policies: string[];
}

const changeKey = (c: { path: string; name: string }) => `${c.path.toLowerCase()}\u0000${c.name.toLowerCase()}`;

function rows(blockers: Blocker[]): BlockerRow[] {
  const seen = new Map<string, BlockerRow>();
  for (const b of blockers) seen.set(`${b.kind}\u0000${b.message}`, { kind: b.kind, message: b.message });
  return [...seen.values()];
}

/** Changes of several verdicts, de-duplicated; two policies wanting different values is an error. */
function merge(server: string, verdicts: PolicyVerdict[]): RegistryChange[] {
  const seen = new Map<string, RegistryChange>();
  for (const v of verdicts) {
    for (const c of v.changes) {
      const prior = seen.get(changeKey(c));
      if (!prior) seen.set(changeKey(c), c);
      else if (prior.desired !== c.desired) {
        throw new RunbookDataError(server, `policies disagree on ${c.fullPath}\\${c.name}: ${prior.desired} and ${c.desired}`);
      }
    }
  }
  return [...seen.values()];
}

const empty: ServerPlan = { changes: [], blockers: [], heldBack: [], allBlockers: [], restartRequired: false, policies: [] };

export function planFor(s: ServerAnalysis): ServerPlan {
  if (s.status !== 'ok') return empty;
  const withChanges = s.verdicts.filter((v) => v.changes.length > 0);
  const isBlocked = (v: PolicyVerdict) => v.verdict === 'blocked' || v.blockers.length > 0;
  const go = withChanges.filter((v) => !isBlocked(v));
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
      allBlockers,
      restartRequired: go.some((v) => v.restartRequired),
      policies: go.map((v) => v.policy),
    };
  }
  const blockedWithChanges = withChanges.filter(isBlocked);
  return {
    changes: merge(s.server, blockedWithChanges),
    blockers: rows(blockedWithChanges.flatMap((v) => v.blockers)),
    heldBack: [],
    allBlockers,
    restartRequired: blockedWithChanges.some((v) => v.restartRequired),
    policies: blockedWithChanges.map((v) => v.policy),
  };
}
