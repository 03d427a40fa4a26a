/**
 * JSON for stdout: characters outside ASCII written as \uXXXX escapes (still the same JSON). Windows
 * PowerShell 5.1 decodes a native program's output with the console code page, so raw UTF-8 (a connector
 * named "Empfangsconnector für Partner") would arrive garbled; escaped, it parses identically everywhere.
 */
export function toAsciiJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
