// What the runbooks keep of each server between its analysis and the rendering: its plan and what the templates
// and the report read, with identical parts shared between servers, so thousands of servers fit in little memory.
import type { FleetAnalyzer } from '../findings/analyze.js';
import { unusableAnalysis } from '../findings/server.js';
import { RunbookDataError } from './errors.js';
import { byServerName } from '../util/server-order.js';
import type { ServerAnalysis } from '../findings/types.js';
import { slimAnalysis, type ServerInput } from './context.js';
import { serverFacts } from './maintenance.js';
import { planFor } from './plan.js';
import type { ProbeIndex } from './probes.js';

/** One server's part of the run; `folder` and `wave` are filled in once the whole fleet is known. */
export type PreparedServer = ServerInput;

/**
 * Identical read-only objects shared between servers: across a fleet most servers plan the same registry changes
 * and carry the same findings (5,000 servers: ~79,000 findings, 770 distinct; ~75,000 changes, 96 distinct).
 */
export class SharedObjects {
  /** per kind, a tree of maps keyed by each field's value in turn; the last level holds the shared object */
  private readonly kinds = new Map<string, Map<unknown, unknown>>();
  private readonly byKey = new Map<string, unknown>();

  /**
   * The first object seen with the same `kind` and the same field values (in the same order) as `value`.
   * Field by field, not by one key string: most values are strings the analysis already holds, so this only
   * hashes them, where building a key copied every long explanation again.
   */
  share<T extends object>(kind: string, value: T): T {
    let node = this.kinds.get(kind);
    if (!node) this.kinds.set(kind, (node = new Map()));
    const values = Object.values(value);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const k = v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
      let next = node.get(k);
      if (i === values.length - 1) {
        if (next !== undefined) return next as T;
        node.set(k, value);
        return value;
      }
      if (next === undefined) node.set(k, (next = new Map()));
      node = next as Map<unknown, unknown>;
    }
    return value;
  }

  /** The first value stored under `key`, else `value`. */
  shareAs<T>(key: string, value: T): T {
    const prior = this.byKey.get(key);
    if (prior !== undefined) return prior as T;
    this.byKey.set(key, value);
    return value;
  }
}

/** One server's part of the run: its plan (from the full analysis) and what the templates read of it. */
export function prepareServer(judged: ServerAnalysis, shared?: SharedObjects, probes?: ProbeIndex): PreparedServer {
  let s = judged;
  let unusable: string | undefined;
  let plan: ReturnType<typeof planFor>;
  try {
    plan = planFor(s);
  } catch (err) {
    // its data cannot be planned from (a command value failed its check, policies disagree): this server fails,
    // the others are still written
    if (!(err instanceof RunbookDataError)) throw err;
    s = unusableAnalysis(s, err.message);
    plan = planFor(s);
    unusable = err.message;
  }
  const analysis = slimAnalysis(s);
  const facts = serverFacts(s);
  if (shared) {
    analysis.findings = analysis.findings.map((f) => shared.share('finding', f));
    analysis.protocols = analysis.protocols.map((p) => shared.share('protocol', p));
    analysis.verdicts = analysis.verdicts.map((v) => shared.share('verdict', v));
    analysis.schannelValues = analysis.schannelValues.map((v) => shared.share('schannel-value', v));
    plan.changes = plan.changes.map((c) => shared.share('change', c));
    plan.allBlockers = plan.allBlockers.map((b) => shared.share('blocker', b));
    plan.blockers = plan.blockers.map((b) => shared.share('blocker', b));
    plan.manual = plan.manual.map((m) => shared.share('manual', m));
    plan.policies = shared.shareAs(`policies\u0001${plan.policies.join('\u0001')}`, plan.policies);
    facts.roles = shared.shareAs(`roles\u0001${facts.roles.join('\u0001')}`, facts.roles);
  }
  const lastProbe = probes?.lastProbe(s.server, s.address) ?? null;
  return { analysis, facts, plan, lastProbe, folder: '', wave: null, ...(unusable ? { unusable } : {}) };
}

/** Judge each record of an inventory as it is read, keeping per server only what the runbooks read; sorted by name. */
export async function prepareRecords(
  records: AsyncIterable<{ record: unknown; index: number }>,
  analyzer: FleetAnalyzer,
  probes?: ProbeIndex,
): Promise<PreparedServer[]> {
  const servers: PreparedServer[] = [];
  const shared = new SharedObjects();
  for await (const { record, index } of records) {
    const judged = analyzer.add(record, index);
    if (judged) servers.push(prepareServer(judged.analysis, shared, probes));
  }
  return servers.sort((a, b) => byServerName(a.analysis.server, b.analysis.server));
}
