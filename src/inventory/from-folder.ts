import { serverKey } from './identity.js';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FleetServer } from '../fleet/types.js';
import { UsageError } from '../util/errors.js';
import { failedRecord, okRecord, parseCollectorOutput, validateCollectorOutput } from './record.js';
import type { CollectorOutput, InventoryRecord } from './types.js';

/**
 * Drop folders: collector JSON files written by the servers themselves (collector -OutFile from a scheduled
 * task, GPO, Configuration Manager or Ansible). Files are read twice and never held together: a first pass
 * learns which server each file claims (so two files claiming one server are both refused, whatever their
 * order), the second validates and yields one record at a time.
 */

const noGroups = { dag: null, site: null, role: null };
/** files read at once: keeps the disk or share busy without holding many files in memory */
const READ_AHEAD = 16;

interface DropEntry {
  file: string;
  path: string;
  /** the server the file claims: its computerName, or the file name when it has none */
  claimed: string;
}

interface DropOptions {
  /** a report older than this is stale; null: never */
  staleAfterMs: number | null;
  /** the staleAfterMs as the user wrote it, for messages */
  staleAfterText?: string;
  now?: Date;
}

/** Case-insensitive server identity, as the fleet file compares names. */

export class DropFolder {
  private constructor(
    readonly folder: string,
    /** key -> every file claiming that server, in file-name order */
    readonly claims: Map<string, DropEntry[]>,
  ) {}

  get fileCount(): number {
    let n = 0;
    for (const list of this.claims.values()) n += list.length;
    return n;
  }

  static async open(folder: string): Promise<DropFolder> {
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
    for await (const entry of mapOrdered(files, READ_AHEAD, (file) => identify(folder, file))) {
      const key = serverKey(entry.claimed);
      const list = claims.get(key);
      if (list) list.push(entry);
      else claims.set(key, [entry]);
    }
    return new DropFolder(folder, claims);
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
    const reads = mapOrdered(single, READ_AHEAD, ({ entry, server }) => dropRecord(entry, server, options, now));
    for (const key of order) {
      const files = this.claims.get(key)!;
      const server = fileServers.get(key);
      if (files.length === 1) {
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

async function readText(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
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

async function identify(folder: string, file: string): Promise<DropEntry> {
  const path = join(folder, file);
  let claimed: string | null = null;
  try {
    const parsed = parseText(await readText(path));
    if ('value' in parsed) claimed = claimedName(parsed.value);
  } catch {
    /* unreadable now: the second pass reports it */
  }
  return { file, path, claimed: claimed ?? basename(file, '.json') };
}

async function dropRecord(entry: DropEntry, server: FleetServer | undefined, options: DropOptions, now: Date): Promise<InventoryRecord> {
  const t = server ? target(server) : { name: entry.claimed, address: entry.claimed, groups: noGroups, transport: 'file' as const };
  let text: string;
  let mtime: Date;
  try {
    mtime = (await stat(entry.path)).mtime;
    text = await readText(entry.path);
  } catch (err) {
    return failedRecord(t, 'invalid-output', `${entry.path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, now.toISOString(), 0);
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

/** Map with up to `width` calls in flight, yielding results in input order. */
async function* mapOrdered<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const pending: Promise<R>[] = [];
  let next = 0;
  while (next < items.length && pending.length < width) pending.push(fn(items[next++]!));
  while (pending.length > 0) {
    const value = await pending.shift()!;
    if (next < items.length) pending.push(fn(items[next++]!));
    yield value;
  }
}
