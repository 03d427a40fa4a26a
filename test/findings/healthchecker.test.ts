// Validation against real data: HealthChecker's own TLS fixtures (test/fixtures/healthchecker, read with the real
// pwsh Import-Clixml) → inventory records → extls verdicts, compared with HealthChecker's verdicts stored in the
// same files and with HealthChecker's current rules (CSS-Exchange Shared/TLS/Get-AllTlsSettingsFromRegistry.ps1 and
// Diagnostics/HealthChecker/Analyzer/Security/Invoke-AnalyzerSecuritySettings.ps1 @ f88378b1) re-stated below. Every
// difference must be one of the documented ones, each with its reason (docs/healthchecker-comparison.md). Then
// extls's own changes are applied to each fixture's raw values: HealthChecker's rules must report no TLS error.
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeInventory } from '../../src/findings/analyze.js';
import type { RegistryChange, ServerAnalysis } from '../../src/findings/types.js';
import type { CollectorOutput, RegValue } from '../../src/inventory/types.js';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { packageRoot } from '../../src/util/paths.js';
import { inventory, rawOutput, record, referenceTime, setExchange, setOs, valid } from './builders.js';

interface HcTls {
  TLSVersion: string;
  ServerEnabledValue: number | null;
  ServerDisabledByDefaultValue: number | null;
  ClientEnabledValue: number | null;
  ClientDisabledByDefaultValue: number | null;
  TLSConfiguration: 'Enabled' | 'Disabled' | 'Half Disabled' | 'Misconfigured';
}
interface HcNet {
  NetVersion: 'v2.0.50727' | 'v4.0.30319';
  SystemDefaultTlsVersions: boolean; SystemDefaultTlsVersionsValue: number | null;
  SchUseStrongCrypto: boolean; SchUseStrongCryptoValue: number | null;
  WowSystemDefaultTlsVersions: boolean; WowSystemDefaultTlsVersionsValue: number | null;
  WowSchUseStrongCrypto: boolean; WowSchUseStrongCryptoValue: number | null;
}
interface HcData { TLS: Record<string, HcTls>; NET: Record<string, HcNet> }

/** The fixtures hold no builds: the ones assumed (docs/healthchecker-comparison.md "Assumptions"). */
const fixtures = [
  { file: 'CSS-Exchange_HealthChecker_E16_GetAllTlsSettings.xml', name: 'E16', os: ['14393', 'Windows Server 2016 Standard'], exchange: '15.1.2507.6' },
  { file: 'CSS-Exchange_HealthChecker_E19_GetAllTlsSettings.xml', name: 'E19', os: ['17763', 'Windows Server 2019 Standard'], exchange: '15.2.1544.4' },
  { file: 'CSS-Exchange_HealthChecker_E19_GetAllTlsSettings1.xml', name: 'E19-1', os: ['20348', 'Windows Server 2022 Standard'], exchange: '15.2.1544.4' },
  { file: 'CSS-Exchange_HealthChecker_E19_GetAllTlsSettings2.xml', name: 'E19-2', os: ['20348', 'Windows Server 2022 Standard'], exchange: '15.2.1544.4' },
] as const;

/** Every difference with its reason (docs/healthchecker-comparison.md has the long form). */
const documentedDifferencesToday: Record<string, string> = {
  'E19-1 TLS 1.3: HealthChecker today Disabled, extls on':
    'TLS 1.3 values missing on Windows Server 2022, where TLS 1.3 is on by default; HealthChecker reads a missing TLS 1.3 value as disabled on every OS',
};

const documentedNetDifferences: Record<string, string> = {
  'E19 v4.0.30319 SystemDefaultTlsVersions: HealthChecker not set, extls set': 'stored boolean from older HealthChecker logic; both views hold 1, which its current rule counts as set',
  'E19-1 v4.0.30319 SystemDefaultTlsVersions: HealthChecker not set, extls set': 'same data as E19',
  'E19-2 v4.0.30319 SystemDefaultTlsVersions: HealthChecker not set, extls set': 'same data as E19',
};

