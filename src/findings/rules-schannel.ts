// SCHANNEL protocol rules: the policy's wanted state per side, plus checks every server gets
// (Client/Server mismatch, contradicting values, non-standard DWORDs such as 0xffffffff, wrongly typed values).
import { finding, type RuleResult, type ServerContext } from './context.js';
import type { PolicyRule } from './policy.js';
import { dword, dwordChange, registryEvidence } from './registry.js';
import type { Evidence, Finding, ProtocolState, RegistryChange, Side, SideState } from './types.js';

type SchannelRule = Extract<PolicyRule, { rule: 'schannel-protocol' }>;

export function sideEvidence(s: SideState): Evidence[] {
  return [
    registryEvidence(s.registry.path, 'Enabled', s.registry.enabled),
    registryEvidence(s.registry.path, 'DisabledByDefault', s.registry.disabledByDefault),
  ];
}

/** The recommended pair: on = Enabled 1 / DisabledByDefault 0, off = 0 / 1 (Microsoft's Exchange TLS guidance). */
export function sideChanges(s: SideState, want: 'on' | 'off'): RegistryChange[] {
  return [
    dwordChange(s.registry.path, 'Enabled', s.registry.enabled, want === 'on' ? 1 : 0),
    dwordChange(s.registry.path, 'DisabledByDefault', s.registry.disabledByDefault, want === 'on' ? 0 : 1),
  ].filter((c): c is RegistryChange => c !== null);
}

function sideOf(p: ProtocolState, side: Side): SideState {
  return side === 'Client' ? p.client : p.server;
}

export function findProtocol(ctx: ServerContext, protocol: string): ProtocolState | undefined {
  return ctx.protocols.find((p) => p.protocol.toLowerCase() === protocol.toLowerCase());
}

const problemWord = { on: 'ENABLED', off: 'DISABLED', faulty: 'FAULTY', unknown: 'UNKNOWN' } as const;

export function schannelProtocolRule(ctx: ServerContext, rule: SchannelRule): RuleResult {
  const p = findProtocol(ctx, rule.protocol);
  const out: RuleResult = { findings: [], blockers: [] };
  if (!p) return out; // standard protocols are always present; an unknown extra name has no key on this server: nothing to judge
  for (const side of rule.sides ?? ['Client', 'Server']) {
    const s = sideOf(p, side);
    if (s.state === rule.state) {
      if (rule.explicit && s.derivedFrom !== 'explicit') out.findings.push(notExplicit(p, s, rule.state));
      continue;
    }
    const why =
      s.state === 'unknown'
        ? `Its values are missing and the default of this Windows build is not known${ctx.windows.known ? ' (unverified in the knowledge base)' : ' (build not in the knowledge base)'}, so it cannot be shown to be ${rule.state}; setting the values explicitly removes the doubt.`
        : s.state === 'faulty'
          ? `Its values contradict each other: ${s.display}.`
          : `It is ${s.state}: ${s.display}.`;
    const need =
      rule.state === 'on'
        ? `${p.protocol} must be on for ${side} connections: Exchange Online and modern peers accept only TLS 1.2 and later, so mail flow breaks without it.`
        : `${p.protocol} must be off for ${side} connections in this phase.`;
    out.findings.push(
      finding({
        id: `${p.code}-${side.toUpperCase()}-${problemWord[s.state]}`,
        severity: rule.severity,
        category: 'schannel',
        title: `${p.protocol} ${side} is ${s.state === 'faulty' ? 'misconfigured' : s.state}; wanted ${rule.state}`,
        explanation: `${need} ${why}`,
        evidence: sideEvidence(s),
        changes: sideChanges(s, rule.state),
        restartRequired: true,
      }),
    );
  }
  return out;
}

/** The side is in the wanted state, but (partly) by OS default: Microsoft's guidance writes both values anyway. */
function notExplicit(p: ProtocolState, s: SideState, want: 'on' | 'off'): Finding {
  return finding({
    id: `${p.code}-${s.side.toUpperCase()}-NOT-EXPLICIT`,
    severity: 'medium',
    category: 'schannel',
    title: `${p.protocol} ${s.side} is ${want} by OS default only; Microsoft's guidance sets it explicitly`,
    explanation:
      `${p.protocol} ${s.side} is ${s.display}. Microsoft's Exchange TLS guidance writes Enabled=${want === 'on' ? 1 : 0} and ` +
      `DisabledByDefault=${want === 'on' ? 0 : 1} whatever the OS default, and HealthChecker reports a missing value as an error ` +
      '("Value should be defined in registry for consistent results"). Writing them does not change how SCHANNEL behaves today, ' +
      'but keeps it so when a Windows update or a baseline changes the defaults. A policy rule with "explicit": false accepts the OS default.',
    evidence: sideEvidence(s),
    changes: sideChanges(s, want),
    restartRequired: false,
  });
}

