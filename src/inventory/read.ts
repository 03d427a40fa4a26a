import { createInterface } from 'node:readline';
import { UsageError } from '../util/errors.js';
import { openTextStream, readFailure } from '../util/read-file.js';
import { readJsonInput } from '../util/read-json.js';
import { splitTopLevel, type JsonPart } from '../util/json-split.js';

interface InventoryHead {
  source: string;
  createdAt: string | null;
}

export interface InventoryStream {
  head: InventoryHead;
  /** each element of `servers`, unvalidated, with its index */
  records: AsyncGenerator<{ record: unknown; index: number }>;
}

type Records = AsyncGenerator<{ record: unknown; index: number }>;

function headOf(doc: unknown, file: string): InventoryHead {
  const d = doc as { schemaVersion?: unknown; source?: unknown; createdAt?: unknown; servers?: unknown };
  if (!d || typeof d !== 'object' || d.schemaVersion !== 1 || typeof d.source !== 'string') {
    throw new UsageError(`${file}: not an extls inventory (schemaVersion 1 with source and servers expected)`);
  }
  return { source: d.source, createdAt: typeof d.createdAt === 'string' ? d.createdAt : null };
}

async function* fromArray(servers: unknown[]): Records {
  for (let i = 0; i < servers.length; i++) yield { record: servers[i], index: i };
}

async function parseWhole(file: string): Promise<InventoryStream> {
  return inventoryFromDocument(await readJsonInput(file, 'inventory'), file);
}

/** An inventory already parsed (stdin, tests) as the same stream. */
export function inventoryFromDocument(doc: unknown, file: string): InventoryStream {
  const head = headOf(doc, file);
  const servers = (doc as { servers?: unknown }).servers;
  if (!Array.isArray(servers)) throw new UsageError(`${file}: "servers" must be an array`);
  return { head, records: fromArray(servers) };
}

function ioError(file: string, err: unknown): never {
  if (err instanceof UsageError) throw err;
  throw new UsageError(readFailure('inventory', file, err));
}

/**
 * Read an inventory one server at a time, whatever its JSON layout (extls's own, `jq .`, ConvertTo-Json, one
 * line): a 5,000-server inventory never has to be in memory at once. The head (schemaVersion, source, createdAt)
 * must come before "servers" to stream, as every known writer puts it; otherwise the file is parsed whole.
 *
 * extls's own layout (one record per line) is read line by line, so a damaged line costs only that server.
 */
export async function readInventoryStream(file: string): Promise<InventoryStream> {
  if (file === '-') return parseWhole(file);
  const own = await ownLayout(file);
  if (own) return own;
  return streamAnyLayout(file);
}

const OWN_SERVERS_LINE = /^ {2}"servers": \[$/;

/** extls's own layout: the head's lines, `  "servers": [`, then each record as one whole JSON object per line. */
async function ownLayout(file: string): Promise<InventoryStream | null> {
  let input: Awaited<ReturnType<typeof openTextStream>>;
  try {
    input = await openTextStream(file);
  } catch (err) {
    ioError(file, err);
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  const it = lines[Symbol.asyncIterator]();
  const headLines: string[] = [];
  try {
    for (;;) {
      const { value, done } = await it.next();
      if (done) break;
      const line = headLines.length === 0 ? (value as string).replace(/^\uFEFF/, '') : (value as string);
      if (OWN_SERVERS_LINE.test(line)) {
        let head: InventoryHead;
        try {
          head = headOf(JSON.parse(headLines.join('\n') + '\n  "servers": []\n}'), file);
        } catch {
          break; // the head is elsewhere or wrong: the general reader decides
        }
        const first = await it.next();
        if (first.done) break;
        const firstText = (first.value as string).trim();
        if (firstText === '],' || firstText === ']') {
          lines.close();
          return { head, records: fromArray([]) };
        }
        // The first record must be a whole object on its line; anything else (`{` alone: a pretty layout) is
        // not ours, and the general reader takes it from the start.
        const firstRecord = parseLine(firstText);
        if (!firstRecord || typeof firstRecord !== 'object') break;
        return { head, records: streamLines(firstRecord, it, lines, file) };
      }
      headLines.push(line);
      if (headLines.length > 50 || (headLines.length === 1 && line !== '{')) break;
    }
  } catch (err) {
    lines.close();
    ioError(file, err);
  }
  lines.close();
  return null;
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text.endsWith(',') ? text.slice(0, -1) : text);
  } catch {
    return undefined;
  }
}

async function* streamLines(first: unknown, it: AsyncIterator<string>, lines: ReturnType<typeof createInterface>, file: string): Records {
  let index = 0;
  try {
    yield { record: first, index: index++ };
    for (;;) {
      const { value, done } = await it.next();
      if (done) throw new UsageError(`${file}: ends inside "servers" (truncated file?)`);
      const line = value.trim();
      if (line === '],' || line === ']') return;
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

/** Any JSON layout, streamed through the top-level splitter; records are parsed one at a time. */
async function streamAnyLayout(file: string): Promise<InventoryStream> {
  let input: Awaited<ReturnType<typeof openTextStream>>;
  try {
    input = await openTextStream(file);
  } catch (err) {
    ioError(file, err);
  }
  const parts = splitTopLevel(input, 'servers', file);
  const head: Record<string, unknown> = {};
  let first: IteratorResult<JsonPart>;
  try {
    for (;;) {
      first = await parts.next();
      if (first.done) break;
      const part = first.value;
      if (part.kind === 'member') head[part.key] = part.value;
      else break;
    }
  } catch (err) {
    input.destroy();
    ioError(file, err);
  }
  if (first.done || !('schemaVersion' in head && 'source' in head && 'createdAt' in head)) {
    // no "servers", or the head after it: only a whole parse can say what this is
    input.destroy();
    return parseWhole(file);
  }
  const checkedHead = headOf(head, file);
  return { head: checkedHead, records: elements(first.value, parts, input, file) };
}

async function* elements(start: JsonPart, parts: AsyncGenerator<JsonPart>, input: NodeJS.ReadableStream & { destroy(): void }, file: string): Records {
  let index = 0;
  try {
    if (start.kind !== 'array-start') throw new UsageError(`${file}: "servers" must be an array`);
    for (;;) {
      let r: IteratorResult<JsonPart>;
      try {
        r = await parts.next();
      } catch (err) {
        ioError(file, err);
      }
      if (r.done) throw new UsageError(`${file}: ends inside "servers" (truncated file?)`);
      if (r.value.kind === 'array-end') return;
      if (r.value.kind !== 'element') continue;
      let record: unknown;
      try {
        record = JSON.parse(r.value.text);
      } catch (err) {
        record = { unparsable: (err as Error).message };
      }
      yield { record, index: index++ };
    }
  } finally {
    input.destroy();
  }
}
