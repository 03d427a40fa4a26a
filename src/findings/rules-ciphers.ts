// Cipher suite order: a server with TLS 1.2 on still cannot talk to Exchange Online when the configured order
// (Group Policy "SSL Cipher Suite Order", or the local setting) holds no suite Microsoft 365 accepts.
import { finding, type RuleResult, type ServerContext } from './context.js';
import type { CipherSuiteRow } from './knowledge.js';
import type { PolicyRule } from './policy.js';
import { registryEvidence } from './registry.js';
import type { RegValue } from './types.js';

type CipherRule = Extract<PolicyRule, { rule: 'm365-cipher-suites' }>;

interface CipherOrder {
  /** policy wins over local when it lists anything; os-default when neither does */
  source: 'policy' | 'local' | 'os-default';
  path: string | null;
  value: RegValue | null;
  suites: string[];
}

/** Policy Functions is a REG_SZ comma list (GPO); the local one a REG_MULTI_SZ. Other types are not a list. */
function suitesOf(v: RegValue): string[] {
  if (!v.present) return [];
  const parts = Array.isArray(v.value) ? v.value : typeof v.value === 'string' && v.type !== 'REG_BINARY' ? v.value.split(',') : [];
  return parts.map((s) => s.trim()).filter((s) => s !== '');
}

function effectiveCipherOrder(ctx: ServerContext): CipherOrder {
  const { policy, local } = ctx.data.cipherSuiteOrder;
  for (const [source, entry] of [['policy', policy], ['local', local]] as const) {
    const suites = suitesOf(entry.value);
    if (suites.length) return { source, path: entry.path, value: entry.value, suites };
  }
  return { source: 'os-default', path: null, value: null, suites: [] };
}

/** Before Windows Server 2016 an ECDHE suite name carries its curve: TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384. */
function baseSuiteName(name: string): string {
  return name.toUpperCase().replace(/_P(256|384|521)$/, '');
}

/**
 * Suites Exchange Online accepts now (not those it accepted only until TLS 1.0/1.1 were deprecated) that this Windows
 * build has; an unknown build counts every such suite.
 */
function acceptedSuites(ctx: ServerContext): Map<string, CipherSuiteRow> {
  const build = Number(ctx.data.os.currentBuild);
  return new Map(
    ctx.knowledge.m365CipherSuites
      .filter((r) => r.status === 'accepted' && (!Number.isFinite(build) || build <= 0 || build >= Number(r.windows_min_build)))
      .map((r) => [r.suite.toUpperCase(), r]),
  );
}

export function m365CipherRule(ctx: ServerContext, rule: CipherRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  const order = effectiveCipherOrder(ctx);
  // The OS default order of every Windows Server in the knowledge base includes suites Microsoft 365 accepts.
  if (order.source === 'os-default' || order.path === null || order.value === null) return out;
  const accepted = acceptedSuites(ctx);
  if (order.suites.some((s) => accepted.has(baseSuiteName(s)))) return out;
  const legacyOnly = order.suites.filter((s) => ctx.knowledge.m365CipherSuites.some((r) => r.status !== 'accepted' && r.suite.toUpperCase() === baseSuiteName(s)));
  const missingFromOs = order.suites.filter((s) => ctx.knowledge.m365CipherSuites.some((r) => r.status === 'accepted' && r.suite.toUpperCase() === baseSuiteName(s)));
  const where = order.source === 'policy' ? 'the Group Policy cipher suite order' : 'the local cipher suite order';
  const shown = order.suites.length > 6 ? `${order.suites.slice(0, 6).join(', ')} and ${order.suites.length - 6} more` : order.suites.join(', ');
  out.findings.push(
    finding({
      id: 'CIPHERS-NO-M365-SUITE',
      severity: rule.severity,
      category: 'schannel',
      title: 'No cipher suite in the configured order is one Exchange Online accepts',
      explanation:
        `SCHANNEL offers only the suites in ${where} (${shown}). Microsoft 365 accepts TLS 1.2 only with ` +
        `${ctx.knowledge.m365CipherSuites.filter((r) => r.status === 'accepted').map((r) => r.suite).join(', ')}, ` +
        'so every TLS 1.2 handshake with Exchange Online fails even with TLS 1.2 on ' +
        "(the send connector protocol log shows 'TLS negotiation failed with error SocketError'). Add at least " +
        'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 where the order is owned ' +
        '(usually a GPO); extls does not write cipher suite order.' +
        (legacyOnly.length ? ` ${legacyOnly.join(', ')} ${legacyOnly.length === 1 ? 'was' : 'were'} accepted only until TLS 1.0/1.1 were deprecated and no longer count${legacyOnly.length === 1 ? 's' : ''}.` : '') +
        (missingFromOs.length ? ` ${missingFromOs.join(', ')} ${missingFromOs.length === 1 ? 'is' : 'are'} not available in this Windows build's SCHANNEL, so listing ${missingFromOs.length === 1 ? 'it does' : 'them does'} not help.` : ''),
      evidence: [registryEvidence(order.path, 'Functions', order.value)],
      restartRequired: true,
    }),
  );
  return out;
}
