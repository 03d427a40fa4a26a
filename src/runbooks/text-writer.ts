import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import { tempPathFor, trackTemp, untrackTemp, writeAllSync } from '../util/atomic-write.js';
import type { ChunkSink } from './template-stream.js';

/**
 * Writes text files through one reused buffer, from strings and shared byte chunks (template-stream.ts).
 * writeFileSync(path, string) allocates a new Buffer outside the V8 heap per file; for thousands of ~35 KB
 * scripts those allocations, not the data, drove the process's memory. Writes are synchronous: nothing queues
 * up behind a slow disk, and a file is complete when its call returns. Every file is written under a temporary
 * name and renamed when whole (util/atomic-write.ts): a killed run never leaves half a script under its real name.
 */
export class TextFileWriter implements ChunkSink {
  private buffer = Buffer.allocUnsafe(256 * 1024);
  private used = 0;
  private fd: number | null = null;

  /** One whole file from chunks (strings, or bytes shared between files). */
  writeFile(path: string, chunks: readonly (string | Buffer)[]): void {
    this.writeStreamed(path, (sink) => {
      for (const c of chunks) {
        if (typeof c === 'string') sink.text(c);
        else sink.bytes(c);
      }
    });
  }

  /**
   * A file written chunk by chunk through `fill` under a temporary name and renamed when complete, so a failed
   * render never leaves half a report behind.
   */
  writeStreamed(path: string, fill: (sink: ChunkSink) => void): void {
    const temp = tempPathFor(path);
    trackTemp(temp);
    try {
      this.open(temp);
      fill(this);
      this.close();
      renameSync(temp, path);
    } catch (err) {
      this.used = 0;
      this.close();
      rmSync(temp, { force: true });
      throw err;
    } finally {
      untrackTemp(temp);
    }
  }

  text(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; checking that bound avoids measuring the string first
    if (s.length * 3 > this.buffer.length - this.used) {
      this.flush();
      if (s.length * 3 > this.buffer.length) {
        // a rare large piece: its own short-lived buffer rather than growing the reused one for good
        const b = Buffer.from(s, 'utf8');
        this.writeAll(b, b.length);
        return;
      }
    }
    this.used += this.buffer.write(s, this.used, 'utf8');
  }

  bytes(b: Buffer): void {
    if (b.length > this.buffer.length - this.used) {
      this.flush();
      if (b.length > this.buffer.length) {
        this.writeAll(b, b.length);
        return;
      }
    }
    this.used += b.copy(this.buffer, this.used);
  }

  private open(path: string): void {
    if (this.fd !== null) throw new Error('TextFileWriter: a file is already open');
    this.fd = openSync(path, 'w');
    this.used = 0;
  }

  private close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    try {
      this.flush();
    } finally {
      this.fd = null;
      closeSync(fd);
    }
  }

  private flush(): void {
    if (this.used > 0 && this.fd !== null) this.writeAll(this.buffer, this.used);
    this.used = 0;
  }

  private writeAll(data: Buffer, length: number): void {
    writeAllSync(this.fd!, data, length);
  }
}
