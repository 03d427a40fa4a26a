// Mail-flow failures (findings of category mail-flow) as rows for the report, summary.csv and the runbooks.
import type * as C from '../contracts/runbook-context.js';
import { remoteLabel } from '../findings/rules-mail-flow.js';
import { severityRank, type Finding, type Severity } from '../findings/types.js';

/** One failure group as the templates see it (schemas/runbook-context.schema.json, definition mailFlowRow). */
export type MailFlowRow = C.MailFlowRow;
/** A server's failures: the runbook's baseline and post-check signatures. */
type ServerMailFlow = C.ServerContext['mailFlow'];

export function mailFlowRows(findings: readonly Pick<Finding, 'id' | 'severity' | 'category' | 'evidence' | 'causes'>[]): MailFlowRow[] {
  const rows: MailFlowRow[] = [];
  for (const f of findings) {
    if (f.category !== 'mail-flow') continue;
    const m = f.evidence.find((e) => e.failure)?.failure;
    if (!m) continue;
    rows.push({
      findingId: f.id,
      severity: f.severity,
      failingNow: m.failingNow,
      direction: m.direction,
      service: m.service,
      connector: m.connector,
      remote: remoteLabel(m),
      remoteName: m.remoteName ?? null,
      error: m.error,
      signatures: m.signatures.map((s) => s.signature).filter((s) => s !== ''),
      count: m.count,
      firstSeen: m.firstSeen ?? '?',
      lastSeen: m.lastSeen ?? '?',
      probableCause: m.probableCause,
      causes: [...(f.causes ?? [])],
    });
  }
  return rows.sort((a, b) => Number(b.failingNow) - Number(a.failingNow) || severityRank[a.severity as Severity] - severityRank[b.severity as Severity] || b.count - a.count || a.connector.localeCompare(b.connector) || a.remote.localeCompare(b.remote));
}

/**
 * Text to look for with Select-String -SimpleMatch: the signature up to its first normalized number ('#'), which the
 * raw log line starts the same way.
 */
function searchPattern(signature: string): string {
  const cut = signature.indexOf('#');
  return (cut >= 0 ? signature.slice(0, cut) : signature).trimEnd();
}

export function serverMailFlow(rows: MailFlowRow[]): ServerMailFlow {
  return {
    failures: rows,
    failingNow: rows.filter((r) => r.failingNow).length,
    errorCount: rows.reduce((n, r) => n + r.count, 0),
    patterns: [...new Set(rows.filter((r) => r.severity !== 'low').flatMap((r) => r.signatures.map(searchPattern)).filter((s) => s !== ''))],
  };
}

/** "TLS negotiation failed with error SocketError (2026-11-28T10:25:00.844Z)" for the latest failure, '' for none. */
export function lastError(rows: MailFlowRow[]): string {
  const last = rows.reduce<MailFlowRow | null>((w, r) => (w === null || r.lastSeen > w.lastSeen ? r : w), null);
  return last ? `${last.error} (${last.connector}, ${last.remote}, ${last.lastSeen})` : '';
}
