#!/usr/bin/env node
// Benchmark (not a test) for the collector's protocol-log scan (issue 3 point 6).
//
//   node bench/protocol-logs.mjs [--mb 1024] [--csv-mb 256] [--regen]
//
// Generates about --mb MB of realistic logs into bench/.data/protocol-logs (kept between runs), warms the page
// cache, then in one run measures:
//   collector      dist/ExTlsCollector.ps1 over the folder (scan time from its own stats, and end to end)
//   grep -c        GNU grep, equivalent patterns, LC_ALL=C (close to the physical limit)
//   Select-String  pwsh, the same patterns
//   Import-Csv     pwsh, Import-Csv -Header <#Fields> | Where-Object (the '#' lines dropped), over the first
//                  --csv-mb MB of files only (it is slow; throughput is per MB either way)
// and prints throughputs, ratios and the collector's peak memory (max RSS from /usr/bin/time -v).
// Goals: collector >= 0.25 x grep, >= 5 x Import-Csv, < 200 MB peak.
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync, readdirSync, statSync, mkdirSync, openSync, readSync, closeSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBench } from './protocol-logs-gen.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const mb = arg('--mb', 1024);
const csvMb = arg('--csv-mb', 256);
const dataDir = join(root, 'bench', '.data', 'protocol-logs');
const marker = join(root, 'bench', '.data', 'protocol-logs.mb');
const MiB = 1024 * 1024;
const pwsh = process.env.EXTLS_PWSH ?? join(root, '.tools', 'pwsh', 'pwsh');
const collector = join(root, 'dist', 'ExTlsCollector.ps1');
const minimalReg = join(root, 'test', 'fixtures', 'protocol-logs', 'minimal.reg');
const PATTERN = 'SP_PROT[_-]TLS1|TLS negotiation failed|451 5\\.7\\.3|421 4\\.4\\.2|454 4\\.7\\.|530 5\\.7\\.0|STARTTLS|MAIL FROM';

function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (/\.log$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

function warm(list) {
  const buf = Buffer.alloc(4 * MiB);
  for (const f of list) {
    const fd = openSync(f, 'r');
    while (readSync(fd, buf, 0, buf.length, null) > 0);
    closeSync(fd);
  }
}

const rate = (bytes, ms) => bytes / MiB / (ms / 1000);
const fmt = (n, d = 1) => n.toFixed(d);

async function main() {
  await execa('node', [join(root, 'scripts', 'build-collector.mjs')]);
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== String(mb) || process.argv.includes('--regen')) {
    process.stderr.write(`generating ~${mb} MB of protocol logs in ${dataDir} ...\n`);
    const t = Date.now();
    const bytes = writeBench(dataDir, mb);
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, String(mb));
    process.stderr.write(`  ${fmt(bytes / MiB)} MiB in ${fmt((Date.now() - t) / 1000)} s\n`);
  }
  const list = files(dataDir);
  const total = list.reduce((n, f) => n + statSync(f).size, 0);
  process.stderr.write(`${list.length} files, ${fmt(total / MiB)} MiB; warming the page cache ...\n`);
  warm(list);

  // collector
  process.stderr.write('collector ...\n');
  const options = { registryExports: [minimalReg], protocolLogPaths: [dataDir], referenceTime: '2026-11-28T12:00:00Z', logDays: 7, logByteBudget: 1e12 };
  const t0 = performance.now();
  const run = await execa('/usr/bin/time', ['-v', pwsh, '-NoLogo', '-NoProfile', '-NonInteractive', '-File', collector, '-OptionsJson', JSON.stringify(options)], { reject: false });
  const wallMs = performance.now() - t0;
  if (run.exitCode !== 0) throw new Error(`collector failed: ${run.stderr}`);
  const ev = JSON.parse(run.stdout).protocolLogs;
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  const scanMs = ev.stats.durationMs;
  if (ev.stats.bytesScanned !== total) throw new Error(`collector scanned ${ev.stats.bytesScanned} of ${total} bytes`);

  // grep -c
  process.stderr.write('grep -c ...\n');
  const g0 = performance.now();
  const grep = await execa('grep', ['-r', '-c', '-E', PATTERN, dataDir], { env: { LC_ALL: 'C' }, reject: false });
  const grepMs = performance.now() - g0;
  const grepCount = grep.stdout.split('\n').reduce((n, l) => n + Number(l.slice(l.lastIndexOf(':') + 1) || 0), 0);

  // Select-String and Import-Csv (file lists go in a file: data, never script text)
  const listFile = join(root, 'bench', '.data', 'protocol-logs.files.txt');
  writeFileSync(listFile, list.join('\n'));
  const csvList = [];
  let csvBytes = 0;
  for (const f of list) {
    if (csvBytes >= csvMb * MiB) break;
    csvList.push(f);
    csvBytes += statSync(f).size;
  }
  const csvFile = join(root, 'bench', '.data', 'protocol-logs.csv-files.txt');
  writeFileSync(csvFile, csvList.join('\n'));
  const baseline = async (mode, file) => {
    process.stderr.write(`${mode} ...\n`);
    const r = await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(root, 'bench', 'protocol-logs-baselines.ps1'), '-Mode', mode, '-FileList', file]);
    return JSON.parse(r.stdout);
  };
  const ss = await baseline('SelectString', listFile);
  const ic = await baseline('ImportCsv', csvFile);

  const rows = [
    ['collector scan', total, scanMs, `${ev.summary.sessions} sessions, ${ev.summary.peers} peers, ${ev.errors.length} error groups`],
    ['collector end to end', total, wallMs, 'pwsh start, Add-Type compile, registry, scan, JSON'],
    ['grep -c -E', total, grepMs, `${grepCount} matching lines`],
    ['Select-String', ss.bytes, ss.ms, `${ss.matches} matching lines`],
    ['Import-Csv | Where-Object', ic.bytes, ic.ms, `${ic.matches} matching rows (first ${fmt(ic.bytes / MiB)} MiB)`],
  ];
  console.log(`\nprotocol-log scan benchmark: ${list.length} files, ${fmt(total / MiB)} MiB (${ev.stats.lines} lines)\n`);
  console.log('tool                        MiB       s      MiB/s   notes');
  for (const [name, bytes, ms, note] of rows) {
    console.log(`${name.padEnd(26)} ${fmt(bytes / MiB).padStart(7)} ${fmt(ms / 1000, 2).padStart(7)} ${fmt(rate(bytes, ms)).padStart(9)}   ${note}`);
  }
  const scanRate = rate(total, scanMs);
  const e2eRate = rate(total, wallMs);
  const grepRate = rate(total, grepMs);
  const icRate = rate(ic.bytes, ic.ms);
  const ssRate = rate(ss.bytes, ss.ms);
  console.log('');
  console.log(`collector scan / grep          ${fmt(scanRate / grepRate, 2)}   (goal >= 0.25; end to end ${fmt(e2eRate / grepRate, 2)})`);
  console.log(`collector scan / Import-Csv    ${fmt(scanRate / icRate, 1)}   (goal >= 5; end to end ${fmt(e2eRate / icRate, 1)})`);
  console.log(`collector scan / Select-String ${fmt(scanRate / ssRate, 1)}   (end to end ${fmt(e2eRate / ssRate, 1)})`);
  console.log(`collector peak memory          ${fmt(rssKb / 1024)} MiB max RSS of the pwsh process   (goal < 200 MB)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