const documentedDifferences: Record<string, string> = {
  'E19-1 TLS 1.1: HealthChecker Misconfigured, extls off': 'stored ServerEnabled=true contradicts its own value 0; the current rule on the raw values says Disabled, as extls',
  'E19-1 TLS 1.3: HealthChecker Disabled, extls on': 'missing TLS 1.3 values on Windows Server 2022 (on by default)',
  'E19-2 TLS 1.1: HealthChecker Misconfigured, extls off': 'same data as E19-1',
  'E19-2 TLS 1.3: HealthChecker Enabled, extls faulty': 'stored boolean for Client DisabledByDefault=1 is false; the current rule on the raw values says Misconfigured, as extls',
};

/** HealthChecker TLS errors extls deliberately leaves after tls12-ready alone (phase 2 writes them). */
const documentedErrorsAfterPhase1: Record<string, string> = {
  'E16 TLS 1.0 NULL value': 'TLS 1.0/1.1 are phase 2: tls12-ready leaves their OS default, which is well defined; legacy-off writes them',
  'E16 TLS 1.1 NULL value': 'as above',
  'E19-1 TLS 1.0 Misconfigured':
    'extls reports it too (TLS10-CLIENT-FAULTY, medium) but phase 1 does not decide whether TLS 1.0 should be on or off, so it plans no change; legacy-off turns it off on both sides',
  'E19-2 TLS 1.0 Misconfigured': 'same data as E19-1',
};

/** All fixtures in one pwsh (each start costs seconds on a busy machine); the paths travel as JSON in the environment, never in script text. */
async function importClixml(files: readonly string[]): Promise<HcData[]> {
  const pwsh = locatePowerShell().path;
  const script =
    '$out = foreach ($p in ($env:EXTLS_HC_FIXTURES | ConvertFrom-Json)) { $o = Import-Clixml -LiteralPath $p; [ordered]@{ TLS = $o.Registry.TLS; NET = $o.Registry.NET } }; ' +
    'ConvertTo-Json -InputObject @($out) -Depth 5 -Compress';
  const r = await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script], {
    env: { EXTLS_HC_FIXTURES: JSON.stringify(files.map((f) => join(packageRoot, 'test', 'fixtures', 'healthchecker', f))) },
  });
  return JSON.parse(r.stdout);
}

/** HealthChecker reads DWORDs as Int32 (-1); the collector contract is unsigned (4294967295). Null = missing. */
const reg = (v: number | null): RegValue => (v === null ? { present: false } : { present: true, type: 'REG_DWORD', value: v >>> 0 });

function toCollectorOutput(hc: HcData, fx: (typeof fixtures)[number]): CollectorOutput {
  const o = setExchange(setOs(rawOutput(), fx.os[0], fx.os[1]), fx.exchange);
  for (const t of Object.values(hc.TLS)) {
    for (const side of ['Client', 'Server'] as const) {
      const p = o.schannel.protocols.find((x) => x.protocol === `TLS ${t.TLSVersion}` && x.side === side)!;
      p.enabled = reg(t[`${side}EnabledValue`]);
      p.disabledByDefault = reg(t[`${side}DisabledByDefaultValue`]);
      p.keyExists = p.enabled.present || p.disabledByDefault.present;
    }
  }
  for (const f of o.dotNet.frameworks) {
    const n = Object.values(hc.NET).find((x) => x.NetVersion === f.version);
    if (!n) continue;
    const wow = f.view === 'wow6432' ? 'Wow' : '';
    f.systemDefaultTlsVersions = reg(n[`${wow}SystemDefaultTlsVersionsValue`]);
    f.schUseStrongCrypto = reg(n[`${wow}SchUseStrongCryptoValue`]);
    f.keyExists = f.systemDefaultTlsVersions.present || f.schUseStrongCrypto.present;
  }
  o.dotNet.release.value = { present: true, type: 'REG_DWORD', value: 528049 };
  return valid(o);
}

/**
 * HealthChecker's current rule (Get-TLSMemberValue since "TLS to accept non zero values", 2024-04-18): any non-zero
 * Enabled/DisabledByDefault counts as set, a missing Enabled is enabled except for TLS 1.3, a missing DisabledByDefault
 * is not set; the later state wins: Disabled, Half Disabled, Misconfigured.
 */
