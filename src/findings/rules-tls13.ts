// TLS 1.3 and the Exchange build: Windows Server 2022 and later turn TLS 1.3 on by default, but Exchange supports it
// only from Exchange Server 2019 CU15 / Exchange SE on Windows Server 2022 or later (data/exchange-tls13-support.csv).
// On older builds Microsoft's guidance turns it off: Enabled=0 and DisabledByDefault=1 for Client and Server.
import { buildEvidence, finding, type RuleResult, type ServerContext } from './context.js';
import { compareBuilds, parseBuild } from './knowledge.js';
import type { PolicyRule } from './policy.js';
import { findProtocol, sideChanges, sideEvidence } from './rules-schannel.js';

type Tls13Rule = Extract<PolicyRule, { rule: 'tls13-support' }>;

/** Whether this Exchange build on this Windows build supports TLS 1.3; null when either build is unknown. */
function exchangeSupportsTls13(ctx: ServerContext): boolean | null {
  const build = ctx.exchange.parsed;
  const os = Number(ctx.data.os.currentBuild);
  if (!build || !ctx.exchange.product || !Number.isFinite(os) || os <= 0) return null;
  const row = ctx.knowledge.tls13Support.find((r) => r.product === ctx.exchange.product);
  if (!row) return false; // 2010, 2013, 2016: never
  const min = parseBuild(row.min_build);
  return min !== null && compareBuilds(build, min) >= 0 && os >= Number(row.windows_min_build);
}

export function tls13SupportRule(ctx: ServerContext, rule: Tls13Rule): RuleResult {
  const out: RuleResult = { findings: [], blockers: [] };
  if (!ctx.data.exchange.installed) return out;
  const p = findProtocol(ctx, 'TLS 1.3');
  if (!p) return out;
  // an OS without TLS 1.3 that has it switched on is SCHANNEL hygiene's (unsupported-by-os); here only real TLS 1.3
  const sides = [p.client, p.server].filter((s) => s.osDefault !== 'not-supported' && (s.state === 'on' || (s.state === 'faulty' && s.enabled === true)));
  if (!sides.length) return out;
  const supported = exchangeSupportsTls13(ctx);
  if (supported !== false) return out; // supported, or a build the knowledge base does not know (EXCHANGE-BUILD-UNKNOWN says so)
  const how = sides.map((s) => `${s.side}: ${s.display}`).join('; ');
  const mins = ctx.knowledge.tls13Support.map((r) => `${r.product} ${r.min_name}`).join(' / ');
  out.findings.push(finding({
    id: 'TLS13-ENABLED-UNSUPPORTED',
    severity: rule.severity,
    category: 'schannel',
    title: `TLS 1.3 is on, but ${ctx.exchange.row?.name ?? ctx.exchange.display} does not support it`,
    explanation:
      `TLS 1.3 is effectively on here (${how}). Exchange supports TLS 1.3 only from ${mins} on Windows Server 2022 or later ` +
      '(and then for HTTPS; SMTP keeps negotiating TLS 1.2). On older builds Microsoft\'s Exchange TLS guidance turns TLS 1.3 off ' +
      '(Enabled=0, DisabledByDefault=1 for Client and Server), and HealthChecker reports it as an error known to cause issues within the cluster. ' +
      'The changes below do that; updating Exchange to a build that supports TLS 1.3 is the other way out.',
    evidence: [...sideEvidence(p.client), ...sideEvidence(p.server), buildEvidence('Exchange build', ctx.exchange.build, ctx.exchange.display)],
    changes: [...sideChanges(p.client, 'off'), ...sideChanges(p.server, 'off')],
    restartRequired: true,
  }));
  return out;
}
