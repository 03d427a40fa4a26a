// analyzeInventory: the pure function behind `extls analyze` (also used by the runbooks stage and the PowerShell module).
import type { Inventory, InventoryRecord } from '../inventory/types.js';
import { UsageError } from '../util/errors.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import { toolVersion } from '../util/version.js';
import { fleetFindings } from './fleet.js';
import { loadKnowledge, type Knowledge } from './knowledge.js';
import { loadPolicy, type Policy } from './policy.js';
import { analyzeServer, countSeverities } from './server.js';
import type { FindingsDocument, InputError, PolicySummary, ServerAnalysis } from './types.js';

export interface AnalyzeOptions {
  /** the time support status is judged against; default: now */
  referenceTime?: Date;
  /** createdAt of the output; default: now */
  now?: Date;
  knowledge?: Knowledge;
}

export interface CheckedInventory {
  inventory: Inventory;
  valid: InventoryRecord[];
  inputErrors: InputError[];
}

/**
 * Validate against schemas/inventory.schema.json. Errors inside servers[i] make that record an input error
 * (reported by server, the rest still analysed); errors anywhere else make the whole inventory unusable.
 */
export function checkInventory(doc: unknown): CheckedInventory {
  const validate = validatorFor<Inventory>('inventory.schema.json');
  if (validate(doc)) return { inventory: doc, valid: doc.servers, inputErrors: [] };
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
  servers.forEach((rec, index) => {
    if (!byIndex.has(index) && recordValidate(rec)) { valid.push(rec); return; }
    const name = rec && typeof rec === 'object' && typeof (rec as { server?: unknown }).server === 'string' ? (rec as { server: string }).server : `servers[${index}]`;
    recordValidate(rec);
    const messages = describeErrors(recordValidate.errors).map((l) => (l.startsWith('(top level)') ? l : `servers/${index}/${l}`));
    inputErrors.push({ server: name, index, messages });
  });
  return { inventory: doc as Inventory, valid, inputErrors };
}

function policySummary(policy: Policy, servers: ServerAnalysis[]): PolicySummary {
  const s = { policy: policy.id, policyTitle: policy.title, pass: 0, fail: 0, blocked: 0, notJudged: 0, display: '' };
  for (const a of servers) {
    const v = a.verdicts.find((x) => x.policy === policy.id)?.verdict;
    if (v === 'pass') s.pass++;
    else if (v === 'fail') s.fail++;
    else if (v === 'blocked') s.blocked++;
    else s.notJudged++;
  }
  s.display = `${policy.title}: ${s.pass} pass, ${s.fail} fail, ${s.blocked} blocked, ${s.notJudged} not judged`;
  return s;
}

/**
 * Judge every server of an inventory (parsed JSON, validated here) against the policies
 * (Policy objects, or built-in ids / policy file paths). Never throws for a bad record; throws UsageError
 * when the inventory as a whole is unusable.
 */
export function analyzeInventory(doc: unknown, policySpecs: (Policy | string)[] = ['tls12-ready'], options: AnalyzeOptions = {}): FindingsDocument {
  const policies = policySpecs.map((p) => (typeof p === 'string' ? loadPolicy(p) : p));
  const ids = policies.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new UsageError(`policy "${dup}" is given twice`);
  const { inventory, valid, inputErrors } = checkInventory(doc);
  const referenceTime = options.referenceTime ?? new Date();
  const knowledge = options.knowledge ?? loadKnowledge();
  // by name, so output does not depend on the order collection finished in
  const pairs = valid
    .map((record) => ({ record, analysis: analyzeServer(record, policies, referenceTime, knowledge) }))
    .sort((a, b) => a.record.server.localeCompare(b.record.server, 'en', { numeric: true }));
  const servers = pairs.map((p) => p.analysis);
  const fleet = fleetFindings(pairs);
  return {
    schemaVersion: 1,
    tool: { name: 'extls', version: toolVersion },
    createdAt: (options.now ?? new Date()).toISOString(),
    referenceTime: referenceTime.toISOString(),
    inventory: { source: inventory.source, createdAt: inventory.createdAt ?? null },
    policies: policies.map((p) => ({ id: p.id, title: p.title, phase: p.phase, description: p.description, source: p.source })),
    servers,
    fleetFindings: fleet,
    inputErrors,
    summary: {
      servers: servers.length + inputErrors.length,
      ok: servers.filter((s) => s.status === 'ok').length,
      failed: servers.filter((s) => s.status === 'failed').length,
      invalid: inputErrors.length,
      byPolicy: policies.map((p) => policySummary(p, servers)),
      bySeverity: countSeverities(servers.flatMap((s) => s.findings)),
      fleetFindings: fleet.length,
    },
  };
}
