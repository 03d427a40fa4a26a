// The one terminal writer: text meant for a person (progress lines, the progress bar, tables, warnings, errors)
// shows every control and bidi character as an escape (ESC as \x1b, U+202E as \u202e) instead of sending it to the
// terminal, where it could set the clipboard, clear the screen, retitle the window or reorder what is read. Data
// for programs (--format json / ndjson, CSV, the files written) is left exact: JSON escapes such characters itself.
import type { Column, Format } from '../util/format.js';
import { formatRows } from '../util/format.js';
import { TERMINAL_UNSAFE } from '../util/unsafe-chars-terminal.js';

const hex = (c: string, width: number) => c.codePointAt(0)!.toString(16).padStart(width, '0');

/** `text` with each unsafe character replaced by its visible escape; line feeds and tabs stay. */
export function terminalText(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/** Columns whose cells are shown visibly: the table layer then measures what will really be printed. */
function visibleColumns<T>(columns: readonly Column<T>[]): Column<T>[] {
  return columns.map((c) => ({
    header: terminalText(c.header),
    value: (row: T) => {
      const v = c.value(row);
      return typeof v === 'string' ? terminalText(v) : v;
    },
  }));
}

/**
 * formatRows for output a person reads: a table has its cells made visible (and, in case a cell escapes the
 * columns, the whole text once more); json, ndjson and csv are data, returned exact.
 */
export function formatForOutput<T>(rows: T[], columns: Column<T>[], format: Format): string {
  if (format !== 'table') return formatRows(rows, columns, format);
  return terminalText(formatRows(rows, visibleColumns(columns), 'table'));
}

/** Writes human text to a stream (stderr), made visible. */
export function writeHuman(stream: Pick<NodeJS.WriteStream, 'write'>, text: string): void {
  stream.write(terminalText(text));
}
