// summary.csv for Excel: UTF-8 BOM (else Excel guesses ANSI), CRLF, and no cell that Excel would run as a formula.
import { stringify } from 'csv-stringify/sync';
import { csvCell } from './escape.js';
import type { FleetContext } from './types.js';

export function summaryCsv(fleet: FleetContext): string {
  const header = ['server', 'status', 'dag', 'site', 'role', 'wave', 'changes', 'restart', 'blockers', ...fleet.checks.map((c) => c.title), 'folder'];
  const blockersByServer = new Map<string, string[]>();
  for (const b of fleet.blockers) blockersByServer.set(b.server, [...(blockersByServer.get(b.server) ?? []), b.kind]);
  const rows = fleet.rows.map((r) => [
    r.server,
    r.statusText,
    r.dag,
    r.site,
    r.role,
    r.waveText,
    r.changeCount,
    r.restartRequired ? 'yes' : 'no',
    [...new Set(blockersByServer.get(r.server) ?? [])].join('; '),
    ...r.cells.map((c) => c.text),
    r.folder,
  ]);
  return stringify([header, ...rows].map((row) => row.map(csvCell)), { bom: true, record_delimiter: 'windows' });
}
