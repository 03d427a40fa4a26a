// Every demo server's regedit exports (examples/demo/servers/<NAME>/registry) run through the collector,
// validate, and show the problem that server was built to show.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCollector } from '../helpers/collector.js';
import { absent, dword, expectValidOutput, framework, protocol, type CollectorOutput } from './util.js';

const serversDir = fileURLToPath(new URL('../../examples/demo/servers/', import.meta.url));
const servers = readdirSync(serversDir).filter((n) => existsSync(join(serversDir, n, 'registry'))).sort();

const tls12 = (out: CollectorOutput) =>
  (['Client', 'Server'] as const).map((s) => [protocol(out, 'TLS 1.2', s).enabled, protocol(out, 'TLS 1.2', s).disabledByDefault]);
const MBX = ['ClientAccessRole', 'FrontendTransportRole', 'HubTransportRole', 'MailboxRole'];

const expectations: Record<string, (out: CollectorOutput) => void> = {
  EX01: (out) => {
    expect(out.os).toMatchObject({ currentBuild: '17763', productName: 'Windows Server 2019 Standard' });
    expect(out.exchange).toMatchObject({ build: '15.2.1544.4', buildSource: 'setup-registry', roles: MBX, isEdge: false });
    expect(out.cluster).toEqual({ member: true, clusterName: 'DAG01' });
    expect(tls12(out)).toEqual([[dword(1), dword(0)], [dword(1), dword(0)]]);
    for (const f of out.dotNet.frameworks) expect(f).toMatchObject({ systemDefaultTlsVersions: dword(1), schUseStrongCrypto: dword(1) });
    expect(out.winHttp.map((w) => w.defaultSecureProtocols)).toEqual([dword(0xa00), dword(0xa00)]);
    expect(out.dotNet.release.value).toEqual(dword(528049));
    expect(out.pendingReboot.pending).toBe(false);
  },
  EX02: (out) => {
    expect(out.os.currentBuild).toBe('14393');
    expect(out.exchange).toMatchObject({ build: '15.1.2507.6', roles: [...MBX, 'UnifiedMessagingRole'] });
    expect(out.cluster).toEqual({ member: true, clusterName: 'DAG01' });
    expect(tls12(out)).toEqual([[dword(0), dword(1)], [dword(0), dword(1)]]);
  },
  EX03: (out) => {
    expect(out.exchange.build).toBe('15.2.1258.12');
    expect(out.cluster).toEqual({ member: true, clusterName: 'DAG02' });
    expect(tls12(out)).toEqual([[dword(1), dword(0)], [dword(1), dword(0)]]);
    for (const view of ['native', 'wow6432']) {
      expect(framework(out, 'v4.0.30319', view)).toMatchObject({ keyExists: true, systemDefaultTlsVersions: absent, schUseStrongCrypto: absent });
      expect(framework(out, 'v2.0.50727', view)).toMatchObject({ systemDefaultTlsVersions: dword(1), schUseStrongCrypto: dword(1) });
    }
  },
  EX04: (out) => {
    expect(out.os).toMatchObject({ currentBuild: '9600', productName: 'Windows Server 2012 R2 Standard' });
    expect(out.exchange.build).toBe('15.0.1263.5');
    expect(out.cluster.member).toBe(false);
    expect(protocol(out, 'TLS 1.2', 'Server').keyExists).toBe(false);
    expect(tls12(out)).toEqual([[absent, absent], [absent, absent]]);
    expect(out.dotNet.release.value).toEqual(dword(394271));
    expect(out.winHttp.map((w) => w.defaultSecureProtocols)).toEqual([absent, absent]);
  },
  EX05: (out) => {
    expect(tls12(out)).toEqual([[dword(4294967295), dword(0)], [dword(4294967295), dword(0)]]);
    for (const p of ['TLS 1.0', 'TLS 1.1', 'SSL 3.0', 'PCT 1.0', 'Multi-Protocol Unified Hello']) {
      expect(protocol(out, p, 'Server')).toMatchObject({ enabled: dword(0), disabledByDefault: dword(1) });
    }
    expect(out.cipherSuiteOrder.policy.value).toMatchObject({ present: true, type: 'REG_SZ' });
  },
  EX06: (out) => {
    expect(tls12(out)).toEqual([[dword(0), dword(1)], [dword(1), dword(0)]]);
  },
  EX07: (out) => {
    expect(out.os).toMatchObject({ currentBuild: '20348', displayVersion: '21H2' });
    expect(out.exchange.build).toBe('15.2.1748.10');
    expect(out.pendingReboot.pending).toBe(true);
    expect(out.pendingReboot.reasons.map((r) => r.source)).toEqual(['PendingFileRenameOperations', 'ComponentBasedServicing']);
    expect(tls12(out)).toEqual([[dword(1), dword(0)], [dword(1), dword(0)]]);
  },
  EX09: (out) => {
    expect(out.os.currentBuild).toBe('20348');
    expect(out.rootStore!.disableRootAutoUpdate).toEqual(dword(1));
    expect(out.rootStore!.roots).toEqual([{ thumbprint: 'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4', name: 'DigiCert Global Root G2', foundIn: [] }]);
    expect(out.pendingReboot.pending).toBe(false);
  },
  EX10: (out) => {
    expect(out.os.currentBuild).toBe('17763');
    expect(out.cluster.member).toBe(false);
    const off = out.schannelAlgorithms!.entries.filter((e) => e.enabled.present && e.enabled.value === 0).map((e) => `${e.group}\\${e.name}`);
    expect(off).toEqual(expect.arrayContaining(['KeyExchangeAlgorithms\\ECDH', 'KeyExchangeAlgorithms\\PKCS', 'Ciphers\\RC4 128/128']));
    expect(out.rootStore!.disableRootAutoUpdate).toEqual(absent);
  },
  EDGE01: (out) => {
    expect(out.exchange).toMatchObject({ build: '15.2.1544.4', roles: ['EdgeTransportRole'], isEdge: true });
    expect(out.cluster.member).toBe(false);
    expect(tls12(out)).toEqual([[dword(1), dword(0)], [dword(1), dword(0)]]);
  },
};

describe('demo servers through the collector', () => {
  it('has registry exports for every simulated reachable server, and none for EX08', () => {
    expect(servers).toEqual(Object.keys(expectations).sort());
  });

  it.each(servers)('%s', async (name) => {
    const dir = join(serversDir, name, 'registry');
    const files = readdirSync(dir).filter((f) => f.endsWith('.reg')).sort().map((f) => join(dir, f));
    const run = await runCollector({ registryExports: files, computerName: name });
    if (run.exitCode !== 0) throw new Error(`${name}: collector failed: ${run.stderr}`);
    const out = expectValidOutput(run.json);
    expect(out.computerName).toBe(name);
    expect(out.warnings).toEqual([]);
    expect(out.exchange).toMatchObject({ installed: true, installPath: 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\' });
    expect(out.os.installationType).toBe('Server');
    expectations[name]!(out);
  });
});
