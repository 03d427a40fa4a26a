import { serverGroups } from './groups.js';
import type { FleetServer } from '../fleet/types.js';
import { oneLine } from '../util/one-line.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import type { CollectorOutput, FailureCategory, InventoryRecord } from './types.js';

export type RecordTarget = Pick<FleetServer, 'name' | 'address' | 'groups'> & { transport: InventoryRecord['transport'] };

export function failedRecord(target: RecordTarget, category: FailureCategory, message: string, startedAt: string, durationMs: number): InventoryRecord {
  return {
    schemaVersion: 1,
    server: target.name,
    address: target.address,
    transport: target.transport,
    groups: { ...target.groups },
    status: 'failed',
    failure: { category, message: messageLine(message) },
    startedAt,
    durationMs,
    data: null,
  };
}

/**
 * Collector output is untrusted: it crossed the network from a server that may run anything. Parse the
 * last JSON line it printed (a remote profile may print other text first) and validate it against the schema.
 */
export function parseCollectorOutput(text: string): { data: CollectorOutput } | { error: string } {
  const line = text
    .split(/\r?\n/)
    .reverse()
    .find((l) => l.trimStart().startsWith('{'));
  if (!line) return { error: 'the collector printed no JSON' };
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (err) {
    return { error: `the collector printed malformed JSON: ${(err as Error).message}` };
  }
  return validateCollectorOutput(data);
}

/** Schema check of parsed collector output (untrusted). */
export function validateCollectorOutput(data: unknown): { data: CollectorOutput } | { error: string } {
  const validate = validatorFor<CollectorOutput>('collector-output.schema.json');
  if (!validate(data)) return { error: `collector output does not match the schema: ${describeErrors(validate.errors, 5).join('; ')}` };
  return { data };
}

/** Fill in the groups the fleet file left empty from what the collector found (one rule: serverGroups). */
export function okRecord(target: RecordTarget, data: CollectorOutput, startedAt: string, durationMs: number): InventoryRecord {
  const { dag, site, role } = serverGroups(target.groups, data);
  const groups = { dag, site, role };
  return {
    schemaVersion: 1,
    server: target.name,
    address: target.address,
    transport: target.transport,
    groups,
    status: 'ok',
    failure: null,
    startedAt,
    durationMs,
    data,
  };
}

export function recordFromCollectorText(target: RecordTarget, text: string, startedAt: string, durationMs: number): InventoryRecord {
  const parsed = parseCollectorOutput(text);
  if ('error' in parsed) return failedRecord(target, 'invalid-output', parsed.error, startedAt, durationMs);
  return okRecord(target, parsed.data, startedAt, durationMs);
}

function messageLine(message: string): string {
  return oneLine(message) || 'no message';
}
