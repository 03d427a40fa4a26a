// Two causes of broken Exchange Online mail flow that live in the registry, judged from real-format regedit exports
// (test/fixtures/reg/causes, UTF-16LE as regedit writes them) run through the built collector on top of a ready
// server's exports (the demo's EX01): DigiCert Global Root G2 missing while automatic root update is off by policy,
// and SCHANNEL's per-algorithm switches (IIS Crypto templates) or ECC curve order leaving no suite Exchange Online
// accepts. Each both ways, and "unknown" exactly when the collector did not read the section.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeInventory } from '../../src/findings/analyze.js';
import type { ServerAnalysis } from '../../src/findings/types.js';
import type { CollectorOutput } from '../../src/inventory/types.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { runCollector } from '../helpers/collector.js';
import { inventory, readyOutput, record, referenceTime, valid } from './builders.js';

const fixtures = fileURLToPath(new URL('../fixtures/reg/causes/', import.meta.url));
const ex01 = fileURLToPath(new URL('../../examples/demo/servers/EX01/registry/', import.meta.url));
const base = readdirSync(ex01).filter((f) => f.endsWith('.reg')).sort().map((f) => join(ex01, f));
const G2 = 'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4';

async function collect(...files: string[]): Promise<CollectorOutput> {
  const run = await runCollector({ registryExports: [...base, ...files.map((f) => join(fixtures, f))], scanLogs: false, readExchangeConfig: false, computerName: 'EX01' });
  if (run.exitCode !== 0) throw new Error(run.stderr);
  return valid(run.json as CollectorOutput);
}

function analyze(o: CollectorOutput): ServerAnalysis {
  const doc = analyzeInventory(inventory([record(valid(o))]), ['tls12-ready'], { referenceTime });
  const v = validatorFor('findings.schema.json');
  if (!v(doc)) throw new Error(describeErrors(v.errors).join('\n'));
  return doc.servers[0]!;
}
const ids = (s: ServerAnalysis) => s.findings.map((f) => f.id);
const verdict = (s: ServerAnalysis) => s.verdicts.find((v) => v.policy === 'tls12-ready')!;

