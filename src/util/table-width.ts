// Tables that fit the terminal: each column gets at most its share of the width, long cells wrap (on spaces where they
// can, hard where a word is longer than the column). JSON and CSV keep the full text; only the table is shaped here.

/** Width of the screen the table is for: COLUMNS when set (as `COLUMNS=120 extls ...` asks), else the terminal's;
 * a file or a pipe without COLUMNS has no screen, so its rows stay whole (one line per row, for grep and scripts). */
export function terminalWidth(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  if (Number.isInteger(fromEnv) && fromEnv >= 20) return fromEnv;
  if (stream.isTTY && stream.columns && stream.columns >= 20) return stream.columns;
  return Number.POSITIVE_INFINITY;
}

/** Printed width of a string: code points (the table's text is Latin with a few arrows and ×, one column each). */
export function textWidth(text: string): number {
  return [...text].length;
}

/**
 * Content widths (without padding) for columns whose widest lines are `natural`, so the whole row, with one space of
 * padding each side and a border between columns, is at most `total` wide. Narrow columns keep their width; the
 * space left is shared among the wide ones (water-filling), none below `minimum` (or its natural width).
 */
export function fitColumnWidths(natural: number[], total: number, minimum = 8, words: number[] = []): number[] {
  // many columns on a narrow screen: the minimum gives way, the table never overflows
  minimum = Math.max(1, Math.min(minimum, Math.floor((total - natural.length * 3 - 1) / Math.max(1, natural.length))));
  const widths = shareWidths(natural, total, minimum);
  // then let columns whose longest word (an id, a host name) would be cut borrow from columns with room to spare
  const floor = (i: number) => Math.min(words[i] ?? 0, natural[i]!, 32);
  for (;;) {
    const short = widths.findIndex((w, i) => w < floor(i));
    if (short < 0) break;
    const donor = widths.reduce((best, w, i) => (w - Math.max(floor(i), minimum) > (best < 0 ? 0 : widths[best]! - Math.max(floor(best), minimum)) ? i : best), -1);
    if (donor < 0) break;
    widths[donor]! -= 1;
    widths[short]! += 1;
  }
  return widths;
}

function shareWidths(natural: number[], total: number, minimum: number): number[] {
  const chrome = natural.length * 3 + 1; // "│ " + " " per column, and the last "│"
  let budget = total - chrome;
  const widths = natural.map(() => 0);
  let open = natural.map((_, i) => i);
  // repeatedly settle the columns that fit within an equal share of what is left
  while (open.length) {
    const share = Math.floor(budget / open.length);
    const fitting = open.filter((i) => natural[i]! <= share);
    if (!fitting.length) {
      for (const i of open) widths[i] = Math.max(Math.min(minimum, natural[i]!), share);
      // remainder from the floor goes to the first wide columns
      let rest = budget - share * open.length;
      for (const i of open) if (rest-- > 0 && widths[i]! < natural[i]!) widths[i]! += 1;
      break;
    }
    for (const i of fitting) {
      widths[i] = natural[i]!;
      budget -= natural[i]!;
    }
    open = open.filter((i) => !fitting.includes(i));
  }
  return widths.map((w, i) => Math.max(1, Math.min(w, Math.max(natural[i]!, 1))));
}

/** One cell's text wrapped to `width`: on spaces where it can, a word longer than the line is cut. */
export function wrapText(text: string, width: number): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let current = '';
    for (const word of line.split(' ')) {
      let w = word;
      const candidate = current ? `${current} ${w}` : w;
      if (textWidth(candidate) <= width) {
        current = candidate;
        continue;
      }
      if (current) out.push(current);
      while (textWidth(w) > width) {
        const chars = [...w];
        // an id breaks after one of its hyphens when it can (MAILFLOW-SEND- / HANDSHAKE-4509F4)
        const hyphen = chars.slice(0, width).lastIndexOf('-');
        const cut = hyphen > 0 ? hyphen + 1 : width;
        out.push(chars.slice(0, cut).join(''));
        w = chars.slice(cut).join('');
      }
      current = w;
    }
    out.push(current);
  }
  return out.join('\n');
}