/**
 * Checks independent of the policy. `covered` holds "TLS 1.0|Client" for sides a policy rule already judges,
 * so a faulty side gets one finding, not two.
 */
export function schannelHygiene(ctx: ServerContext, covered: Set<string>): Finding[] {
  const out: Finding[] = [];
  const nonStandard: Evidence[] = [];
  const nonStandardChanges: RegistryChange[] = [];
  const wrongType: Evidence[] = [];
  for (const p of ctx.protocols) {
    for (const s of [p.client, p.server]) {
      if (s.nonStandardValues) {
        for (const [name, v] of [['Enabled', s.registry.enabled], ['DisabledByDefault', s.registry.disabledByDefault]] as const) {
          const n = dword(v);
          if (n !== null && n !== 0 && n !== 1) {
            nonStandard.push(registryEvidence(s.registry.path, name, v));
            const c = dwordChange(s.registry.path, name, v, 1);
            if (c) nonStandardChanges.push(c);
          }
        }
      }
      if (s.faults.includes('wrong-type')) wrongType.push(...sideEvidence(s).filter((e) => typeof e.raw === 'object' && e.raw !== null && 'present' in e.raw && e.raw.present && e.raw.type !== 'REG_DWORD'));
      if (s.state === 'faulty' && !covered.has(`${p.protocol}|${s.side}`)) {
        const unsupported = s.faults.includes('unsupported-by-os');
        out.push(
          finding({
            id: `${p.code}-${s.side.toUpperCase()}-FAULTY`,
            severity: 'medium',
            category: 'schannel',
            title: unsupported ? `${p.protocol} ${s.side} is enabled but this Windows build does not support it` : `${p.protocol} ${s.side} has contradicting values`,
            explanation: unsupported
              ? `${s.display}. Enabling a protocol the OS does not support is unsupported and has broken TLS on some builds; turn it off or delete the values.`
              : `${s.display}. No policy in this run decides whether ${p.protocol} should be on or off, so no change is planned; pick one and set Enabled and DisabledByDefault to match (1/0 for on, 0/1 for off).`,
            evidence: sideEvidence(s),
            changes: unsupported ? sideChanges(s, 'off') : [],
            restartRequired: unsupported,
          }),
        );
      }
    }
    if (p.clientServerMismatch) {
      out.push(
        finding({
          id: `${p.code}-CLIENT-SERVER-MISMATCH`,
          severity: 'medium',
          category: 'schannel',
          title: `${p.protocol} is ${p.client.state} for Client but ${p.server.state} for Server`,
          explanation:
            `Exchange is both a TLS client (outbound SMTP, HTTPS to other servers) and a server; with the sides different, ` +
            `connections succeed in one direction and fail in the other. Client: ${p.client.display}. Server: ${p.server.display}.`,
          evidence: [...sideEvidence(p.client), ...sideEvidence(p.server)],
        }),
      );
    }
  }
  if (nonStandard.length) {
    out.push(
      finding({
        id: 'SCHANNEL-NONSTANDARD-VALUE',
        severity: 'low',
        category: 'schannel',
        title: 'SCHANNEL values other than 0 or 1 (e.g. 0xffffffff from IIS Crypto)',
        explanation:
          'Windows treats any non-zero Enabled/DisabledByDefault as true, so these values work as "1" and the protocols are judged accordingly. ' +
          'IIS Crypto writes 0xffffffff on purpose; STIG and other compliance checks expect exactly 1 and flag it, and tools that read the DWORD as signed show -1. ' +
          'Optional: rewrite them as 1 (same meaning).',
        evidence: nonStandard,
        changes: nonStandardChanges,
        restartRequired: nonStandardChanges.length > 0,
      }),
    );
  }
  if (wrongType.length) {
    out.push(
      finding({
        id: 'SCHANNEL-WRONG-TYPE',
        severity: 'medium',
        category: 'schannel',
        title: 'SCHANNEL values of the wrong registry type are ignored',
        explanation:
          'SCHANNEL reads Enabled and DisabledByDefault only as REG_DWORD; these values are ignored and the OS default applies instead. ' +
          'Delete them or rewrite them as REG_DWORD with the intended value.',
        evidence: wrongType,
      }),
    );
  }
  return out;
}
