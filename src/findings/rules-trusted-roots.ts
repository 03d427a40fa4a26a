// Trusted roots Exchange Online needs: DigiCert Global Root G2 (Exchange Team blog "Trust DigiCert Global Root G2
// Certificate Authority to Avoid Exchange Online Email Disruption", 2026-01-28, updated 2026-03-16; message center
// MC1224565). Windows fetches a missing root from Windows Update when a chain first needs it, unless the policy
// "Turn off Automatic Root Certificates Update" (DisableRootAutoUpdate=1 under
// HKLM\SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot; Microsoft Learn "Configure trusted roots and disallowed
// certificates") stops it: only then is a root missing from every machine store a cause of broken mail flow.
import { finding, type RuleResult, type ServerContext } from './context.js';
import type { PolicyRule } from './policy.js';
import { displayValue, dword, fullPath, registryEvidence } from './registry.js';
import type { Evidence } from './types.js';

type TrustedRootsRule = Extract<PolicyRule, { rule: 'trusted-roots' }>;

export const THUMBPRINT = /^[0-9A-F]{40}$/;
const KNOWN_ROOTS: Record<string, string> = { DF3C24F9BFD666761B268073FE06D1CC8D4F82A4: 'DigiCert Global Root G2' };
/** The name shown: ours for a root we know, else the thumbprint (a record's own text never reaches a title). */
const rootName = (thumbprint: string): string => KNOWN_ROOTS[thumbprint] ?? `The root ${thumbprint}`;

/** on / off as the policy value says, unknown when the section was not read. */
export type AutoUpdateState = 'on' | 'off' | 'unknown';

export function rootAutoUpdate(ctx: ServerContext): AutoUpdateState {
  const store = ctx.data.rootStore;
  if (!store || ctx.data.warnings.some((w) => w.section === 'rootStore')) return 'unknown';
  const v = store.disableRootAutoUpdate;
  // only a REG_DWORD counts (HealthChecker reads it as a number too); any non-zero DWORD turns the update off
  if (!v.present || v.type !== 'REG_DWORD') return 'on';
  return dword(v) === 0 ? 'on' : 'off';
}

export function trustedRootsRule(ctx: ServerContext, rule: TrustedRootsRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  const store = ctx.data.rootStore;
  const state = rootAutoUpdate(ctx);
  if (!store || state === 'unknown') {
    const warning = ctx.data.warnings.find((w) => w.section === 'rootStore');
    out.findings.push(finding({
      id: 'TRUSTED-ROOTS-NOT-READ',
      severity: 'info',
      category: 'certificate',
      title: 'Trusted roots not read: whether DigiCert Global Root G2 is trusted is unknown',
      explanation:
        (warning ? `The collector could not read the root stores (${warning.message}). ` : 'This record comes from a collector that does not read the root stores. ') +
        'Exchange Online\'s certificates chain to DigiCert Global Root G2; where automatic root update is turned off by ' +
        'policy, a server without that root cannot exchange mail with Exchange Online. Collect again with this version, or ' +
        'check by hand: Get-ChildItem Cert:\\LocalMachine\\Root | Where-Object Thumbprint -eq \'DF3C24F9BFD666761B268073FE06D1CC8D4F82A4\'.',
    }));
    return out;
  }
  if (state === 'on') return out; // Windows fetches the root on demand
  const policy = registryEvidence(store.policyPath, 'DisableRootAutoUpdate', store.disableRootAutoUpdate);
  for (const root of store.roots) {
    if (!THUMBPRINT.test(root.thumbprint) || root.foundIn.length > 0) continue;
    const name = rootName(root.thumbprint);
    const stores: Evidence = {
      kind: 'certificate',
      path: null,
      name: root.thumbprint,
      raw: root.thumbprint,
      display: `${name} (${root.thumbprint}) is in none of: ${store.stores.map(fullPath).join('; ')}`,
    };
    out.findings.push(finding({
      id: `TRUSTED-ROOT-MISSING-${root.thumbprint}`,
      severity: rule.severity,
      category: 'certificate',
      title: `${name} is not trusted and automatic root update is off: Exchange Online mail flow breaks`,
      explanation:
        `${name} (SHA-1 ${root.thumbprint}) is in none of this machine's root stores, and the policy ` +
        `DisableRootAutoUpdate = ${displayValue(store.disableRootAutoUpdate)} stops Windows from fetching it. Exchange Online ` +
        'presents certificates that chain to DigiCert Global Root G2, so TLS with Exchange Online (hybrid mail flow, ' +
        'connectors that validate its certificate) fails. By hand: import the root from DigiCert into the Local Machine ' +
        `"Trusted Root Certification Authorities" store (certutil -addstore Root DigiCertGlobalRootG2.crt, then check its ` +
        `thumbprint is ${root.thumbprint}), or distribute it by Group Policy (Public Key Policies), or let the policy allow ` +
        'automatic root update. Source: Exchange Team blog "Trust DigiCert Global Root G2 Certificate Authority to Avoid ' +
        'Exchange Online Email Disruption" (2026-01-28, updated 2026-03-16; MC1224565); CSS-Exchange HealthChecker ' +
        'TrustedRootCertificatesCheck.',
      evidence: [policy, stores],
      restartRequired: false,
    }));
  }
  return out;
}
