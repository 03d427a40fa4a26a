import { readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ExitCode, UsageError } from '../util/errors.js';
import { checkOutFile } from '../util/out-path.js';
import { formatRows, parseFormat, type Format } from '../util/format.js';
import { exchangeOnlineColumns, probeColumns } from '../probe/columns.js';
import { DEFAULT_SMTP_PORT, parseEndpoint } from '../probe/endpoints.js';
import { endpointsFromFleet } from '../probe/fleet-endpoints.js';
import { probeEndpoints } from '../probe/runner.js';
import type { Endpoint, ProbeResult } from '../probe/types.js';

interface ProbeCliOptions {
  fleet?: string;
  format: string;
  timeout: string;
  concurrency: string;
  ehloName?: string;
  port: string;
  ca?: string[];
  out?: string;
  as?: 'exchange-online' | 'none';
  expectName?: string;
  suiteTime: string;
}

function positiveNumber(value: string, flag: string, integer: boolean, max: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be a ${integer ? 'whole ' : ''}number above 0 and at most ${max}, not "${value}"`);
  }
  return n;
}

function progressLine(r: ProbeResult, done: number, total: number): string {
  const what =
    r.status === 'failed'
      ? `FAILED ${r.failure?.category} at ${r.failure?.step}: ${r.failure?.message}`
      : !r.starttls.offered
        ? 'no STARTTLS'
        : `accepts ${r.summary.acceptedVersions.join(', ') || 'no TLS version'}`;
  const eo = r.exchangeOnline && r.status === 'ok' ? `; Exchange Online ${r.exchangeOnline.display}` : '';
  return `probe: [${done}/${total}] ${r.endpoint}${r.server ? ` (${r.server})` : ''}: ${what}${eo}\n`;
}

export function register(program: Command): void {
  program
    .command('probe')
    .description(
      'Check SMTP endpoints from outside: STARTTLS offered?, and which of TLS 1.0/1.1/1.2/1.3 each accepts (one handshake per version), certificate, and whether mail without TLS is refused.',
    )
    .argument('[endpoints...]', 'host, host:port, [IPv6]:port (default port 25)')
    .option('--fleet <file>', 'also probe every server of this fleet file (address, else name)')
    .option('--format <format>', 'table | json | ndjson | csv', 'table')
    .option('--timeout <seconds>', 'timeout for each step: connect, each reply, TLS handshake', '10')
    .option('--concurrency <n>', 'endpoints probed at the same time', '8')
    .option('--ehlo-name <name>', 'name sent with EHLO (default: this host name)')
    .option('--port <port>', 'SMTP port for endpoints given without one and for fleet servers', String(DEFAULT_SMTP_PORT))
    .option('--ca <file...>', 'PEM file(s) with CA certificates trusted in addition to Node\'s bundled roots')
    .option('--out <file>', 'write the output to this file instead of stdout')
    .addOption(
      new Option('--as <client>', 'also handshake as this client does: exchange-online (its TLS 1.2 suites, in its order; default with --fleet), none').choices([
        'exchange-online',
        'none',
      ]),
    )
    .option('--expect-name <fqdn>', 'with --as exchange-online: the FQDN its connector expects on the certificate (default: fleet smtpFqdn, else the host name given)')
    .option('--suite-time <seconds>', 'with --as exchange-online: time for finding the suites a server takes instead (per endpoint)', '30')
    .action(async (args: string[], opts: ProbeCliOptions) => {
      let format: Format;
      try {
        format = parseFormat(opts.format);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const timeoutMs = positiveNumber(opts.timeout, '--timeout', false, 3600) * 1000;
      const concurrency = positiveNumber(opts.concurrency, '--concurrency', true, 1024);
      const port = positiveNumber(opts.port, '--port', true, 65535);
      const suiteBudgetMs = positiveNumber(opts.suiteTime, '--suite-time', false, 3600) * 1000;
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
          ca.push(await readFile(file, 'utf8'));
        } catch (err) {
          throw new UsageError(`cannot read --ca file ${file}: ${(err as Error).message}`);
        }
      }
      const ehloName = opts.ehloName ?? os.hostname();
      if (!/^[\x21-\x7e]+$/.test(ehloName)) throw new UsageError(`--ehlo-name must be one printable word, not "${ehloName}"`);

      const streaming = format === 'ndjson' && !opts.out;
      const columns = asExchangeOnline ? [...probeColumns.slice(0, -1), ...exchangeOnlineColumns, probeColumns[probeColumns.length - 1]!] : probeColumns;
      process.stderr.write(`probe: ${endpoints.length} endpoint(s), ${concurrency} at a time, ${timeoutMs / 1000} s per step\n`);
      const results = await probeEndpoints(endpoints, {
        timeoutMs,
        concurrency,
        ehloName,
        ...(ca.length ? { ca } : {}),
        ...(asExchangeOnline ? { exchangeOnline: true, suiteBudgetMs } : {}),
        ...(opts.expectName ? { expectName: opts.expectName } : {}),
        onResult: (r, done, total) => {
          process.stderr.write(progressLine(r, done, total));
          // ndjson to stdout streams: scripts (the ExTls module) see each endpoint as soon as it is done.
          if (streaming) process.stdout.write(formatRows([r], columns, 'ndjson'));
        },
      });
      // (streamed ndjson was written as each endpoint finished)
      if (opts.out) {
        await writeFileAtomic(opts.out, formatRows(results, columns, format));
        process.stderr.write(`probe: wrote ${opts.out}\n`);
      } else if (!streaming) {
        process.stdout.write(formatRows(results, columns, format));
      }
      const failed = results.filter((r) => r.status === 'failed').length;
      if (failed > 0) {
        process.stderr.write(`probe: ${failed} of ${results.length} endpoint(s) could not be probed\n`);
        process.exitCode = ExitCode.Partial;
      }
    });
}
