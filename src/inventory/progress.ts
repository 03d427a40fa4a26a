import cliProgress from 'cli-progress';
import type { InventoryRecord } from './types.js';

export interface Progress {
  update(record: InventoryRecord): void;
  log(line: string): void;
  stop(): void;
}

/**
 * A bar on a terminal; on a pipe or log file, one plain line per server (or nothing with --quiet).
 * Always stderr: stdout carries data only.
 */
export function createProgress(total: number, opts: { quiet?: boolean; verbose?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  let done = 0;
  if (opts.quiet) return { update: () => undefined, log: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: 'collecting [{bar}] {value}/{total} servers | {failed} failed | last: {last}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let failed = 0;
    bar.start(total, 0, { failed, last: '-' });
    return {
      update(r) {
        if (r.status === 'failed') failed++;
        bar.increment(1, { failed, last: `${r.server} ${r.status}` });
      },
      log(line) {
        if (opts.verbose) stream.write(`\n${line}\n`);
      },
      stop: () => bar.stop(),
    };
  }
  return {
    update(r) {
      done++;
      const what = r.status === 'ok' ? 'ok' : `failed (${r.failure?.category}): ${r.failure?.message}`;
      stream.write(`[${done}/${total}] ${r.server} ${what} ${(r.durationMs / 1000).toFixed(1)}s\n`);
    },
    log(line) {
      if (opts.verbose) stream.write(`${line}\n`);
    },
    stop: () => undefined,
  };
}
