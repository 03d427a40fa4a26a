import cliProgress from 'cli-progress';

/** One finished unit of work (a server, an endpoint, a runbook). */
export interface ItemEvent {
  name: string;
  ok: boolean;
  /** one line: why it failed, or what was found */
  detail?: string;
  durationMs?: number;
}

/**
 * What every long command tells its user, as events. The command never decides how they are shown: a bar on a
 * terminal, one plain line per item on a pipe or log file, nothing with --quiet. Always stderr: stdout carries data.
 */
export interface Reporter {
  /** the run starts; total may be unknown (0) until items arrive */
  start(total: number): void;
  item(event: ItemEvent): void;
  /** a message that only --verbose shows (driver and ssh chatter) */
  debug(line: string): void;
  /** a message for the user (summary, files written); --quiet hides it */
  info(line: string): void;
  /** a problem the user must see even with --quiet (a skipped record, a server not collected) */
  warn(line: string): void;
  stop(): void;
}

export interface ReporterOptions {
  quiet?: boolean;
  verbose?: boolean;
  /** default process.stderr */
  stream?: Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };
}

/**
 * @param label the command's name, first on every line ("inventory", "probe")
 * @param unit what is counted ("servers", "endpoints")
 */
export function createReporter(label: string, unit: string, opts: ReporterOptions = {}): Reporter {
  const stream = opts.stream ?? process.stderr;
  const write = (line: string) => void stream.write(`${label}: ${line}\n`);
  const warn = (line: string) => write(line);
  if (opts.quiet) {
    return { start: () => undefined, item: () => undefined, debug: () => undefined, info: () => undefined, warn, stop: () => undefined };
  }
  if (stream.isTTY) return barReporter(label, unit, stream as NodeJS.WriteStream, opts.verbose === true, write);

  let done = 0;
  let total = 0;
  return {
    start(n) {
      total = n;
    },
    item(e) {
      done++;
      const count = total > 0 ? `[${done}/${total}]` : `[${done}]`;
      const seconds = e.durationMs === undefined ? '' : ` ${(e.durationMs / 1000).toFixed(1)}s`;
      write(`${count} ${e.name} ${e.ok ? 'ok' : 'FAILED'}${e.detail ? `: ${e.detail}` : ''}${seconds}`);
    },
    debug(line) {
      if (opts.verbose) write(line);
    },
    info: write,
    warn,
    stop: () => undefined,
  };
}

function barReporter(label: string, unit: string, stream: NodeJS.WriteStream, verbose: boolean, write: (line: string) => void): Reporter {
  const bar = new cliProgress.SingleBar(
    { stream, format: `${label} [{bar}] {value}/{total} ${unit} | {failed} failed | last: {last}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let failed = 0;
  let running = false;
  let known = false;
  // a message above the bar: cli-progress redraws the bar on its next update
  const above = (line: string) => {
    if (running) stream.write('\n');
    write(line);
  };
  return {
    start(total) {
      known = total > 0;
      bar.start(total, 0, { failed, last: '-' });
      running = true;
    },
    item(e) {
      if (!e.ok) failed++;
      if (!running) this.start(0);
      // an unknown total grows with the items: the bar shows what is done so far
      if (!known) bar.setTotal(bar.getTotal() + 1);
      bar.increment(1, { failed, last: `${e.name} ${e.ok ? 'ok' : 'failed'}` });
    },
    debug(line) {
      if (verbose) above(line);
    },
    info: above,
    warn: above,
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
