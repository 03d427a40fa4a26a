// Host facts that matter to every policy: a pending reboot, a Windows build the knowledge base lacks.
import { finding, type ServerContext } from './context.js';
import { pathBelowHklm } from './registry.js';
import type { Blocker, Evidence, Finding } from './types.js';

function rebootEvidence(ctx: ServerContext): Evidence[] {
  return ctx.data.pendingReboot.reasons.map((r) => ({
    kind: 'pending-reboot' as const,
    path: pathBelowHklm(r.path),
    name: r.source,
    raw: r.detail ?? null,
    display: `${r.source}: HKLM\\${pathBelowHklm(r.path)}${r.detail ? ` (${r.detail})` : ''}`,
  }));
}

export function rebootPending(ctx: ServerContext): { finding: Finding; blocker: Blocker } | null {
  if (!ctx.data.pendingReboot.pending) return null;
  const ev = rebootEvidence(ctx);
  const f = finding({
    id: 'REBOOT-PENDING',
    severity: 'medium',
    category: 'reboot',
    title: `A restart is already pending (${ctx.data.pendingReboot.reasons.map((r) => r.source).join(', ') || 'reason not reported'})`,
    explanation:
      'Windows is waiting for a restart from an earlier change (updates, file renames). Restart and collect again before changing TLS settings, ' +
      'so the restart for this change does not also apply unrelated pending work and any failure can be told apart.',
    evidence: ev,
  });
  return { finding: f, blocker: { kind: 'reboot-pending', message: f.title, evidence: ev } };
}

export function osFacts(ctx: ServerContext): Finding[] {
  if (ctx.windows.known) return [];
  const os = ctx.data.os;
  return [finding({
    id: 'OS-BUILD-UNKNOWN',
    severity: 'low',
    category: 'os',
    title: `Windows build ${os.currentBuild ?? '(not found)'} is not in the knowledge base`,
    explanation:
      `"${os.productName ?? 'unknown'}" build ${os.currentBuild ?? '?'} has no row in data/windows-server-builds.csv, so the SCHANNEL defaults for ` +
      'missing values are unknown: protocols without explicit values show as "unknown" and policies ask for explicit values.',
    evidence: [{ kind: 'build', path: pathBelowHklm(os.path), name: 'CurrentBuild', raw: os.currentBuild, display: `${os.productName ?? '?'} build ${os.currentBuild ?? '?'}` }],
  })];
}
