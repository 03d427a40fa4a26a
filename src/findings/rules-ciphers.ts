// Cipher suite order: a server with TLS 1.2 on still cannot talk to Exchange Online when the configured order
// (Group Policy "SSL Cipher Suite Order", or the local setting) holds no suite Microsoft 365 accepts.
import { finding, type RuleResult, type ServerContext } from './context.js';
import type { CipherSuiteRow } from './knowledge.js';
import type { PolicyRule } from './policy.js';
import { dword, registryEvidence } from './registry.js';
import type { Evidence, Finding, RegValue } from './types.js';

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
  const accepted = acceptedSuites(ctx);
  // The OS default order of every Windows Server in the knowledge base includes suites Microsoft 365 accepts.
  if (order.source === 'os-default' || order.path === null || order.value === null || order.suites.some((s) => accepted.has(baseSuiteName(s)))) {
    const hardened = algorithmsFinding(ctx, rule, order, accepted);
    if (hardened) out.findings.push(hardened);
    return out;
  }
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

// ---- SCHANNEL's per-algorithm switches and the ECC curve order (IIS Crypto templates, Group Policy) ----
// A suite is offered only when its key exchange, bulk cipher and hash are all on under SCHANNEL\KeyExchangeAlgorithms,
// \Ciphers and \Hashes (Microsoft KB 245030 "Restrict cryptographic algorithms and protocols"; a missing key is on,
// Enabled=0 is off), and an ECDHE suite only with an elliptic curve both sides have. From Windows Server 2016 the
// curves come from the "ECC Curve Order" policy when it is set (Microsoft Learn "Manage Transport Layer Security
// (TLS)", Configuring TLS ECC Curve Order); before, from the suite name's _P256/_P384 suffix.

/** The curves Windows offers by default; Exchange Online (Windows Schannel) is assumed to offer them too (unverified). */
export const DEFAULT_CURVES = ['curve25519', 'NistP256', 'NistP384'];
const CURVE_ORDER_FIRST_BUILD = 14393;

interface SuiteNeeds { KeyExchangeAlgorithms: string; Ciphers: string; Hashes: string; ecdhe: boolean }

/** What one of Microsoft 365's suites needs, by SCHANNEL's subkey names; null for a name this table does not cover. */
export function suiteNeeds(suite: string): SuiteNeeds | null {
  const m = /^TLS_(ECDHE_RSA|RSA)_WITH_AES_(128|256)_(?:GCM|CBC)_(SHA|SHA256|SHA384)$/.exec(baseSuiteName(suite));
  if (!m) return null;
  const ecdhe = m[1] === 'ECDHE_RSA';
  return { KeyExchangeAlgorithms: ecdhe ? 'ECDH' : 'PKCS', Ciphers: `AES ${m[2]}/${m[2]}`, Hashes: m[3]!, ecdhe };
}

type AlgorithmEntry = NonNullable<ServerContext['data']['schannelAlgorithms']>['entries'][number];

function curveList(v: RegValue): string[] {
  if (!v.present) return [];
  const parts = Array.isArray(v.value) ? v.value : typeof v.value === 'string' && v.type !== 'REG_BINARY' ? v.value.split(',') : [];
  return parts.map((c) => c.trim()).filter((c) => c !== '');
}

