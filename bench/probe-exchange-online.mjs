// `extls probe --as exchange-online` benchmark (not a test). Against two loopback STARTTLS servers (TLS 1.2 only,
// test/pester/helpers/starttls-server.mjs): one that takes one of Exchange Online's suites, one that takes three
// others. Prints, as ratios:
//  1. the cost of the Exchange Online check: probe with it / probe without it, on each server;
//  2. the search for the suites a server takes instead: elimination (offer all, take away the one chosen, again)
//     / one handshake per candidate suite, on the server that takes none of Exchange Online's.
// Usage: npm run build && node bench/probe-exchange-online.mjs [--rounds 5]
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const { probeEndpoint } = await import(join(root, 'dist/probe/runner.js'));
const { attemptHandshake } = await import(join(root, 'dist/probe/handshake.js'));
const { findServerSuites } = await import(join(root, 'dist/probe/exchange-online.js'));
const { TLS12_SUITES } = await import(join(root, 'dist/probe/cipher-names.js'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function startServer(ciphers) {
  const child = spawn(process.execPath, [join(root, 'test/pester/helpers/starttls-server.mjs')], {
    env: { ...process.env, EXTLS_TEST_CIPHERS: ciphers },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) })));
}

const yes = await startServer('ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256');
const no = await startServer('ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CAMELLIA256-SHA384');
const options = { timeoutMs: 10000, concurrency: 1, ehloName: 'bench.extls.test' };
const ctx = (port) => ({ host: '127.0.0.1', address: '127.0.0.1', port, timeoutMs: 10000, ehloName: 'bench.extls.test', now: Date.now });

async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

try {
  for (const [label, s] of [['takes an Exchange Online suite', yes], ['takes none of them', no]]) {
    const plain = [];
    const eo = [];
    for (let i = 0; i < rounds; i++) {
      plain.push(await time(() => probeEndpoint({ host: '127.0.0.1', port: s.port, server: null }, options)));
      eo.push(await time(() => probeEndpoint({ host: '127.0.0.1', port: s.port, server: null }, { ...options, exchangeOnline: true })));
    }
    console.log(`server that ${label}: probe with --as exchange-online / without = ${(median(eo) / median(plain)).toFixed(2)} (${median(eo).toFixed(0)} / ${median(plain).toFixed(0)} ms)`);
  }
  const elim = [];
  const each = [];
  let found = 0;
  for (let i = 0; i < rounds; i++) {
    elim.push(await time(async () => (found = (await findServerSuites(ctx(no.port), undefined, 60000)).suites.length)));
    each.push(
      await time(async () => {
        for (const [, openssl] of TLS12_SUITES) await attemptHandshake({ version: 'TLSv1.2', ciphers: `${openssl}:@SECLEVEL=0` }, ctx(no.port));
      }),
    );
  }
  console.log(
    `suites the server takes instead (${found} found, ${TLS12_SUITES.length} candidates): elimination / one handshake per suite = ` +
      `${(median(elim) / median(each)).toFixed(3)} (${median(elim).toFixed(0)} / ${median(each).toFixed(0)} ms)`,
  );
} finally {
  yes.child.kill();
  no.child.kill();
}
