import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../util/errors.js';
import { readJsonInput } from '../util/read-json.js';

export interface InventoryHead {
  source: string;
  createdAt: string | null;
}

export interface InventoryStream {
  head: InventoryHead;
  /** each element of `servers`, unvalidated, with its index */
  records: AsyncGenerator<{ record: unknown; index: number }>;
}

const SERVERS_LINE = '  "servers": [';

function headOf(doc: unknown, file: string): InventoryHead {
  const d = doc as { schemaVersion?: unknown; source?: unknown; createdAt?: unknown; servers?: unknown };
  if (!d || typeof d !== 'object' || d.schemaVersion !== 1 || typeof d.source !== 'string') {
    throw new UsageError(`${file}: not an extls inventory (schemaVersion 1 with source and servers expected)`);
  }
  return { source: d.source, createdAt: typeof d.createdAt === 'string' ? d.createdAt : null };
}

async function* fromArray(servers: unknown[]): AsyncGenerator<{ record: unknown; index: number }> {
  for (let i = 0; i < servers.length; i++) yield { record: servers[i], index: i };
}

async function parseWhole(file: string): Promise<InventoryStream> {
  const doc = await readJsonInput(file, 'inventory');
  const head = headOf(doc, file);
  const servers = (doc as { servers?: unknown }).servers;
  if (!Array.isArray(servers)) throw new UsageError(`${file}: "servers" must be an array`);
  return { head, records: fromArray(servers) };
}

/**
 * Read an inventory one server at a time. `extls inventory` writes one record per line (InventoryWriter), so a
 * 5,000-server inventory never has to be in memory at once; any other JSON layout (hand-edited, pretty-printed,
 * stdin) is parsed whole and gives the same records.
 */
export async function readInventoryStream(file: string): Promise<InventoryStream> {
  if (file === '-') return parseWhole(file);
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }).on('error', () => undefined), crlfDelay: Infinity });
  const it = lines[Symbol.asyncIterator]();
  const headLines: string[] = [];
  try {
    for (;;) {
      const { value, done } = await it.next();
      if (done) break;
      const line = headLines.length === 0 ? (value as string).replace(/^\uFEFF/, '') : (value as string);
      if (line === SERVERS_LINE) {
        const head = headOf(JSON.parse(headLines.join('\n') + '\n  "servers": []\n}'), file);
        return { head, records: streamRecords(it, lines, file) };
      }
      headLines.push(line);
      // Not our layout (the head is a handful of lines): fall back to parsing the whole file.
      if (headLines.length > 50 || (headLines.length === 1 && line !== '{')) break;
    }
  } catch (err) {
    lines.close();
    if (err instanceof UsageError) throw err;
    if ((err as NodeJS.ErrnoException).code) throw new UsageError(`cannot read inventory ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  lines.close();
  return parseWhole(file);
}

async function* streamRecords(
  it: AsyncIterator<string>,
  lines: ReturnType<typeof createInterface>,
  file: string,
): AsyncGenerator<{ record: unknown; index: number }> {
  let index = 0;
  try {
    for (;;) {
      const { value, done } = await it.next();
      if (done) throw new UsageError(`${file}: ends inside "servers" (truncated file?)`);
      const line = value.trimEnd();
      if (line === '  ],' || line === '  ]') return;
      if (line === '') continue;
      const text = line.endsWith(',') ? line.slice(0, -1) : line;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (err) {
        // a damaged line is that server's problem, not the whole inventory's: it fails validation by index
        record = { unparsable: (err as Error).message };
      }
      yield { record, index: index++ };
    }
  } finally {
    lines.close();
  }
}
