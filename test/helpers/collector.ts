// Runs the BUILT collector (dist/ExTlsCollector.ps1, `npm run build`) with the real pwsh, the way the fan-out
// driver and admins do. Options go in as one JSON argument (an argv element, never script text).
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { collectorScript } from '../../src/util/paths.js';

export interface CollectorRun {
  /** parsed stdout when it is JSON, else undefined */
  json: unknown;
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runCollector(options: object, extraArgs: string[] = [], cwd?: string): Promise<CollectorRun> {
  if (!existsSync(collectorScript)) {
    throw new Error(`${collectorScript} is missing: run \`npm run build\` (or node scripts/build-collector.mjs) first`);
  }
  const pwsh = locatePowerShell().path;
  const args = ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', collectorScript, '-OptionsJson', JSON.stringify(options), ...extraArgs];
  const result = await execa(pwsh, args, {
    reject: false,
    cwd,
    // NO_COLOR: plain error text on stderr, so tests can match "file.reg:14:".
    env: { NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const stdout = String(result.stdout ?? '');
  let json: unknown;
  try {
    json = stdout.trim() === '' ? undefined : JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { json, stdout, stderr: String(result.stderr ?? ''), exitCode: result.exitCode ?? 1 };
}
