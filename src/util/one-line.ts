// Text from elsewhere (a driver, a remote server, an exception) made fit for a one-line message.

/** Terminal escape sequences: CSI (colours, cursor), OSC (titles, links), and the two-byte ones. */
const TERMINAL_ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;

/** Without terminal colour codes and other escape sequences; other control characters (but line breaks, tab) dropped. */
export function stripTerminalCodes(text: string): string {
  return text.replace(TERMINAL_ESCAPES, '').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]/g, '');
}

/** One line: no escape sequences, line breaks and runs of blanks as one space, at most `max` characters. */
export function oneLine(text: string, max = 2000): string {
  return stripTerminalCodes(text).replace(/\s*[\r\n\u0085\u2028\u2029]+\s*/g, ' ').replace(/\t/g, ' ').trim().slice(0, max);
}
