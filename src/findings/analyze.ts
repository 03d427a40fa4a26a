// analyzeInventory: the pure function behind `extls analyze` (also used by the runbooks stage and the PowerShell module).
import { duplicateMessage, serverKey, ServerIdentities } from '../inventory/identity.js';
import type { Inventory, InventoryRecord } from '../inventory/types.js';
import { UsageError } from '../util/errors.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import { byServerName } from '../util/server-order.js';
import { toolVersion } from '../util/version.js';
import { fleetFindingsOf, fleetMember, StringPool, type FleetMember } from './fleet.js';
import { SendConnectorFleet } from './fleet-connectors.js';
import { loadKnowledge, type Knowledge } from './knowledge.js';
import { loadPolicy, type Policy } from './policy.js';
import { exchangeOnlineProbes, withExchangeOnlineFinding } from './rules-probe.js';
import { analyzeServer } from './server.js';
import type { ProbeResult } from '../probe/types.js';
import type { FindingsDocument, InputError, PolicySummary, ServerAnalysis, SeverityCounts } from './types.js';

interface AnalyzeOptions {
  /** the time support status is judged against; default: now */
  referenceTime?: Date;
  /** createdAt of the output; default: now */
  now?: Date;
  knowledge?: Knowledge;
  /** extls probe results: a server whose probe says Exchange Online cannot deliver gets a critical finding */
  probes?: readonly ProbeResult[];
}

interface CheckedInventory {
  inventory: Inventory;
  valid: InventoryRecord[];
  inputErrors: InputError[];
}

/**
 * Validate against schemas/inventory.schema.json. Errors inside servers[i] make that record an input error
 * (reported by server, the rest still analysed); errors anywhere else make the whole inventory unusable.
 */
function checkInventory(doc: unknown): CheckedInventory {
  const validate = validatorFor<Inventory>('inventory.schema.json');
  if (validate(doc) && new Set(doc.servers.map((r) => serverKey(r.server))).size === doc.servers.length) {
    return { inventory: doc, valid: doc.servers, inputErrors: [] };
  }
  const errors = validate.errors ?? [];
  const byIndex = new Map<number, typeof errors>();
  const other: typeof errors = [];
  for (const e of errors) {
    const m = /^\/servers\/(\d+)(\/|$)/.exec(e.instancePath);
    if (m) byIndex.set(Number(m[1]), [...(byIndex.get(Number(m[1])) ?? []), e]);
    else other.push(e);
  }
  // oneOf/anyOf failures inside a record are reported at the record level too; only non-record errors are fatal
  if (other.length || !doc || typeof doc !== 'object' || !Array.isArray((doc as { servers?: unknown }).servers)) {
    throw new UsageError(`inventory is invalid:\n  ${describeErrors(other.length ? other : errors).join('\n  ')}`);
  }
  const servers = (doc as { servers: unknown[] }).servers;
  const recordValidate = validatorFor<InventoryRecord>('inventory-record.schema.json');
  const valid: InventoryRecord[] = [];
  const inputErrors: InputError[] = [];
  const identities = new ServerIdentities();
  servers.forEach((rec, index) => {
    if (!byIndex.has(index) && recordValidate(rec)) {
      const dup = identities.claim(rec.server, `servers/${index}`);
      if (dup) inputErrors.push({ server: rec.server, index, messages: [`servers/${index}: ${duplicateMessage(rec.server, dup)}`] });
      else valid.push(rec);
      return;
    }
    const name = rec && typeof rec === 'object' && typeof (rec as { server?: unknown }).server === 'string' ? (rec as { server: string }).server : `servers[${index}]`;
    recordValidate(rec);
    inputErrors.push({ server: name, index, messages: recordErrors(recordValidate.errors, index) });
  });
  return { inventory: doc as Inventory, valid, inputErrors };
}

/** A record's schema errors as lines that name the record ("servers/3/data/os: ..."; "servers/3: must have ..."). */
function recordErrors(errors: Parameters<typeof describeErrors>[0], index: number): string[] {
  return describeErrors(errors).map((l) => (l.startsWith('(top level)') ? `servers/${index}${l.slice('(top level)'.length)}` : `servers/${index}/${l}`));
}

/**
 * Judges servers one at a time and keeps only what the fleet checks and the summary need, so a caller that
 * renders or writes each analysis as it comes (extls runbooks on a large inventory) never holds them all.
 * analyzeInventory is this plus an array.
 */
export class FleetAnalyzer {
  readonly policies: Policy[];
  readonly referenceTime: Date;
  private readonly knowledge: Knowledge;
  private readonly recordValidate = validatorFor<InventoryRecord>('inventory-record.schema.json');
  private readonly members: FleetMember[] = [];
  private readonly strings = new StringPool();
  private readonly sendConnectors = new SendConnectorFleet();
  private readonly verdictCounts: Map<string, { pass: number; fail: number; blocked: number; notJudged: number }>;
  private readonly severityCounts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  readonly inputErrors: InputError[] = [];
  private readonly identities = new ServerIdentities();
  private ok = 0;
  private failed = 0;
  private readonly probeFor: ReturnType<typeof exchangeOnlineProbes> | null;

