// Issue 2 benchmark (not a test). Two measurements, each against a baseline run in the same process:
//  1. The same N servers over real PowerShell SSH remoting (sshd on loopback, N ports): `extls inventory`
//     versus a bare `Invoke-Command -HostName ... -ThrottleLimit` of the collector in one pwsh. Ratio = extls / bare.
//  2. Node's peak memory while building a 5,000-server inventory from a replayed driver stream.
// Usage: npm run build && node bench/fanout.mjs [--servers 16] [--rounds 3] [--replay 5000] [--replay-only]
import { execa } from 'execa';
import { mkdtemp, rm, writeFile, chmod, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { servers: { type: 'string', default: '16' }, rounds: { type: 'string', default: '3' }, replay: { type: 'string', default: '5000' }, 'replay-only': { type: 'boolean', default: false } } });
const N = Number(values.servers);
const rounds = Number(values.rounds);
const replayCount = Number(values.replay);

const { locatePowerShell } = await import(join(root, 'dist/powershell/locate.js'));
// the same loopback sshd the tests use
const { startSshd } = await import(join(root, 'test/helpers/sshd.mjs'));

const pwsh = locatePowerShell().path;
const collector = join(root, 'dist', 'ExTlsCollector.ps1');
const reg = join(root, 'test', 'fixtures', 'inventory', 'server-ok.reg');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function fanoutRatio() {
  const sshd = await startSshd(N, pwsh);
  const dir = await mkdtemp(join(tmpdir(), 'extls-bench-'));
  try {
    const collectorOptions = { registryExports: [reg], scanLogs: false };
    const fleet = {
      defaults: { transport: 'ssh', throttle: 32 },
      servers: sshd.ports.map((port, i) => ({
        name: `BENCH-${i}`, address: '127.0.0.1',
        ssh: { port, userName: sshd.userName, keyFilePath: sshd.keyFilePath, options: { UserKnownHostsFile: sshd.knownHostsFile } },
        collector: collectorOptions,
      })),
    };
    const fleetFile = join(dir, 'fleet.json');
    await writeFile(fleetFile, JSON.stringify(fleet));
    // Bare remoting: what an admin would write, one pwsh, same collector and ssh options. pwsh 7.6's SSH
    // parameter sets have no -ThrottleLimit: Invoke-Command's built-in default of 32 applies, as in extls.
    const bareScript = join(dir, 'bare.ps1');
    await writeFile(bareScript, [
      'param([string]$JobPath)',
      '$job = Get-Content -Raw $JobPath | ConvertFrom-Json',
      '$opts = @{ UserKnownHostsFile = $job.knownHosts; BatchMode = "yes" }',
      '$hosts = @($job.ports | ForEach-Object { "$($job.user)@127.0.0.1:$_" })',
      '$sb = [scriptblock]::Create([IO.File]::ReadAllText($job.collector))',
      '$out = Invoke-Command -HostName $hosts -KeyFilePath $job.key -Options $opts -ScriptBlock $sb -ArgumentList $job.options',
      'if (@($out).Count -ne $hosts.Count) { throw "bare remoting got $(@($out).Count) results for $($hosts.Count) hosts" }',
    ].join('\n'));
    const jobFile = join(dir, 'bare.json');
    await writeFile(jobFile, JSON.stringify({ ports: sshd.ports, user: sshd.userName, key: sshd.keyFilePath, knownHosts: sshd.knownHostsFile, collector, options: JSON.stringify(collectorOptions) }));

    const extlsTimes = [];
    const bareTimes = [];
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      const e = await execa(process.execPath, [join(root, 'bin/extls.js'), 'inventory', '--fleet', fleetFile, '--out', join(dir, 'inv.json'), '--quiet'], { reject: false });
      extlsTimes.push(performance.now() - t);
      if (e.exitCode !== 0) throw new Error(`extls failed (${e.exitCode}): ${e.stderr}`);
      const inv = JSON.parse(await readFile(join(dir, 'inv.json'), 'utf8'));
      if (inv.summary.ok !== N) throw new Error(`extls collected ${inv.summary.ok}/${N}`);
      t = performance.now();
      await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', bareScript, '-JobPath', jobFile]);
      bareTimes.push(performance.now() - t);
    }
    const e = median(extlsTimes), b = median(bareTimes);
    console.log(`fan-out, ${N} servers over SSH, median of ${rounds} rounds:`);
    console.log(`  extls inventory           ${(e / 1000).toFixed(2)} s  (${extlsTimes.map((x) => (x / 1000).toFixed(2)).join(', ')})`);
    console.log(`  bare Invoke-Command       ${(b / 1000).toFixed(2)} s  (${bareTimes.map((x) => (x / 1000).toFixed(2)).join(', ')})`);
    console.log(`  ratio extls / bare        ${(e / b).toFixed(2)}   (goal <= 1.10)`);
  } finally {
    await sshd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function replayMemory() {
  const dir = await mkdtemp(join(tmpdir(), 'extls-replay-'));
  try {
    // One real collector output, replayed as 5,000 driver lines with distinct server names.
    const { stdout } = await execa(pwsh, ['-NoLogo', '-NoProfile', '-File', collector, '-OptionsJson', JSON.stringify({ registryExports: [reg], scanLogs: false })]);
    const lines = [];
    for (let i = 0; i < replayCount; i++) {
      const name = `EX${String(i).padStart(5, '0')}`;
      const failed = i % 50 === 0;
      lines.push(JSON.stringify({ server: name, transport: 'ssh', startedAt: new Date().toISOString(), durationMs: 1000, outcome: failed ? 'failed' : 'ok', category: failed ? 'unreachable' : null, message: failed ? 'cannot connect' : null, output: stdout.replace(/"computerName":"[^"]*"/, `"computerName":"${name}"`) }));
    }
    const replayFile = join(dir, 'replay.ndjson');
    await writeFile(replayFile, lines.join('\n') + '\n');
    const fakePwsh = join(dir, 'replay-pwsh');
    await writeFile(fakePwsh, `#!/bin/sh\nexec cat '${replayFile}'\n`);
    await chmod(fakePwsh, 0o755);
    // Each measurement in a fresh Node process (peak RSS is per process): the baseline loads the same modules
    // and builds an inventory of one server; the run builds the 5,000-server one.
    const measure = async (count) => {
      const r = await execa(process.execPath, [join(root, 'bench', 'replay-inventory.mjs'), fakePwsh, String(count), join(dir, `inventory-${count}.json`)]);
      return JSON.parse(r.stdout);
    };
    const base = await measure(1);
    const run = await measure(replayCount);
    const mb = (b) => (b / 2 ** 20).toFixed(0);
    console.log(`replayed driver stream: ${replayCount} servers, ${(run.streamBytes / 1e6).toFixed(0)} MB -> inventory.json (${(run.inventoryBytes / 1e6).toFixed(0)} MB) in ${(run.ms / 1000).toFixed(2)} s`);
    console.log(`  Node peak RSS ${mb(run.maxRss)} MB (goal < 200 MB); baseline (same modules, 1 server) ${mb(base.maxRss)} MB; ratio ${(run.maxRss / base.maxRss).toFixed(2)}`);
    console.log(`  summary ${JSON.stringify(run.summary)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (!values['replay-only']) await fanoutRatio();
await replayMemory();
