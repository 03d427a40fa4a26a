// The protocol-log scanner's C# as the bundled collector carries it (the here-string that Add-Type compiles on a
// server), compiled with the .NET SDK at C# 5 with warnings as errors: against .NET Framework 4.5's mscorlib and
// System (Windows PowerShell 5.1's Add-Type) and against .NET with EXTLS_CORE (PowerShell 7).
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectorScript } from '../../src/util/paths.js';

const project = fileURLToPath(new URL('./scanner/ProtocolLogScanner.csproj', import.meta.url));

/** The text of the single-quoted here-string assigned to `variable` in a PowerShell script. */
function hereString(script: string, variable: string): string {
  const lines = script.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = lines.findIndex((l) => l.trimEnd() === `${variable} = @'`);
  if (start < 0) throw new Error(`${variable} = @' not found`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("'@"));
  if (end < 0) throw new Error(`the here-string of ${variable} does not end`);
  return lines.slice(start + 1, end).join('\r\n');
}

it('the bundled scanner compiles at C# 5, warnings as errors, for Windows PowerShell 5.1 and PowerShell 7', async () => {
  const source = hereString(readFileSync(collectorScript, 'utf8'), '$script:ExTlsProtocolLogScannerSource');
  expect(source).toContain('public sealed partial class Scanner');
  const dir = mkdtempSync(join(tmpdir(), 'extls-scanner-'));
  try {
    const file = join(dir, 'ProtocolLogScanner.cs');
    writeFileSync(file, source, 'utf8');
    const build = await execa(
      'dotnet',
      ['build', project, '-nologo', '-v:q', '-clp:NoSummary', '--artifacts-path', join(dir, 'artifacts'), `-p:ScannerSource=${file}`],
      { reject: false, env: { DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' }, all: true },
    );
    expect(build.exitCode === 0 ? '' : build.all).toBe('');
    expect(build.exitCode).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
