// Server folders swapped in whole (issue 21): what an earlier run's folder holds besides the generated files (the
// registry backup remediate.ps1 writes beside itself) survives the swap, and the sweep mends what a kill left.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { runDir } from '../runbooks/run-script.js';
import { sweepServerFolders, writeServerFolder } from '../../src/runbooks/server-folder.js';
import { sweepStaleTemps } from '../../src/util/atomic-write.js';

const work = runDir('hostile-folders');
let n = 0;
const fresh = (label: string) => {
  const d = join(work, `${label}-${++n}`);
  mkdirSync(d);
  return d;
};
const generated = new Set(['runbook.md', 'remediate.ps1', 'rollback.ps1']);
const writeRun = (dir: string, run: string) => {
  for (const f of generated) writeFileSync(join(dir, f), run);
};
const goneProcess = async () => Number((await execa(process.execPath, ['-e', 'console.log(process.pid)'])).stdout.trim());

describe('server folders swapped in whole', () => {
  it('a rerun replaces the generated files and keeps registry-backup.json and other files', () => {
    const out = fresh('swap');
    writeServerFolder(out, 'EX01', generated, (dir) => writeRun(dir, 'run 1'));
    writeFileSync(join(out, 'EX01', 'registry-backup.json'), '{"backup": 1}');
    writeFileSync(join(out, 'EX01', 'notes.txt'), 'mine');
    writeServerFolder(out, 'EX01', generated, (dir) => writeRun(dir, 'run 2'));
    expect(readdirSync(out)).toEqual(['EX01']);
    expect(readdirSync(join(out, 'EX01')).sort()).toEqual(['notes.txt', 'registry-backup.json', 'remediate.ps1', 'rollback.ps1', 'runbook.md']);
    expect([...generated].map((f) => readFileSync(join(out, 'EX01', f), 'utf8'))).toEqual(['run 2', 'run 2', 'run 2']);
    expect(readFileSync(join(out, 'EX01', 'registry-backup.json'), 'utf8')).toBe('{"backup": 1}');
  });

  it('a failure while filling leaves the earlier folder as it was and nothing else', () => {
    const out = fresh('fail');
    writeServerFolder(out, 'EX01', generated, (dir) => writeRun(dir, 'run 1'));
    expect(() =>
      writeServerFolder(out, 'EX01', generated, (dir) => {
        writeFileSync(join(dir, 'runbook.md'), 'run 2');
        throw new Error('template failed');
      }),
    ).toThrow('template failed');
    expect(readdirSync(out)).toEqual(['EX01']);
    expect(readFileSync(join(out, 'EX01', 'runbook.md'), 'utf8')).toBe('run 1');
  });

  it('the sweep puts back a folder killed in the middle of its swap, with its backup, and drops the half-written one', async () => {
    const out = fresh('sweep');
    const pid = await goneProcess();
    // killed between "earlier folder aside" and "new folder in", after the backup moved into the new one
    const old = join(out, `.EX01.${pid}.old`);
    const partial = join(out, `.EX01.${pid}.partial`);
    mkdirSync(old);
    writeRun(old, 'run 1');
    mkdirSync(partial);
    writeRun(partial, 'run 2');
    writeFileSync(join(partial, 'registry-backup.json'), '{"backup": 1}');
    // a new folder of a server that had none, half written
    mkdirSync(join(out, `.EX02.${pid}.partial`));
    writeFileSync(join(out, `.EX02.${pid}.partial`, 'runbook.md'), 'run 2');
    // a live process's folder is not touched
    mkdirSync(join(out, `.EX03.${process.pid}.partial`));
    expect(sweepServerFolders(out, generated).sort()).toEqual([`.EX01.${pid}.old`, `.EX01.${pid}.partial`, `.EX02.${pid}.partial`]);
    expect(readdirSync(out).sort()).toEqual([`.EX03.${process.pid}.partial`, 'EX01']);
    expect([...generated].map((f) => readFileSync(join(out, 'EX01', f), 'utf8'))).toEqual(['run 1', 'run 1', 'run 1']);
    expect(readFileSync(join(out, 'EX01', 'registry-backup.json'), 'utf8')).toBe('{"backup": 1}');
  });

  it('temporary files: only ours, only of processes that are gone, only for the names given', async () => {
    const dir = fresh('temps');
    const pid = await goneProcess();
    const names = [`.inventory.json.${pid}.1.tmp`, `.inventory.json.${pid}.tmp`, `.inventory.json.${process.pid}.2.tmp`, `.other.json.${pid}.1.tmp`, `inventory.json.${pid}.1.tmp`, `.inv.2.json.${pid}.1.tmp`];
    for (const f of names) writeFileSync(join(dir, f), 'x');
    expect(sweepStaleTemps(dir, new Set(['inventory.json', 'inv.2.json'])).sort()).toEqual([`.inv.2.json.${pid}.1.tmp`, `.inventory.json.${pid}.1.tmp`, `.inventory.json.${pid}.tmp`]);
    expect(existsSync(join(dir, `.other.json.${pid}.1.tmp`))).toBe(true);
    expect(existsSync(join(dir, `.inventory.json.${process.pid}.2.tmp`))).toBe(true);
  });
});
