// Control-node collection benchmark (not a test): `extls inventory` over N offline servers (the demo's regedit
// exports and protocol logs, repeated) against a baseline in the same process: one bare pwsh that runs the collector
// for each server in a loop. Ratio = extls / bare, for wall time and for CPU time (the children's included).
// Usage: npm run build && node bench/local-engine.mjs [--servers 24] [--rounds 3] [--throttle 32]
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { servers: { type: 'string', default: '24' }, rounds: { type: 'string', default: '3' }, throttle: { type: 'string', default: '32' } } });
const N = Number(values.servers);
const rounds = Number(values.rounds);
const { locatePowerShell } = await import(join(root, 'dist/powershell/locate.js'));
const pwsh = locatePowerShell().path;
const demo = join(root, 'examples', 'demo');
const sources = ['EX01', 'EX02', 'EX04', 'EX05', 'EX07', 'EDGE01'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const servers = Array.from({ length: N }, (_, i) => {
  const src = sources[i % sources.length];
  return {
    name: `${src}-${i}`,
    transport: 'local',
    collector: {
      registryExports: readdirSync(join(demo, 'servers', src, 'registry')).map((f) => join(demo, 'servers', src, 'registry', f)),
      protocolLogPaths: [join(demo, 'servers', src, 'logs')],
      referenceTime: '2026-11-28T12:00:00Z',
      logDays: 7,
    },
  };
});

const dir = await mkdtemp(join(tmpdir(), 'extls-local-bench-'));
const fleetFile = join(dir, 'fleet.json');
await writeFile(fleetFile, JSON.stringify({ servers }));
// The baseline: the collector once per server in one pwsh, options passed as data (a JSON file), nothing else.
const baselineScript = join(dir, 'baseline.ps1');
await writeFile(
  baselineScript,
  [
    'param([string]$Collector, [string]$JobPath)',
    '$job = Get-Content -LiteralPath $JobPath -Raw | ConvertFrom-Json',
    'foreach ($s in $job.servers) { $o = $s.collector | Add-Member -NotePropertyName computerName -NotePropertyValue $s.name -PassThru; $text = & $Collector -OptionsJson ($o | ConvertTo-Json -Depth 10 -Compress); if ("$text" -notmatch "schemaVersion") { throw "collector failed for $($s.name)" } }',
  ].join('\n'),
);

async function timed(cmd, args) {
  const start = performance.now();
  const r = await execa(cmd, args, { reject: false, cwd: root });
  return { wall: performance.now() - start, exitCode: r.exitCode, stderr: r.stderr };
}

const cli = join(root, 'bin', 'extls.js');
const results = { extls: [], bare: [], extlsCpu: [], bareCpu: [] };
for (let r = 0; r < rounds; r++) {
  for (const mode of ['bare', 'extls']) {
    const cpu0 = await childrenCpuMs();
    const run =
      mode === 'extls'
        ? await timed(process.execPath, [cli, 'inventory', '--fleet', fleetFile, '--out', join(dir, 'inventory.json'), '--quiet', '--throttle', values.throttle])
        : await timed(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', baselineScript, '-Collector', join(root, 'dist', 'ExTlsCollector.ps1'), '-JobPath', fleetFile]);
    if (run.exitCode !== 0) {
      const failed = mode === 'extls' ? JSON.parse(await readFile(join(dir, 'inventory.json'), 'utf8')).servers.filter((s) => s.status !== 'ok') : [];
      throw new Error(`${mode} exited ${run.exitCode}: ${run.stderr.slice(-400)} ${failed.map((s) => `${s.server}: ${s.failure.message}`).join('; ').slice(0, 2000)}`);
    }
    const cpu = (await childrenCpuMs()) - cpu0;
    results[mode].push(run.wall);
    results[`${mode}Cpu`].push(cpu);
    console.log(`round ${r + 1} ${mode}: ${(run.wall / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s CPU`);
  }
}
await rm(dir, { recursive: true, force: true });

// CPU of all finished descendants, from /proc/self/stat (cutime + cstime, clock ticks); Linux only.
async function childrenCpuMs() {
  const { readFile } = await import('node:fs/promises');
  const stat = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1].split(' ');
  const ticks = Number(stat[13]) + Number(stat[14]);
  return ticks * 10;
}

const m = (k) => median(results[k]);
console.log(`servers ${N}, throttle ${values.throttle}, rounds ${rounds}, median of each`);
console.log(`extls ${(m('extls') / 1000).toFixed(2)} s wall, ${(m('extlsCpu') / 1000).toFixed(2)} s CPU`);
console.log(`bare  ${(m('bare') / 1000).toFixed(2)} s wall, ${(m('bareCpu') / 1000).toFixed(2)} s CPU`);
console.log(`ratio extls/bare: wall ${(m('extls') / m('bare')).toFixed(2)}, CPU ${(m('extlsCpu') / m('bareCpu')).toFixed(2)}`);
