// summary.csv for Excel: UTF-8 BOM (else Excel guesses ANSI), CRLF, and no cell that Excel would run as a formula.
import { stringify } from 'csv-stringify/sync';
import { csvCell } from './escape.js';
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
  // quoting is decided cell by cell, so rows stringified in batches join to the same text as all at once
  sink.text(stringify([header.map(csvCell)], { bom: true, record_delimiter: 'windows' }));
  for (let i = 0; i < fleet.rows.length; i += BATCH) {
    const batch = fleet.rows.slice(i, i + BATCH).map((r) => row(r).map(csvCell));
    sink.text(stringify(batch, { record_delimiter: 'windows' }));
  }
}

