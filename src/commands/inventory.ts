import { Command, Option } from 'commander';
import type { ExitWith } from '../cli.js';
import { createReporter, progressOption, type ProgressMode, type Reporter } from '../cli/reporter.js';
import { loadFleet } from '../fleet/load.js';
import { locatePowerShell } from '../powershell/locate.js';
import { byServerName } from '../util/server-order.js';
import { collectFleet, planFleet, type Credential } from '../inventory/collect.js';
import { DropFolder, parseAge } from '../inventory/from-folder.js';
import { fleetFromExports } from '../inventory/offline-exports.js';
import type { Fleet } from '../fleet/types.js';
import type { InventoryRecord } from '../inventory/types.js';
import { InventoryWriter, StdoutSink } from '../inventory/writer.js';
import { duplicateMessage, serverKey, ServerIdentities } from '../inventory/identity.js';
import { oneLine } from '../util/one-line.js';
import { onInterrupt } from '../util/interrupt.js';
import { checkOutFile } from '../util/out-path.js';
import { ExitCode, UsageError } from '../util/errors.js';
import { formats, type Column, type Format } from '../util/format.js';
import { formatForOutput } from '../cli/terminal.js';
import { readStdin } from '../util/stdin.js';
import { toAsciiJson } from '../util/json.js';

interface InventoryOptions {
  fleet?: string;
  from?: string;
  exports?: string;
  staleAfter: string;
  out?: string;
  format?: Format;
  throttle?: number;
  timeout?: number;
  pwsh?: string;
  credentialStdin?: boolean;
  plan?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  progress?: ProgressMode;
}

