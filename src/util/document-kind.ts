// Which of extls's documents a parsed JSON file is, from its top-level members, so a reader given the wrong kind says
// so before doing anything ("this is a findings document; give an inventory") instead of finding nothing in it.
import { UsageError } from './errors.js';

export type DocumentKind = 'inventory' | 'findings' | 'probe results' | 'comparison' | 'fleet' | 'collector output' | 'inventory record' | 'policy';

/** What each kind is, and which command writes it: the hint after "give ...". */
const described: Record<DocumentKind, { article: string; writtenBy: string }> = {
  inventory: { article: 'an inventory', writtenBy: '`extls inventory --out` or Invoke-ExTlsInventory -OutFile' },
  findings: { article: 'a findings document', writtenBy: '`extls analyze --out` or Get-ExTlsFinding -OutFile' },
  'probe results': { article: 'probe results', writtenBy: '`extls probe --format json --out` or Test-ExTlsSmtpTls -OutFile' },
  comparison: { article: 'a comparison of two inventories', writtenBy: '`extls diff --out` or Compare-ExTlsInventory -OutFile' },
  fleet: { article: 'a fleet file', writtenBy: 'you (examples/demo/fleet.yaml shows one)' },
  'collector output': { article: "one server's collector output", writtenBy: 'the collector (ExTlsCollector.ps1)' },
  'inventory record': { article: 'one inventory record', writtenBy: '`extls inventory --format ndjson`' },
  policy: { article: 'a policy', writtenBy: 'you (policies/*.json)' },
};

const has = (o: Record<string, unknown>, ...keys: string[]) => keys.every((k) => k in o);

/** The kind of a parsed document, or null when it is none of extls's. */
export function documentKind(doc: unknown): DocumentKind | null {
  if (Array.isArray(doc)) {
    const first = doc.find((x) => x && typeof x === 'object') as Record<string, unknown> | undefined;
    // an array of endpoint results, whole or not (the probe reader then names what is missing)
    if (first && 'endpoint' in first) return 'probe results';
    if (first && has(first, 'server', 'transport', 'status')) return 'inventory record';
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const o = doc as Record<string, unknown>;
  if (has(o, 'referenceTime', 'policies', 'servers') && ('fleetFindings' in o || 'inventory' in o)) return 'findings';
  if (has(o, 'reference', 'difference', 'servers')) return 'comparison';
  if (has(o, 'source', 'servers') && 'schemaVersion' in o) return 'inventory';
  if (has(o, 'endpoint', 'versions')) return 'probe results';
  if (has(o, 'collector', 'schannel')) return 'collector output';
  if (has(o, 'server', 'transport', 'status')) return 'inventory record';
  if (has(o, 'id', 'rules')) return 'policy';
  if ('servers' in o && ('defaults' in o || Array.isArray(o.servers))) return 'fleet';
  return null;
}

/** Throws a UsageError naming the file, what it is and what to give instead, unless `doc` is of kind `expected`. */
export function expectDocument(doc: unknown, expected: DocumentKind, file: string): void {
  const kind = documentKind(doc);
  if (kind === expected) return;
  const where = file === '-' ? 'stdin' : file;
  const want = described[expected];
  const is = kind ? `is ${described[kind].article}` : 'is not an extls document';
  throw new UsageError(`${where} ${is}; give ${want.article} (written by ${want.writtenBy})`);
}
