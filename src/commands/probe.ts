import net from 'node:net';
import os from 'node:os';
import { Option, type Command } from 'commander';
import type { ExitWith } from '../cli.js';
import { createReporter, progressOption, type ProgressMode } from '../cli/reporter.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ExitCode, UsageError } from '../util/errors.js';
import { readFailure, readTextChecked } from '../util/read-file.js';
import { checkOutFile } from '../util/out-path.js';
import { formatRows, formats, parseFormat, type Format } from '../util/format.js';
import { exchangeOnlineColumns, probeColumns } from '../probe/columns.js';
import { formatForOutput } from '../cli/terminal.js';
import { DEFAULT_SMTP_PORT, parseEndpoint } from '../probe/endpoints.js';
import { endpointsFromFleet } from '../probe/fleet-endpoints.js';
import { probeEndpoints } from '../probe/runner.js';
import type { Endpoint, ProbeResult } from '../probe/types.js';

interface ProbeCliOptions {
  fleet?: string;
  format: Format;
  stepTimeout: number;
  concurrency: number;
  ehloName?: string;
  port: number;
  ca?: string[];
  out?: string;
  quiet?: boolean;
  progress?: ProgressMode;
  as?: 'exchange-online' | 'none';
  expectName?: string;
  suiteTime: number;
}

