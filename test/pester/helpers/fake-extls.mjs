#!/usr/bin/env node
// A stand-in for bin/extls.js used by the Pester tests ($env:EXTLS_CLI): it records exactly what the ExTls module
// gave it (argv, environment, working folder, stdin) into $env:EXTLS_FAKE_LOG, then behaves like the real command
// in the smallest way: inventory prints one ok record per fleet server, runbooks writes one file per server.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const stdin = Buffer.concat(chunks).toString('utf8');
const argv = process.argv.slice(2);
if (process.env.EXTLS_FAKE_LOG) {
  writeFileSync(process.env.EXTLS_FAKE_LOG, JSON.stringify({ argv, execArgv: process.execArgv, env: process.env, cwd: process.cwd(), stdin }));
}

const [command] = argv;
// --progress json: events as the real reporter writes them (schemas/progress-event.schema.json)
const events = argv.some((a, i) => a === '--progress=json' || (a === '--progress' && argv[i + 1] === 'json'));
const emit = (e) => events && process.stderr.write(JSON.stringify(e) + '\n');
if (process.env.EXTLS_FAKE_EXIT) {
  process.stderr.write(`extls: forced failure for ${command}\n`);
  process.exitCode = Number(process.env.EXTLS_FAKE_EXIT);
} else if (command === 'inventory') {
  let fleetText = stdin;
  if (argv.includes('--credential-stdin')) fleetText = stdin.slice(stdin.indexOf('\n') + 1);
  const fleet = JSON.parse(fleetText);
  if (argv.includes('--plan')) {
    // what `--plan` prints: per server the transport parameters, no secrets
    const plans = fleet.servers.map((s) => ({ server: s.name, plan: { transport: s.transport ?? fleet.defaults?.transport ?? 'winrm', ComputerName: s.address ?? s.name } }));
    process.stdout.write(JSON.stringify(plans, null, 2) + '\n');
  } else {
    // a server whose name starts with FAIL is unreachable; $env:EXTLS_FAKE_WARN is written as a warn event
    let failed = 0;
    let done = 0;
    emit({ event: 'start', command: 'inventory', unit: 'servers', total: fleet.servers.length });
    if (process.env.EXTLS_FAKE_WARN) emit({ event: 'warn', message: process.env.EXTLS_FAKE_WARN });
    for (const s of fleet.servers) {
      const bad = /^FAIL/i.test(s.name);
      if (bad) failed++;
      const record = {
        schemaVersion: 1, server: s.name, address: s.address ?? s.name,
        transport: s.transport ?? fleet.defaults?.transport ?? 'winrm',
        groups: { dag: s.dag ?? null, site: s.site ?? null, role: s.role ?? null },
        status: bad ? 'failed' : 'ok', failure: bad ? { category: 'unreachable', message: `cannot connect to ${s.name}` } : null,
        startedAt: new Date().toISOString(), durationMs: 1, data: null,
      };
      process.stdout.write(JSON.stringify(record) + '\n');
      emit({ event: 'item', name: s.name, ok: !bad, ...(bad ? { detail: record.failure.category + ': ' + record.failure.message } : {}), durationMs: 1, done: ++done, failed, total: fleet.servers.length });
    }
    emit({ event: 'end', done, failed, total: fleet.servers.length });
    emit({ event: 'info', message: `${done} servers, ${done - failed} ok, ${failed} failed` });
    process.exitCode = failed ? 2 : 0;
  }
} else if (command === 'runbooks') {
  const out = argv.find((a) => a.startsWith('--out=')).slice('--out='.length);
  const source = argv[argv.length - 1];
  const inventory = JSON.parse(source === '-' ? stdin : readFileSync(source, 'utf8'));
  const files = [];
  for (const s of inventory.servers) {
    mkdirSync(join(out, s.server), { recursive: true });
    writeFileSync(join(out, s.server, 'runbook.md'), `# ${s.server}\n`);
    files.push(`${s.server}/runbook.md`);
  }
  writeFileSync(join(out, 'report.html'), '<!doctype html><title>extls</title>\n');
  files.push('report.html');
  process.stderr.write(`runbooks: ${inventory.servers.length} servers -> ${out}\n`);
  if (argv.includes('--format=json')) {
    const runbooks = inventory.servers.map((s) => ({ server: s.server, folder: s.server, blocked: false }));
    process.stdout.write(JSON.stringify({ outDir: out, servers: runbooks.length, runbooks, files, waves: 1, notCollected: [], skipped: [] }) + '\n');
  }
} else {
  process.stderr.write(`extls: fake: unknown command '${command}'\n`);
  process.exitCode = 1;
}
