import { serverKey } from './identity.js';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FleetServer } from '../fleet/types.js';
import { UsageError } from '../util/errors.js';
import { defaultReadLimits, readTextChecked, sizeHint, type ReadLimits } from '../util/read-file.js';
import { failedRecord, okRecord, parseCollectorOutput, validateCollectorOutput } from './record.js';
import type { CollectorOutput, InventoryRecord } from './types.js';

/**
 * Drop folders: collector JSON files written by the servers themselves (collector -OutFile from a scheduled
 * task, GPO, Configuration Manager or Ansible). Files are read twice and never held together: a first pass
 * learns which server each file claims (so two files claiming one server are both refused, whatever their
 * order), the second validates and yields one record at a time. Every read goes through util/read-file.ts
 * (regular file, size limit, time limit), and the files read ahead together stay within a byte budget: memory
 * is bounded whatever the number and size of the files.
 */

const noGroups = { dag: null, site: null, role: null };
/** files read at once: keeps the disk or share busy without holding many files in memory */
const READ_AHEAD = 16;
/** bytes of files read ahead at once (a file larger than this is read alone) */
const READ_BUDGET = 64 * 1024 * 1024;
/** a report dated later than this past the control node's clock is a clock or file error, not a fresh report */
export const CLOCK_SKEW_MS = 10 * 60_000;

interface DropEntry {
  file: string;
  path: string;
  /** the server the file claims: its computerName, or the file name when it has none */
  claimed: string;
  /** its size at the first pass (what reading it again will cost), 0 if unknown */
  size: number;
}

interface DropOptions {
  /** a report older than this is stale; null: never */
  staleAfterMs: number | null;
  /** the staleAfterMs as the user wrote it, for messages */
  staleAfterText?: string;
  now?: Date;
  /** aborted (SIGINT/SIGTERM): the files not read yet become records of category interrupted */
  signal?: AbortSignal;
}

/** What a drop folder read may cost: the fleet's limits (defaults.maxFileMB, defaults.readTimeoutSeconds). */
interface FolderOptions {
  limits?: ReadLimits;
}

/** Case-insensitive server identity, as the fleet file compares names. */

export class DropFolder {
  private constructor(
    readonly folder: string,
    /** key -> every file claiming that server, in file-name order */
    readonly claims: Map<string, DropEntry[]>,
    private readonly limits: ReadLimits,
  ) {}

  get fileCount(): number {
    let n = 0;
    for (const list of this.claims.values()) n += list.length;
    return n;
  }

