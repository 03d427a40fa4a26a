// Benchmark: analyse + render runbooks and the fleet report for N synthetic servers (default 5,000).
// Goal (issue 5): under 10 s and 200 MB. Uses the build (`npm run build` or `npx tsc -p tsconfig.json` first).
//   node bench/runbooks-bench.mjs [--servers 5000] [--out bench/.data/runbooks]
// Prints the time of each stage, servers/s, files written and peak RSS / heap (sampled every 20 ms).
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const N = Number(arg('--servers', '5000'));
const outDir = arg('--out', join(root, 'bench', '.data', 'runbooks'));

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const sampler = setInterval(sample, 20);

const { analyzeInventory } = await import(join(root, 'dist', 'findings', 'analyze.js'));
const { renderRunbooks } = await import(join(root, 'dist', 'runbooks', 'render.js'));

// ---------------------------------------------------------------- synthetic inventory
const base = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8'));
const dword = (value) => ({ present: true, type: 'REG_DWORD', value });
const absent = { present: false };
const builds = ['15.2.1544.4', '15.2.1258.12', '15.1.2507.6', '15.1.2375.7', '15.0.1497.2', '15.0.1263.5', '15.2.2562.17', '15.2.986.5'];
const osBuilds = [
  ['Windows Server 2012 R2 Standard', '9600'],
  ['Windows Server 2016 Standard', '14393'],
  ['Windows Server 2019 Datacenter', '17763'],
  ['Windows Server 2022 Datacenter', '20348'],
];
// deterministic pseudo-random numbers, so runs compare
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (list) => list[Math.floor(rnd() * list.length)];
const tlsValues = [absent, dword(0), dword(1), dword(4294967295), { present: true, type: 'REG_SZ', value: '1' }];

function record(i) {
  const name = `EX${String(i).padStart(5, '0')}`;
  const edge = i % 25 === 0;
  const dagSize = [2, 4, 8, 16][i % 4];
  const dagIndex = Math.floor(i / 40);
  const inDag = !edge && i % 5 !== 0;
  const site = `Site${i % 37}`;
  const groups = { dag: inDag ? `DAG${dagIndex}-${i % dagSize}` : null, site, role: edge ? 'Edge' : 'Mailbox' };
  if (i % 50 === 7) {
    return { schemaVersion: 1, server: name, address: `${name}.corp.example`, transport: 'winrm', groups, status: 'failed', failure: { category: 'unreachable', message: 'connect timed out' }, startedAt: '2026-01-01T00:00:00Z', durationMs: 5000, data: null };
  }
  const data = structuredClone(base);
  data.computerName = name;
  for (const p of data.schannel.protocols) {
    if (rnd() < 0.5) {
      p.enabled = pick(tlsValues);
      p.disabledByDefault = pick(tlsValues);
      p.keyExists = p.enabled.present || p.disabledByDefault.present;
    }
  }
  for (const f of data.dotNet.frameworks) {
    f.systemDefaultTlsVersions = pick([absent, dword(1), dword(0)]);
    f.schUseStrongCrypto = pick([absent, dword(1), dword(0)]);
  }
  data.dotNet.release.value = pick([dword(528049), dword(461814), dword(394271), dword(533320)]);
  const [productName, currentBuild] = pick(osBuilds);
  data.os = { ...data.os, productName, currentBuild, ubr: 1000 + (i % 500) };
  data.exchange = { ...data.exchange, build: pick(builds), isEdge: edge, roles: edge ? ['EdgeTransportRole'] : ['MailboxRole'] };
  data.pendingReboot = i % 17 === 0 ? { pending: true, reasons: [{ source: 'PendingFileRenameOperations', path: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager' }] } : { pending: false, reasons: [] };
  data.cluster = { member: inDag, clusterName: inDag ? groups.dag : null };
  return { schemaVersion: 1, server: name, address: `${name}.corp.example`, transport: 'winrm', groups, status: 'ok', failure: null, startedAt: '2026-01-01T00:00:00Z', durationMs: 900, data };
}

const servers = Array.from({ length: N }, (_, i) => record(i + 1));
const inventory = { schemaVersion: 1, tool: { name: 'extls', version: 'bench' }, createdAt: '2026-01-01T00:00:00Z', source: 'bench', servers, summary: { total: N, ok: servers.filter((s) => s.status === 'ok').length, failed: servers.filter((s) => s.status === 'failed').length } };
rmSync(outDir, { recursive: true, force: true });
global.gc?.();
sample();
const baseline = process.memoryUsage().rss;

// ---------------------------------------------------------------- the measured part
const c0 = process.cpuUsage();
const t0 = performance.now();
const findings = analyzeInventory(inventory, ['tls12-ready', 'legacy-off'], { referenceTime: new Date('2026-01-01T00:00:00Z'), now: new Date('2026-01-01T00:00:00Z') });
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
// with --expose-gc: what is really live (inventory + findings) before rendering starts; not part of the timing
const gcPause0 = performance.now();
global.gc?.();
const liveAfterAnalyse = process.memoryUsage().heapUsed;
const gcPause = performance.now() - gcPause0;
const t1r = performance.now();
const result = await renderRunbooks(findings, { outDir, inventory: servers, generatedAt: '2026-01-01T00:00:00.000Z' });
const t2 = performance.now();
const c2 = process.cpuUsage(c0);
clearInterval(sampler);
sample();

const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`servers           ${N} (${inventory.summary.failed} not collected)`);
console.log(`runbooks          ${result.runbooks.length} (${result.runbooks.filter((r) => r.blocked).length} blocked), ${result.waves} waves, ${result.files} files in ${outDir}`);
const cpu = (u) => (u.user + u.system) / 1000;
console.log(`analyse           ${s(t1 - t0)} wall, ${s(cpu(c1))} CPU`);
console.log(`render + write    ${s(t2 - t1r)} wall, ${s(cpu(c2) - cpu(c1))} CPU`);
console.log(`total             ${s(t2 - t0 - gcPause)} wall, ${s(cpu(c2))} CPU  = ${(N / ((t2 - t0 - gcPause) / 1000)).toFixed(0)} servers/s  (goal: < 10 s)`);
console.log(`load average      ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} CPUs`);
console.log(`peak RSS          ${mb(peakRss)} (inventory built: ${mb(baseline)}; goal: < 200 MB)`);
console.log(`peak heap used    ${mb(peakHeap)}`);
if (global.gc) {
  global.gc();
  console.log(`live heap         ${mb(liveAfterAnalyse)} after analyse (inventory + findings), ${mb(process.memoryUsage().heapUsed)} after render`);
}
