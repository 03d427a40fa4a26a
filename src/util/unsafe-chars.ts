// Characters that change how text is shown or read without being visible: the one list every writer uses
// (files: runbook.md, report.html, generated scripts; JSON output is ASCII-escaped by util/json.ts; the terminal
// writer uses the same classes).
// Bidi controls can make a reviewed line read differently from what runs ("Trojan Source", CVE-2021-42574).

/** Unicode bidirectional formatting controls: LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI, LRM/RLM, ALM. */
export const BIDI_CONTROL_CLASS = '\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\u061c';
/** C0 and C1 control characters (tab and line breaks included), DEL, and the Unicode line/paragraph separators. */
export const CONTROL_CLASS = '\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029';

export const BIDI_CONTROL = new RegExp(`[${BIDI_CONTROL_CLASS}]`);
export const BIDI_CONTROLS = new RegExp(`[${BIDI_CONTROL_CLASS}]`, 'g');
/** Any character a file writer must not pass through as is: controls, separators, bidi. */
export const UNSAFE_CHAR = new RegExp(`[${CONTROL_CLASS}${BIDI_CONTROL_CLASS}]`);
export const UNSAFE_CHARS = new RegExp(`[${CONTROL_CLASS}${BIDI_CONTROL_CLASS}]`, 'g');

/** "U+202E": how a removed character is named where it is shown instead (never the character itself). */
export const codePointName = (ch: string): string => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Bidi controls replaced by a visible [U+202E] (the text reads in its stored order; the data stays recognisable). */
export function showBidi(text: string): string {
  return BIDI_CONTROL.test(text) ? text.replace(BIDI_CONTROLS, (c) => `[${codePointName(c)}]`) : text;
}
