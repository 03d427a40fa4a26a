import { Command, Option } from 'commander';
import type { ExitWith } from '../cli.js';
import { createReporter, type Reporter } from '../cli/reporter.js';
import { loadFleet } from '../fleet/load.js';
import { PersistentPowerShellHost } from '../powershell/host.js';
import { locatePowerShell } from '../powershell/locate.js';
import { collectFleet, planFleet, type Credential } from '../inventory/collect.js';
import { recordsFromFolder } from '../inventory/from-folder.js';
import { recordsFromExports } from '../inventory/offline-exports.js';
import type { InventoryRecord } from '../inventory/types.js';
import { InventoryWriter, StdoutSink } from '../inventory/writer.js';
import { ExitCode, UsageError } from '../util/errors.js';
import { formatRows, formats, type Column, type Format } from '../util/format.js';
import { readStdin } from '../util/stdin.js';
import { toAsciiJson } from '../util/json.js';

interface InventoryOptions {
  fleet?: string;
  from?: string;
  exports?: string;
  out?: string;
  format?: Format;
  throttle?: number;
  timeout?: number;
  pwsh?: string;
  credentialStdin?: boolean;
  plan?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** table and csv: headers are the property names of the ExTls module's ExTls.InventoryRecord (no spaces). */
export const recordColumns: Column<InventoryRecord>[] = [
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
    .option('--from <folder>', 'build the inventory from collector JSON files (ExTlsCollector.ps1 -OutFile)')
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
    .action(async (opts: InventoryOptions) => {
      exit(await runInventory(opts));
    });
}

async function runInventory(opts: InventoryOptions): Promise<number> {
  const modes = [opts.fleet, opts.from, opts.exports].filter((m) => m !== undefined);
  if (modes.length !== 1) throw new UsageError('give exactly one of --fleet <file>, --from <folder>, --exports <folder>');
  if (!opts.out && !opts.format && !opts.plan) throw new UsageError('give --out <file> and/or --format <format>');

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
  const source = opts.fleet ? (opts.fleet === '-' ? 'stdin' : opts.fleet) : (opts.from ?? opts.exports!);
  let total = 0;
  let failed = 0;
  const handle = async (record: InventoryRecord) => {
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
  const report = (r: InventoryRecord) =>
    reporter.item({ name: r.server, ok: r.status === 'ok', detail: r.failure ? `${r.failure.category}: ${r.failure.message}` : undefined, durationMs: r.durationMs });

  try {
    if (opts.fleet && opts.plan) {
      const fleet = await loadFleet(opts.fleet, fleetText);
      const plans = await planFleet(fleet, { pwsh: locatePowerShell(opts.pwsh).path, throttle: opts.throttle, timeoutSeconds: opts.timeout, credential });
      process.stdout.write(toAsciiJson(plans, 2) + '\n');
      return ExitCode.Ok;
    } else if (opts.fleet) {
      const fleet = await loadFleet(opts.fleet, fleetText);
      const pwsh = locatePowerShell(opts.pwsh).path;
      await open();
      reporter.start(fleet.servers.length);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      try {
        await collectFleet(fleet, {
          pwsh,
          throttle: opts.throttle,
          timeoutSeconds: opts.timeout,
          credential,
          signal: abort.signal,
          onLog: (line) => reporter.debug(line),
          onRecord: async (r) => {
            report(r);
            await handle(r);
          },
        });
      } finally {
        process.off('SIGINT', onSignal);
      }
    } else if (opts.from) {
      await open();
      reporter.start(0);
      for await (const r of recordsFromFolder(opts.from)) {
        report(r);
        await handle(r);
      }
    } else {
      const host = new PersistentPowerShellHost(locatePowerShell(opts.pwsh).path);
      await open();
      reporter.start(0);
      try {
        for await (const r of recordsFromExports(opts.exports!, host)) {
          report(r);
          await handle(r);
        }
      } finally {
        await host.close();
      }
    }
  } catch (err) {
    reporter.stop();
    await writer?.abort();
    await jsonOut?.abort();
    throw err;
  }
  reporter.stop();

  await writer?.commit();
  await jsonOut?.commit();
  reporter.info(`${total} servers, ${total - failed} ok, ${failed} failed${opts.out ? ` -> ${opts.out}` : ''}`);
  if (opts.format === 'table' || opts.format === 'csv') {
    printed.sort((a, b) => a.server.localeCompare(b.server));
    process.stdout.write(formatRows(printed, recordColumns, opts.format));
  }
  return failed > 0 ? ExitCode.Partial : ExitCode.Ok;
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
