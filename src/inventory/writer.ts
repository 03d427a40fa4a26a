import { AtomicFileStream } from '../util/atomic-write.js';
import { toolVersion } from '../util/version.js';
import type { InventoryRecord } from './types.js';

/**
 * Writes inventory.json as records arrive, so memory stays flat on big fleets; the summary goes last
 * (JSON key order carries no meaning). Readers see the old file or the whole new one, never half.
 */
export class InventoryWriter {
  private readonly out: AtomicFileStream;
  private count = 0;
  private ok = 0;

  private constructor(file: string) {
    this.out = new AtomicFileStream(file);
  }

  static async open(file: string, source: string): Promise<InventoryWriter> {
    const w = new InventoryWriter(file);
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
