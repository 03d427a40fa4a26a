// The built collector must run on Windows PowerShell 5.1 too; this catches 7-only syntax with the parser.
// (A real 5.1 run needs Windows: see the Windows CI workflow.)
import { execa } from 'execa';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { collectorScript } from '../../src/util/paths.js';

const checker = fileURLToPath(new URL('./Find-Ps7OnlySyntax.ps1', import.meta.url));
const scriptInfo = fileURLToPath(new URL('./Get-ScriptInfo.ps1', import.meta.url));

async function findPs7Only(file: string): Promise<string[]> {
  const run = await execa(locatePowerShell().path, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', checker, '-Path', file], { reject: false });
  if (run.exitCode !== 0) throw new Error(`checker failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

describe('collector syntax for Windows PowerShell 5.1', () => {
  it('the built dist/ExTlsCollector.ps1 has no PowerShell 7-only syntax', async () => {
    expect(await findPs7Only(collectorScript)).toEqual([]);
  });

  it('the checker does find 7-only syntax', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'extls-ps7-'));
    try {
      const file = join(dir, 'bad.ps1');
      writeFileSync(
        file,
        ['$a = $null ?? 1', '$b = $a ? 1 : 2', 'Get-Date && Get-Date', '$c = ${a}?.Length', '1..2 | ForEach-Object -Parallel { $_ }', "'{}' | ConvertFrom-Json -AsHashtable", 'if ($IsWindows) { }'].join('\n'),
      );
      expect(await findPs7Only(file)).toEqual([
        'line 1: ?? operator',
        'line 2: ternary a ? b : c',
        'line 3: && / || pipeline chain',
        'line 4: ?. or ?[] operator',
        'line 5: ForEach-Object -Parallel',
        'line 6: ConvertFrom-Json -AsHashtable',
        'line 7: $IsWindows does not exist on 5.1',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has comment-based help and takes -OptionsJson then -OutFile by position (the fan-out passes them so)', async () => {
    const run = await execa(locatePowerShell().path, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', scriptInfo, '-Path', collectorScript], { reject: false });
    expect(run.stderr).toBe('');
    const info = JSON.parse(run.stdout) as { synopsis: string; params: { name: string; position: number }[] };
    expect(info.synopsis).toContain('extls collector');
    expect(info.params).toEqual([
      { name: 'OptionsJson', position: 0 },
      { name: 'OutFile', position: 1 },
    ]);
  });
});
