// Escaping per output kind. Every piece of data that reaches a generated file goes through one of these.
import { BIDI_CONTROL, showBidi, UNSAFE_CHAR, UNSAFE_CHARS } from '../util/unsafe-chars.js';

/** The characters PowerShell treats as a single quote (it accepts the typographic ones too). */
const PS_SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;
/**
 * Control characters, every line terminator and the bidi controls: encoded, so generated scripts stay one
 * statement per line and a reviewer reads the literal in the order PowerShell does.
 */
const PS_UNSAFE = UNSAFE_CHAR;

/**
 * A PowerShell expression that evaluates to exactly `value`.
 * Plain text becomes one single-quoted literal (no expansion of `$`, backticks or `$(...)` happens inside '...');
 * every quote character PowerShell recognises is doubled. Control characters and line terminators (NUL
 * included) are encoded as `[char]N` pieces joined with +, e.g. ('a' + [char]10 + 'b'), so the literal never
 * spans lines and a NUL never reaches the file.
 */
export function psLiteral(value: unknown): string {
  const text = scalarText(value, 'psLiteral');
  if (!PS_UNSAFE.test(text)) return `'${text.replace(PS_SINGLE_QUOTES, '$&$&')}'`;
  const pieces: string[] = [];
  let run = '';
  for (const ch of text) {
    if (PS_UNSAFE.test(ch)) {
      if (run) pieces.push(`'${run.replace(PS_SINGLE_QUOTES, '$&$&')}'`);
      run = '';
      pieces.push(`[char]${ch.codePointAt(0)}`);
    } else {
      run += ch;
    }
  }
  if (run) pieces.push(`'${run.replace(PS_SINGLE_QUOTES, '$&$&')}'`);
  // A leading [char]N piece would make + numeric addition; a leading '' keeps it string concatenation.
  if (!pieces[0]!.startsWith("'")) pieces.unshift("''");
  return `(${pieces.join(' + ')})`;
}

/** Text for a PowerShell `#` line comment: one line, and no `#>`/`<#` that could end or open a block comment. */
export function psComment(value: unknown): string {
  return showBidi(scalarText(value, 'psComment'))
    .replace(UNSAFE_CHARS, ' ')
    .replace(/#>/g, '# >')
    .replace(/<#/g, '< #');
}

/** A PowerShell integer literal; anything that is not a safe integer is refused. */
export function psInt(value: unknown): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`psInt: ${JSON.stringify(value)} is not an integer`);
  return String(value);
}

/**
 * JSON whose text is pure printable ASCII: non-ASCII and line separators as \uXXXX. Embedded in a generated
 * script through psLiteral, the only character left to escape is the ASCII quote.
 */
export function jsonAscii(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const MD_CODE_SPECIAL = new RegExp(`[\`|]|${UNSAFE_CHAR.source}`);
const MD_SPECIAL = new RegExp(`[\\\\\`*_[\\]|~&<>]|${UNSAFE_CHAR.source}`);

/**
 * Markdown inline text (also safe in a table cell): backslash-escapes \ ` * _ [ ] | ~, writes < > & as entities
 * (so no raw HTML, comment or autolink can start), line breaks as <br> (a row or paragraph never ends early).
 */
export function mdText(value: unknown): string {
  const raw = scalarText(value, 'md');
  if (!MD_SPECIAL.test(raw)) return raw;
  // bidi controls shown as [U+202E] first (their brackets are then escaped like any other)
  return showBidi(raw)
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, '<br>')
    .replace(/\t/g, ' ')
    .replace(UNSAFE_CHARS, '\ufffd');
}

/**
 * A Markdown code span: a fence longer than any backtick run inside; `|` escaped (GFM splits table cells on it
 * even in code spans); line breaks shown as ⏎ because a code span cannot hold one.
 */
export function mdCode(value: unknown): string {
  const plain = scalarText(value, 'mdCode');
  // the usual registry path or value name: nothing to replace, one backtick fence, no padding
  if (plain !== '' && !MD_CODE_SPECIAL.test(plain)) return `\`${plain}\``;
  const text = (BIDI_CONTROL.test(plain) ? showBidi(plain) : plain)
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, '\u23ce')
    .replace(UNSAFE_CHARS, '\ufffd')
    .replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** C0/C1 controls but tab and line breaks (HTML whitespace), and the separators: never shown raw in HTML. */
const HTML_UNSAFE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u2028\u2029]/g;

/**
 * HTML text or attribute value: bidi controls shown as [U+202E], other controls as U+FFFD, then `escape`
 * (Handlebars' own: & < > " ' ` =). A helper or a plain value prints as text.
 */
export function htmlText(value: unknown, escape: (s: string) => string): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' && 'toHTML' in value ? null : String(value);
  if (text === null) return (value as { toHTML(): string }).toHTML();
  return escape(showBidi(text).replace(HTML_UNSAFE, '\ufffd'));
}

/** CSV cells: the one CSV writer's rule (util/csv.ts). */
export { csvCell } from '../util/csv.js';

function scalarText(value: unknown, helper: string): string {
  if (value === undefined) throw new Error(`${helper}: value is undefined`);
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => scalarText(v, helper)).join(', ');
  throw new Error(`${helper}: cannot print an object`);
}
