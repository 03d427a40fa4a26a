import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
}

/** Write a whole file so readers never see half of it: temporary file in the same folder, then rename. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    await writeFile(tmp, data, 'utf8');
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A streaming variant for large outputs: write pieces as they come, rename on commit, delete on abort. */
export class AtomicFileStream {
  private readonly tmp: string;
  private readonly stream;
  constructor(private readonly file: string) {
    this.tmp = tempPathFor(file);
    this.stream = createWriteStream(this.tmp, { encoding: 'utf8' });
  }
  async write(chunk: string): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
  async commit(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
    await rename(this.tmp, this.file);
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
  }
}
