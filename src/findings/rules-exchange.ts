// Exchange build rules: TLS capability of the installed build, product support status, and builds the knowledge base lacks.
import { buildEvidence, finding, type RuleResult, type ServerContext } from './context.js';
import type { PolicyRule } from './policy.js';
import type { Evidence, Finding } from './types.js';

type BuildRule = Extract<PolicyRule, { rule: 'exchange-build' }>;
type SupportRule = Extract<PolicyRule, { rule: 'exchange-support' }>;

function exchangeEvidence(ctx: ServerContext): Evidence[] {
  const ex = ctx.data.exchange;
  return [buildEvidence(`Exchange build (${ex.buildSource ?? 'no source'})`, ex.build, ctx.exchange.display)];
}

export function exchangeBuildRule(ctx: ServerContext, rule: BuildRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  if (!ctx.data.exchange.installed) return out;
  const ev = exchangeEvidence(ctx);
  const capable = rule.capability === 'tls12' ? ctx.exchange.tls12Capable : ctx.exchange.canDisableLegacy;
  if (capable === null) {
    const f = finding({
      id: 'EXCHANGE-BUILD-UNKNOWN',
      severity: rule.severity,
      category: 'exchange',
      title: `Exchange build ${ctx.data.exchange.build ?? '(not found)'} is not recognised`,
      explanation:
        'The build could not be matched to an Exchange product in data/exchange-builds.csv, so extls cannot tell whether it supports ' +
        `${rule.capability === 'tls12' ? 'TLS 1.2' : 'running without TLS 1.0/1.1'}. Check the build (ExSetup.exe file version) and update the knowledge base.`,
      evidence: ev,
    });
    out.findings.push(f);
    out.blockers.push({ kind: 'unknown-build', message: f.title, evidence: ev });
    return out;
  }
  if (capable) return out;
  const tls12 = rule.capability === 'tls12';
  const min = tls12 ? ctx.exchange.tls12Minimum : ctx.exchange.disableLegacyMinimum;
  const f = finding({
    id: tls12 ? 'EXCHANGE-TOO-OLD-FOR-TLS12' : 'EXCHANGE-TOO-OLD-TO-DISABLE-LEGACY',
    severity: rule.severity,
    category: 'exchange',
    title: tls12
      ? `${ctx.exchange.display} cannot use TLS 1.2 (needs ${min})`
      : `${ctx.exchange.display} cannot run with TLS 1.0/1.1 off (needs ${min})`,
    explanation: tls12
      ? `Exchange supports TLS 1.2 from ${min} of ${ctx.exchange.product}. Update Exchange first; registry changes alone will not make this server talk TLS 1.2.`
      : `Turning TLS 1.0/1.1 off is supported from ${min} of ${ctx.exchange.product}; on older builds Exchange components fail. Update Exchange first.`,
    evidence: ev,
  });
  out.findings.push(f);
  out.blockers.push({ kind: 'exchange-too-old', message: f.title, evidence: ev });
  return out;
}

export function exchangeSupportRule(ctx: ServerContext, rule: SupportRule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  if (!ctx.data.exchange.installed || ctx.exchange.supportStatus !== 'out-of-support') return out;
  out.findings.push(
    finding({
      id: 'EXCHANGE-OUT-OF-SUPPORT',
      severity: rule.severity,
      category: 'exchange',
      title: `${ctx.exchange.product} is out of support since ${ctx.exchange.endOfSupport}`,
      explanation:
        `Microsoft support for ${ctx.exchange.product} ended on ${ctx.exchange.endOfSupport} (judged at ${ctx.referenceTime.toISOString().slice(0, 10)}): ` +
        'no further security updates. This does not stop the TLS change, but plan the move to a supported version (Exchange Server SE).',
      evidence: exchangeEvidence(ctx),
    }),
  );
  return out;
}

/** Facts worth knowing whatever the policy: no Exchange on the box, or a build newer/other than the table knows. */
export function exchangeFacts(ctx: ServerContext): Finding[] {
  const ex = ctx.data.exchange;
  if (!ex.installed) {
    return [finding({
      id: 'EXCHANGE-NOT-INSTALLED',
      severity: 'info',
      category: 'exchange',
      title: 'No Exchange installation found',
      explanation: 'The collector found no Exchange setup key; Exchange build checks were skipped and only the Windows/.NET settings were judged.',
      evidence: [buildEvidence('Exchange setup key', ex.setupKeyPath, ex.setupKeyPath ?? 'not found')],
    })];
  }
  if (ctx.exchange.product && !ctx.exchange.known) {
    return [finding({
      id: 'EXCHANGE-BUILD-NOT-IN-KB',
      severity: 'info',
      category: 'exchange',
      title: `Exchange build ${ex.build} is not in the knowledge base`,
      explanation:
        `The build belongs to ${ctx.exchange.product}${ctx.exchange.newerThanKnown ? ' and is newer than every build data/exchange-builds.csv lists' : ''}; ` +
        'its TLS capability was judged from the version number. Add the build to data/exchange-builds.csv to name its CU/SU.',
      evidence: exchangeEvidence(ctx),
    })];
  }
  return [];
}
