// One regression test per reliability problem found from outside (duplicate servers, registry paths from data,
// stack traces, partial files and leftovers, skipped records without a reason), through the built CLI.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'csv-parse/sync';
import { extlsBin, runCli } from '../helpers/cli.js';
import { runDir } from '../runbooks/run-script.js';
import { analyzeInventory } from '../../src/findings/analyze.js';
import { failedRecord } from '../../src/inventory/record.js';
import { TextFileWriter } from '../../src/runbooks/text-writer.js';
import { collectorDoc, inventoryText, records } from './corpus.js';

const work = runDir('regressions');
let n = 0;
const fresh = (label: string) => {
  const d = join(work, `${label}-${++n}`);
  mkdirSync(d);
  return d;
};
const writeInventory = (dir: string, recs: ReturnType<typeof records>) => {
  const file = join(dir, 'inventory.json');
  writeFileSync(file, inventoryText(recs));
  return file;
};
/** Every file below `dir`, relative. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
/** A failure on the one error path: exit 1, one line on stderr, no stack. */
const expectOneLineError = (r: { exitCode?: number; stderr: string }, pattern: RegExp) => {
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.exitCode).toBe(1);
};

describe('duplicate server names', () => {
  it('runbooks: EX02 and ex02 are one server; the second record is skipped with its reason, exit 2', async () => {
    const dir = fresh('dup');
    const inv = writeInventory(dir, records(['EX01', 'EX02', 'ex02']));
    const out = join(dir, 'out');
    const r = await runCli(['runbooks', inv, '--out', out]);
    expect(r.stderr).toMatch(/server ex02 \(servers\[2\]\) skipped: servers\/2: duplicate server name: ex02 is the same server as servers\/1 \(EX02\)/);
    expect(r.exitCode).toBe(2);
    const rows = parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { bom: true, columns: true }) as { Server: string }[];
    expect(rows.map((row) => row.Server)).toEqual(['EX01', 'EX02']);
    expect(readdirSync(out).filter((f) => /^ex02/i.test(f))).toEqual(['EX02']);
  });

  it('analyze: the duplicate is an input error, the first record is judged', () => {
    const doc = analyzeInventory(JSON.parse(inventoryText(records(['EX01', 'ex01.', 'Ex01']))), ['tls12-ready']);
    expect(doc.servers.map((s) => s.server)).toEqual(['EX01']);
    expect(doc.inputErrors.map((e) => [e.index, e.messages[0]])).toEqual([
      [1, expect.stringMatching(/^servers\/1: duplicate server name: ex01\. is the same server as servers\/0 \(EX01\)/)],
      [2, expect.stringMatching(/^servers\/2: duplicate server name: Ex01 is the same server as servers\/0 \(EX01\)/)],
    ]);
  });

  it('runbooks --findings: a findings document with one server twice is refused', async () => {
    const dir = fresh('dupfind');
    const inv = writeInventory(dir, records(['EX01', 'EX02']));
    const findings = join(dir, 'findings.json');
    expect((await runCli(['analyze', inv, '--out', findings])).exitCode).toBe(0);
    const doc = JSON.parse(readFileSync(findings, 'utf8'));
    doc.servers.push({ ...doc.servers[1], server: 'ex02' });
    writeFileSync(findings, JSON.stringify(doc));
    const r = await runCli(['runbooks', inv, '--findings', findings, '--out', join(dir, 'out')]);
    expect(r.stderr).toMatch(/server ex02: findings servers\/2: duplicate server name/);
    expect(r.exitCode).toBe(1);
  });

  it('inventory --from: two collector files of one computer give one failed record naming both, not one silently (exit 2)', async () => {
    const from = fresh('dupfrom');
    writeFileSync(join(from, 'a.json'), JSON.stringify(collectorDoc('EX05')));
    writeFileSync(join(from, 'b.json'), JSON.stringify(collectorDoc('ex05')));
    const out = join(from, 'inventory.json');
    const r = await runCli(['inventory', '--from', from, '--out', out, '--quiet']);
    expect(r.exitCode).toBe(2);
    const servers = JSON.parse(readFileSync(out, 'utf8')).servers;
    expect(servers.map((s: { server: string }) => s.server.toLowerCase())).toEqual(['ex05']);
    expect(servers[0]).toMatchObject({ status: 'failed', failure: { category: 'duplicate' } });
    expect(servers[0].failure.message).toMatch(/a\.json/);
    expect(servers[0].failure.message).toMatch(/b\.json/);
  });
});

