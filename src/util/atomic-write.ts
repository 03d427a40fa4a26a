// The one way extls writes an output file: under a temporary name in the same folder, renamed when complete, so
// a reader (or a crash, kill -9, a full disk) never leaves half a file under the real name. Temporary files still
// open when the process exits (a signal, an uncaught error) are removed on the way out.
import { createWriteStream, rmSync, writeSync } from 'node:fs';
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

/** Removes every temporary file not yet renamed (synchronous: runs from exit and signal handlers). */
export function removeLiveTemps(): void {
  for (const p of liveTemps) {
    try {
      rmSync(p, { force: true });
    } catch {
      /* best effort on the way out */
    }
  }
  liveTemps.clear();
}

/** Write a whole file so readers never see half of it: temporary file in the same folder, then rename. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
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
