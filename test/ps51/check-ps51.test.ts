// scripts/check-ps51.mjs: the Windows PowerShell 5.1 check. It fails a script that uses what 5.1 lacks (naming file
// and line) and passes everything the project runs on a server: the bundled collector, the engines' scripts, the
// fan-out driver, the ExTls module (its manifest claims 5.1) and the remediate/rollback scripts the demo generates.
import { execa } from 'execa';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { packageRoot } from '../../src/util/paths.js';
import { runCli } from '../helpers/cli.js';
import { runDir } from '../runbooks/run-script.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'ps51');

function check(files: string[]) {
  return execa(process.execPath, [join(packageRoot, 'scripts', 'check-ps51.mjs'), ...files], {
    cwd: packageRoot,
    reject: false,
    encoding: 'utf8',
    env: { ...process.env, EXTLS_PWSH: locatePowerShell().path },
  });
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full, pattern));
    else if (pattern.test(name)) out.push(full);
  }
  return out.sort();
}

describe('check-ps51 on scripts that use what Windows PowerShell 5.1 lacks', () => {
  let stdout = '';
  let exitCode: number | undefined;
  beforeAll(async () => {
    const r = await check([join(fixtures, 'not-51.ps1')]);
    stdout = r.stdout;
    exitCode = r.exitCode;
  }, 600_000);

  it('exits 1 and names the line of ConvertFrom-Json -AsHashtable', () => {
    expect(exitCode).toBe(1);
    expect(stdout).toContain('test/fixtures/ps51/not-51.ps1:3: ConvertFrom-Json has no parameter -AsHashtable in Windows PowerShell 5.1');
  });

  it.each([
    [4, 'ConvertFrom-Json has no parameter -Depth'],
    [5, 'Join-String is not a command of Windows PowerShell 5.1'],
    [6, 'ForEach-Object has no parameter -Parallel'],
    [7, 'Get-Content has no parameter -AsByteStream'],
    [8, 'Set-Content -Encoding utf8NoBOM: not an accepted value'],
    [9, 'the ternary operator'],
    [10, 'the null-coalescing operator ??'],
    [11, 'the null-conditional member access ?.'],
    [12, 'the pipeline chain operator &&'],
    [13, 'the escape `u{...}'],
    [14, '.NET type [System.Text.Json.JsonSerializer] is not in .NET Framework 4.5'],
    [15, '.NET type [System.Buffers.ArrayPool`1] is not in .NET Framework 4.5'],
    [16, '[System.IO.Path]::GetRelativePath with 2 argument(s) is not in .NET Framework 4.5'],
    [17, 'Get-Content -T is ambiguous: it could be -Tail, -TotalCount'],
    [18, 'Get-Content -ErrorAction Break: not an accepted value'],
    [19, 'Set-SendConnector has no parameter -TlsFullyQualifiedDomainName in data/cmdlets/exchange.json'],
    [20, 'Get-ExTlsNothing is not a command'],
    [21, 'the clean block'],
    [22, 'the numeric literal 0b1010'],
    [23, 'Get-Content: -Path, -LiteralPath are in no common parameter set'],
    [24, '#Requires -PSEdition Core'],
    [25, '.ReplaceLineEndings() is a method of no .NET Framework 4.5 type'],
    [26, '.NET type [System.Net.Http.HttpClientFactory] is not in .NET Framework 4.5'],
  ])('line %i: %s', (line, message) => {
    const hits = stdout.split('\n').filter((l) => l.startsWith(`test/fixtures/ps51/not-51.ps1:${line}: `));
    expect(hits.join('\n')).toContain(message);
  });

  it('reports nothing else', () => {
    expect(stdout.trim().split('\n')).toHaveLength(24);
  });
});

it('accepts valid 5.1: prefixes and aliases, splatting, own functions and classes, Exchange and Windows module cmdlets, allowed programs and comments', async () => {
  const r = await check([join(fixtures, 'is-51.ps1')]);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('0 finding(s), 1 allowed by ps51-check comments');
  expect(r.exitCode).toBe(0);
}, 600_000);

it('a file that does not exist is a failure of the check itself (exit 2), not a clean result', async () => {
  const r = await check([join(fixtures, 'no-such-script.ps1')]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain('no-such-script.ps1: no such file');
});

describe('every script that runs on a server passes check-ps51', () => {
  let generated: string[] = [];
  beforeAll(async () => {
    const out = runDir('ps51-demo');
    const inv = join(out, 'inventory.json');
    const findings = join(out, 'findings.json');
    expect((await runCli(['inventory', '--fleet', 'examples/demo/fleet.yaml', '--out', inv, '-q'])).exitCode).toBe(2); // EX08 unreachable on purpose
    expect((await runCli(['analyze', inv, '--policy', 'tls12-ready', '--policy', 'legacy-off', '--out', findings])).exitCode).not.toBe(1);
    expect((await runCli(['runbooks', findings, '--out', join(out, 'runbooks')])).exitCode).toBe(0);
    generated = filesUnder(join(out, 'runbooks'), /\.ps1$/);
  }, 600_000);

  it('the demo generated a remediate.ps1 and a rollback.ps1 per server with changes', () => {
    const names = generated.map((f) => f.split(/[\\/]/).pop());
    expect(names.filter((n) => n === 'remediate.ps1').length).toBeGreaterThan(3);
    expect(names.filter((n) => n === 'rollback.ps1').length).toBe(names.filter((n) => n === 'remediate.ps1').length);
  });

  it('the collector, engines, driver, the ExTls module and the demo scripts: exit 0, no finding', async () => {
    const manifest = readFileSync(join(packageRoot, 'ps', 'ExTls', 'ExTls.psd1'), 'utf8');
    // The module is checked because its manifest says it runs on Windows PowerShell 5.1.
    expect(manifest).toMatch(/PowerShellVersion\s*=\s*'5\.1'/);
    expect(manifest).toMatch(/CompatiblePSEditions\s*=\s*@\([^)]*'Desktop'/);
    const files = [
      join(packageRoot, 'dist', 'ExTlsCollector.ps1'),
      ...filesUnder(join(packageRoot, 'ps', 'engines'), /\.ps1$/),
      ...filesUnder(join(packageRoot, 'ps', 'driver'), /\.ps1$/),
      ...filesUnder(join(packageRoot, 'ps', 'ExTls'), /\.ps[m]?1$/),
      ...generated,
    ];
    const r = await check(files);
    expect({ exitCode: r.exitCode, findings: r.stdout }).toEqual({ exitCode: 0, findings: '' });
    expect(r.stderr).toContain(`check-ps51: ${files.length} file(s), 0 finding(s)`);
    expect(files.map((f) => relative(packageRoot, f))).toContain('dist/ExTlsCollector.ps1');
  }, 600_000);
});