describe('registry paths come from extls, not from the record', () => {
  it('a collector file naming another key for TLS 1.2 Server and .NET still gets changes to the real keys only', async () => {
    const dir = fresh('regpath');
    const [rec] = records(['EX09']);
    const run = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run';
    for (const p of rec!.data!.schannel.protocols) p.path = `HKLM\\${run}`;
    for (const f of rec!.data!.dotNet.frameworks) f.path = `HKLM\\${run}`;
    for (const w of rec!.data!.winHttp) w.path = `HKLM\\${run}`;
    const inv = writeInventory(dir, [rec!]);
    const doc = analyzeInventory(JSON.parse(readFileSync(inv, 'utf8')), ['tls12-ready']);
    const changes = doc.servers[0]!.findings.flatMap((f) => f.changes);
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) {
      expect(c.path).not.toMatch(/\\Run$/);
      expect(c.path).toMatch(/^(SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1\.2\\Server|SOFTWARE\\(Wow6432Node\\)?Microsoft\\(\.NETFramework|Windows\\CurrentVersion\\Internet Settings\\WinHttp))/);
    }
    const out = join(dir, 'out');
    expect((await runCli(['runbooks', inv, '--out', out])).exitCode).toBe(0);
    for (const f of ['remediate.ps1', 'rollback.ps1']) expect(readFileSync(join(out, 'EX09', f), 'utf8')).not.toContain('CurrentVersion\\\\Run');
  });
});

