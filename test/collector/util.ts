// Shared shapes and lookups for the collector tests (types mirror schemas/collector-output.schema.json).
import { validatorFor, describeErrors } from '../../src/util/schemas.js';

// The product's own types for the collector output (src/inventory/types.ts mirrors the schema).
import type { CollectorOutput, RegValue, SchannelProtocolSide as ProtocolEntry } from '../../src/inventory/types.js';
export type { CollectorOutput, ProtocolEntry, RegValue };

/** Asserts the document matches the schema (with readable errors) and returns it typed. */
export function expectValidOutput(json: unknown): CollectorOutput {
  const validate = validatorFor<CollectorOutput>('collector-output.schema.json');
  const ok = validate(json);
  if (!ok) throw new Error(`collector output does not match the schema:\n${describeErrors(validate.errors, 20).join('\n')}`);
  return json as CollectorOutput;
}

export function protocol(out: CollectorOutput, name: string, side: 'Client' | 'Server'): ProtocolEntry {
  const found = out.schannel.protocols.find((p) => p.protocol === name && p.side === side);
  if (!found) throw new Error(`no ${name} ${side} entry; have ${out.schannel.protocols.map((p) => `${p.protocol}/${p.side}`).join(', ')}`);
  return found;
}

export function framework(out: CollectorOutput, version: string, view: string) {
  const found = out.dotNet.frameworks.find((f) => f.version === version && f.view === view);
  if (!found) throw new Error(`no .NET ${version} ${view} entry`);
  return found;
}

export const dword = (value: number): RegValue => ({ present: true, type: 'REG_DWORD', value });
export const absent: RegValue = { present: false };

export { unwrap } from '../helpers/error-view.js';
