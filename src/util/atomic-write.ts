// The one way extls writes an output file: under a temporary name in the same folder, renamed when complete, so
// a reader (or a crash, kill -9, a full disk) never leaves half a file under the real name. Temporary files still
// open when the process exits (a signal, an uncaught error) are removed on the way out; those a killed run (kill -9,
// a power cut) could not remove are swept by the next run that writes there (sweepStaleTemps).
import { createWriteStream, readdirSync, rmSync, writeSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

const liveTemps = new Set<string>();
let counter = 0;
let exitHookInstalled = false;

/** `.<name>.<pid>.<n>.tmp` beside the file: the same file system, so the rename is atomic. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${++counter}.tmp`);
}

/** A temporary file that is removed if the process ends before it is renamed or removed. */
export function trackTemp(path: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removeLiveTemps);
  }
  liveTemps.add(path);
}

export function untrackTemp(path: string): void {
  liveTemps.delete(path);
}

/** Removes every temporary file (or folder) not yet renamed (synchronous: runs from exit and signal handlers). */
export function removeLiveTemps(): void {
  for (const p of liveTemps) {
    try {
      rmSync(p, { force: true, recursive: true });
    } catch {
      /* best effort on the way out */
    }
  }
  liveTemps.clear();
}

/** `.<name>.<pid>.<n>.tmp` (and `.<name>.<pid>.tmp` of earlier versions): name and pid. */
const TEMP_NAME = /^\.(.+?)\.(\d+)(?:\.\d+)?\.tmp$/;
const TEMP_TAIL = /^(\d+)(?:\.\d+)?\.tmp$/;

/** The pid in a temporary file's name, for one of `names` (or any name), else null. */
function tempPid(file: string, names?: ReadonlySet<string>): number | null {
  if (!names) {
    const m = TEMP_NAME.exec(file);
    return m ? Number(m[2]) : null;
  }
  for (const name of names) {
    if (!file.startsWith(`.${name}.`)) continue;
    const m = TEMP_TAIL.exec(file.slice(name.length + 2));
    if (m) return Number(m[1]);
  }
  return null;
}

/** Whether a process with this id runs (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files that runs killed before they could clean up left in `dir`: only names of our pattern
 * (`.<name>.<pid>.<n>.tmp`), only when that process is gone, and with `names` only for those output names.
 * Returns the names removed.
 */
export function sweepStaleTemps(dir: string, names?: ReadonlySet<string>): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const e of entries) {
    const pid = e.isFile() ? tempPid(e.name, names) : null;
    if (pid === null || processAlive(pid)) continue;
    try {
      rmSync(join(dir, e.name), { force: true });
      removed.push(e.name);
    } catch {
      /* another run got there first, or no right to: not ours to insist */
    }
  }
  return removed;
}

/** Write a whole file so readers never see half of it: temporary file in the same folder, then rename. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  sweepStaleTemps(dirname(file), new Set([basename(file)]));
  const tmp = tempPathFor(file);
  trackTemp(tmp);
  try {
    await writeFile(tmp, data, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    untrackTemp(tmp);
  }
}

/** Writes all of `data` to `fd`. */
export function writeAllSync(fd: number, data: Buffer, length = data.length): void {
  let offset = 0;
  while (offset < length) offset += writeSync(fd, data, offset, length - offset);
}

/** A streaming variant for large outputs: write pieces as they come, rename on commit, delete on abort. */
export class AtomicFileStream {
  private readonly tmp: string;
  private readonly stream;
  constructor(private readonly file: string) {
    sweepStaleTemps(dirname(file), new Set([basename(file)]));
    this.tmp = tempPathFor(file);
    trackTemp(this.tmp);
    this.stream = createWriteStream(this.tmp, { encoding: 'utf8' });
  }
  async write(chunk: string): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
  async commit(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
    await rename(this.tmp, this.file);
    untrackTemp(this.tmp);
  }
  async abort(): Promise<void> {
    // The file is opened asynchronously: wait until the stream has really closed (and so created the file, if it
    // was still opening) before deleting it, or the open would recreate it after the rm.
    if (!this.stream.closed) {
      const closed = once(this.stream, 'close');
      this.stream.destroy();
      await closed;
    }
    await rm(this.tmp, { force: true });
    untrackTemp(this.tmp);
  }
}
