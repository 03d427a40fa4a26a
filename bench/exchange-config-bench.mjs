// Benchmark: what judging certificates and connectors adds to `extls analyze` on a large fleet.
//   node bench/exchange-config-bench.mjs [--servers 5000]
// Builds N synthetic records from the findings tests' base collector output, once without an exchangeConfig section
// and once with one per server (3 certificates, 5 receive connectors, the organisation's 3 send connectors, one of
// them to Exchange Online with findings), analyses each in a fresh Node process (peak RSS is per process) and prints
// time, peak RSS and the ratios with / without. Uses the build (`npm run build` first).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const N = Number(arg('--servers', '5000'));
const dataDir = join(root, 'bench', '.data', 'exchange-config');

if (arg('--measure', null)) {
  const { analyzeInventory } = await import(join(root, 'dist', 'findings', 'analyze.js'));
  const doc = JSON.parse(readFileSync(arg('--measure'), 'utf8'));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const out = analyzeInventory(doc, ['tls12-ready', 'legacy-off'], { referenceTime: new Date('2026-01-15T00:00:00Z') });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const findings = out.servers.reduce((n, s) => n + s.findings.length, 0);
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rss: process.resourceUsage().maxRSS * 1024, findings, fleet: out.fleetFindings.length }));
  process.exit(0);
}

const base = JSON.parse(readFileSync(join(root, 'test', 'findings', 'collector-output.base.json'), 'utf8'));
const day = 86_400_000;
const iso = (d) => new Date(Date.parse('2026-01-15T00:00:00Z') + d * day).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cert = (i, name, extra = {}) => ({
  thumbprint: i.toString(16).toUpperCase().padStart(40, '0'), subject: `CN=${name}`, issuer: 'CN=Contoso CA', friendlyName: null, domains: [name],
  notBefore: iso(-300), notAfter: iso(400), services: ['IIS', 'SMTP'], status: 'Valid', hasPrivateKey: true, isSelfSigned: false,
  keyAlgorithm: 'RSA', keySize: 2048, signatureAlgorithm: { oid: '1.2.840.113549.1.1.11', name: 'sha256RSA' }, internalTransport: false, ...extra,
});
const send = [
  { name: 'Outbound to Office 365', guid: 'a', tlsAuthLevel: null, cloudServicesMailEnabled: true, requireTls: false, smartHosts: ['contoso-com.mail.protection.outlook.com'], addressSpaces: ['smtp:contoso.mail.onmicrosoft.com;1'] },
  { name: 'Internet', guid: 'b', tlsAuthLevel: null, cloudServicesMailEnabled: false, requireTls: false, smartHosts: [], addressSpaces: ['SMTP:*;1'] },
  { name: 'Partner', guid: 'c', tlsAuthLevel: 'DomainValidation', cloudServicesMailEnabled: false, requireTls: true, smartHosts: [], addressSpaces: ['SMTP:fabrikam.com;1'] },
].map((c) => ({
  identity: c.name, enabled: true, dnsRoutingEnabled: !c.smartHosts.length, port: 25, fqdn: 'mail.contoso.com', ignoreStartTls: false, tlsDomain: null,
  tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com', sourceTransportServers: Array.from({ length: 20 }, (_, i) => `EX${i + 1}`), ...c,
}));

function inventory(withConfig) {
  const servers = [];
  for (let i = 1; i <= N; i++) {
    const name = `EX${i}`;
    const data = { ...base, computerName: name };
    if (withConfig) {
      data.exchangeConfig = {
        source: 'exchange-shell', message: null, files: [], internalTransportThumbprint: null,
        certificates: [cert(i * 3, name, { isSelfSigned: true, issuer: `CN=${name}` }), cert(i * 3 + 1, 'mail.contoso.com', { notAfter: iso(i % 90) }), cert(i * 3 + 2, 'old', { services: ['IIS'] })],
        receiveConnectors: ['Default', 'Client Proxy', 'Default Frontend', 'Outbound Proxy Frontend', 'Client Frontend'].map((n) => ({
          name: `${n} ${name}`, identity: `${name}\\${n} ${name}`, server: name, enabled: true, transportRole: 'FrontendTransport', bindings: ['0.0.0.0:25'],
          fqdn: `${name}.contoso.com`, authMechanism: ['Tls'], permissionGroups: ['AnonymousUsers'], requireTls: false,
          tlsCertificateName: n === 'Default Frontend' ? '<I>CN=Contoso CA<S>CN=mail.contoso.com' : null, tlsDomainCapabilities: [],
        })),
        sendConnectors: send,
      };
    }
    servers.push({
      schemaVersion: 1, server: name, address: name.toLowerCase(), transport: 'file', groups: { dag: null, site: null, role: null },
      status: 'ok', failure: null, startedAt: '2026-01-15T00:00:00Z', durationMs: 1, data,
    });
  }
  return { schemaVersion: 1, tool: { name: 'extls', version: '0.1.0' }, createdAt: '2026-01-15T00:00:00Z', source: 'bench', servers, summary: { total: N, ok: N, failed: 0 } };
}

mkdirSync(dataDir, { recursive: true });
const runs = {};
for (const [mode, withConfig] of [['without', false], ['with', true]]) {
  const file = join(dataDir, `${mode}.json`);
  writeFileSync(file, JSON.stringify(inventory(withConfig)));
  const r = await execa(process.execPath, [fileURLToPath(import.meta.url), '--measure', file]);
  runs[mode] = JSON.parse(r.stdout);
  const x = runs[mode];
  console.log(`${mode.padEnd(8)} ${N} servers: ${(x.ms / 1000).toFixed(2)} s wall, ${(x.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${(x.rss / 2 ** 20).toFixed(0)} MiB, ${x.findings} findings, ${x.fleet} fleet findings`);
}
const w = runs.with, o = runs.without;
console.log(`ratio with/without: wall ${(w.ms / o.ms).toFixed(2)}, CPU ${(w.cpuMs / o.cpuMs).toFixed(2)}, peak RSS ${(w.rss / o.rss).toFixed(2)}`);
