// Renders runbooks into a fresh folder under test/.run and runs generated scripts with the real pwsh.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { packageRoot } from '../../src/util/paths.js';
import { unwrap } from '../helpers/error-view.js';

/** Generous: a pwsh start takes seconds, much more on a loaded shared machine. */
export const PWSH_TIMEOUT = 240_000;

export function runDir(prefix: string): string {
  const base = join(packageRoot, 'test', '.run');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

export interface ScriptRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stderr with PowerShell's console wrapping undone, so a long path (a deep CI checkout) cannot split a message. */
  errorText: string;
}

/** pwsh -File <script> <args...>: arguments are argv elements, never script text. */
export async function runScript(script: string, args: string[], cwd?: string): Promise<ScriptRun> {
  const r = await execa(locatePowerShell().path, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', script, ...args], {
    reject: false,
    cwd,
    env: { NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const stderr = String(r.stderr ?? '');
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr, errorText: unwrap(stderr) };
}

/** Parser errors of each script, from PowerShell's own parser (file paths go in as -File arguments). */
export async function parseErrors(scripts: string[]): Promise<Record<string, string[]>> {
  const checker = join(runDir('parse'), 'parse-check.ps1');
  writeFileSync(
    checker,
    `$result = @{}
foreach ($f in $args) {
  $tokens = $null; $errors = $null
  [void][System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$tokens, [ref]$errors)
  $result[$f] = @($errors | ForEach-Object { "$($_.Extent.StartLineNumber): $($_.Message)" })
}
ConvertTo-Json -InputObject $result -Compress -Depth 3
`,
  );
  const r = await runScript(checker, scripts);
  if (r.exitCode !== 0) throw new Error(`pwsh parse check failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as Record<string, string[] | string | null>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v === null ? [] : Array.isArray(v) ? v : [v]]));
}
