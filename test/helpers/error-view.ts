/** PowerShell 7's concise error view wraps long messages (at spaces) onto "     | " lines; join them back. */
export function unwrap(stderr: string): string {
  return stderr.replace(/\s*\r?\n\s*\|\s*/g, ' ');
}
