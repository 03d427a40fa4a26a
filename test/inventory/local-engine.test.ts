// `transport: local` and `--exports` run in the control node's PowerShell sessions: a hung collection is stopped at
// its time-out without holding up the others, and a signal leaves no PowerShell running.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot } from '../../src/util/paths.js';
import { extlsBin, runCli } from '../helpers/cli.js';
import type { Inventory } from '../../src/inventory/types.js';

const reg = join(packageRoot, 'test', 'fixtures', 'inventory', 'server-ok.reg');

// A protocol log that is a named pipe nobody writes to: the collector's scan blocks on it for ever.
function fleetWithHungServer(dir: string, hungTimeout: number): string {
  mkdirSync(join(dir, 'logs'));
  execFileSync('mkfifo', [join(dir, 'logs', 'SEND20261201-1.LOG')]);
  const fleet = join(dir, 'fleet.yaml');
  writeFileSync(
    fleet,
    [
      'servers:',
      `  - { name: OK1, transport: local, collector: { registryExports: [${JSON.stringify(reg)}], scanLogs: false } }`,
      `  - { name: HUNG, transport: local, timeoutSeconds: ${hungTimeout}, collector: { registryExports: [${JSON.stringify(reg)}], protocolLogPaths: [${JSON.stringify(join(dir, 'logs'))}] } }`,
      `  - { name: OK2, transport: local, collector: { registryExports: [${JSON.stringify(reg)}], scanLogs: false } }`,
    ].join('\n') + '\n',
  );
  return fleet;
}

/** pid, parent pid and state of every process. */
function processes(): Array<{ pid: number; ppid: number; stat: string }> {
  return execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p.length === 3)
    .map(([pid, ppid, stat]) => ({ pid: Number(pid), ppid: Number(ppid), stat: stat! }));
}

function descendants(root: number): number[] {
  const all = processes();
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const p of all.filter((x) => x.ppid === pid)) {
      out.push(p.pid);
      walk(p.pid);
    }
  };
  walk(root);
  return out;
}

describe('local collection in PowerShell sessions', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'extls-local-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a hung local collection fails with "timeout" at its time-out; the servers after it are still collected', async () => {
    const fleet = fleetWithHungServer(dir, 3);
    const out = join(dir, 'inventory.json');
    const r = await runCli(['inventory', '--fleet', fleet, '--out', out, '--quiet']);
    expect(r.exitCode).toBe(2);
    const inv = JSON.parse(readFileSync(out, 'utf8')) as Inventory;
    expect(inv.servers.map((s) => [s.server, s.status, s.failure?.category ?? null]).sort()).toEqual([
      ['HUNG', 'failed', 'timeout'],
      ['OK1', 'ok', null],
      ['OK2', 'ok', null],
    ]);
    expect(inv.servers.find((s) => s.server === 'HUNG')!.failure!.message).toBe('no result within 3 s; the collection was stopped');
  }, 120_000);

  it('SIGTERM while a local collection runs: the record says interrupted, and no PowerShell is left running', async () => {
    const fleet = fleetWithHungServer(dir, 120);
    const out = join(dir, 'inventory.json');
    const child = execa(process.execPath, [extlsBin, 'inventory', '--fleet', fleet, '--out', out, '--format', 'ndjson', '--quiet'], {
      reject: false,
      encoding: 'utf8',
      buffer: { stdout: false },
    });
    // one session runs them in fleet order: OK1, then HUNG, which blocks (OK2 never starts); wait for the session
    let seen: number[] = [];
    for (let i = 0; i < 300 && seen.length < 2; i++) {
      await new Promise((res) => setTimeout(res, 100));
      seen = descendants(child.pid!);
    }
    await new Promise((res) => setTimeout(res, 3000));
    seen = descendants(child.pid!);
    expect(seen.length).toBeGreaterThanOrEqual(2); // the pwsh launcher and the PowerShell it started
    process.kill(child.pid!, 'SIGTERM');
    const r = await child;
    expect([r.exitCode, r.signal]).toEqual([2, undefined]);
    const inv = JSON.parse(readFileSync(out, 'utf8')) as Inventory;
    const hung = inv.servers.find((s) => s.server === 'HUNG')!;
    expect(hung.failure!.message).toMatch(/interrupted/);
    const running = () => processes().filter((p) => seen.includes(p.pid) && !p.stat.startsWith('Z'));
    for (let i = 0; i < 50 && running().length > 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(running()).toEqual([]);
  }, 120_000);
});
