// The two ways to inventory servers without remoting: collector files dropped in a folder (--from), and
// reg exports analysed as local servers in the control node's PowerShell sessions (--exports).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { collectorScript, packageRoot } from '../../src/util/paths.js';
import { validatorFor } from '../../src/util/schemas.js';
import type { Inventory } from '../../src/inventory/types.js';
import { runCli } from '../helpers/cli.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'inventory');
const pwsh = locatePowerShell().path;

describe('inventory --from <folder> (collector -OutFile drops)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-from-'));
    const drop = join(dir, 'drop');
    await mkdir(drop);
    // What a scheduled task on each server does: run the collector with -OutFile to a share.
    for (const name of ['EX01', 'EX02']) {
      await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', collectorScript,
        '-OptionsJson', JSON.stringify({ computerName: name, registryExports: [join(fixtures, 'server-ok.reg')], scanLogs: false }),
        '-OutFile', join(drop, `${name}.json`)]);
    }
    await writeFile(join(drop, 'EX03.json'), '{"schemaVersion":1,"computerName":"EX03"}');
    await writeFile(join(drop, 'EX04.json'), 'not json at all');
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('builds one validated record per file and keeps the bad files as failed records', async () => {
    const out = join(dir, 'inventory.json');
    const r = await runCli(['inventory', '--from', join(dir, 'drop'), '--out', out, '--quiet']);
    expect(r.exitCode).toBe(2);
    const inv = JSON.parse(await readFile(out, 'utf8')) as Inventory;
    expect(validatorFor('inventory.schema.json')(inv)).toBe(true);
    const byName = Object.fromEntries(inv.servers.map((s) => [s.server, s]));
    expect(Object.keys(byName).sort()).toEqual(['EX01', 'EX02', 'EX03', 'EX04']);
    expect(byName.EX01!).toMatchObject({ status: 'ok', transport: 'file', groups: { dag: 'DAG01', role: 'Mailbox' } });
    expect(byName.EX03!.failure).toMatchObject({ category: 'invalid-output' });
    expect(byName.EX03!.failure!.message).toContain('EX03.json: collector output does not match the schema');
    expect(byName.EX04!.failure!.message).toMatch(/EX04\.json: the collector printed no JSON/);
  });

  it('exits 1 for a folder that does not exist', async () => {
    const r = await runCli(['inventory', '--from', join(dir, 'nope'), '--out', join(dir, 'x.json')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('cannot read folder');
  });
});

describe('inventory --exports <folder> (local sessions)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-exports-'));
    for (const name of ['EX10', "EX'11 $(x)"]) {
      await mkdir(join(dir, name));
      await cp(join(fixtures, 'server-ok.reg'), join(dir, name, 'hklm.reg'));
    }
    await mkdir(join(dir, 'EX12'));
    await cp(join(fixtures, 'malformed.reg'), join(dir, 'EX12', 'schannel.reg'));
    await mkdir(join(dir, 'EX13'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('analyses each sub-folder as a server; a bad export fails only its server', async () => {
    const out = join(dir, 'inventory.json');
    const r = await runCli(['inventory', '--exports', dir, '--out', out, '--quiet']);
    expect(r.exitCode).toBe(2);
    const inv = JSON.parse(await readFile(out, 'utf8')) as Inventory;
    expect(validatorFor('inventory.schema.json')(inv)).toBe(true);
    const byName = Object.fromEntries(inv.servers.map((s) => [s.server, s]));
    expect(byName.EX10!.status).toBe('ok');
    expect(byName["EX'11 $(x)"]!.data!.computerName).toBe("EX'11 $(x)");
    expect(byName.EX12!.failure!.category).toBe('collector-error');
    expect(byName.EX12!.failure!.message).toMatch(/schannel\.reg:4/);
    expect(byName.EX13!.failure!.message).toMatch(/no \.reg files/);
  }, 120_000);
});