/** table and csv: headers are the property names of the ExTls module's ExTls.InventoryRecord (no spaces). */
const recordColumns: Column<InventoryRecord>[] = [
  { header: 'Server', value: (r) => r.server },
  { header: 'Status', value: (r) => r.status },
  { header: 'Category', value: (r) => r.failure?.category ?? '' },
  { header: 'OS', value: (r) => r.data?.os.productName ?? '' },
  { header: 'OSBuild', value: (r) => (r.data?.os.currentBuild ? `${r.data.os.currentBuild}${r.data.os.ubr === null || r.data.os.ubr === undefined ? '' : `.${r.data.os.ubr}`}` : '') },
  { header: 'ExchangeBuild', value: (r) => r.data?.exchange.build ?? '' },
  { header: 'Dag', value: (r) => r.groups.dag ?? '' },
  { header: 'Site', value: (r) => r.groups.site ?? '' },
  { header: 'Role', value: (r) => r.groups.role ?? '' },
  { header: 'RebootPending', value: (r) => (r.data ? String(r.data.pendingReboot.pending) : '') },
  { header: 'Message', value: (r) => r.failure?.message ?? '' },
];

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number, got "${v}"`);
  return n;
};

export function register(program: Command, exit: ExitWith): void {
  program
    .command('inventory')
    .description('Collect TLS settings, builds and evidence from every server into one inventory')
    .option('--fleet <file>', 'fleet file (YAML or JSON); - reads it from stdin')
    .option('--from <folder>', 'build the inventory from collector JSON files (ExTlsCollector.ps1 -OutFile); with --fleet, merged with the live fan-out')
    .addOption(new Option('--stale-after <age>', 'with --from: a file whose report is older than this is a failed record "stale" (e.g. 36h, 7d; off)').default('7d', '7d'))
    .option('--exports <folder>', 'offline: one sub-folder per server holding its reg export files')
    .option('--out <file>', 'write inventory.json here (atomically)')
    .addOption(new Option('--format <format>', 'also print on stdout: json is the document --out writes, ndjson one record per server as each finishes').choices([...formats]))
    .option('--throttle <n>', 'servers collected at once (default: fleet file, else 32)', positiveInt('--throttle'))
    .option('--timeout <seconds>', 'time limit for each server, overrides the fleet file (default: fleet file, else 300)', positiveInt('--timeout'))
    .option('--pwsh <path>', 'PowerShell to run (default: EXTLS_PWSH, .tools/pwsh, pwsh on PATH, powershell.exe)')
    .option('--credential-stdin', 'read a WinRM credential as one JSON line {"userName","password"} from stdin first')
    .option('--plan', 'print what each server would be given (transport parameters, no secrets) and connect to nothing')
    .option('-q, --quiet', 'no progress output')
    .option('-v, --verbose', 'show ssh/driver messages')
    .addOption(progressOption())
    .action(async (opts: InventoryOptions) => {
      exit(await runInventory(opts));
    });
}

async function runInventory(opts: InventoryOptions): Promise<number> {
  const modes = [opts.fleet ?? opts.from, opts.exports].filter((m) => m !== undefined);
  if (modes.length !== 1) throw new UsageError('give --fleet <file>, --from <folder> (or both, to merge them), or --exports <folder>');
  const staleAfterMs = parseAge(opts.staleAfter);
  if (!opts.out && !opts.format && !opts.plan) throw new UsageError('give --out <file> and/or --format <format>');
  if (opts.out && !opts.plan) checkOutFile(opts.out);

  // stdin may hold a credential line, then the fleet: read it once.
  let stdin: string | undefined;
  const stdinText = async () => (stdin ??= await readStdin());
  let credential: Credential | undefined;
  let fleetText: (() => Promise<string>) | undefined;
  if (opts.credentialStdin) {
    const all = await stdinText();
    const nl = all.indexOf('\n');
    credential = parseCredential(nl < 0 ? all : all.slice(0, nl));
    fleetText = async () => (nl < 0 ? '' : all.slice(nl + 1));
  } else {
    fleetText = stdinText;
  }

  const printed: InventoryRecord[] = [];
  let writer: InventoryWriter | undefined;
  let jsonOut: InventoryWriter | undefined;
  const fleetSource = opts.fleet === '-' ? 'stdin' : opts.fleet;
  const source = [fleetSource, opts.from].filter(Boolean).join(' + ') || opts.exports!;
  let total = 0;
  let failed = 0;
  let duplicates = 0;
  const identities = new ServerIdentities();
  const handle = async (record: InventoryRecord) => {
    // one record per server: a second record of the same server (two collector files of one computer, EX02 and
    // ex02) would make later stages write one server's runbook over the other's
    const dup = identities.claim(record.server, `record ${total + duplicates + 1}`);
    if (dup) {
      duplicates++;
      reporter.warn(`${source}: ${oneLine(duplicateMessage(record.server, dup))}; this record was left out`);
      return;
    }
    total++;
    if (record.status === 'failed') failed++;
    await writer?.add(record);
    if (opts.format === 'ndjson') process.stdout.write(toAsciiJson(record) + '\n');
    else if (opts.format === 'json') await jsonOut!.add(record);
    else if (opts.format) printed.push(record);
  };
  const open = async () => {
    if (opts.out) writer = await InventoryWriter.open(opts.out, source);
    if (opts.format === 'json') jsonOut = await InventoryWriter.open(new StdoutSink(), source);
  };
  const reporter: Reporter = createReporter('inventory', 'servers', opts);
  // the first SIGINT/SIGTERM stops the run: the driver and the local sessions stop, drop files not read yet are
  // not read; the servers done so far are kept, the rest recorded as interrupted, and the inventory written (exit 2)
  const abort = new AbortController();
  const stopHandling = onInterrupt(() => abort.abort());
  const report = (r: InventoryRecord) =>
    reporter.item({ name: r.server, ok: r.status === 'ok', detail: r.failure ? `${r.failure.category}: ${r.failure.message}` : undefined, durationMs: r.durationMs });

  try {
    if (opts.fleet && opts.plan) {
      const fleet = await loadFleet(opts.fleet, fleetText);
      // servers reporting through a drop folder are not connected to
      const plans = await planFleet({ ...fleet, servers: fleet.servers.filter((s) => s.transport !== 'file') }, { pwsh: locatePowerShell(opts.pwsh).path, throttle: opts.throttle, timeoutSeconds: opts.timeout, credential });
      process.stdout.write(toAsciiJson(plans, 2) + '\n');
      stopHandling();
      return ExitCode.Ok;
    } else if (opts.fleet || opts.from) {
      const fleet = opts.fleet ? await loadFleet(opts.fleet, fleetText) : undefined;
      const drops = opts.from ? await DropFolder.open(opts.from, { limits: fleet?.readLimits }) : undefined;
      const fileServers = fleet?.servers.filter((s) => s.transport === 'file') ?? [];
      if (!drops && fileServers.length > 0) {
        throw new UsageError(`${fleetSource}: ${fileServers.map((s) => s.name).slice(0, 5).join(', ')} use transport file: give --from <folder> with their collector files`);
      }
      const split = drops?.plan(fleet?.servers ?? [], { staleAfterMs, staleAfterText: opts.staleAfter, signal: abort.signal });
      const live = split ? split.live : fleet!.servers;
      await open();
      // one record per live server, per server of the drop folder, per file-transport server of the fleet without a file
      // there, and per live server the folder also claims (refused)
      const fromFolder = drops ? new Set([...drops.claims.keys(), ...fileServers.map((s) => serverKey(s.name))]).size : 0;
      const claimedTwice = drops ? (fleet?.servers ?? []).filter((s) => s.transport !== 'file' && drops.claims.has(serverKey(s.name))).length : 0;
      reporter.start(live.length + fromFolder + claimedTwice);
      const handleReported = async (r: InventoryRecord) => {
        report(r);
        await handle(r);
      };
      if (live.length > 0) await collectLive({ ...fleet!, servers: live }, opts, credential, reporter, handleReported, abort.signal);
      if (split) for await (const r of split.records) await handleReported(r);
    } else {
      const { fleet, failed: empty } = await fleetFromExports(opts.exports!, opts.timeout);
      await open();
      reporter.start(fleet.servers.length + empty.length);
      for (const r of empty) {
        report(r);
        await handle(r);
      }
      await collectLive(
        fleet,
        opts,
        undefined,
        reporter,
        async (r) => {
          report(r);
          await handle(r);
        },
        abort.signal,
      );
    }
  } catch (err) {
    stopHandling();
    reporter.stop();
    await writer?.abort();
    await jsonOut?.abort();
    throw err;
  }
  stopHandling();
  reporter.stop();

  await writer?.commit();
  await jsonOut?.commit();
  reporter.info(`${total} servers, ${total - failed} ok, ${failed} failed${opts.out ? ` -> ${opts.out}` : ''}`);
  if (opts.format === 'table' || opts.format === 'csv') {
    printed.sort((a, b) => byServerName(a.server, b.server));
    process.stdout.write(formatForOutput(printed, recordColumns, opts.format));
  }
  return failed > 0 || duplicates > 0 ? ExitCode.Partial : ExitCode.Ok;
}

async function collectLive(
  fleet: Fleet,
  opts: InventoryOptions,
  credential: Credential | undefined,
  reporter: Reporter,
  handle: (r: InventoryRecord) => Promise<void>,
  signal: AbortSignal,
) {
  const pwsh = locatePowerShell(opts.pwsh).path;
  // an interrupted run stops the driver; the servers done so far are kept, the rest marked interrupted
  await collectFleet(fleet, {
    pwsh,
    throttle: opts.throttle,
    timeoutSeconds: opts.timeout,
    credential,
    signal,
    onLog: (line) => reporter.debug(line),
    onRecord: handle,
  });
}

function parseCredential(line: string): Credential {
  try {
    const c = JSON.parse(line) as Partial<Credential>;
    if (typeof c.userName === 'string' && c.userName && typeof c.password === 'string') return { userName: c.userName, password: c.password };
  } catch {
    /* fall through: never echo the line, it may hold a password */
  }
  throw new UsageError('--credential-stdin: the first stdin line must be JSON {"userName": "...", "password": "..."}');
}
