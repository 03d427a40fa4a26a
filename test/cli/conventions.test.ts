// CLI conventions every command keeps: --format json writes what --out writes, CSV headers are the ExTls module's
// property names, one meaning per option name, defaults shown once and unquoted, --quiet, exit codes returned.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { main } from '../../src/cli.js';
import { inventory, rawOutput, readyOutput, record } from '../findings/builders.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
let drop: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'extls-conventions-'));
  drop = join(dir, 'drop');
  mkdirSync(drop);
  writeFileSync(join(drop, 'EX01.json'), JSON.stringify({ ...rawOutput(), computerName: 'EX01' }));
  writeFileSync(join(drop, 'EX02.json'), JSON.stringify({ ...readyOutput(), computerName: 'EX02' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const csvOf = (text: string) => parse(text.replace(/^\uFEFF/, ''), { columns: false }) as string[][];

describe('extls inventory --format', () => {
  it('json writes the same document --out writes, so it pipes into analyze', async () => {
    const out = join(dir, 'inv.json');
    const r = await runCli(['inventory', '--from', drop, '--stale-after', 'off', '--out', out, '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(0);
    const printed = JSON.parse(r.stdout);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    delete printed.createdAt;
    delete written.createdAt;
    expect(printed).toEqual(written);
    expect(printed.summary).toEqual({ total: 2, ok: 2, failed: 0 });
    const analyzed = await runCli(['analyze', '-', '--format', 'json'], { input: r.stdout });
    expect(analyzed.exitCode).toBe(0);
    expect(JSON.parse(analyzed.stdout).servers).toHaveLength(2);
  });

  it('csv has headers without spaces, named like ExTls.InventoryRecord properties, and booleans as true/false', async () => {
    const r = await runCli(['inventory', '--from', drop, '--stale-after', 'off', '--format', 'csv', '--quiet']);
    const [head, ...rows] = csvOf(r.stdout);
    expect(head).toEqual(['Server', 'Status', 'Category', 'OS', 'OSBuild', 'ExchangeBuild', 'Dag', 'Site', 'Role', 'RebootPending', 'Message']);
    expect(rows.map((row) => row[head!.indexOf('RebootPending')])).toEqual(['false', 'false']);
  });

  it('--quiet prints nothing on stderr; without it one line per server and a summary', async () => {
    const quiet = await runCli(['inventory', '--from', drop, '--stale-after', 'off', '--format', 'ndjson', '--quiet']);
    expect(quiet.stderr).toBe('');
    const loud = await runCli(['inventory', '--from', drop, '--stale-after', 'off', '--format', 'ndjson']);
    expect(loud.stderr).toMatch(/^inventory: \[1\/2\] EX0\d ok/m);
    expect(loud.stderr).toContain('inventory: 2 servers, 2 ok, 0 failed');
  });
});

describe('extls analyze --format csv', () => {
  it('names its columns like ExTls.Finding properties and writes booleans as true/false', async () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify(inventory([record(rawOutput(), 'EX01')])));
    const r = await runCli(['analyze', file, '--format', 'csv']);
    const [head, ...rows] = csvOf(r.stdout);
    for (const h of head!) expect(h).toMatch(/^[A-Za-z]+$/);
    expect(head).toEqual(expect.arrayContaining(['Server', 'Id', 'Severity', 'Title', 'Changes', 'RestartRequired']));
    expect(new Set(rows.map((row) => row[head!.indexOf('RestartRequired')]))).toEqual(new Set(['true', 'false']));
  });
});

describe('extls probe', () => {
  it('csv headers are ExTls.SmtpTlsResult property names', async () => {
    const r = await runCli(['probe', '127.0.0.1:1', '--format', 'csv', '--step-timeout', '2', '--quiet']);
    expect(r.exitCode).toBe(2);
    const [head] = csvOf(r.stdout);
    expect(head!.slice(0, 8)).toEqual(['Endpoint', 'Server', 'Status', 'StartTls', 'Tls10', 'Tls11', 'Tls12', 'Tls13']);
    for (const h of head!) expect(h).toMatch(/^[A-Za-z0-9]+$/);
    expect(r.stderr).toBe('probe: 1 of 1 endpoint(s) could not be probed');
  });

  it('has no --timeout: its per-step limit is --step-timeout (--timeout means per server in inventory)', async () => {
    const r = await runCli(['probe', '127.0.0.1:1', '--timeout', '2']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("unknown option '--timeout'");
  });
});

describe('--help', () => {
  it.each(['inventory', 'analyze', 'runbooks', 'probe', 'diff'])('%s shows each default once and unquoted', async (command) => {
    const r = await runCli([command, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(/default: "/);
    expect(r.stdout).not.toMatch(/default: \[\]/);
    // one option's text runs until the next line that starts an option
    const options = r.stdout.split(/\n(?=\s{2}-)/);
    for (const o of options) expect(o.match(/default:/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });
});

describe('extls runbooks --format json', () => {
  it('prints what was written: files that exist, runbooks, servers not collected', async () => {
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify(inventory([record(rawOutput(), 'EX01'), record(null, 'EX08')])));
    const out = join(dir, 'runbooks');
    const r = await runCli(['runbooks', file, '--out', out, '--format', 'json', '--quiet']);
    expect(r.exitCode).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.notCollected).toEqual(['EX08']);
    expect(result.runbooks.map((x: { server: string }) => x.server)).toEqual(['EX01']);
    expect(result.files).toEqual(expect.arrayContaining(['report.html', 'rollout.md', 'summary.csv', 'EX01/runbook.md', 'EX01/remediate.ps1']));
    for (const f of result.files) expect(existsSync(join(out, f))).toBe(true);
    // --quiet: the warning about EX08 stays, the progress and summary go
    expect(r.stderr).toBe('runbooks: 1 server(s) not collected: listed in report.html and rollout.md');
  });
});

describe('exit codes', () => {
  it('are returned by main(), not left in process.exitCode', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(inventory([record(rawOutput(), 'EX01'), { ...record(rawOutput(), 'EX02'), status: 'weird' } as never])));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      process.exitCode = undefined;
      expect(await main(['node', 'extls', 'analyze', file, '--format', 'json'])).toBe(2);
      expect(process.exitCode).toBeUndefined();
      expect(await main(['node', 'extls', 'analyze', join(dir, 'a.json'), '--format', 'json'])).toBe(0);
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });
});