describe('DigiCert Global Root G2 and automatic root update', () => {
  it('missing from every root store with DisableRootAutoUpdate=1: a critical finding with its source and a manual step', async () => {
    const out = await collect('root-g2-missing-autoupdate-off.reg');
    expect(out.rootStore!.disableRootAutoUpdate).toEqual({ present: true, type: 'REG_DWORD', value: 1 });
    expect(out.rootStore!.roots).toEqual([{ thumbprint: G2, name: 'DigiCert Global Root G2', foundIn: [] }]);
    const s = analyze(out);
    const f = s.findings.find((x) => x.id === `TRUSTED-ROOT-MISSING-${G2}`)!;
    expect(f).toMatchObject({ severity: 'critical', category: 'certificate', changes: [], policies: ['tls12-ready'] });
    expect(f.explanation).toMatch(/Trust DigiCert Global Root G2 Certificate Authority.*MC1224565/);
    expect(f.explanation).toMatch(/certutil -addstore Root/);
    expect(f.evidence[0]!.display).toMatch(/SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot\\DisableRootAutoUpdate = 1/);
    expect(verdict(s)).toMatchObject({ verdict: 'fail' });
    expect(verdict(s).manualFindingIds).toContain(f.id);
  });

  it('present in the AuthRoot store (key name in lower case, as a hand-made export may have it): no finding', async () => {
    const out = await collect('root-g2-in-authroot-autoupdate-off.reg');
    expect(out.rootStore!.roots[0]!.foundIn).toEqual(['HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\AuthRoot\\Certificates']);
    const s = analyze(out);
    expect(ids(s).filter((i) => i.startsWith('TRUSTED-ROOT'))).toEqual([]);
    expect(verdict(s).verdict).toBe('pass');
  });

  it('missing, but automatic root update on (DisableRootAutoUpdate=0 or no policy): no finding, Windows fetches it', async () => {
    for (const o of [await collect('root-g2-missing-autoupdate-on.reg'), await collect()]) {
      expect(o.rootStore!.roots[0]!.foundIn).toEqual([]);
      expect(ids(analyze(o)).filter((i) => i.startsWith('TRUSTED-ROOT'))).toEqual([]);
    }
  });

  it('not read (an older collector, or the section failed): an info finding that says unknown, never a verdict', () => {
    const old = readyOutput();
    delete (old as Partial<CollectorOutput>).rootStore;
    const s = analyze(old);
    expect(s.findings.filter((f) => f.id.startsWith('TRUSTED-ROOT'))).toMatchObject([{ id: 'TRUSTED-ROOTS-NOT-READ', severity: 'info' }]);
    expect(verdict(s).verdict).toBe('pass');
    const failed = readyOutput();
    failed.rootStore!.disableRootAutoUpdate = { present: true, type: 'REG_DWORD', value: 1 };
    failed.warnings.push({ section: 'rootStore', message: 'access denied' });
    expect(analyze(failed).findings.filter((f) => f.id.startsWith('TRUSTED-ROOT')).map((f) => [f.id, f.explanation.includes('access denied')]))
      .toEqual([['TRUSTED-ROOTS-NOT-READ', true]]);
  });

  it('a bad rootThumbprints option fails the collector run with a clear message; a good one is looked up too', async () => {
    const bad = await runCollector({ registryExports: base, scanLogs: false, rootThumbprints: ['DF3C24F9'] });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/option rootThumbprints: 'DF3C24F9' is not a SHA-1 thumbprint \(40 hex digits\)/);
    const good = await runCollector({ registryExports: [...base, join(fixtures, 'root-g2-missing-autoupdate-off.reg')], scanLogs: false, readExchangeConfig: false, rootThumbprints: ['8f 43 28 8a d2 72 f3 10 3b 6f b1 42 84 85 ea 30 14 c0 bc fe'] });
    expect((good.json as CollectorOutput).rootStore!.roots.map((r) => [r.thumbprint, r.foundIn.length])).toEqual([[G2, 0], ['8F43288AD272F3103B6FB1428485EA3014C0BCFE', 1]]);
  });
});