function algorithmsFinding(ctx: ServerContext, rule: CipherRule, order: CipherOrder, accepted: Map<string, CipherSuiteRow>): Finding | null {
  const algorithms = ctx.data.schannelAlgorithms;
  if (!algorithms) return null; // not read (older collector): nothing to judge, the order rule above still holds
  // the suites of Exchange Online this server would offer: those of the configured order, else the build's default
  const candidates = order.source === 'os-default'
    ? [...accepted.values()].map((r) => r.suite)
    : order.suites.filter((s) => accepted.has(baseSuiteName(s)));
  const off = new Map<string, AlgorithmEntry>();
  for (const e of algorithms.entries) if (e.enabled.present && e.enabled.type === 'REG_DWORD' && dword(e.enabled) === 0) off.set(`${e.group}|${e.name.toLowerCase()}`, e);
  const curvesValue = algorithms.eccCurves.policy.value;
  const curves = curveList(curvesValue);
  const build = Number(ctx.data.os.currentBuild);
  const curvesApply = curves.length > 0 && (!Number.isFinite(build) || build <= 0 || build >= CURVE_ORDER_FIRST_BUILD);
  const noCurve = curvesApply && !curves.some((c) => DEFAULT_CURVES.some((d) => d.toLowerCase() === c.toLowerCase()));
  // curve names are the record's text: only plain names are quoted
  const plain = curves.filter((c) => /^[A-Za-z0-9_.-]{1,40}$/.test(c));
  const shownCurves = plain.join(', ') + (plain.length < curves.length ? `${plain.length ? ' and ' : ''}${curves.length - plain.length} other name(s)` : '');

  const used = new Map<string, Evidence>();
  const why = (suite: string): string[] => {
    const needs = suiteNeeds(suite);
    if (!needs) return [];
    const reasons: string[] = [];
    for (const group of ['KeyExchangeAlgorithms', 'Ciphers', 'Hashes'] as const) {
      const e = off.get(`${group}|${needs[group].toLowerCase()}`);
      if (e) {
        reasons.push(`${group}\\${e.name} is off`);
        used.set(e.path, registryEvidence(e.path, 'Enabled', e.enabled));
      }
    }
    if (needs.ecdhe && noCurve) {
      reasons.push(`the ECC curve order (${shownCurves}) holds none of ${DEFAULT_CURVES.join(', ')}`);
      used.set(algorithms.eccCurves.policy.path, registryEvidence(algorithms.eccCurves.policy.path, 'EccCurves', curvesValue));
    }
    return reasons;
  };
  const judged = candidates.map((suite) => ({ suite, reasons: why(suite) }));
  const left = judged.filter((j) => j.reasons.length === 0).map((j) => j.suite);
  if (candidates.length === 0 || left.length > 0) return null;
  // what SCHANNEL can still negotiate at all: the order's other suites whose parts are on (unknown for the OS default)
  const others = order.source === 'os-default'
    ? null
    : order.suites.filter((s) => !accepted.has(baseSuiteName(s)) && !(suiteNeeds(s) && why(s).length));
  const where = order.source === 'os-default' ? "this Windows build's default order" : order.source === 'policy' ? 'the Group Policy cipher suite order' : 'the local cipher suite order';
  const stillOffered = others === null
    ? 'Only suites Exchange Online does not accept (such as DHE or ECDSA ones) are left.'
    : others.length
      ? `Left to negotiate: ${others.join(', ')}, none of which Exchange Online accepts.`
      : 'No suite is left at all.';
  // one line per switch, with the suites it blocks (a suite blocked twice is named under each)
  const bySwitch = new Map<string, string[]>();
  for (const j of judged) for (const r of j.reasons) bySwitch.set(r, [...(bySwitch.get(r) ?? []), j.suite]);
  const blocks = [...bySwitch].map(([reason, suites]) => `${reason} (blocks ${suites.join(', ')})`).join('; ');
  return finding({
    id: 'SCHANNEL-ALGORITHMS-NO-M365-SUITE',
    severity: rule.severity,
    category: 'schannel',
    title: 'SCHANNEL\'s disabled algorithms leave no cipher suite Exchange Online accepts',
    explanation:
      `${where.charAt(0).toUpperCase()}${where.slice(1)} holds ${candidates.length} of the suites Microsoft 365 accepts over TLS 1.2, ` +
      `and SCHANNEL turns off a part each of them needs: ${blocks}. ${stillOffered} ` +
      'Every TLS 1.2 handshake with Exchange Online then fails even with TLS 1.2 on (\'TLS negotiation failed with error ' +
      'SocketError\' in the send connector protocol log). Turn the algorithm back on where it is owned (IIS Crypto template, ' +
      'GPO: Enabled=0xffffffff or delete the key' + (noCurve ? `; add ${DEFAULT_CURVES.slice(1).join(' or ')} to the ECC Curve Order policy` : '') +
      '), then restart: extls does not write these keys. Sources: Microsoft Learn \'Technical reference details about ' +
      'encryption\' (data/m365-cipher-suites.csv); Microsoft KB 245030 (SCHANNEL Ciphers, Hashes, KeyExchangeAlgorithms).',
    evidence: [...used.values()],
    restartRequired: true,
  });
}
