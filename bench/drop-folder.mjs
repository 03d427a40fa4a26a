// Benchmark (not a test): `extls inventory --from <folder>` on N generated drop files (what N servers' scheduled
// tasks leave on a share) against a bare `Get-ChildItem | Get-Content -Raw | ConvertFrom-Json` in pwsh over the
// same files, in the same run. Both are measured from outside by /usr/bin/time (wall time, peak RSS), alternating,
// and the medians compared. extls does more than the bare loop: two passes (who claims which server), schema
// validation, stale and duplicate checks, and the inventory file written.
// Usage: npm run build && node bench/drop-folder.mjs [--files 5000] [--rounds 3] [--dir bench/.data/drops]
// --sparse 9x450: instead, a folder of 9 sparse files of 450 MB each (hostile: they cost no disk, but a reader that
// takes them whole runs out of memory) beside --files real ones; extls alone, its wall time and peak RSS.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    dir: { type: 'string', default: join(root, 'bench', '.data', 'drops') },
    sparse: { type: 'string' },
  },
});
const N = Number(values.files);
const rounds = Number(values.rounds);
const dir = join(values.dir, String(N));
const { locatePowerShell } = await import(join(root, 'dist/powershell/locate.js'));
const pwsh = locatePowerShell().path;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One real collector output with protocol-log evidence (the demo's EX03), varied per generated server. */
async function generate() {
  if (existsSync(dir) && (await readdir(dir)).filter((f) => f.endsWith('.json')).length === N) return;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const demo = join(root, 'examples', 'demo', 'servers', 'EX03');
  const regs = (await readdir(join(demo, 'registry'))).sort().map((f) => join(demo, 'registry', f));
  const options = { computerName: 'EX03', registryExports: regs, protocolLogPaths: [join(demo, 'logs')], referenceTime: '2026-11-28T12:00:00Z', logDays: 7 };
  const run = await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(root, 'dist', 'ExTlsCollector.ps1'), '-OptionsJson', JSON.stringify(options)]);
  const base = JSON.parse(run.stdout.trim().split('\n').pop());
  const now = Date.now();
  for (let i = 0; i < N; i++) {
    const o = structuredClone(base);
    o.computerName = `EX${String(i).padStart(5, '0')}`;
    // 1 in 100 stopped reporting ten days ago; the rest reported within the last day
    o.collector.startedAt = new Date(now - (i % 100 === 7 ? 10 * 86_400_000 : (i % 24) * 3_600_000)).toISOString();
    o.collector.durationMs = 500 + (i % 900);
    o.os.ubr = 1000 + (i % 50);
    await writeFile(join(dir, `${o.computerName}.json`), JSON.stringify(o));
  }
}

async function timed(cmd, args) {
  const r = await execa('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], { reject: false, all: false });
  if (r.exitCode !== 0 && r.exitCode !== 2) throw new Error(`${cmd} failed (${r.exitCode}): ${r.stderr.slice(-2000)}`);
  const [wall, user, sys, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wallMs: wall * 1000, cpuMs: (user + sys) * 1000, peakBytes: kb * 1024, stdout: r.stdout };
}

await generate();

if (values.sparse) {
  const m = /^(\d+)x(\d+)$/.exec(values.sparse);
  if (!m) throw new Error('--sparse <count>x<MB>, e.g. 9x450');
  const [count, mb] = [Number(m[1]), Number(m[2])];
  const hostile = join(values.dir, `sparse-${values.sparse}-${N}`);
  await rm(hostile, { recursive: true, force: true });
  await mkdir(hostile, { recursive: true });
  for (const f of await readdir(dir)) await writeFile(join(hostile, f), await readFile(join(dir, f)));
  for (let i = 0; i < count; i++) {
    const f = join(hostile, `SPARSE${i}.json`);
    await writeFile(f, '{"computerName": "');
    await truncate(f, mb * 1048576);
  }
  const sparseOut = join(values.dir, `inventory-sparse.json`);
  const runs = [];
  for (let r = 0; r < rounds; r++) runs.push(await timed(process.execPath, [join(root, 'bin', 'extls.js'), 'inventory', '--from', hostile, '--out', sparseOut, '--quiet']));
  const summary = JSON.parse((await readFile(sparseOut, 'utf8')).slice(-200).match(/"summary": (\{.*\})/)[1]);
  const w = median(runs.map((x) => x.wallMs));
  const peak = median(runs.map((x) => x.peakBytes));
  console.log(`${count} sparse files of ${mb} MB (${((count * mb) / 1024).toFixed(1)} GiB apparent) + ${N} real drop files; inventory summary ${JSON.stringify(summary)}; medians of ${rounds} rounds`);
  console.log(`extls inventory --from : ${(w / 1000).toFixed(2)} s wall, peak RSS ${(peak / 1048576).toFixed(0)} MiB (max of rounds ${(Math.max(...runs.map((x) => x.peakBytes)) / 1048576).toFixed(0)} MiB)`);
  await rm(hostile, { recursive: true, force: true });
  process.exit(0);
}

const bytes = (await Promise.all((await readdir(dir)).map((f) => stat(join(dir, f)).then((s) => s.size)))).reduce((a, b) => a + b, 0);
const out = join(values.dir, `inventory-${N}.json`);
const bare = join(values.dir, 'bare.ps1');
await writeFile(bare, [
  'param([string]$Dir)',
  '$servers = Get-ChildItem -LiteralPath $Dir -Filter *.json | Get-Content -Raw | ConvertFrom-Json',
  '@($servers).Count',
].join('\n'));

const extls = [];
const baseline = [];
for (let r = 0; r < rounds; r++) {
  extls.push(await timed(process.execPath, [join(root, 'bin', 'extls.js'), 'inventory', '--from', dir, '--out', out, '--quiet']));
  const b = await timed(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', bare, '-Dir', dir]);
  if (Number(b.stdout.trim()) !== N) throw new Error(`bare loop read ${b.stdout.trim()} of ${N} files`);
  baseline.push(b);
}
const summary = JSON.parse((await readFile(out, 'utf8')).slice(-200).match(/"summary": (\{.*\})/)[1]);
const mib = (b) => (b / 1048576).toFixed(0);
const med = (xs) => ({ wall: median(xs.map((x) => x.wallMs)), cpu: median(xs.map((x) => x.cpuMs)), peak: median(xs.map((x) => x.peakBytes)) });
const e = med(extls);
const p = med(baseline);
console.log(`${N} drop files, ${(bytes / 1048576).toFixed(1)} MiB (${(bytes / N / 1024).toFixed(1)} KiB each); inventory summary ${JSON.stringify(summary)}; medians of ${rounds} alternating rounds`);
const line = (x) => `${(x.wall / 1000).toFixed(2)} s wall, ${(x.cpu / 1000).toFixed(2)} s CPU, peak RSS ${mib(x.peak)} MiB`;
console.log(`extls inventory --from : ${line(e)}`);
console.log(`pwsh Get-ChildItem | Get-Content -Raw | ConvertFrom-Json : ${line(p)}`);
// the wall time follows whatever else runs on the machine; the CPU time is the work done
console.log(`ratio extls / bare: wall ${(e.wall / p.wall).toFixed(2)}, CPU ${(e.cpu / p.cpu).toFixed(2)}, peak memory ${(e.peak / p.peak).toFixed(2)}`);
