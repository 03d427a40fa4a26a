import Table from 'cli-table3';
import { csvFile } from './csv.js';
import { toAsciiJson } from './json.js';
import { fitColumnWidths, terminalWidth, textWidth, wrapText } from './table-width.js';

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
export function formatRows<T>(rows: T[], columns: Column<T>[], format: Format, width?: number): string {
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
    case 'table':
      return formatTable(columns.map((c) => c.header), rows.map((r) => columns.map((c) => String(c.value(r) ?? ''))), width ?? terminalWidth());
  }
}

/** A table no wider than `width`: columns shrink to fit and their cells wrap (the full text is in json/csv). */
export function formatTable(head: string[], cells: string[][], width: number): string {
  const longest = (text: string) => Math.max(0, ...text.split('\n').map(textWidth));
  const natural = head.map((h, i) => Math.max(longest(h), ...cells.map((row) => longest(row[i] ?? ''))));
  const longestWord = (text: string) => Math.max(0, ...text.split(/[\s]+/).map(textWidth));
  const words = head.map((h, i) => Math.max(longestWord(h), ...cells.map((row) => longestWord(row[i] ?? ''))));
  const widths = fitColumnWidths(natural, width, 8, words);
  const table = new Table({
    head: head.map((h, i) => wrapText(h, widths[i]!)),
    // content width + one space of padding each side
    colWidths: widths.map((w) => w + 2),
    style: { head: [], border: [] },
    wordWrap: false,
  });
  for (const row of cells) table.push(row.map((cell, i) => wrapText(cell, widths[i]!)));
  return table.toString() + '\n';
}

export function parseFormat(value: string): Format {
  if ((formats as readonly string[]).includes(value)) return value as Format;
  throw new Error(`--format must be one of ${formats.join(', ')}`);
}
