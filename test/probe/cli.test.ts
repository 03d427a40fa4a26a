/** `extls probe` through the CLI entry: output formats, --fleet, --out, exit codes 0/1/2, stdout vs stderr. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { main } from '../../src/cli.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { freePort } from '../helpers/postfix.js';
import { heloOnly, refusingStarttls, startFake, type FakeServer } from './fake-smtp.js';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'extls', 'probe', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function expectValid(results: unknown[]): void {
  const validate = validatorFor('probe-result.schema.json');
  for (const r of results) if (!validate(r)) throw new Error(describeErrors(validate.errors).join('\n'));
}

describe('extls probe (CLI)', () => {
  let plain: FakeServer;
  let refusing: FakeServer;
  let closedPort: number;
  let dir: string;

  beforeAll(async () => {
    plain = await startFake(heloOnly);
    refusing = await startFake(refusingStarttls);
    closedPort = await freePort();
    dir = await mkdtemp(join(tmpdir(), 'extls-probe-cli-'));
  });
  afterAll(async () => {
    await plain.close();
    await refusing.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    // commands set process.exitCode for "partial"; jest itself would exit with it
    process.exitCode = undefined;
  });

  it('json: every endpoint probed → exit 0, results on stdout, progress on stderr', async () => {
    const { code, stdout, stderr } = await run(`127.0.0.1:${plain.port}`, `127.0.0.1:${refusing.port}`, '--format', 'json', '--step-timeout', '3', '--ehlo-name', 'probe.test');
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as ProbeResult[];
    expectValid(results);
    expect(results.map((r) => [r.endpoint, r.status, r.starttls.offered])).toEqual([
      [`127.0.0.1:${plain.port}`, 'ok', false],
      [`127.0.0.1:${refusing.port}`, 'ok', true],
    ]);
    expect(stderr).toContain(`127.0.0.1:${plain.port} ok: no STARTTLS`);
    expect(stderr).toMatch(/\[2\/2\]/);
    expect(plain.commands).toContain('EHLO probe.test');
  });

  it('an endpoint that cannot be probed → exit 2, still a result for it; csv', async () => {
    const { code, stdout, stderr } = await run(`127.0.0.1:${closedPort}`, `127.0.0.1:${plain.port}`, '--format', 'csv', '--step-timeout', '3');
    expect(code).toBe(2);
    const lines = stdout.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${closedPort},,failed,`));
    expect(lines[1]).toContain('refused at connect');
    expect(lines[2]).toMatch(/,ok,not offered,-,-,-,-,accepted \(250 2\.1\.0\)/);
    expect(stderr).toContain('1 of 2 endpoint(s) could not be probed');
  });

  it('table names the STARTTLS refusal', async () => {
    const { code, stdout } = await run(`127.0.0.1:${refusing.port}`, '--step-timeout', '3');
    expect(code).toBe(0);
    expect(stdout).toContain('refused 454');
    expect(stdout).toContain('tls-required (451 5.7.3)');
  });

  it('--fleet: every server of the fleet on --port, labelled with its name; --out writes ndjson to a file', async () => {
    const fleet = join(dir, 'fleet.yaml');
    await writeFile(fleet, 'servers:\n  - name: EX01\n    address: 127.0.0.1\n  - name: 127.0.0.1\n');
    const out = join(dir, 'probe.ndjson');
    const { code, stdout } = await run('--fleet', fleet, '--port', String(plain.port), '--format', 'ndjson', '--out', out, '--step-timeout', '3');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const results = (await readFile(out, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as ProbeResult);
    expectValid(results);
    expect(results.map((r) => [r.server, r.host, r.port, r.status])).toEqual([
      ['EX01', '127.0.0.1', plain.port, 'ok'],
      ['127.0.0.1', '127.0.0.1', plain.port, 'ok'], // address defaults to the name
    ]);
  });

  it.each([
    [[]],
    [['mx:99999']],
    [['mx', '--format', 'xml']],
    [['mx', '--step-timeout', '0']],
    [['mx', '--concurrency', '1.5']],
    [['--fleet', '/nonexistent/fleet.yaml']],
  ])('usage error %j → exit 1', async (args) => {
    const { code, stdout, stderr } = await run(...args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/extls: /);
  });
});
