// Mail-flow failures (findings of category mail-flow) as rows for the report, summary.csv and the runbooks.
import type { Finding } from '../findings/types.js';

export interface MailFlowRow {
  findingId: string;
  severity: string;
  failingNow: boolean;
  direction: string;
  service: string;
  connector: string;
  remote: string;
  /** the most frequent signature */
  error: string;
  /** every signature of the group, as logged (numbers after the code shown as #) */
  signatures: string[];
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** cause finding ids joined, or a plain statement */
  probableCause: string;
  causes: string[];
}

const rank: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

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
      remote: m.remote ?? '(unknown address)',
      error: m.error,
      signatures: m.signatures.map((s) => s.signature).filter((s) => s !== ''),
      count: m.count,
      firstSeen: m.firstSeen ?? '?',
      lastSeen: m.lastSeen ?? '?',
      probableCause: m.probableCause,
      causes: [...(f.causes ?? [])],
    });
  }
  return rows.sort((a, b) => Number(b.failingNow) - Number(a.failingNow) || (rank[a.severity] ?? 9) - (rank[b.severity] ?? 9) || b.count - a.count || a.connector.localeCompare(b.connector) || a.remote.localeCompare(b.remote));
}

/**
 * Text to look for with Select-String -SimpleMatch: the signature up to its first normalized number ('#'), which the
 * raw log line starts the same way.
 */
export function searchPattern(signature: string): string {
  const cut = signature.indexOf('#');
  return (cut >= 0 ? signature.slice(0, cut) : signature).trimEnd();
}

export interface ServerMailFlow {
  failures: MailFlowRow[];
  failingNow: number;
  /** failed attempts over all groups in the log window */
  errorCount: number;
  /** distinct texts that must stop appearing after the change */
  patterns: string[];
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
  return last ? `${last.error} (${last.connector}, ${last.lastSeen})` : '';
}
