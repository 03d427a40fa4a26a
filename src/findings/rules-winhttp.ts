// WinHTTP DefaultSecureProtocols: the protocols WinHTTP clients (WinRM, some Exchange components) offer by default.
import { winHttpKeyPath } from './managed-keys.js';
import { finding, type RuleResult, type ServerContext } from './context.js';
import type { PolicyRule } from './policy.js';
import { dword, dwordChange, hex, registryEvidence } from './registry.js';
import type { RegistryChange } from './types.js';

type WinHttpRule = Extract<PolicyRule, { rule: 'winhttp-protocols' }>;

const bitNames: [number, string][] = [[0x8, 'SSL 2.0'], [0x20, 'SSL 3.0'], [0x80, 'TLS 1.0'], [0x200, 'TLS 1.1'], [0x800, 'TLS 1.2'], [0x2000, 'TLS 1.3']];

function describeWinHttpBits(v: number): string {
  const names = bitNames.filter(([b]) => (v & b) === b).map(([, n]) => n);
  return `${hex(v)} (${names.length ? names.join(', ') : 'no known protocol bits'})`;
}

/** A missing value means the OS default (data/windows-server-builds.csv); a present one must hold every wanted bit. */
export function winHttpRule(ctx: ServerContext, rule: WinHttpRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  const wantNames = describeWinHttpBits(rule.include);
  const bad: { path: string; reason: string; change: RegistryChange | null; value: (typeof ctx.data.winHttp)[number]['defaultSecureProtocols'] }[] = [];
  for (const w of ctx.data.winHttp.filter((x) => (rule.views ?? ['native', 'wow6432']).includes(x.view))) {
    const v = w.defaultSecureProtocols;
    const n = dword(v);
    if (n !== null) {
      if ((n & rule.include) !== rule.include) {
        bad.push({ path: w.path, value: v, reason: `${w.view}: ${describeWinHttpBits(n)} lacks ${wantNames}`, change: dwordChange(winHttpKeyPath(w.view), 'DefaultSecureProtocols', v, (n | rule.include) >>> 0) });
      }
      continue;
    }
    const osDefault = ctx.windows.winHttpDefaultTls12;
    const defaultIsEnough = !rule.requireExplicit && osDefault === true && (rule.include & ~0x800) === 0;
    if (defaultIsEnough) continue;
    const reason = v.present
      ? `${w.view}: value is ${v.type}, not a DWORD, so WinHTTP ignores it`
      : rule.requireExplicit
        ? `${w.view}: missing and the policy wants it set explicitly`
        : `${w.view}: missing and the OS default of ${ctx.windows.name ?? 'this (unknown) build'} ${osDefault === false ? 'does not include TLS 1.2' : 'is not known'}`;
    bad.push({ path: w.path, value: v, reason, change: dwordChange(winHttpKeyPath(w.view), 'DefaultSecureProtocols', v, rule.whenMissing ?? rule.include) });
  }
  if (!bad.length) return out;
  const tls12Only = rule.include === 0x800;
  out.findings.push(
    finding({
      id: tls12Only ? 'WINHTTP-TLS12-MISSING' : 'WINHTTP-PROTOCOLS-MISSING',
      severity: rule.severity,
      category: 'winhttp',
      title: `WinHTTP does not offer ${wantNames} by default`,
      explanation:
        'Applications that use WinHTTP with its default protocol set (WinRM, some Exchange and Windows components) ' +
        `offer only the protocols in DefaultSecureProtocols. ${bad.map((b) => b.reason).join('; ')}.`,
      evidence: bad.map((b) => registryEvidence(b.path, 'DefaultSecureProtocols', b.value)),
      changes: bad.map((b) => b.change).filter((c): c is RegistryChange => c !== null),
      restartRequired: true,
    }),
  );
  return out;
}