describe('hardened SCHANNEL: Ciphers, Hashes, KeyExchangeAlgorithms and the ECC curve order', () => {
  it('ECDH and PKCS key exchange off (DHE only): no suite Exchange Online accepts is left, and the finding says why', async () => {
    const out = await collect('schannel-algorithms-dhe-only.reg');
    expect(out.schannelAlgorithms!.entries.find((e) => e.name === 'ECDH')).toMatchObject({ group: 'KeyExchangeAlgorithms', enabled: { present: true, type: 'REG_DWORD', value: 0 } });
    const s = analyze(out);
    const f = s.findings.find((x) => x.id === 'SCHANNEL-ALGORITHMS-NO-M365-SUITE')!;
    expect(f).toMatchObject({ severity: 'critical', category: 'schannel', changes: [], restartRequired: true });
    expect(f.explanation).toMatch(/KeyExchangeAlgorithms\\ECDH is off \(blocks TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, [^)]*TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA\)/);
    expect(f.explanation).toMatch(/KeyExchangeAlgorithms\\PKCS is off \(blocks TLS_RSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_AES_128_GCM_SHA256\)/);
    expect(f.explanation).toMatch(/Only suites Exchange Online does not accept/);
    expect(f.evidence.map((e) => e.path)).toEqual([
      'SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\KeyExchangeAlgorithms\\ECDH',
      'SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\KeyExchangeAlgorithms\\PKCS',
    ]);
    expect(verdict(s).manualFindingIds).toContain('SCHANNEL-ALGORITHMS-NO-M365-SUITE');
  });

  it('IIS Crypto best-practice switches (RC4, 3DES, MD5, SHA-1 HMAC off): suites are left, no finding', async () => {
    const s = analyze(await collect('schannel-algorithms-best-practices.reg'));
    expect(ids(s)).not.toContain('SCHANNEL-ALGORITHMS-NO-M365-SUITE');
    expect(verdict(s).verdict).toBe('pass');
  });

  it('RSA key exchange off and an ECC curve order with only NistP521: ECDHE has no curve in common, a finding', async () => {
    const out = await collect('schannel-curves-p521-only.reg');
    expect(out.schannelAlgorithms!.eccCurves.policy.value).toEqual({ present: true, type: 'REG_MULTI_SZ', value: ['NistP521'] });
    const f = analyze(out).findings.find((x) => x.id === 'SCHANNEL-ALGORITHMS-NO-M365-SUITE')!;
    expect(f.explanation).toMatch(/the ECC curve order \(NistP521\) holds none of curve25519, NistP256, NistP384/);
    // the same curves on Windows Server 2012 R2 (before ECC curve order existed) do not apply: RSA GCM is gone, but
    // the ECDHE suites keep their _P256/_P384 curves
    const old = structuredClone(out);
    old.os.currentBuild = '9600';
    old.exchange.build = '15.1.2507.6';
    expect(ids(analyze(old))).not.toContain('SCHANNEL-ALGORITHMS-NO-M365-SUITE');
  });

  it('a cipher suite order that keeps only the suites the switches turn off: the finding names what is left', () => {
    const o = readyOutput();
    o.cipherSuiteOrder.policy.value = { present: true, type: 'REG_SZ', value: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,TLS_DHE_RSA_WITH_AES_256_GCM_SHA384' };
    o.schannelAlgorithms!.entries.push({
      group: 'Hashes', name: 'SHA', path: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Hashes\\SHA',
      enabled: { present: true, type: 'REG_DWORD', value: 0 },
    });
    const f = analyze(o).findings.find((x) => x.id === 'SCHANNEL-ALGORITHMS-NO-M365-SUITE')!;
    expect(f.explanation).toMatch(/The Group Policy cipher suite order holds 1 of the suites .*Hashes\\SHA is off \(blocks TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA\)/);
    expect(f.explanation).toMatch(/Left to negotiate: TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, none of which Exchange Online accepts/);
    // not read: nothing judged from it
    delete (o as Partial<CollectorOutput>).schannelAlgorithms;
    expect(ids(analyze(o))).not.toContain('SCHANNEL-ALGORITHMS-NO-M365-SUITE');
  });
});

describe('record text never reaches titles or explanations unfiltered', () => {
  it('a root name and curve names from a hostile record are not quoted', () => {
    const o = readyOutput();
    o.rootStore!.disableRootAutoUpdate = { present: true, type: 'REG_DWORD', value: 1 };
    o.rootStore!.roots = [{ thumbprint: G2, name: '<img src=x onerror=alert(1)> `$(Remove-Item C:\\)`', foundIn: [] }];
    o.schannelAlgorithms!.entries.push({ group: 'KeyExchangeAlgorithms', name: 'PKCS', path: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\KeyExchangeAlgorithms\\PKCS', enabled: { present: true, type: 'REG_DWORD', value: 0 } });
    o.schannelAlgorithms!.eccCurves.policy.value = { present: true, type: 'REG_MULTI_SZ', value: ['NistP521', '"; $(evil) <b>'] };
    const s = analyze(o);
    const text = JSON.stringify(s.findings.map((f) => [f.title, f.explanation]));
    expect(text).toMatch(/DigiCert Global Root G2 is not trusted/);
    expect(text).toMatch(/the ECC curve order \(NistP521 and 1 other name\(s\)\)/);
    expect(text).not.toMatch(/onerror|Remove-Item|evil/);
  });
});
