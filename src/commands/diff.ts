import { Command, Option } from 'commander';
import type { ExitWith } from '../cli.js';
import { diffCategories, diffInventories, type Change, type InventoryDiff, type ServerDiff } from '../compare/diff.js';
import { loadPolicy } from '../findings/policy.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ExitCode, UsageError } from '../util/errors.js';
import { formatRows, formats, type Column, type Format } from '../util/format.js';
import { toAsciiJson } from '../util/json.js';
import { formatForOutput, terminalText, writeHuman } from '../cli/terminal.js';
import { readJsonInput } from '../util/read-json.js';
import { expectDocument } from '../util/document-kind.js';

interface DiffCliOptions {
  policy?: string[];
  format?: Format;
  out?: string;
  referenceTime?: string;
  all?: boolean;
}

interface ChangeRow {
  server: string;
  serverChange: ServerDiff['change'];
  change: Change;
}

/** table and csv: one row per change; headers are the ExTls module's ExTls.InventoryChange property names. */
const changeColumns: Column<ChangeRow>[] = [
  { header: 'Server', value: (r) => r.server },
  { header: 'Change', value: (r) => r.serverChange },
  { header: 'Category', value: (r) => r.change.category },
  { header: 'Kind', value: (r) => r.change.kind },
  { header: 'Item', value: (r) => r.change.item },
  { header: 'State', value: (r) => r.change.state },
  { header: 'Before', value: (r) => r.change.before ?? '' },
  { header: 'After', value: (r) => r.change.after ?? '' },
];

/** The rows of the table and csv: what is new, resolved or changed (--all: unchanged items too), fleet findings last. */
function changeRows(diff: InventoryDiff, all: boolean): ChangeRow[] {
  const shown = (c: Change) => all || c.state !== 'unchanged';
  const rows: ChangeRow[] = diff.servers
    .filter((s) => all || s.change !== 'unchanged')
    .flatMap((s) => s.changes.filter(shown).map((change) => ({ server: s.server, serverChange: s.change, change })));
  rows.push(...diff.fleet.filter(shown).map((change) => ({ server: '(fleet)', serverChange: change.state === 'unchanged' ? ('unchanged' as const) : ('changed' as const), change })));
  return rows;
}

function renderDiff(diff: InventoryDiff, format: Format, all = false): string {
  if (format === 'json') return toAsciiJson(diff, 2) + '\n';
  const servers = all ? diff.servers : diff.servers.filter((s) => s.change !== 'unchanged');
  if (format === 'ndjson') return formatRows(servers, [], 'ndjson');
  let text = formatForOutput(changeRows(diff, all), changeColumns, format);
  if (format === 'table') {
    const s = diff.summary;
    text += terminalText(`${s.changed} changed, ${s.added} added, ${s.removed} removed, ${s.invalid} invalid, ${s.unchanged} unchanged (policies: ${diff.policies.join(', ')})\n`);
    const counts = diffCategories
      .map((c) => ({ c, n: s.byCategory[c] }))
      .filter(({ n }) => n.new + n.resolved + n.changed > 0)
      .map(({ c, n }) => `${c}: ${n.new} new, ${n.resolved} resolved, ${n.changed} changed, ${n.unchanged} unchanged`);
    if (counts.length) text += terminalText(counts.join('\n') + '\n');
  }
  return text;
}

export function register(program: Command, exit: ExitWith): void {
  program
    .command('diff')
    .description('What changed per server between two inventories: values, builds, verdicts, legacy-TLS peers, failures')
    .argument('<reference>', 'the earlier inventory.json (before the change window)')
    .argument('<difference>', 'the later inventory.json (- reads stdin)')
    .option('--policy <policy>', 'verdicts by these policies; repeatable (default: tls12-ready)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('--format <format>', 'stdout format (default: table on a terminal, else json)').choices([...formats]))
    .option('--out <file>', 'write the comparison (JSON) here')
    .option('--reference-time <iso>', 'judge product support in both as of this time (default: now)')
    .option('--all', 'table, csv, ndjson: list unchanged servers too')
    .action(async (referenceFile: string, differenceFile: string, opts: DiffCliOptions) => {
      exit(await runDiff(referenceFile, differenceFile, opts));
    });
}

async function runDiff(referenceFile: string, differenceFile: string, opts: DiffCliOptions): Promise<number> {
  if (referenceFile === '-') throw new UsageError('only the second inventory can come from stdin');
  const format = opts.format ?? (process.stdout.isTTY ? 'table' : 'json');
  let referenceTime = new Date();
  if (opts.referenceTime !== undefined) {
    referenceTime = new Date(opts.referenceTime);
    if (Number.isNaN(referenceTime.getTime())) throw new UsageError(`--reference-time "${opts.referenceTime}" is not a date-time`);
  }
  const policies = (opts.policy?.length ? opts.policy : ['tls12-ready']).map(loadPolicy);
  const [reference, difference] = [await readJsonInput(referenceFile, 'inventory'), await readJsonInput(differenceFile, 'inventory')];
  expectDocument(reference, 'inventory', referenceFile);
  expectDocument(difference, 'inventory', differenceFile);
  const { diff, inputErrors } = diffInventories(reference, difference, policies, { reference: referenceFile, difference: differenceFile }, referenceTime);
  for (const e of inputErrors) writeHuman(process.stderr, `extls: ${e.file}: server ${e.server} skipped:\n  ${e.messages.join('\n  ')}\n`);
  if (opts.out) await writeFileAtomic(opts.out, toAsciiJson(diff, 2) + '\n');
  if (!opts.out || opts.format) process.stdout.write(renderDiff(diff, format, opts.all));
  return inputErrors.length ? ExitCode.Partial : ExitCode.Ok;
}
