// Benchmark (issue 5): analyse + render runbooks and the fleet report for N synthetic servers (default 5,000).
// Goal: under 10 s and 200 MB. Uses the build (`npm run build` first).
//   node bench/runbooks-bench.mjs [--servers 5000] [--out bench/.data/runbooks]
// Writes the synthetic inventory to a file with extls's own InventoryWriter, then measures, each in a fresh Node
// process (peak RSS is per process), the same run two ways:
//   streaming   `extls runbooks inventory.json` as shipped: one server at a time from the file (renderRunbooksFromRecords)
//   baseline    the whole-document way: parse the inventory, analyzeInventory, then renderRunbooks
// and prints time, servers/s, peak RSS and the ratios streaming / baseline.
import { readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const N = Number(arg('--servers', '5000'));
const outDir = arg('--out', join(root, 'bench', '.data', 'runbooks'));
const policies = ['tls12-ready', 'legacy-off'];
const referenceTime = new Date('2026-01-01T00:00:00Z');

if (arg('--measure', null)) {
  // ---------------------------------------------------------------- child: one measured run
  const mode = arg('--measure');
  const file = arg('--inventory');
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
  const { renderRunbooksFromRecords, renderRunbooks } = await import(join(root, 'dist', 'runbooks', 'render.js'));
  const { readInventoryStream } = await import(join(root, 'dist', 'inventory', 'read.js'));
  const { analyzeInventory } = await import(join(root, 'dist', 'findings', 'analyze.js'));
  rmSync(outDir, { recursive: true, force: true });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let result;
  if (mode === 'streaming') {
    const { head, records } = await readInventoryStream(file);
    ({ result } = await renderRunbooksFromRecords(head, records, policies, { outDir, referenceTime, generatedAt: '2026-01-01T00:00:00.000Z' }));
  } else {
    const inventory = JSON.parse(readFileSync(file, 'utf8'));
    const findings = analyzeInventory(inventory, policies, { referenceTime, now: referenceTime });
    result = await renderRunbooks(findings, { outDir, generatedAt: '2026-01-01T00:00:00.000Z' });
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  // CPU of every thread of the process (GC helpers included): less at the mercy of other load on the machine than the wall time
  const { user, system } = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ ms, cpuMs: (user + system) / 1000, maxRss: process.resourceUsage().maxRSS * 1024, peakHeap, runbooks: result.runbooks.length, blocked: result.runbooks.filter((r) => r.blocked).length, files: result.files, waves: result.waves }));
  process.exit(0);
}

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

const { InventoryWriter } = await import(join(root, 'dist', 'inventory', 'writer.js'));
mkdirSync(join(root, 'bench', '.data'), { recursive: true });
const inventoryFile = join(root, 'bench', '.data', `runbooks-inventory-${N}.json`);
const writer = await InventoryWriter.open(inventoryFile, 'bench');
for (let i = 1; i <= N; i++) await writer.add(record(i));
await writer.commit();

const measure = async (mode) => {
  // start each run with the previous run's output deleted and flushed: write-back of 425 MB must not land in the next run
  rmSync(outDir, { recursive: true, force: true });
  await execa('sync');
  const r = await execa(process.execPath, [fileURLToPath(import.meta.url), '--measure', mode, '--inventory', inventoryFile, '--out', outDir, '--servers', String(N)]);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};
const whole = await measure('baseline');
const run = await measure('streaming');
const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const os = await import('node:os');
console.log(`servers           ${N}; ${run.runbooks} runbooks (${run.blocked} blocked), ${run.waves} waves, ${run.files} files in ${outDir}`);
const line = (r) => `${(r.ms / 1000).toFixed(2)} s = ${(N / (r.ms / 1000)).toFixed(0)} servers/s (CPU ${(r.cpuMs / 1000).toFixed(2)} s), peak RSS ${mb(r.maxRss)}, peak heap ${mb(r.peakHeap)}`;
console.log(`streaming         ${line(run)}   (goal: < 10 s, < 200 MB)`);
console.log(`baseline (whole)  ${line(whole)}`);
console.log(`ratio streaming / baseline: time ${(run.ms / whole.ms).toFixed(2)}, CPU ${(run.cpuMs / whole.cpuMs).toFixed(2)}, peak RSS ${(run.maxRss / whole.maxRss).toFixed(2)}`);
console.log(`load average      ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
