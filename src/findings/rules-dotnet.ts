// .NET Framework rules: SystemDefaultTlsVersions / SchUseStrongCrypto per version and registry view, and the 4.x Release.
import { dotNetKeyPath } from './managed-keys.js';
import { buildEvidence, finding, type RuleResult, type ServerContext } from './context.js';
import { dotNetMinimumRelease } from './knowledge.js';
import type { PolicyRule } from './policy.js';
import { dword, dwordChange, registryEvidence } from './registry.js';
import type { RegistryChange } from './types.js';

type DotNetValueRule = Extract<PolicyRule, { rule: 'dotnet-value' }>;
type DotNetReleaseRule = Extract<PolicyRule, { rule: 'dotnet-release' }>;

const shortName = { SystemDefaultTlsVersions: 'SYSTEMDEFAULTTLS', SchUseStrongCrypto: 'STRONGCRYPTO' } as const;
const field = { SystemDefaultTlsVersions: 'systemDefaultTlsVersions', SchUseStrongCrypto: 'schUseStrongCrypto' } as const;
const why = {
  SystemDefaultTlsVersions: 'lets .NET use the TLS versions the OS offers (TLS 1.2) instead of the versions compiled into the application',
  SchUseStrongCrypto: 'makes .NET use strong cryptography and TLS 1.1/1.2; without it older .NET code offers only SSL 3.0/TLS 1.0',
} as const;

/**
 * Only the exact wanted value counts (HealthChecker counts only 1 as true): 0, a missing value (which .NET reads as 0)
 * and odd values such as 0xffffffff all fail, so the change is always to exactly the wanted DWORD.
 */
export function dotNetValueRule(ctx: ServerContext, rule: DotNetValueRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  for (const version of rule.versions ?? ['v2.0.50727', 'v4.0.30319']) {
    const entries = ctx.data.dotNet.frameworks.filter((f) => f.version === version && (rule.views ?? ['native', 'wow6432']).includes(f.view));
    const bad = entries.filter((f) => dword(f[field[rule.name]]) !== rule.value);
    if (!bad.length) continue;
    const changes = bad.map((f) => dwordChange(dotNetKeyPath(f.version, f.view) ?? f.path, rule.name, f[field[rule.name]], rule.value)).filter((c): c is RegistryChange => c !== null);
    const major = version.startsWith('v2') ? 'NET2' : 'NET4';
    // Exchange 2010 runs on .NET 3.5 (the v2.0.50727 runtime); 2013 and later run on 4.x and do not need the v2 values
    const optional = major === 'NET2' && ctx.exchange.product !== 'Exchange Server 2010';
    out.findings.push(
      finding({
        id: `${major}-${shortName[rule.name]}-MISSING`,
        severity: optional ? 'low' : rule.severity,
        category: 'dotnet',
        title: `.NET ${version} ${rule.name} is not ${rule.value} (${bad.map((f) => f.view).join(', ')})${optional ? ' — not required for this Exchange version' : ''}`,
        explanation: optional
          ? `${rule.name}=${rule.value} ${why[rule.name]}. Exchange 2013 and later run on .NET 4.x, so Microsoft's Exchange TLS guidance does not ` +
            'require the v2.0.50727 values for them; it suggests configuring them identically to v4.0.30319 so that older .NET 3.5 tools on the ' +
            'server behave the same. Optional: the change is listed but not part of the policy.'
          : `${rule.name}=${rule.value} ${why[rule.name]}. It must be set in the native and the 32-bit (Wow6432Node) view, ` +
            `because Exchange runs both 64- and 32-bit .NET code. A missing value counts as 0.`,
        evidence: bad.map((f) => registryEvidence(f.path, rule.name, f[field[rule.name]])),
        changes,
        restartRequired: true,
      }),
    );
  }
  return out;
}

export function dotNetReleaseRule(ctx: ServerContext, rule: DotNetReleaseRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  // Exchange 2010 runs on .NET 3.5: its TLS 1.2 story is SystemDefaultTlsVersions for v2, not the 4.x Release
  if (ctx.exchange.product === 'Exchange Server 2010') return out;
  const min = dotNetMinimumRelease(rule.minimumVersion, ctx.knowledge);
  if (min === null) throw new Error(`policy asks for .NET ${rule.minimumVersion}, which data/dotnet-releases.csv does not list`);
  const release = ctx.dotNet.release;
  if (release !== null && release >= min) return out;
  const ev = [registryEvidence(ctx.data.dotNet.release.path, 'Release', ctx.data.dotNet.release.value), buildEvidence('.NET Framework', release, ctx.dotNet.display)];
  const f = finding({
    id: 'DOTNET-TOO-OLD',
    severity: rule.severity,
    category: 'dotnet',
    title: `.NET Framework is older than ${rule.minimumVersion} (${ctx.dotNet.display})`,
    explanation:
      `.NET ${rule.minimumVersion} (Release ${min}) or later is needed so Exchange's .NET code negotiates TLS 1.2 with the OS defaults. ` +
      'Upgrade .NET to a version the installed Exchange build supports (Exchange Server supportability matrix) before relying on the registry changes.',
    evidence: ev,
  });
  out.findings.push(f);
  out.blockers.push({ kind: 'dotnet-too-old', message: f.title, evidence: ev });
  return out;
}