export function healthCheckerToday(t: HcTls): HcTls['TLSConfiguration'] {
  const enabled = (v: number | null) => (v === null && t.TLSVersion !== '1.3') || (v !== null && v !== 0);
  const dbd = (v: number | null) => v !== null && v !== 0;
  const sE = enabled(t.ServerEnabledValue), cE = enabled(t.ClientEnabledValue);
  const sD = dbd(t.ServerDisabledByDefaultValue), cD = dbd(t.ClientDisabledByDefaultValue);
  let c: HcTls['TLSConfiguration'] = 'Enabled';
  if (!sE && (sD || t.ServerDisabledByDefaultValue === null) && !cE && (cD || t.ClientDisabledByDefaultValue === null)) c = 'Disabled';
  if ((!sE && !sD && t.ServerDisabledByDefaultValue !== null) || (sE && sD)) c = 'Half Disabled';
  if (sE !== cE || sD !== cD) c = 'Misconfigured';
  return c;
}

interface RawTls { version: string; server: [number | null, number | null]; client: [number | null, number | null] }
interface RawNet4 { sdtv: number | null; strong: number | null; wowSdtv: number | null; wowStrong: number | null }

/**
 * HealthChecker's red TLS results (Invoke-AnalyzerSecuritySettings.ps1): a version Misconfigured or Half Disabled,
 * TLS 1.2 Disabled, TLS 1.3 Enabled where OS or Exchange do not support it, TLS 1.3 anything but Disabled, a missing
 * Enabled/DisabledByDefault for TLS 1.0-1.2, a missing .NET v4 value, and TLS 1.0/1.1 disabled while a .NET v4 value
 * is not 1.
 */
export function healthCheckerErrors(name: string, tls: RawTls[], net4: RawNet4, tls13Supported: boolean): string[] {
  const errors: string[] = [];
  let lowerDisabled = false;
  for (const t of tls) {
    const c = healthCheckerToday({
      TLSVersion: t.version, ServerEnabledValue: t.server[0], ServerDisabledByDefaultValue: t.server[1],
      ClientEnabledValue: t.client[0], ClientDisabledByDefaultValue: t.client[1], TLSConfiguration: 'Enabled',
    });
    if (c === 'Misconfigured' || c === 'Half Disabled') errors.push(`${name} TLS ${t.version} ${c}`);
    if (t.version === '1.2' && c === 'Disabled') errors.push(`${name} TLS 1.2 Disabled`);
    if (t.version === '1.3' && c === 'Enabled' && !tls13Supported) errors.push(`${name} TLS 1.3 Enabled where unsupported`);
    if (t.version === '1.3' && c !== 'Disabled') errors.push(`${name} TLS 1.3 not disabled`);
    if (t.version !== '1.3' && [...t.server, ...t.client].some((v) => v === null)) errors.push(`${name} TLS ${t.version} NULL value`);
    if ((t.version === '1.0' || t.version === '1.1') && c === 'Disabled') lowerDisabled = true;
  }
  const values = [net4.sdtv, net4.strong, net4.wowSdtv, net4.wowStrong];
  if (values.some((v) => v === null)) errors.push(`${name} .NET v4 NULL value`);
  if (lowerDisabled && values.some((v) => v !== 1)) errors.push(`${name} .NET v4 not set while TLS 1.0/1.1 are disabled`);
  return errors;
}

/** HealthChecker's four states in extls terms: Enabled=on, Disabled=off, Half Disabled/Misconfigured=faulty. */
const hcAsExtls = { Enabled: 'on', Disabled: 'off', 'Half Disabled': 'faulty', Misconfigured: 'faulty' } as const;

