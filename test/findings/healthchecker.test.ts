// Validation against real data: HealthChecker's own TLS fixtures (test/fixtures/healthchecker, read with the real
// pwsh Import-Clixml) → inventory records → extls verdicts, compared with HealthChecker's verdicts stored in the
// same files. Every difference must be one of the documented ones (docs/healthchecker-comparison.md).
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeInventory } from '../../src/findings/analyze.js';
import type { ServerAnalysis } from '../../src/findings/types.js';
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

/** Every difference, each explained in docs/healthchecker-comparison.md. */
const documentedDifferencesToday = [
  'E19-1 TLS 1.0: HealthChecker today Disabled, extls faulty',
  'E19-2 TLS 1.0: HealthChecker today Disabled, extls faulty',
  'E19-1 TLS 1.3: HealthChecker today Disabled, extls on',
];

const documentedNetDifferences = [
  'E19 v4.0.30319 SystemDefaultTlsVersions: HealthChecker not set, extls set',
  'E19-1 v4.0.30319 SystemDefaultTlsVersions: HealthChecker not set, extls set',
  'E19-2 v4.0.30319 SystemDefaultTlsVersions: HealthChecker not set, extls set',
];

const documentedDifferences = [
  'E19-1 TLS 1.1: HealthChecker Misconfigured, extls off',
  'E19-1 TLS 1.3: HealthChecker Disabled, extls on',
  'E19-2 TLS 1.1: HealthChecker Misconfigured, extls off',
  'E19-2 TLS 1.3: HealthChecker Enabled, extls faulty',
];

async function importClixml(file: string): Promise<HcData> {
  const pwsh = locatePowerShell().path;
  // the path travels in the environment, never in script text
  const script = '$o = Import-Clixml -LiteralPath $env:EXTLS_HC_FIXTURE; [ordered]@{ TLS = $o.Registry.TLS; NET = $o.Registry.NET } | ConvertTo-Json -Depth 5 -Compress';
  const r = await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script], {
    env: { EXTLS_HC_FIXTURE: join(packageRoot, 'test', 'fixtures', 'healthchecker', file) },
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
 * HealthChecker's current rule (Shared/TLS/Get-AllTlsSettingsFromRegistry.ps1 at the fixtures' commit), re-stated to
 * compare with too: only the value 1 counts as Enabled/DisabledByDefault (so 0xffffffff = not enabled), a missing
 * Enabled is enabled except for TLS 1.3, and the later state wins: Disabled, Half Disabled, Misconfigured.
 */
export function healthCheckerToday(t: HcTls): HcTls['TLSConfiguration'] {
  const enabled = (v: number | null) => (v === null && t.TLSVersion !== '1.3') || v === 1;
  const dbd = (v: number | null) => v !== null && v === 1;
  const sE = enabled(t.ServerEnabledValue), cE = enabled(t.ClientEnabledValue);
  const sD = dbd(t.ServerDisabledByDefaultValue), cD = dbd(t.ClientDisabledByDefaultValue);
  let c: HcTls['TLSConfiguration'] = 'Enabled';
  if (!sE && (sD || t.ServerDisabledByDefaultValue === null) && !cE && (cD || t.ClientDisabledByDefaultValue === null)) c = 'Disabled';
  if ((!sE && !sD && t.ServerDisabledByDefaultValue !== null) || (sE && sD)) c = 'Half Disabled';
  if (sE !== cE || sD !== cD) c = 'Misconfigured';
  return c;
}

/** HealthChecker's four states in extls terms: Enabled=on, Disabled=off, Half Disabled/Misconfigured=faulty. */
const hcAsExtls = { Enabled: 'on', Disabled: 'off', 'Half Disabled': 'faulty', Misconfigured: 'faulty' } as const;

describe('extls verdicts vs HealthChecker on its own fixtures', () => {
  const results: { name: string; hc: HcData; server: ServerAnalysis }[] = [];

  beforeAll(async () => {
    for (const fx of fixtures) {
      const hc = await importClixml(fx.file);
      const doc = analyzeInventory(inventory([record(toCollectorOutput(hc, fx), fx.name)]), ['tls12-ready', 'legacy-off'], { referenceTime });
      results.push({ name: fx.name, hc, server: doc.servers[0]! });
    }
  });

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
    expect(differences.sort()).toEqual([...documentedDifferences].sort());
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
    expect(differences.sort()).toEqual([...documentedDifferencesToday].sort());
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
    expect(differences.sort()).toEqual([...documentedNetDifferences].sort());
  });

  it('the 0xffffffff value is only a low finding, its faulty state comes from DisabledByDefault=1', () => {
    const s = results.find((r) => r.name === 'E19-1')!.server;
    expect(s.findings.find((f) => f.id === 'SCHANNEL-NONSTANDARD-VALUE')!.severity).toBe('low');
    expect(s.protocols.find((p) => p.protocol === 'TLS 1.0')!.client.faults).toEqual(['contradictory']);
  });

  it('policy verdicts per fixture', () => {
    const verdicts = Object.fromEntries(results.map((r) => [r.name, r.server.verdicts.map((v) => `${v.policy}=${v.verdict}`).join(' ')]));
    expect(verdicts).toEqual({
      E16: 'tls12-ready=fail legacy-off=fail', // no .NET values at all; TLS 1.0/1.1 on
      E19: 'tls12-ready=fail legacy-off=fail', // SchUseStrongCrypto=0 for v4
      'E19-1': 'tls12-ready=fail legacy-off=fail',
      'E19-2': 'tls12-ready=fail legacy-off=fail',
    });
    const e19 = results.find((r) => r.name === 'E19')!.server;
    expect(e19.verdicts.find((v) => v.policy === 'tls12-ready')!.findingIds).toEqual(['NET4-STRONGCRYPTO-MISSING']);
  });
});
