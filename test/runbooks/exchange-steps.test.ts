// Certificate and connector findings in the runbooks: "Changes by hand" steps with Exchange Management Shell
// commands, their check and their undo. Every value is a PowerShell literal: the real pwsh parser reads each
// generated command back and finds exactly the values, however hostile the connector name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeInventory } from '../../src/findings/analyze.js';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { inventory, record, referenceTime, valid } from '../findings/builders.js';
import { cert, receive, send, withConfig } from '../findings/exchange-builders.js';
import { PWSH_TIMEOUT, runDir } from './run-script.js';

const hostile = "Frontend ' ; Remove-Item C:\\ -Recurse # $(Stop-Computer) `n \u2019x";
const tlsName = "<I>CN=Contoso CA<S>CN=mail.contoso.com, O=O'Brien $env:x";

let out: string;
beforeAll(async () => {
  const ex01 = withConfig({
    certificates: [cert({ issuer: 'CN=Contoso CA 2' }), cert({ notAfter: '2026-01-20T00:00:00Z', subject: 'CN=legacy.contoso.com' })],
    receiveConnectors: [receive({ name: hostile, identity: `EX01\\${hostile}`, tlsCertificateName: tlsName })],
  });
  const ex02 = withConfig({ sendConnectors: [send({ tlsAuthLevel: null, requireTls: false, sourceTransportServers: ['EX02'] })] });
  const doc = analyzeInventory(inventory([record(valid(ex01), 'EX01'), record(valid(ex02), 'EX02')]), ['tls12-ready'], { referenceTime, now: referenceTime });
  out = runDir('exchange-steps');
  await renderRunbooks(doc, { outDir: out });
});

/** The fenced PowerShell lines of a Markdown file's steps by hand. */
function psLines(md: string): string[] {
  // certificate renewals are tasks before the window (section 0), the other steps by hand are in section 3
  const before = md.indexOf('## 0. Before the window');
  const lead = before >= 0 ? md.slice(before, md.indexOf('## 1. Pre-checks')) : '';
  const start = md.indexOf('Changes by hand');
  const end = md.indexOf('Run on the server, as administrator');
  md = lead + (start < 0 ? '' : md.slice(start, end > start ? end : undefined));
  return [...md.matchAll(/```powershell\n([\s\S]*?)\n\s*```/g)].flatMap((m) => m[1]!.split('\n').map((l) => l.trim()));
}

test('the runbook lists each finding as a step by hand with its commands, check and undo', () => {
  const md = readFileSync(join(out, 'EX01', 'runbook.md'), 'utf8');
  expect(md).toContain('### Changes by hand');
  expect(md).toMatch(/`RECVCONN-FRONTEND-REMOVE-ITEM-C-RECURSE-[A-Z-]+-CERT-NOT-FOUND`/);
  expect(md).toMatch(/CERT-EXPIRING-A0+\d+/);
  expect(md).toContain('Check that it worked:');
  expect(md).toContain('To undo it:');
  const lines = psLines(md);
  expect(lines.some((l) => l.startsWith('Set-ReceiveConnector -Identity '))).toBe(true);
  expect(lines.some((l) => l.startsWith('Enable-ExchangeCertificate -Server \'EX01\''))).toBe(true);
});

test('every generated command parses as one command whose arguments are exactly the data (pwsh parser)', async () => {
  const md = readFileSync(join(out, 'EX01', 'runbook.md'), 'utf8');
  const lines = psLines(md).filter((l) => /^(Set|Get|Enable|New)-/.test(l));
  const script = [
    '$ErrorActionPreference = "Stop"',
    '$in = [Console]::In.ReadToEnd() | ConvertFrom-Json',
    '$res = foreach ($line in $in) {',
    '  $tokens = $null; $errors = $null',
    '  $ast = [System.Management.Automation.Language.Parser]::ParseInput($line, [ref]$tokens, [ref]$errors)',
    '  $cmds = @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] }, $true))',
    '  $subs = @($ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.SubExpressionAst] -or $a -is [System.Management.Automation.Language.ExpandableStringExpressionAst] -or $a -is [System.Management.Automation.Language.VariableExpressionAst] -and $a.VariablePath.UserPath -notin @("true","false","null") }, $true))',
    '  $values = @($cmds | ForEach-Object { $_.CommandElements } | Where-Object { $_ -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $_.StringConstantType -eq "SingleQuoted" } | ForEach-Object { $_.Value })',
    '  [pscustomobject]@{ line = $line; errors = $errors.Count; commands = $cmds.Count; pipelines = @($ast.EndBlock.Statements).Count; expansions = $subs.Count; values = $values }',
    '}',
    'ConvertTo-Json -InputObject @($res) -Depth 5 -Compress',
  ].join('\n');
  const run = await execa(locatePowerShell().path, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script], { input: JSON.stringify(lines), reject: false });
  expect(run.stderr).toBe('');
  const parsed = JSON.parse(run.stdout) as { line: string; errors: number; commands: number; pipelines: number; expansions: number; values: string[] }[];
  expect(parsed.length).toBeGreaterThan(4);
  for (const p of parsed) {
    expect({ line: p.line, errors: p.errors, pipelines: p.pipelines, expansions: p.expansions }).toEqual({ line: p.line, errors: 0, pipelines: 1, expansions: 0 });
    expect(p.commands).toBeLessThanOrEqual(2);
  }
  const set = parsed.filter((p) => p.line.startsWith('Set-ReceiveConnector'));
  // the step to the valid certificate, and the undo back to the old name: both with the hostile identity intact
  expect(set.map((p) => p.values)).toEqual([
    [`EX01\\${hostile}`, '<I>CN=Contoso CA 2<S>CN=mail.contoso.com'],
    [`EX01\\${hostile}`, tlsName],
  ]);
}, PWSH_TIMEOUT);

test('the organisation\'s send connector steps are in rollout.md, once', () => {
  const md = readFileSync(join(out, 'rollout.md'), 'utf8');
  expect(md.match(/## Changes by hand for the organisation/g)).toHaveLength(2);
  const lines = psLines(md);
  // -RequireTLS $true with the TlsAuthLevel (Set-SendConnector refuses one without it); the undo restores both
  expect(lines).toContain("Set-SendConnector -Identity 'Outbound to Office 365' -RequireTLS $true -TlsAuthLevel 'DomainValidation' -TlsDomain 'mail.protection.outlook.com'");
  expect(lines).toContain("Set-SendConnector -Identity 'Outbound to Office 365' -TlsAuthLevel $null -RequireTLS $false -TlsDomain 'mail.protection.outlook.com'");
  expect(lines).toContain("Set-SendConnector -Identity 'Outbound to Office 365' -RequireTLS $true");
  expect(lines).toContain("Set-SendConnector -Identity 'Outbound to Office 365' -RequireTLS $false");
});