  static async open(folder: string, options: FolderOptions = {}): Promise<DropFolder> {
    const limits = options.limits ?? defaultReadLimits;
    let files: string[];
    try {
      files = (await readdir(folder, { withFileTypes: true }))
        .filter((d) => d.isFile() && d.name.toLowerCase().endsWith('.json'))
        .map((d) => d.name)
        .sort();
    } catch (err) {
      throw new UsageError(`cannot read folder ${folder}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (files.length === 0) throw new UsageError(`${folder}: no collector .json files found`);
    const claims = new Map<string, DropEntry[]>();
    // sizes by path (stat opens nothing) only to schedule the reads; each read checks its own descriptor
    const weigh = async (file: string) => Math.min(sizeHint(await stat(join(folder, file)).catch(() => undefined)), limits.maxBytes);
    for await (const entry of mapBudgeted(files, weigh, (file) => identify(folder, file, limits))) {
      const key = serverKey(entry.claimed);
      const list = claims.get(key);
      if (list) list.push(entry);
      else claims.set(key, [entry]);
    }
    return new DropFolder(folder, claims, limits);
  }

  /**
   * Split a fleet between live collection and this folder. Fleet servers with transport "file" take their record
   * from here (with the fleet's site, DAG and role); a live server that also has a file here is claimed twice and
   * refused rather than collected; files of servers the fleet does not name are taken as they are.
   */
  plan(servers: FleetServer[], options: DropOptions): { live: FleetServer[]; records: AsyncGenerator<InventoryRecord> } {
    const live: FleetServer[] = [];
    const conflicts: FleetServer[] = [];
    const fileServers = new Map<string, FleetServer>();
    for (const s of servers) {
      if (s.transport === 'file') fileServers.set(serverKey(s.name), s);
      else if (this.claims.has(serverKey(s.name))) conflicts.push(s);
      else live.push(s);
    }
    return { live, records: this.records(fileServers, conflicts, options) };
  }

  private async *records(fileServers: Map<string, FleetServer>, conflicts: FleetServer[], options: DropOptions): AsyncGenerator<InventoryRecord> {
    const now = options.now ?? new Date();
    for (const s of conflicts) {
      const files = this.claims.get(serverKey(s.name))!;
      yield failedRecord(
        target(s),
        'duplicate',
        `claimed twice: the fleet collects it live (transport ${s.transport}) and ${describeFiles(this.folder, files)} in the drop folder also ` +
          'claims it; give it transport: file in the fleet, or remove the file, and run again',
        now.toISOString(),
        0,
      );
    }
    const conflictKeys = new Set(conflicts.map((s) => serverKey(s.name)));
    const single: Array<{ entry: DropEntry; server: FleetServer | undefined }> = [];
    const order: Array<string> = [];
    for (const [key, files] of this.claims) {
      if (conflictKeys.has(key)) continue;
      order.push(key);
      if (files.length === 1) single.push({ entry: files[0]!, server: fileServers.get(key) });
    }
    // Records come in file order; the single-file ones are read ahead, the duplicates need no reading.
    const reads = mapBudgeted(
      single,
      async ({ entry }) => Math.min(entry.size, this.limits.maxBytes),
      ({ entry, server }) => dropRecord(entry, server, options, now, this.limits),
    );
    for (const key of order) {
      const files = this.claims.get(key)!;
      const server = fileServers.get(key);
      if (files.length === 1 && options.signal?.aborted) {
        const entry = files[0]!;
        const t = server ? target(server) : { name: entry.claimed, address: entry.claimed, groups: noGroups, transport: 'file' as const };
        yield failedRecord(t, 'interrupted', `${entry.path}: not read: the run was interrupted (SIGINT/SIGTERM); run the inventory again for it`, now.toISOString(), 0);
      } else if (files.length === 1) {
        const next = await reads.next();
        yield next.value as InventoryRecord;
      } else {
        // named as the file named for it spells it (EX01.json), else as the first claim
        const name = (files.find((f) => serverKey(basename(f.file, '.json')) === key) ?? files[0]!).claimed;
        const t = server ? target(server) : { name, address: name, groups: noGroups, transport: 'file' as const };
        yield failedRecord(
          t,
          'duplicate',
          `${files.length} collector files claim this server: ${describeFiles(this.folder, files)}; keep the one that belongs to it ` +
            '(a file copied under another name, or a computer name reused) and run again',
          now.toISOString(),
          0,
        );
      }
    }
    for (const [key, s] of fileServers) {
      if (this.claims.has(key)) continue;
      yield failedRecord(
        target(s),
        'stale',
        `no collector file for this server in ${this.folder}: it has never reported there (check its scheduled task, GPO or Ansible run)`,
        now.toISOString(),
        0,
      );
    }
  }
}

function target(s: FleetServer) {
  return { name: s.name, address: s.address, groups: s.groups, transport: s.transport };
}

function describeFiles(folder: string, files: DropEntry[]): string {
  const names = files.slice(0, 5).map((f) => f.file);
  const more = files.length > 5 ? ` and ${files.length - 5} more` : '';
  return `${names.join(', ')}${more} (in ${folder})`;
}

/** A collector file as written by -OutFile is one JSON document; anything else falls back to the remote-output rules. */
function parseText(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch {
    const parsed = parseCollectorOutput(text);
    if ('error' in parsed) return parsed;
    return { value: parsed.data };
  }
}

function claimedName(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const name = (value as { computerName?: unknown }).computerName;
  return typeof name === 'string' && name.trim() !== '' ? name : null;
}

async function identify(folder: string, file: string, limits: ReadLimits): Promise<DropEntry> {
  const path = join(folder, file);
  let claimed: string | null = null;
  let size = 0;
  try {
    const { text } = await readTextChecked(path, limits);
    size = text.length;
    const parsed = parseText(text);
    if ('value' in parsed) claimed = claimedName(parsed.value);
  } catch {
    /* unreadable now, not a regular file, too large: the second pass reports it */
  }
  return { file, path, claimed: claimed ?? basename(file, '.json'), size };
}

async function dropRecord(entry: DropEntry, server: FleetServer | undefined, options: DropOptions, now: Date, limits: ReadLimits): Promise<InventoryRecord> {
  const t = server ? target(server) : { name: entry.claimed, address: entry.claimed, groups: noGroups, transport: 'file' as const };
  let text: string;
  let mtime: Date;
  try {
    ({ text, mtime } = await readTextChecked(entry.path, limits));
  } catch (err) {
    // FileReadError: "<path>: not a regular file (a FIFO)", "<path>: 450 MB, larger than the limit ..."
    const message = err instanceof Error && err.message.startsWith(entry.path) ? err.message : `${entry.path}: cannot read: ${String(err)}`;
    return failedRecord(t, 'invalid-output', message, now.toISOString(), 0);
  }
  const parsed = parseText(text);
  const checked = 'error' in parsed ? parsed : validateCollectorOutput(parsed.value);
  if ('error' in checked) return failedRecord(t, 'invalid-output', `${entry.path}: ${checked.error}`, mtime.toISOString(), 0);
  const data: CollectorOutput = checked.data;
  if (serverKey(data.computerName) !== serverKey(entry.claimed)) {
    return failedRecord(t, 'invalid-output', `${entry.path}: the file changed while it was read (it claimed ${entry.claimed}, now ${data.computerName}); run again`, mtime.toISOString(), 0);
  }
  const named = server ? t : { ...t, name: data.computerName, address: data.computerName };
  // a file of a server the fleet does not name: anyone who can write to the share can add one
  const record = { ...okRecord(named, data, data.collector.startedAt, data.collector.durationMs), ...(server ? {} : { fleetMember: false }) };
  const reported = Date.parse(data.collector.startedAt);
  const reportedAt = Number.isNaN(reported) ? mtime : new Date(reported);
  const age = now.getTime() - reportedAt.getTime();
  if (-age > CLOCK_SKEW_MS) {
    // never "fresh": a clock that runs ahead (or an edited file) would hide a server that stopped reporting
    return failedRecord(
      named,
      'clock-skew',
      `${entry.path}: reported at ${reportedAt.toISOString()}, ${formatAge(-age)} in the future of this computer's clock (${now.toISOString()}; ` +
        `${CLOCK_SKEW_MS / 60_000} minutes are allowed): the server's clock or the file is wrong; correct it and let the server report again`,
      now.toISOString(),
      0,
    );
  }
  if (options.staleAfterMs !== null && age > options.staleAfterMs) {
    return {
      ...record,
      status: 'failed',
      failure: {
        category: 'stale',
        message:
          `${entry.path}: last report ${reportedAt.toISOString()}, ${formatAge(age)} ago (older than ${options.staleAfterText ?? formatAge(options.staleAfterMs)}): ` +
          'the server stopped reporting; check its scheduled task, GPO or Ansible run',
      },
      data: null,
    };
  }
  return record;
}

function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  if (hours >= 1) return `${Math.floor(hours)} hours`;
  return `${Math.max(0, Math.floor(ms / 60_000))} minutes`;
}