  constructor(policySpecs: (Policy | string)[] = ['tls12-ready'], options: AnalyzeOptions = {}) {
    this.policies = policySpecs.map((p) => (typeof p === 'string' ? loadPolicy(p) : p));
    const ids = this.policies.map((p) => p.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw new UsageError(`policy "${dup}" is given twice`);
    this.referenceTime = options.referenceTime ?? new Date();
    this.knowledge = options.knowledge ?? loadKnowledge();
    this.verdictCounts = new Map(ids.map((id) => [id, { pass: 0, fail: 0, blocked: 0, notJudged: 0 }]));
    this.probeFor = options.probes ? exchangeOnlineProbes(options.probes) : null;
  }

  /** Validate and judge one record. A record that fails the schema becomes an input error (returns null). */
  add(raw: unknown, index: number): { analysis: ServerAnalysis; record: InventoryRecord } | null {
    if (!this.recordValidate(raw)) {
      const name = raw && typeof raw === 'object' && typeof (raw as { server?: unknown }).server === 'string' ? (raw as { server: string }).server : `servers[${index}]`;
      this.inputErrors.push({ server: name, index, messages: recordErrors(this.recordValidate.errors, index) });
      return null;
    }
    const dup = this.identities.claim(raw.server, `servers/${index}`);
    if (dup) {
      this.inputErrors.push({ server: raw.server, index, messages: [`servers/${index}: ${duplicateMessage(raw.server, dup)}`] });
      return null;
    }
    return this.judge(raw);
  }

  /** Judge a record already known to be valid. */
  judge(record: InventoryRecord): { analysis: ServerAnalysis; record: InventoryRecord } {
    let analysis = analyzeServer(record, this.policies, this.referenceTime, this.knowledge);
    if (this.probeFor) analysis = withExchangeOnlineFinding(analysis, this.probeFor(record.server, record.address));
    this.members.push(fleetMember(analysis, this.strings));
    this.sendConnectors.add(record, analysis);
    if (analysis.status === 'ok') this.ok++;
    else this.failed++;
    for (const v of analysis.verdicts) {
      const c = this.verdictCounts.get(v.policy);
      if (!c) continue;
      if (v.verdict === 'pass') c.pass++;
      else if (v.verdict === 'fail') c.fail++;
      else if (v.verdict === 'blocked') c.blocked++;
      else c.notJudged++;
    }
    for (const f of analysis.findings) this.severityCounts[f.severity]++;
    return { analysis, record };
  }

  /** The findings document around the given (possibly empty) list of analyses. */
  finish(inventory: { source: string; createdAt: string | null }, servers: ServerAnalysis[], now?: Date): FindingsDocument {
    this.members.sort((a, b) => byServerName(a.server, b.server));
    const fleet = [...fleetFindingsOf(this.members), ...this.sendConnectors.findings()];
    const byPolicy: PolicySummary[] = this.policies.map((p) => {
      const c = this.verdictCounts.get(p.id)!;
      return {
        policy: p.id, policyTitle: p.title, ...c,
        display: `${p.title}: ${c.pass} pass, ${c.fail} fail, ${c.blocked} blocked, ${c.notJudged} not judged`,
      };
    });
    return {
      schemaVersion: 1,
      tool: { name: 'extls', version: toolVersion },
      createdAt: (now ?? new Date()).toISOString(),
      referenceTime: this.referenceTime.toISOString(),
      inventory,
      policies: this.policies.map((p) => ({ id: p.id, title: p.title, phase: p.phase, description: p.description, source: p.source })),
      servers,
      fleetFindings: fleet,
      inputErrors: [...this.inputErrors].sort((a, b) => a.index - b.index),
      summary: {
        servers: this.ok + this.failed + this.inputErrors.length,
        ok: this.ok,
        failed: this.failed,
        invalid: this.inputErrors.length,
        byPolicy,
        bySeverity: { ...this.severityCounts },
        fleetFindings: fleet.length,
      },
    };
  }
}

/**
 * Judge every server of an inventory (parsed JSON, validated here) against the policies
 * (Policy objects, or built-in ids / policy file paths). Never throws for a bad record; throws UsageError
 * when the inventory as a whole is unusable.
 */
export function analyzeInventory(doc: unknown, policySpecs: (Policy | string)[] = ['tls12-ready'], options: AnalyzeOptions = {}): FindingsDocument {
  const analyzer = new FleetAnalyzer(policySpecs, options);
  const { inventory, valid, inputErrors } = checkInventory(doc);
  analyzer.inputErrors.push(...inputErrors);
  // by name, so output does not depend on the order collection finished in
  const servers = valid.map((record) => analyzer.judge(record).analysis).sort((a, b) => byServerName(a.server, b.server));
  return analyzer.finish({ source: inventory.source, createdAt: inventory.createdAt ?? null }, servers, options.now);
}
