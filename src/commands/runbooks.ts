import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { ExitWith } from '../cli.js';
import { createReporter, progressOption, type ProgressMode } from '../cli/reporter.js';
import { loadPolicy } from '../findings/policy.js';
import type { FindingsDocument } from '../findings/types.js';
import { readStageInput } from '../inventory/stage-input.js';
import { RunbookDataError } from '../runbooks/context.js';
import { renderRunbooks, renderRunbooksFromRecords, RunInterrupted, type RenderResult } from '../runbooks/render.js';
import { onInterrupt, signalExitCode } from '../util/interrupt.js';
import { RunbookTemplateError } from '../runbooks/template-errors.js';
import { loadProbeResults } from '../runbooks/probes.js';
import { ExitCode, UsageError } from '../util/errors.js';
import { toAsciiJson } from '../util/json.js';
import { checkOutFolder } from '../util/out-path.js';

export { renderRunbooks } from '../runbooks/render.js';

interface RunbooksCliOptions {
  out: string;
  policy?: string[];
  templates?: string;
  findings?: string;
  waveSize?: number;
  probes?: string;
  format?: 'text' | 'json';
  quiet?: boolean;
  progress?: ProgressMode;
  /** called after each server's files are written */
  onServer?: (server: string, done: number, total: number) => void;
  /** SIGINT/SIGTERM: stop between servers */
  signal?: AbortSignal;
}


interface RunbooksRun {
  findings: FindingsDocument;
  result: RenderResult;
}

/**
 * The command without commander. The input is a findings document (`extls analyze --out`), which carries every
 * fact the runbooks need, or an inventory, analysed first one server at a time through the same analysis.
 */