function positiveNumber(value: string, flag: string, integer: boolean, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be a ${integer ? 'whole ' : ''}number above 0 and at most ${max}, not "${value}"`);
  }
  return n;
}

/** What one endpoint showed, in a few words, for the progress output. */
function outcomeText(r: ProbeResult): string {
  const eo = r.exchangeOnline && r.status === 'ok' ? `; Exchange Online ${r.exchangeOnline.display}` : '';
  if (r.status === 'failed') return `${r.failure?.category} at ${r.failure?.step}: ${r.failure?.message}`;
  if (!r.starttls.offered) return `no STARTTLS${eo}`;
  return `accepts ${r.summary.acceptedVersions.join(', ') || 'no TLS version'}${eo}`;
}

function formatOption(value: string): Format {
  try {
    return parseFormat(value);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A numeric option: parsed and checked by commander, its default shown once in --help, unquoted. */
function numberOption(flags: string, description: string, integer: boolean, max: number, defaultValue: number): Option {
  const flag = flags.split(' ')[0]!;
  return new Option(flags, description).argParser((v) => positiveNumber(v, flag, integer, max)).default(defaultValue, String(defaultValue));
}

export function register(program: Command, exit: ExitWith): void {
  program
    .command('probe')
    .description(
      'Check SMTP endpoints from outside: STARTTLS offered?, and which of TLS 1.0/1.1/1.2/1.3 each accepts (one handshake per version), certificate, and whether mail without TLS is refused.',
    )
    .argument('[endpoints...]', 'host, host:port, [IPv6]:port (default port 25)')
    .option('--fleet <file>', 'also probe every server of this fleet file (address, else name)')
    .addOption(new Option('--format <format>', `output format: ${formats.join(', ')}`).argParser(formatOption).default('table', 'table'))
    .addOption(numberOption('--step-timeout <seconds>', 'time limit for each step: connect, each reply, each TLS handshake', false, 3600, 10))
    .addOption(numberOption('--concurrency <n>', 'endpoints probed at the same time', true, 1024, 8))
    .option('--ehlo-name <name>', 'name sent with EHLO (default: this host name)')
    .addOption(numberOption('--port <port>', 'SMTP port for endpoints given without one and for fleet servers', true, 65535, DEFAULT_SMTP_PORT))
    .option('--ca <file...>', 'PEM file(s) with CA certificates trusted in addition to Node\'s bundled roots')
    .option('--out <file>', 'write the output to this file instead of stdout')
    .option('-q, --quiet', 'no progress output')
    .addOption(progressOption())
    .addOption(
      new Option('--as <client>', 'also handshake as this client does: exchange-online (its TLS 1.2 suites, in its order; default with --fleet), none').choices([
        'exchange-online',
        'none',
      ]),
    )
    .option('--expect-name <fqdn>', 'with --as exchange-online: the FQDN its connector expects on the certificate (default: fleet smtpFqdn, else the host name given)')
    .addOption(numberOption('--suite-time <seconds>', 'with --as exchange-online: time for finding the suites a server takes instead (per endpoint)', false, 3600, 30))
    .action(async (args: string[], opts: ProbeCliOptions) => {
      const format = opts.format;
      const timeoutMs = opts.stepTimeout * 1000;
      const { concurrency, port } = opts;
      const suiteBudgetMs = opts.suiteTime * 1000;
      const asExchangeOnline = (opts.as ?? (opts.fleet ? 'exchange-online' : 'none')) === 'exchange-online';
      if (opts.expectName !== undefined) {
        if (!asExchangeOnline) throw new UsageError('--expect-name needs --as exchange-online');
        // a DNS name (a wildcard is the certificate's business, not the expected name's) or an IP literal
        if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(opts.expectName) && net.isIP(opts.expectName) === 0) {
          throw new UsageError(`--expect-name must be a host name, not "${opts.expectName}"`);
        }
      }
      const endpoints: Endpoint[] = [];
      for (const a of args) {
        try {
          endpoints.push(parseEndpoint(a, port));
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
      }
      if (opts.out) checkOutFile(opts.out);
      if (opts.fleet) endpoints.push(...(await endpointsFromFleet(opts.fleet, port)));
      if (endpoints.length === 0) throw new UsageError('probe needs at least one endpoint or --fleet <file>');
      const ca: string[] = [];
      for (const file of opts.ca ?? []) {
        try {
          ca.push((await readTextChecked(file)).text);
        } catch (err) {
          throw new UsageError(readFailure('--ca file', file, err));
        }
      }
      const ehloName = opts.ehloName ?? os.hostname();
      if (!/^[\x21-\x7e]+$/.test(ehloName)) throw new UsageError(`--ehlo-name must be one printable word, not "${ehloName}"`);

      const streaming = format === 'ndjson' && !opts.out;
      const columns = asExchangeOnline ? [...probeColumns.slice(0, -1), ...exchangeOnlineColumns, probeColumns[probeColumns.length - 1]!] : probeColumns;
      const reporter = createReporter('probe', 'endpoints', opts);
      reporter.info(`${endpoints.length} endpoint(s), ${concurrency} at a time, ${timeoutMs / 1000} s per step`);
      reporter.start(endpoints.length);
      let results: ProbeResult[];
      try {
        results = await probeEndpoints(endpoints, {
          timeoutMs,
          concurrency,
          ehloName,
          ...(ca.length ? { ca } : {}),
          ...(asExchangeOnline ? { exchangeOnline: true, suiteBudgetMs } : {}),
          ...(opts.expectName ? { expectName: opts.expectName } : {}),
          onResult: (r) => {
            reporter.item({ name: `${r.endpoint}${r.server ? ` (${r.server})` : ''}`, ok: r.status !== 'failed', detail: outcomeText(r) });
            // ndjson to stdout streams: scripts (the ExTls module) see each endpoint as soon as it is done.
            if (streaming) process.stdout.write(formatRows([r], columns, 'ndjson'));
          },
        });
      } finally {
        reporter.stop();
      }
      // (streamed ndjson was written as each endpoint finished)
      if (opts.out) {
        await writeFileAtomic(opts.out, formatForOutput(results, columns, format));
        reporter.info(`wrote ${opts.out}`);
      } else if (!streaming) {
        process.stdout.write(formatForOutput(results, columns, format));
      }
      const failed = results.filter((r) => r.status === 'failed').length;
      if (failed > 0) reporter.warn(`${failed} of ${results.length} endpoint(s) could not be probed`);
      exit(failed > 0 ? ExitCode.Partial : ExitCode.Ok);
    });
}
