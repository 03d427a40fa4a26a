// Drop folders at scale: stale reports, two files claiming one server, and a drop folder merged with a live
// fan-out into one inventory (extls inventory --fleet ... --from ...).
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { validatorFor } from '../../src/util/schemas.js';
import type { Inventory, InventoryRecord } from '../../src/inventory/types.js';
import { DropFolder, parseAge } from '../../src/inventory/from-folder.js';
import { runCli } from '../helpers/cli.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'inventory');
const base = JSON.parse(readFileSync(join(fixtures, 'collector-output-ex01.json'), 'utf8'));
const DAY = 86_400_000;

/** A collector file for `name`, reported `ageMs` ago (what a server's scheduled task leaves on the share). */
function drop(name: string, ageMs = 0): string {
  const out = structuredClone(base);
  out.computerName = name;
  out.collector.startedAt = new Date(Date.now() - ageMs).toISOString();
  return JSON.stringify(out);
}

async function inventory(args: string[]): Promise<{ exitCode: number; stderr: string; byName: Record<string, InventoryRecord>; inv: Inventory }> {
  const out = join(await mkdtemp(join(tmpdir(), 'extls-drop-out-')), 'inventory.json');
  const r = await runCli([...args, '--out', out, '--quiet']);
  const inv = JSON.parse(await readFile(out, 'utf8')) as Inventory;
  expect(validatorFor('inventory.schema.json')(inv)).toBe(true);
  return { exitCode: r.exitCode!, stderr: r.stderr, inv, byName: Object.fromEntries(inv.servers.map((s) => [s.server, s])) };
}

describe('drop folder: stale reports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-stale-'));
    await writeFile(join(dir, 'EX01.json'), drop('EX01', 1 * DAY));
    await writeFile(join(dir, 'EX02.json'), drop('EX02', 10 * DAY));
    // a file copied yesterday keeps its content's time: the report is what is old, not the copy
    await writeFile(join(dir, 'EX03.json'), drop('EX03', 30 * DAY));
    await utimes(join(dir, 'EX03.json'), new Date(), new Date());
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('turns a report older than --stale-after into a failed "stale" record that names the file and its age', async () => {
    const { exitCode, byName } = await inventory(['inventory', '--from', dir, '--stale-after', '7d']);
    expect(exitCode).toBe(2);
    expect(byName.EX01).toMatchObject({ status: 'ok', transport: 'file' });
    expect(byName.EX02).toMatchObject({ status: 'failed', data: null, failure: { category: 'stale' } });
    expect(byName.EX02!.failure!.message).toMatch(/EX02\.json: last report .*, 10 days ago \(older than 7d\): the server stopped reporting/);
    expect(byName.EX03!.failure!.category).toBe('stale');
    // groups detected from the stale data still place it in its DAG
    expect(byName.EX02!.groups.dag).toBe('DAG01');
  });

  it('defaults to 7 days and can be turned off', async () => {
    expect((await inventory(['inventory', '--from', dir])).byName.EX02!.failure!.category).toBe('stale');
    const off = await inventory(['inventory', '--from', dir, '--stale-after', 'off']);
    expect(off.exitCode).toBe(0);
    expect(off.inv.summary).toEqual({ total: 3, ok: 3, failed: 0 });
  });

  it('makes a stale server a finding in analyze, not silence', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'extls-stale-an-')), 'inventory.json');
    await runCli(['inventory', '--from', dir, '--out', out, '--quiet']);
    const r = await runCli(['analyze', out, '--format', 'json']);
    const doc = JSON.parse(r.stdout);
    const servers = (doc.servers ?? doc) as Array<{ server: string; findings: Array<{ id: string; explanation: string }> }>;
    const ex02 = servers.find((s) => s.server === 'EX02')!;
    expect(ex02.findings[0]!.id).toBe('COLLECTION-FAILED');
    expect(ex02.findings[0]!.explanation).toMatch(/stopped reporting to the drop folder/);
  });

  it('rejects an age it cannot read', async () => {
    expect(parseAge('36h')).toBe(36 * 3_600_000);
    expect(parseAge('off')).toBeNull();
    const r = await runCli(['inventory', '--from', dir, '--stale-after', 'soon', '--out', join(dir, 'x.json')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('--stale-after must be an age like 7d');
  });
});

