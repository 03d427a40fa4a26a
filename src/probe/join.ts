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
/**
 * The result that belongs to one server, by the same order as attachProbeResults (fleet name, then probed host
 * against the server's name or address, then resolved address), through maps: for joining server by server
 * while streaming a large inventory (extls runbooks --probes). The first matching result wins.
 */
export function probeLookup(probeResults: readonly ProbeResult[]): (record: JoinableRecord) => ProbeResult | undefined {
  const byServer = new Map<string, ProbeResult>();
  const byHost = new Map<string, ProbeResult>();
  const byAddress = new Map<string, ProbeResult>();
  const first = (m: Map<string, ProbeResult>, key: string | null | undefined, p: ProbeResult) => {
    if (norm(key) !== '' && !m.has(norm(key))) m.set(norm(key), p);
  };
  for (const p of probeResults) {
    first(byServer, p.server, p);
    first(byHost, p.host, p);
    first(byAddress, p.address, p);
  }
  return (r) => byServer.get(norm(r.server)) ?? byHost.get(norm(r.address)) ?? byHost.get(norm(r.server)) ?? byAddress.get(norm(r.address));
}

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
