import { normalizeThumbprint } from './certificate.js';
import type { ProbeResult } from './types.js';

/** The fields of an inventory record (schemas/inventory-record.schema.json) the join needs. */
interface JoinableRecord {
  server: string;
  address: string;
  /**
   * SHA-1 thumbprints of the server's certificates (Get-ExchangeCertificate), in any case and with or without
   * separators: a result presenting one of them joins this server when neither name nor address did (a load
   * balancer's or a NAT address probed from outside).
   */
  thumbprints?: readonly string[];
}

/**
 * Probe results by the SHA-1 thumbprint of the certificate they were shown, for joining a server's certificates
 * (Get-ExchangeCertificate's Thumbprint) to what the SMTP port really presents. Thumbprints in any case, with or
 * without separators or spaces; results keep their order.
 */
export function probesByThumbprint(probeResults: readonly ProbeResult[]): (thumbprint: string) => ProbeResult[] {
  const map = new Map<string, ProbeResult[]>();
  for (const p of probeResults) {
    const t = normalizeThumbprint(p.certificate?.thumbprint);
    if (t === '') continue;
    const list = map.get(t);
    if (list) list.push(p);
    else map.set(t, [p]);
  }
  return (thumbprint) => map.get(normalizeThumbprint(thumbprint)) ?? [];
}

const thumbprintsOf = (r: JoinableRecord): string[] => (r.thumbprints ?? []).map(normalizeThumbprint).filter((t) => t !== '');

type RecordWithProbes<T extends JoinableRecord> = T & { probes: ProbeResult[] };

const norm = (s: string | null | undefined): string => (s ?? '').trim().toLowerCase().replace(/\.$/, '');

/**
 * Attach probe results to inventory records, per server. A result belongs to a record when its `server`
 * (the fleet name) equals the record's server, or else its host equals the record's address or server name,
 * or its resolved address equals the record's address (all case-insensitive), or else the SHA-1 thumbprint of the
 * certificate it was shown is one of the record's `thumbprints`. A result joins at most one record
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
  const byThumbprint = new Map<string, ProbeResult>();
  const first = (m: Map<string, ProbeResult>, key: string | null | undefined, p: ProbeResult) => {
    if (norm(key) !== '' && !m.has(norm(key))) m.set(norm(key), p);
  };
  for (const p of probeResults) {
    first(byServer, p.server, p);
    first(byHost, p.host, p);
    first(byAddress, p.address, p);
    first(byThumbprint, normalizeThumbprint(p.certificate?.thumbprint), p);
  }
  return (r) =>
    byServer.get(norm(r.server)) ??
    byHost.get(norm(r.address)) ??
    byHost.get(norm(r.server)) ??
    byAddress.get(norm(r.address)) ??
    thumbprintsOf(r).map((t) => byThumbprint.get(norm(t))).find((p) => p !== undefined);
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
      (p.address ? records.find((r) => norm(r.address) === norm(p.address)) : undefined) ??
      (p.certificate?.thumbprint ? records.find((r) => thumbprintsOf(r).includes(normalizeThumbprint(p.certificate!.thumbprint))) : undefined);
    if (target) target.probes.push(p);
    else unmatched.push(p);
  }
  return { records, unmatched };
}