/** "7d", "36h", "90m" or "off" (never stale). */
export function parseAge(text: string): number | null {
  if (/^(off|never|0)$/i.test(text.trim())) return null;
  const m = /^(\d+(?:\.\d+)?)\s*(d|h|m)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--stale-after must be an age like 7d, 36h or 90m (or off), got "${text}"`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2]!.toLowerCase() as 'd' | 'h' | 'm'];
  return Number(m[1]) * unit;
}

/**
 * Map with up to READ_AHEAD calls in flight and their weights (bytes) within READ_BUDGET, yielding results in
 * input order. A weight is released when its result has been taken (the caller is done with the previous one),
 * so what waits to be yielded counts too. One call always runs, whatever its weight: no item waits for good.
 */
async function* mapBudgeted<T, R>(items: T[], weight: (item: T) => Promise<number>, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const pending: { result: Promise<R>; weight: number }[] = [];
  let inFlight = 0;
  let next = 0;
  let nextWeight: number | undefined;
  const fill = async () => {
    while (next < items.length && pending.length < READ_AHEAD) {
      nextWeight ??= await weight(items[next]!);
      if (pending.length > 0 && inFlight + nextWeight > READ_BUDGET) return;
      const result = fn(items[next++]!);
      result.catch(() => undefined); // awaited in order below; not an unhandled rejection meanwhile
      pending.push({ result, weight: nextWeight });
      inFlight += nextWeight;
      nextWeight = undefined;
    }
  };
  await fill();
  while (pending.length > 0) {
    const head = pending.shift()!;
    const value = await head.result;
    yield value;
    inFlight -= head.weight;
    await fill();
  }
}
