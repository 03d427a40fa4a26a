import { AtomicFileStream } from '../util/atomic-write.js';
import { toolVersion } from '../util/version.js';
import type { InventoryRecord } from './types.js';

/** Where the inventory document goes: a file written atomically, or stdout (`--format json`). */
interface InventorySink {
  write(chunk: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Collects the document and prints it whole once the run is done: a failed run prints no half document. */
export class StdoutSink implements InventorySink {
  private readonly chunks: string[] = [];
  async write(chunk: string): Promise<void> {
    this.chunks.push(chunk);
  }
  async commit(): Promise<void> {
    process.stdout.write(this.chunks.join(''));
  }
  async abort(): Promise<void> {
    this.chunks.length = 0;
  }
}

/**
 * Writes inventory.json as records arrive, so memory stays flat on big fleets; the summary goes last
 * (JSON key order carries no meaning). Readers see the old file or the whole new one, never half.
 */
export class InventoryWriter {
  private count = 0;
  private ok = 0;

  private constructor(private readonly out: InventorySink) {}

  /** to a file (atomically), or, given a sink, anywhere else: the same document either way */
  static async open(file: string | InventorySink, source: string): Promise<InventoryWriter> {
    const w = new InventoryWriter(typeof file === 'string' ? new AtomicFileStream(file) : file);
    const head = {
      schemaVersion: 1,
      tool: { name: 'extls', version: toolVersion },
      createdAt: new Date().toISOString(),
      source,
    };
    await w.out.write(JSON.stringify(head, null, 2).replace(/\n}$/, ',\n  "servers": ['));
    return w;
  }

  async add(record: InventoryRecord): Promise<void> {
    await this.out.write((this.count === 0 ? '\n' : ',\n') + JSON.stringify(record));
    this.count++;
    if (record.status === 'ok') this.ok++;
  }

  get summary() {
    return { total: this.count, ok: this.ok, failed: this.count - this.ok };
  }

  async commit(): Promise<void> {
    await this.out.write(`\n  ],\n  "summary": ${JSON.stringify(this.summary)}\n}\n`);
    await this.out.commit();
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}
