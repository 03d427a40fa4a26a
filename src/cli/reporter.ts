import cliProgress from 'cli-progress';
import { Option } from 'commander';
import type { ExtlsProgressEvent } from '../contracts/progress-event.js';
import { toAsciiJson } from '../util/json.js';
import { terminalText } from './terminal.js';

/** One finished unit of work (a server, an endpoint, a runbook). */
interface ItemEvent {
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

/** auto: a bar on a terminal, plain lines otherwise; json: one event per line (schemas/progress-event.schema.json) */
export type ProgressMode = 'auto' | 'json';

/** `--progress <mode>`, the same on every command that has a reporter. */
export function progressOption(): Option {
  return new Option('--progress <mode>', 'progress on stderr: auto (a bar on a terminal, else one line per item), json (one JSON event per line, schemas/progress-event.schema.json, for scripts)')
    .choices(['auto', 'json'])
    .default('auto', 'auto');
}

interface ReporterOptions {
  quiet?: boolean;
  verbose?: boolean;
  progress?: ProgressMode;
  /** default process.stderr */
  stream?: Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };
}

/**
 * @param label the command's name, first on every line ("inventory", "probe")
 * @param unit what is counted ("servers", "endpoints")
 */
export function createReporter(label: string, unit: string, opts: ReporterOptions = {}): Reporter {
  const stream = opts.stream ?? process.stderr;
  if (opts.progress === 'json') return jsonReporter(label, unit, stream, opts);
  // every line for a person goes through the terminal writer: names and messages from data show their control
  // and bidi characters as escapes (--progress json escapes them as JSON)
  const write = (line: string) => void stream.write(`${label}: ${terminalText(line)}\n`);
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
      bar.increment(1, { failed, last: `${terminalText(e.name)} ${e.ok ? 'ok' : 'failed'}` });
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

/**
 * Events for scripts: every reporter call becomes one JSON line, so a caller (the ExTls module) never reads prose.
 * --quiet keeps its meaning (warnings only). The start event always comes before any item and the end event.
 */
function jsonReporter(label: string, unit: string, stream: Pick<NodeJS.WriteStream, 'write'>, opts: ReporterOptions): Reporter {
  const emit = (e: ExtlsProgressEvent) => void stream.write(`${toAsciiJson(e)}\n`);
  const quiet = opts.quiet === true;
  let total: number | null = null;
  let started = false;
  let ended = false;
  let done = 0;
  let failed = 0;
  const start = (n: number) => {
    total = n > 0 ? n : null;
    started = true;
    if (!quiet) emit({ event: 'start', command: label, unit, total });
  };
  return {
    start(n) {
      if (!started) start(n);
    },
    item(e) {
      if (!started) start(0);
      done++;
      if (!e.ok) failed++;
      if (quiet) return;
      emit({
        event: 'item',
        name: e.name,
        ok: e.ok,
        ...(e.detail ? { detail: e.detail } : {}),
        ...(e.durationMs === undefined ? {} : { durationMs: e.durationMs }),
        done,
        failed,
        total,
      });
    },
    debug(message) {
      if (opts.verbose && !quiet) emit({ event: 'debug', message });
    },
    info(message) {
      if (!quiet) emit({ event: 'info', message });
    },
    warn(message) {
      emit({ event: 'warn', message });
    },
    stop() {
      if (ended) return;
      if (!started) start(0);
      ended = true;
      if (!quiet) emit({ event: 'end', done, failed, total });
    },
  };
}
