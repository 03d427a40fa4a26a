// Characters that must not reach a terminal from data (hostile-inputs issue 21). Kept apart from the file-output
// classes (src/util/unsafe-chars.ts, being added on another branch): when both are merged, these belong there.

/**
 * C0 controls but line feed and tab (ESC starts CSI/OSC sequences: ESC ]52 sets the clipboard, ESC [2J clears the
 * screen; CR overwrites a line), DEL, and C1 controls (U+009B is a one-character CSI on some terminals).
 */
// eslint-disable-next-line no-control-regex -- control characters are what this class is for
export const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/**
 * Bidirectional and invisible formatting characters (Trojan Source, CVE-2021-42574): marks and embeddings,
 * overrides, isolates, the Arabic letter mark, zero-width characters, the line and paragraph separators a terminal
 * may treat as a line break, and the byte order mark in text.
 */
export const BIDI_AND_INVISIBLE = /[\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/** Either class, every occurrence. */
export const TERMINAL_UNSAFE = new RegExp(`${TERMINAL_CONTROL.source.slice(0, -1)}${BIDI_AND_INVISIBLE.source.slice(1)}`, 'g');
