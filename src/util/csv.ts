// The one CSV writer: every CSV extls writes (summary.csv, analyze/inventory/probe --format csv) goes through it.
// Rules for a file a spreadsheet opens: UTF-8 BOM (else Excel guesses ANSI), CRLF between records, a cell holding
// any line break quoted (so it stays one cell, never a new row), and no cell that a spreadsheet would evaluate.
import { stringify } from 'csv-stringify/sync';

export const CSV_BOM = '\uFEFF';

/** Line breaks of any kind: a cell holding one is always quoted. */
const LINE_BREAK = /[\r\n\u000b\u000c\u0085\u2028\u2029]/;

/**
 * Characters that make a spreadsheet read a cell as a formula: = + - @ first (OWASP CSV injection), also after
 * leading blanks (Excel and LibreOffice trim them before evaluating), and a leading tab or CR.
 */
const FORMULA_START = /^[\s\u00a0\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

/** A cell's text as it goes into the file: formula-like text gets a leading apostrophe and is shown as text. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = Array.isArray(value) ? value.map((v) => (v === null || v === undefined ? '' : String(v))).join('; ') : String(value);
  // a lone '-' (a probe's "not tested") is text in every spreadsheet
  return text !== '-' && FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * CSV records (no BOM: the caller writes CSV_BOM once at the start of the file). Records written in several calls
 * join to the same text as one call: quoting is decided cell by cell.
 */
export function csvRecords(rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return '';
  return stringify(
    rows.map((r) => r.map(csvCell)),
    { record_delimiter: 'windows', quoted_match: LINE_BREAK, cast: { string: (s) => s } },
  );
}

/** A whole CSV file: BOM, header, rows. */
export function csvFile(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return CSV_BOM + csvRecords([header, ...rows]);
}
