// summary.csv for Excel, through the one CSV writer (util/csv.ts): BOM, CRLF, no formula, no cell split by a line break.
import { CSV_BOM, csvRecords } from '../util/csv.js';
import type { ChunkSink } from './template-stream.js';
import type { FleetContext } from './types.js';

/** Rows per stringify call: the file is written in pieces, never held whole for a large fleet. */
const BATCH = 256;

/**
 * A check's column name, as the ExTls module names the property: a policy by its id ('tls12-ready'), a protocol as
 * Tls10..Tls13, anything else its title in PascalCase ('Mail flow' -> MailFlow, 'STARTTLS probe' -> StartTlsProbe).
 */
export function checkHeader(check: { id: string; title: string }): string {
  const [kind, name = ''] = check.id.split(/:(.*)/s);
  if (kind === 'policy') return name;
  if (kind === 'protocol') return name.replace(/^TLS (\d)\.(\d)$/, 'Tls$1$2').replace(/\s+/g, '');
  if (check.id === 'probe:starttls') return 'StartTlsProbe';
  if (check.id === 'category:dotnet') return 'DotNetTls';
  if (check.id === 'category:winhttp') return 'WinHttp';
  return check.title
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((w) => (w.length > 1 && w === w.toUpperCase() && !/\d/.test(w) ? w[0] + w.slice(1).toLowerCase() : w[0]!.toUpperCase() + w.slice(1)))
    .join('');
}

export function writeSummaryCsv(fleet: FleetContext, sink: ChunkSink): void {
  // the ExTls module's property names (README: CSV headers are the module's property names)
  const header = ['Server', 'Status', 'Dag', 'Site', 'Role', 'Wave', 'ChangeCount', 'RestartRequired', 'Blockers', 'MailFlowErrorCount', 'LastMailFlowError', ...fleet.checks.map(checkHeader), 'Folder'];
  const blockersByServer = new Map<string, string[]>();
  for (const b of fleet.blockers) blockersByServer.set(b.server, [...(blockersByServer.get(b.server) ?? []), b.kind]);
  const row = (r: FleetContext['rows'][number]) => [
    r.server,
    r.statusText,
    r.dag,
    r.site,
    r.role,
    r.waveText,
    r.changeCount,
    r.restartRequired ? 'yes' : 'no',
    [...new Set(blockersByServer.get(r.server) ?? [])].join('; '),
    r.mailFlowErrors,
    r.lastError,
    ...r.cells.map((c) => c.text),
    r.folder,
  ];
  // quoting is decided cell by cell, so rows written in batches join to the same text as all at once
  sink.text(CSV_BOM + csvRecords([header]));
  for (let i = 0; i < fleet.rows.length; i += BATCH) sink.text(csvRecords(fleet.rows.slice(i, i + BATCH).map(row)));
}

