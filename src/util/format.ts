import Table from 'cli-table3';
import { csvFile } from './csv.js';
import { toAsciiJson } from './json.js';

export const formats = ['table', 'json', 'ndjson', 'csv'] as const;
export type Format = (typeof formats)[number];

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/**
 * Render rows for stdout. json/ndjson carry the full objects (what scripts consume); csv and table
 * show the chosen columns. CSV starts with a UTF-8 BOM so Excel and Windows PowerShell 5.1 read it as UTF-8.
 */
export function formatRows<T>(rows: T[], columns: Column<T>[], format: Format): string {
  switch (format) {
    case 'json':
      return toAsciiJson(rows, 2) + '\n';
    case 'ndjson':
      return rows.map((r) => toAsciiJson(r)).join('\n') + (rows.length ? '\n' : '');
    case 'csv':
      return csvFile(
        columns.map((c) => c.header),
        rows.map((r) => columns.map((c) => c.value(r))),
      );
    case 'table': {
      const table = new Table({ head: columns.map((c) => c.header), style: { head: [], border: [] }, wordWrap: true });
      for (const r of rows) table.push(columns.map((c) => String(c.value(r) ?? '')));
      return table.toString() + '\n';
    }
  }
}

export function parseFormat(value: string): Format {
  if ((formats as readonly string[]).includes(value)) return value as Format;
  throw new Error(`--format must be one of ${formats.join(', ')}`);
}
