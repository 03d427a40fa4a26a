// Round two of hostile inputs (issue 21), runs cut short: SIGINT during runbooks on a big fleet (exit 130, a
// second signal quits at once), kill -9 into an existing output folder (no server folder mixes two runs), and
// the next run sweeping what killed runs left (temporary files, partial folders).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { extlsBin, runCli } from '../helpers/cli.js';
import { runDir } from '../runbooks/run-script.js';
import { inventoryText, records } from './corpus.js';

const work = runDir('hostile-interrupt');
let n = 0;
const fresh = (label: string) => {
  const d = join(work, `${label}-${++n}`);
  mkdirSync(d);
  return d;
};
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
/** Every entry below `dir` (files and folders), relative. */
const entriesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
const leftovers = (dir: string) => entriesUnder(dir).filter((f) => /(^|\/)\.[^/]*\.\d+(\.\d+)?\.(tmp|partial|old)$/.test(f) || f.endsWith('.tmp'));

const bigInventory = (dir: string, count: number) => {
  const file = join(dir, 'inventory.json');
  writeFileSync(file, inventoryText(records(Array.from({ length: count }, (_, i) => `EX${i}`))));
  return file;
};

/** Waits until the run has written `count` server folders (or ended). */
async function whenWriting(child: ResultPromise, out: string, count: number): Promise<void> {
  while (child.exitCode === null) {
    if (existsSync(out) && readdirSync(out).filter((f) => f.startsWith('EX')).length >= count) return;
    await sleep(20);
  }
}

/** The run (generatedAt) each of a server folder's files comes from. */
const runsOf = (folder: string): string[] =>
  readdirSync(folder)
    .filter((f) => /\.(md|ps1)$/.test(f))
    .map((f) => /Generated(?: by extls \S+ on|\s*\|)? *(\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(readFileSync(join(folder, f), 'utf8'))?.[1] ?? `? ${f}`);

describe('SIGINT during runbooks on a big fleet', () => {
  let inventory: string;
  beforeAll(() => {
    inventory = bigInventory(fresh('inv'), 1500);
  });

  it('stops at once: exit 130, no report, no partial server folder or temporary file', async () => {
    const out = join(fresh('sigint'), 'out');
    const child = execa(process.execPath, [extlsBin, 'runbooks', inventory, '--out', out], { reject: false, encoding: 'utf8' });
    await whenWriting(child, out, 20);
    process.kill(child.pid!, 'SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping/);
    expect(existsSync(join(out, 'summary.csv'))).toBe(false);
    expect(leftovers(out)).toEqual([]);
    // every server folder there is whole: its three files
    for (const folder of readdirSync(out)) expect(readdirSync(join(out, folder)).sort()).toEqual(['remediate.ps1', 'rollback.ps1', 'runbook.md']);
    // it stopped early, not after writing every folder
    expect(readdirSync(out).length).toBeLessThan(1500);
  }, 120_000);

  it('a second SIGINT quits at once: exit 130', async () => {
    const out = join(fresh('sigint2'), 'out');
    const child = execa(process.execPath, [extlsBin, 'runbooks', inventory, '--out', out], { reject: false, encoding: 'utf8' });
    await whenWriting(child, out, 20);
    process.kill(child.pid!, 'SIGINT');
    process.kill(child.pid!, 'SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(leftovers(out)).toEqual([]);
  }, 120_000);
});

describe('SIGINT during probe', () => {
  it('an endpoint that never answers: the probe stops at once, exit 130', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    const port = (silent.address() as AddressInfo).port;
    try {
      const child = execa(process.execPath, [extlsBin, 'probe', `127.0.0.1:${port}`, '--step-timeout', '300', '--format', 'json'], { reject: false, encoding: 'utf8' });
      await new Promise<void>((res) => child.stderr!.once('data', () => res()));
      process.kill(child.pid!, 'SIGINT');
      const r = await child;
      expect([r.exitCode, r.stderr]).toEqual([130, expect.stringMatching(/SIGINT: stopped/)]);
    } finally {
      silent.close();
    }
  }, 60_000);
});

describe('kill -9 mid-run, then a rerun', () => {
  it('runbooks into an existing folder: no server folder mixes two runs; the rerun leaves nothing of the killed ones', async () => {
    const dir = fresh('kill9');
    const inventory = bigInventory(dir, 600);
    const out = join(dir, 'out');
    expect((await runCli(['runbooks', inventory, '--out', out])).exitCode).toBe(0);
    // (each killed run also leaves what an older version left: a summary temp of a process that is gone)
    for (let attempt = 0; attempt < 4; attempt++) {
      const started = Date.now();
      const child = execa(process.execPath, [extlsBin, 'runbooks', inventory, '--out', out], { reject: false, encoding: 'utf8' });
      // once this run has replaced a first folder, kill it somewhere inside the next ones
      while (child.exitCode === null && (statSync(join(out, 'EX0', 'runbook.md'), { throwIfNoEntry: false })?.mtimeMs ?? 0) < started) await sleep(5);
      await sleep(attempt * 37);
      child.kill('SIGKILL');
      await child;
      for (const folder of readdirSync(out).filter((f) => f.startsWith('EX'))) {
        expect([folder, new Set(runsOf(join(out, folder))).size]).toEqual([folder, 1]);
      }
    }
    const gone = (await execa(process.execPath, ['-e', 'console.log(process.pid)'])).stdout.trim();
    writeFileSync(join(out, `.summary.csv.${gone}.tmp`), 'half');
    writeFileSync(join(out, `.report.html.${gone}.3.tmp`), 'half');
    mkdirSync(join(out, `.EX1.${gone}.partial`));
    expect((await runCli(['runbooks', inventory, '--out', out])).exitCode).toBe(0);
    expect(leftovers(out)).toEqual([]);
    for (const folder of readdirSync(out).filter((f) => f.startsWith('EX'))) expect(new Set(runsOf(join(out, folder))).size).toBe(1);
  }, 300_000);

  it('inventory killed with -9 leaves its temporary file; the next run removes it', async () => {
    const dir = fresh('kill9inv');
    const out = join(dir, 'inventory.json');
    const silent = createServer(() => undefined);
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    const port = (silent.address() as AddressInfo).port;
    const fleet = join(dir, 'fleet.yaml');
    writeFileSync(fleet, `servers:\n  - { name: FAST, address: 127.0.0.1, transport: winrm, winrm: { port: 9 }, timeoutSeconds: 20 }\n  - { name: SLOW, address: 127.0.0.1, transport: ssh, ssh: { port: ${port} }, timeoutSeconds: 60 }\n`);
    const child = execa(process.execPath, [extlsBin, 'inventory', '--fleet', fleet, '--out', out, '--format', 'ndjson', '--quiet'], { reject: false, encoding: 'utf8', buffer: { stdout: false } });
    await new Promise<void>((res) => child.stdout!.once('data', () => res()));
    child.kill('SIGKILL');
    await child;
    silent.close();
    expect(leftovers(dir)).toEqual([expect.stringMatching(/^\.inventory\.json\.\d+\.\d+\.tmp$/)]);
    const quick = join(dir, 'quick.yaml');
    writeFileSync(quick, 'servers:\n  - { name: FAST, address: 127.0.0.1, transport: winrm, winrm: { port: 9 }, timeoutSeconds: 20 }\n');
    const r = await runCli(['inventory', '--fleet', quick, '--out', out, '--quiet']);
    expect(r.exitCode).toBe(2);
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);
});