describe('drop folder: two files claiming one server', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-dup-'));
    await writeFile(join(dir, 'EX01.json'), drop('EX01'));
    await writeFile(join(dir, 'EX01-copy.json'), drop('ex01'));
    await writeFile(join(dir, 'EX02.json'), drop('EX02'));
    // an unreadable file named for a server still claims it
    await writeFile(join(dir, 'EX02 (old).json'), drop('EX05'));
    await writeFile(join(dir, 'EX05.json'), 'not json');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses every file of a server claimed twice (names compared case-insensitively) and keeps the others', async () => {
    const { exitCode, inv, byName } = await inventory(['inventory', '--from', dir]);
    expect(exitCode).toBe(2);
    expect(inv.servers.map((s) => s.server).sort()).toEqual(['EX01', 'EX02', 'EX05']);
    expect(byName.EX01).toMatchObject({ status: 'failed', data: null, failure: { category: 'duplicate' } });
    expect(byName.EX01!.failure!.message).toContain('2 collector files claim this server: EX01-copy.json, EX01.json');
    expect(byName.EX02!.status).toBe('ok');
    expect(byName.EX05!.failure!.message).toContain('EX02 (old).json, EX05.json');
  });

  it('learns every claim before yielding, so file order does not decide', async () => {
    const drops = await DropFolder.open(dir);
    expect(drops.fileCount).toBe(5);
    expect([...drops.claims.keys()].sort()).toEqual(['ex01', 'ex02', 'ex05']);
  });
});

describe('drop folder merged with a live fan-out', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-merge-'));
    const drops = join(dir, 'drops');
    await mkdir(drops);
    await writeFile(join(drops, 'EDGE01.json'), drop('EDGE01'));
    await writeFile(join(drops, 'EX09.json'), drop('EX09'));
    await writeFile(join(drops, 'EX02.json'), drop('EX02'));
    const reg = join(fixtures, 'server-ok.reg');
    await writeFile(
      join(dir, 'fleet.yaml'),
      [
        'defaults: { timeoutSeconds: 60, collector: { scanLogs: false } }',
        'servers:',
        `  - { name: EX01, transport: local, site: Amsterdam, collector: { registryExports: [${JSON.stringify(reg)}] } }`,
        `  - { name: EX02, transport: local, site: Amsterdam, collector: { registryExports: [${JSON.stringify(reg)}] } }`,
        '  - { name: edge01, transport: file, site: Perimeter, role: Edge }',
        '  - { name: EX03, transport: file, site: Rotterdam }',
      ].join('\n'),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('collects live servers, takes file servers from the folder with the fleet groups, and refuses double claims', async () => {
    const { exitCode, inv, byName } = await inventory(['inventory', '--fleet', join(dir, 'fleet.yaml'), '--from', join(dir, 'drops')]);
    expect(exitCode).toBe(2);
    expect(inv.source).toBe(`${join(dir, 'fleet.yaml')} + ${join(dir, 'drops')}`);
    expect(inv.servers.map((s) => s.server).sort()).toEqual(['EX01', 'EX02', 'EX03', 'EX09', 'edge01']);
    // live, as before
    expect(byName.EX01).toMatchObject({ status: 'ok', transport: 'local', groups: { site: 'Amsterdam' } });
    // from the folder, named and grouped as the fleet says
    expect(byName.edge01).toMatchObject({ status: 'ok', transport: 'file', groups: { site: 'Perimeter', role: 'Edge' } });
    expect(byName.edge01!.data!.computerName).toBe('EDGE01');
    // a file the fleet does not name is still taken, marked as no fleet member (issue 23: such a file became a
    // runbook's redirect target); the fleet's own servers are not marked
    expect(byName.EX09).toMatchObject({ status: 'ok', transport: 'file', fleetMember: false });
    expect(byName.edge01).not.toHaveProperty('fleetMember');
    // live in the fleet and in the folder: refused, and not collected
    expect(byName.EX02).toMatchObject({ status: 'failed', transport: 'local', failure: { category: 'duplicate' } });
    expect(byName.EX02!.failure!.message).toContain('the fleet collects it live (transport local) and EX02.json');
    // a file server that never reported
    expect(byName.EX03).toMatchObject({ status: 'failed', transport: 'file', groups: { site: 'Rotterdam' }, failure: { category: 'stale' } });
    expect(byName.EX03!.failure!.message).toContain('it has never reported there');
  }, 120_000);

  it('asks for --from when the fleet has file servers and no folder', async () => {
    const r = await runCli(['inventory', '--fleet', join(dir, 'fleet.yaml'), '--out', join(dir, 'x.json')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('edge01, EX03 use transport file: give --from <folder>');
  });
});