async function runRunbooks(inputFile: string, opts: RunbooksCliOptions): Promise<RunbooksRun> {
  const waveSize = opts.waveSize ?? 0;
  if (!Number.isInteger(waveSize) || waveSize < 0) throw new UsageError(`--wave-size must be a whole number (0: no limit), not "${opts.waveSize}"`);
  checkOutFolder(opts.out);
  const probes = opts.probes ? await loadProbeResults(opts.probes) : undefined;
  const renderOptions = {
    outDir: opts.out,
    ...(opts.templates ? { templatesDir: opts.templates } : {}),
    ...(probes ? { probes } : {}),
    ...(opts.onServer ? { onServer: opts.onServer } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    waveSize,
  };
  const source = opts.findings ?? inputFile;
  try {
    const input = await readStageInput(source);
    if (input.kind === 'findings') {
      if (opts.policy?.length) throw new UsageError('--policy applies to the analysis; a findings document already holds its policies');
      return { findings: input.doc as FindingsDocument, result: await renderRunbooks(input.doc, renderOptions) };
    }
    if (opts.findings) throw new UsageError(`${opts.findings} is an inventory; give a findings document with --findings (written by \`extls analyze --out\` or Get-ExTlsFinding -OutFile), or the inventory as <input>`);
    const policies = (opts.policy?.length ? opts.policy : ['tls12-ready']).map(loadPolicy);
    return await renderRunbooksFromRecords(input.head, input.records, policies, renderOptions);
  } catch (err) {
    // bad template (name, line, field) or bad data (server): the user fixes these, no stack trace
    if (err instanceof RunbookTemplateError || err instanceof RunbookDataError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

/** `--format json`: what was written, for scripts (the ExTls module): no prose on stderr, no file times to read. */
interface RunbooksResult {
  outDir: string;
  servers: number;
  runbooks: { server: string; folder: string; blocked: boolean }[];
  /** every file written, relative to outDir, '/'-separated */
  files: string[];
  waves: number;
  /** servers that could not be collected: listed in report.html and rollout.md, no runbook */
  notCollected: string[];
  /** records that were not valid and were skipped */
  skipped: { server: string; index: number; messages: string[] }[];
}

function runbooksResult({ result }: RunbooksRun): RunbooksResult {
  return {
    outDir: result.outDir,
    servers: result.servers,
    runbooks: result.runbooks,
    files: result.paths,
    waves: result.waves,
    notCollected: result.notCollected,
    skipped: result.inputErrors.map((e) => ({ server: e.server, index: e.index, messages: e.messages })),
  };
}

const wholeNumber = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number (0: no limit), not "${v}"`);
  return n;
};

export function register(program: Command, exit: ExitWith): void {
  program
    .command('runbooks')
    .description(
      'Write per-server change runbooks (runbook.md, remediate.ps1, rollback.ps1) and the fleet report (report.html, rollout.md, summary.csv)',
    )
    .argument('<input>', 'findings.json from `extls analyze --out`, or inventory.json from `extls inventory` (analysed first); - reads stdin')
    .requiredOption('--out <dir>', 'output folder: <dir>/<server>/ per server, report and rollout at the top')
    .option('--policy <policy>', 'tls12-ready, legacy-off or a policy JSON file; repeatable (default: tls12-ready)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--templates <dir>', 'templates here replace the built-ins of the same file name (docs/templates.md)')
    .option('--findings <file>', 'render this findings document; <input> is then not read (kept for older scripts)')
    .option('--probes <file>', 'results of `extls probe --format json` to quote in each runbook\'s pre- and post-checks')
    .addOption(new Option('--wave-size <n>', 'at most n servers per rollout wave (0: no limit)').argParser(wholeNumber('--wave-size')).default(0, '0'))
    .addOption(new Option('--format <format>', 'json: print what was written (files, runbooks, servers not collected) on stdout').choices(['text', 'json']).default('text', 'text'))
    .option('-q, --quiet', 'no progress output')
    .addOption(progressOption())
    .action(async (inventoryFile: string, opts: RunbooksCliOptions) => {
      const reporter = createReporter('runbooks', 'runbooks', { quiet: opts.quiet, progress: opts.progress });
      let started = false;
      let run: RunbooksRun;
      // the first SIGINT/SIGTERM stops the run between two server folders (each whole); a second quits at once
      const abort = new AbortController();
      let stoppedBy: NodeJS.Signals | null = null;
      const stopHandling = onInterrupt((signal) => {
        stoppedBy ??= signal;
        abort.abort();
      });
      try {
        run = await runRunbooks(inventoryFile, {
          ...opts,
          signal: abort.signal,
          onServer: (server, _done, total) => {
            if (!started) reporter.start(total);
            started = true;
            reporter.item({ name: server, ok: true });
          },
        });
      } catch (err) {
        reporter.stop();
        if (err instanceof RunInterrupted && stoppedBy) {
          reporter.warn(err.message);
          exit(signalExitCode(stoppedBy));
          return;
        }
        throw err;
      } finally {
        stopHandling();
        reporter.stop();
      }
      const { findings, result } = run;
      const blocked = result.runbooks.filter((r) => r.blocked).length;
      reporter.info(`${result.servers} server(s): ${result.runbooks.length} runbook(s) (${blocked} blocked), ${result.waves} rollout wave(s), ${result.files} file(s) in ${result.outDir}`);
      // Servers that could not be collected are reported (report.html, rollout.md) like `extls analyze` does: not
      // an error of this stage. Records that were invalid and skipped are: exit 2, the rest was rendered.
      if (result.superseded) {
        const { files, folders, movedTo } = result.superseded;
        reporter.warn(`${files} file(s) of an earlier run for ${folders.length} server folder(s) that need no runbook now (${folders.join(', ')}) moved to ${join(result.outDir, movedTo)}`);
      }
      const notCollected = findings.summary.failed;
      if (notCollected > 0) reporter.warn(`${notCollected} server(s) not collected: listed in report.html and rollout.md`);
      for (const e of result.inputErrors) reporter.warn(`server ${e.server} (servers[${e.index}]) skipped: ${e.messages.join('; ')}`);
      for (const e of result.fleetErrors) reporter.warn(e);
      for (const u of result.unusable) reporter.warn(`server ${u.server}: no runbook, reported as not collected: ${u.message}`);
      if (opts.format === 'json') process.stdout.write(toAsciiJson(runbooksResult(run), 2) + '\n');
      const partial = result.inputErrors.length + result.fleetErrors.length + result.unusable.length > 0;
      // a signal that came while the last files were written: all is written, but the run was asked to stop
      if (stoppedBy) exit(signalExitCode(stoppedBy));
      else exit(partial ? ExitCode.Partial : ExitCode.Ok);
    });
}