describe('every failure: one line naming the input, exit 1', () => {
  it('a YAML alias bomb in the fleet file', async () => {
    const dir = fresh('bomb');
    const fleet = join(dir, 'fleet.yaml');
    const level = (i: number) => `l${i}: &l${i} [${Array(9).fill(i === 0 ? '"x"' : `*l${i - 1}`).join(', ')}]`;
    writeFileSync(fleet, `${Array.from({ length: 8 }, (_, i) => level(i)).join('\n')}\nservers: [{ name: EX01 }]\n`);
    const r = await runCli(['inventory', '--fleet', fleet, '--out', join(dir, 'inv.json')]);
    expectOneLineError(r, /fleet\.yaml: not a usable fleet file: Excessive alias count/);
  });

  it.each([
    ['inventory', (d: string) => ['inventory', '--fleet', 'examples/demo/fleet.yaml', '--out', join(d, 'missing', 'inv.json')], /--out .*inv\.json: the folder .*missing does not exist/],
    ['analyze', (d: string) => ['analyze', join(d, 'inventory.json'), '--out', join(d, 'missing', 'f.json')], /--out .*f\.json: the folder .*missing does not exist/],
    ['probe', (d: string) => ['probe', '127.0.0.1:9', '--out', join(d, 'missing', 'p.csv')], /--out .*p\.csv: the folder .*missing does not exist/],
    ['runbooks into a file', (d: string) => ['runbooks', join(d, 'inventory.json'), '--out', join(d, 'inventory.json')], /--out .*inventory\.json: is a file; a folder is needed/],
    ['analyze into a folder', (d: string) => ['analyze', join(d, 'inventory.json'), '--out', d], /--out .*: is a folder; give a file name/],
    ['an inventory that is a folder', (d: string) => ['analyze', d, '--format', 'json'], /cannot read inventory .*: not a regular file \(a folder\)/],
  ])('--out / input checked before the run: %s', async (_what, args, pattern) => {
    const dir = fresh('out');
    writeInventory(dir, records(['EX01']));
    const started = Date.now();
    const r = await runCli(args(dir));
    expectOneLineError(r, pattern);
    // before any server is collected or probed
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('output piped into a reader that stops early (head): no EPIPE crash', async () => {
    const dir = fresh('epipe');
    const inv = writeInventory(dir, records(Array.from({ length: 40 }, (_, i) => `EX${i}`)));
    const child = execa(process.execPath, [extlsBin, 'analyze', inv, '--format', 'json'], { reject: false, buffer: { stdout: false }, encoding: 'utf8' });
    child.stdout!.once('data', () => child.stdout!.destroy());
    const r = await child;
    expect(String(r.stderr)).not.toMatch(/EPIPE|^\s+at /m);
    expect(r.exitCode).toBe(0);
  });

  it('terminal colour codes from the driver never reach a failure message', () => {
    const r = failedRecord({ name: 'EX1', address: 'ex1', transport: 'ssh', groups: { dag: null, site: null, role: null } }, 'auth', '\u001b[31;1mPermission denied\u001b[0m (publickey)\r\n\u001b]0;title\u0007next', 'now', 1);
    expect(r.failure!.message).toBe('Permission denied (publickey) next');
  });
});

describe('no partial files, no leftovers', () => {
  it('a file whose rendering fails half-way is never there under its real name, nor as a temporary file', () => {
    const dir = fresh('partial');
    const w = new TextFileWriter();
    const file = join(dir, 'rollback.ps1');
    expect(() => w.writeFile(file, ['x'.repeat(400_000), null as unknown as string])).toThrow();
    expect(filesUnder(dir)).toEqual([]);
  });

  it('SIGTERM during runbooks: no temporary file left, every script there is whole, exit 143', async () => {
    const dir = fresh('sigterm');
    const inv = writeInventory(dir, records(Array.from({ length: 1500 }, (_, i) => `EX${i}`)));
    const out = join(dir, 'out');
    const child = execa(process.execPath, [extlsBin, 'runbooks', inv, '--out', out], { reject: false, encoding: 'utf8' });
    // stop it once it is writing server folders
    while (!existsSync(out) || readdirSync(out).length < 20) {
      if (child.exitCode !== null) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    // (not child.kill: execa follows it with SIGKILL after a delay)
    process.kill(child.pid!, 'SIGTERM');
    const r = await child;
    expect(r.signal).toBeUndefined();
    expect([143, 0]).toContain(r.exitCode);
    const files = filesUnder(out);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const f of files.filter((x) => x.endsWith('.ps1'))) expect(readFileSync(join(out, f), 'utf8').trimEnd()).toMatch(/\}$|\S$/);
    const whole = readFileSync(join(out, 'EX0', 'rollback.ps1'));
    for (const f of files.filter((x) => x.endsWith('rollback.ps1'))) expect(readFileSync(join(out, f)).length).toBeGreaterThan(whole.length - 200);
  }, 120_000);

  it('SIGTERM during inventory: the driver stops, the inventory keeps what was collected, no temporary file', async () => {
    const dir = fresh('siginv');
    const out = join(dir, 'inventory.json');
    // FAST is refused at once; SLOW accepts TCP and never answers, so it is still running when the signal comes
    const silent = createServer(() => undefined);
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    const port = (silent.address() as AddressInfo).port;
    const fleet = join(dir, 'fleet.yaml');
    writeFileSync(fleet, `servers:\n  - { name: FAST, address: 127.0.0.1, transport: winrm, winrm: { port: 9 }, timeoutSeconds: 20 }\n  - { name: SLOW, address: 127.0.0.1, transport: ssh, ssh: { port: ${port} }, timeoutSeconds: 60 }\n`);
    const child = execa(process.execPath, [extlsBin, 'inventory', '--fleet', fleet, '--out', out, '--format', 'ndjson', '--quiet'], {
      reject: false,
      encoding: 'utf8',
      buffer: { stdout: false },
    });
    await new Promise<void>((res) => child.stdout!.once('data', () => res()));
    const drivers = (await execa('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { reject: false })).stdout.split('\n').map(Number).filter(Boolean);
    process.kill(child.pid!, 'SIGTERM');
    const r = await child;
    expect([r.exitCode, r.signal]).toEqual([2, undefined]);
    silent.close();
    expect(filesUnder(dir)).toEqual(['fleet.yaml', 'inventory.json']);
    const inv = JSON.parse(readFileSync(out, 'utf8'));
    expect(inv.servers.map((s: { server: string; failure: { category: string; message: string } }) => [s.server, s.failure.category, s.failure.message])).toEqual([
      ['FAST', 'unreachable', expect.stringMatching(/connect/)],
      // its own category, not the collector-error of a real failure (issue 21)
      ['SLOW', 'interrupted', expect.stringMatching(/interrupted/)],
    ]);
    // nothing of the driver is left: not the pwsh launcher, not the PowerShell it started (same process group)
    // (killed processes take a moment to go; a zombie runs nothing)
    expect(drivers.length).toBeGreaterThan(0);
    const left = async () =>
      (await execa('ps', ['-e', '-o', 'pgid=,stat='])).stdout
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter(([g, stat]) => drivers.includes(Number(g)) && !stat!.startsWith('Z'));
    for (let i = 0; i < 50 && (await left()).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(await left()).toEqual([]);
  }, 120_000);

  it('re-running runbooks into the same folder moves the files of servers that need no runbook now', async () => {
    const dir = fresh('stale');
    const out = join(dir, 'out');
    const before = records(['EX01', 'EX02']);
    expect((await runCli(['runbooks', writeInventory(dir, before), '--out', out])).exitCode).toBe(0);
    // EX02 could not be collected this time: no runbook, so last run's remediate.ps1 must not stay beside the summary
    const fixed = [before[0]!, failedRecord({ name: 'EX02', address: 'EX02', transport: 'local', groups: before[1]!.groups }, 'unreachable', 'gone', 'now', 0)];
    const again = fresh('stale2');
    const r = await runCli(['runbooks', writeInventory(again, fixed), '--out', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/3 file\(s\) of an earlier run for 1 server folder\(s\) that need no runbook now \(EX02\) moved to .*_superseded/);
    const files = filesUnder(out);
    expect(files.filter((f) => f.startsWith('EX02'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('_superseded')).map((f) => f.split('/').slice(2).join('/'))).toEqual(['EX02/remediate.ps1', 'EX02/rollback.ps1', 'EX02/runbook.md']);
    const rows = parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { bom: true, columns: true }) as { Server: string; Folder: string }[];
    expect(rows.find((row) => row.Server === 'EX02')!.Folder).toBe('');
  });
});

describe('skipped records keep their reason', () => {
  it('runbooks names what is wrong with a skipped record', async () => {
    const dir = fresh('reason');
    const recs = records(['EX01', 'EX02']) as unknown as Record<string, unknown>[];
    delete recs[1]!.status;
    const r = await runCli(['runbooks', writeInventory(dir, recs as never), '--out', join(dir, 'out')]);
    expect(r.stderr).toMatch(/server EX02 \(servers\[1\]\) skipped: servers\/1: must have required property 'status'/);
    expect(r.exitCode).toBe(2);
  });
});