describe('extls verdicts vs HealthChecker on its own fixtures', () => {
  const results: { name: string; hc: HcData; server: ServerAnalysis; output: CollectorOutput }[] = [];

  beforeAll(async () => {
    const all = await importClixml(fixtures.map((f) => f.file));
    for (const [i, fx] of fixtures.entries()) {
      const hc = all[i]!;
      const output = toCollectorOutput(hc, fx);
      const doc = analyzeInventory(inventory([record(structuredClone(output), fx.name)]), ['tls12-ready', 'legacy-off'], { referenceTime });
      results.push({ name: fx.name, hc, server: doc.servers[0]!, output });
    }
  }, 240_000);

  it('reads -1 from the CliXml as 0xffffffff', () => {
    const e19 = results.find((r) => r.name === 'E19-1')!;
    expect(e19.hc.TLS['1.0']!.ClientEnabledValue).toBe(-1);
    const client = e19.server.protocols.find((p) => p.protocol === 'TLS 1.0')!.client;
    expect(client.registry.enabled).toEqual({ present: true, type: 'REG_DWORD', value: 4294967295 });
    expect(client.enabled).toBe(true);
  });

  it('per-version SCHANNEL verdicts agree except for the documented differences', () => {
    const differences: string[] = [];
    let compared = 0;
    for (const { name, hc, server } of results) {
      for (const t of Object.values(hc.TLS)) {
        const ours = server.protocols.find((p) => p.protocol === `TLS ${t.TLSVersion}`)!.state;
        compared++;
        if (hcAsExtls[t.TLSConfiguration] !== ours) differences.push(`${name} TLS ${t.TLSVersion}: HealthChecker ${t.TLSConfiguration}, extls ${ours}`);
      }
    }
    expect(compared).toBe(14);
    expect(differences.sort()).toEqual(Object.keys(documentedDifferences).sort());
  });

  it("HealthChecker's current rule, applied to the same raw values, differs only where documented", () => {
    const differences: string[] = [];
    for (const { name, hc, server } of results) {
      for (const t of Object.values(hc.TLS)) {
        const ours = server.protocols.find((p) => p.protocol === `TLS ${t.TLSVersion}`)!.state;
        const today = healthCheckerToday(t);
        if (hcAsExtls[today] !== ours) differences.push(`${name} TLS ${t.TLSVersion}: HealthChecker today ${today}, extls ${ours}`);
      }
    }
    expect(differences.sort()).toEqual(Object.keys(documentedDifferencesToday).sort());
  });

  it('.NET verdicts agree (a NETx-...-MISSING finding where HealthChecker says a value is not 1) except where documented', () => {
    const differences: string[] = [];
    for (const { name, hc, server } of results) {
      const ids = server.findings.map((f) => f.id);
      for (const n of Object.values(hc.NET)) {
        const major = n.NetVersion.startsWith('v2') ? 'NET2' : 'NET4';
        const checks = [
          ['SystemDefaultTlsVersions', 'SYSTEMDEFAULTTLS', n.SystemDefaultTlsVersions && n.WowSystemDefaultTlsVersions],
          ['SchUseStrongCrypto', 'STRONGCRYPTO', n.SchUseStrongCrypto && n.WowSchUseStrongCrypto],
        ] as const;
        for (const [value, id, hcOk] of checks) {
          const oursOk = !ids.includes(`${major}-${id}-MISSING`);
          if (oursOk !== hcOk) differences.push(`${name} ${n.NetVersion} ${value}: HealthChecker ${hcOk ? 'set' : 'not set'}, extls ${oursOk ? 'set' : 'not set'}`);
        }
      }
    }
    expect(differences.sort()).toEqual(Object.keys(documentedNetDifferences).sort());
  });

  it('the 0xffffffff value is only a low finding, its faulty state comes from DisabledByDefault=1', () => {
    const s = results.find((r) => r.name === 'E19-1')!.server;
    expect(s.findings.find((f) => f.id === 'SCHANNEL-NONSTANDARD-VALUE')!.severity).toBe('low');
    expect(s.protocols.find((p) => p.protocol === 'TLS 1.0')!.client.faults).toEqual(['contradictory']);
  });

  it('policy verdicts per fixture', () => {
    const verdicts = Object.fromEntries(results.map((r) => [r.name, r.server.verdicts.map((v) => `${v.policy}=${v.verdict}`).join(' ')]));
    expect(verdicts).toEqual({
      E16: 'tls12-ready=fail legacy-off=blocked', // no .NET values at all; TLS 1.0/1.1 on
      E19: 'tls12-ready=fail legacy-off=blocked', // SchUseStrongCrypto=0 for v4
      'E19-1': 'tls12-ready=fail legacy-off=blocked',
      'E19-2': 'tls12-ready=fail legacy-off=blocked',
    });
    const e19 = results.find((r) => r.name === 'E19')!.server;
    expect(e19.verdicts.find((v) => v.policy === 'tls12-ready')!.findingIds).toEqual(['NET4-STRONGCRYPTO-MISSING']);
  });

  /** The raw values HealthChecker reads, taken from a collector output. */
  const rawTls = (o: CollectorOutput): RawTls[] => ['1.0', '1.1', '1.2', '1.3'].map((version) => {
    const side = (name: 'Client' | 'Server'): [number | null, number | null] => {
      const p = o.schannel.protocols.find((x) => x.protocol === `TLS ${version}` && x.side === name)!;
      const n = (v: RegValue) => (v.present && typeof v.value === 'number' ? v.value : null);
      return [n(p.enabled), n(p.disabledByDefault)];
    };
    return { version, server: side('Server'), client: side('Client') };
  });
  const rawNet4 = (o: CollectorOutput): RawNet4 => {
    const f = (view: string) => o.dotNet.frameworks.find((x) => x.version === 'v4.0.30319' && x.view === view)!;
    const n = (v: RegValue) => (v.present && typeof v.value === 'number' ? v.value : null);
    return { sdtv: n(f('native').systemDefaultTlsVersions), strong: n(f('native').schUseStrongCrypto), wowSdtv: n(f('wow6432').systemDefaultTlsVersions), wowStrong: n(f('wow6432').schUseStrongCrypto) };
  };
  /** Apply extls's planned registry changes to the raw values, as remediate.ps1 would. */
  function remediated(o: CollectorOutput, changes: RegistryChange[]): CollectorOutput {
    const out = structuredClone(o);
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    for (const c of changes) {
      const value: RegValue = { present: true, type: 'REG_DWORD', value: c.desired };
      const p = out.schannel.protocols.find((x) => same(x.path, c.fullPath));
      if (p) {
        if (c.name === 'Enabled') p.enabled = value; else p.disabledByDefault = value;
        p.keyExists = true;
        continue;
      }
      const f = out.dotNet.frameworks.find((x) => same(x.path, c.fullPath));
      if (!f) throw new Error(`no place for ${c.fullPath}\\${c.name}`);
      if (c.name === 'SystemDefaultTlsVersions') f.systemDefaultTlsVersions = value; else f.schUseStrongCrypto = value;
      f.keyExists = true;
    }
    return valid(out);
  }
  // the fixtures' assumed builds (see fixtures above): no fixture runs an Exchange build that supports TLS 1.3
  const tls13Supported = false;

  it('HealthChecker reports TLS errors on every fixture as collected, and extls fails each of them too', () => {
    for (const { name, output, server } of results) {
      expect(healthCheckerErrors(name, rawTls(output), rawNet4(output), tls13Supported).length).toBeGreaterThan(0);
      expect(server.verdicts.find((v) => v.policy === 'tls12-ready')!.verdict).toBe('fail');
    }
  });

  it('after extls remediates a server (tls12-ready and legacy-off), HealthChecker shows no TLS error for it', () => {
    for (const { name, output, server } of results) {
      const changes = server.verdicts.flatMap((v) => v.changes);
      const after = remediated(output, changes);
      expect(healthCheckerErrors(name, rawTls(after), rawNet4(after), tls13Supported)).toEqual([]);
      // and extls itself passes both policies on the result
      const again = analyzeInventory(inventory([record(after, name)]), ['tls12-ready', 'legacy-off'], { referenceTime }).servers[0]!;
      // phase 2 then waits only for protocol-log evidence, which HealthChecker's fixtures do not carry (issue 23)
      expect(again.verdicts.map((v) => `${v.policy}=${v.verdict}`)).toEqual(['tls12-ready=pass', 'legacy-off=blocked']);
      expect(again.verdicts[1]!.findingIds).toEqual(['LEGACY-PEERS-NO-EVIDENCE']);
    }
  });

  it('after tls12-ready alone only the documented HealthChecker errors remain (TLS 1.0/1.1 are phase 2)', () => {
    const remaining: string[] = [];
    for (const { name, output, server } of results) {
      const after = remediated(output, server.verdicts.find((v) => v.policy === 'tls12-ready')!.changes);
      remaining.push(...healthCheckerErrors(name, rawTls(after), rawNet4(after), tls13Supported));
    }
    expect(remaining.sort()).toEqual(Object.keys(documentedErrorsAfterPhase1).sort());
  });
});
