// summary.csv for Excel, through the one CSV writer (util/csv.ts): BOM, CRLF, no formula, no cell split by a line break.
import { CSV_BOM, csvRecords } from '../util/csv.js';
import type { ChunkSink } from './template-stream.js';
import type { FleetContext } from './types.js';

/** Rows per stringify call: the file is written in pieces, never held whole for a large fleet. */
const BATCH = 256;

export function writeSummaryCsv(fleet: FleetContext, sink: ChunkSink): void {
  const header = ['server', 'status', 'dag', 'site', 'role', 'wave', 'changes', 'restart', 'blockers', 'mail flow errors', 'last mail flow error', ...fleet.checks.map((c) => c.title), 'folder'];
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

