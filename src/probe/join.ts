import type { ProbeResult } from './types.js';

/** The fields of an inventory record (schemas/inventory-record.schema.json) the join needs. */
export interface JoinableRecord {
  server: string;
  address: string;
}

export type RecordWithProbes<T extends JoinableRecord> = T & { probes: ProbeResult[] };

const norm = (s: string | null | undefined): string => (s ?? '').trim().toLowerCase().replace(/\.$/, '');

/**
 * Attach probe results to inventory records, per server. A result belongs to a record when its `server`
 * (the fleet name) equals the record's server, or else its host equals the record's address or server name,
 * or its resolved address equals the record's address (all case-insensitive). A result joins at most one record
 * (the first that matches, name matches first). Records keep their order and gain `probes` (possibly empty);
 * records are copied, not changed. `unmatched` holds results that fit no record.
 * Note: the inventory-record schema forbids extra fields, so the joined records are a view for reports and
 * runbook post-checks, not something to write back into inventory.json.
 */
export function attachProbeResults<T extends JoinableRecord>(
  inventoryRecords: readonly T[],
  probeResults: readonly ProbeResult[],
): { records: RecordWithProbes<T>[]; unmatched: ProbeResult[] } {
  const records = inventoryRecords.map((r) => ({ ...r, probes: [] as ProbeResult[] }));
  const unmatched: ProbeResult[] = [];
  for (const p of probeResults) {
    const byName = p.server ? records.find((r) => norm(r.server) === norm(p.server)) : undefined;
    const target =
      byName ??
      records.find((r) => norm(p.host) !== '' && (norm(r.address) === norm(p.host) || norm(r.server) === norm(p.host))) ??
      (p.address ? records.find((r) => norm(r.address) === norm(p.address)) : undefined);
    if (target) target.probes.push(p);
    else unmatched.push(p);
  }
  return { records, unmatched };
}
