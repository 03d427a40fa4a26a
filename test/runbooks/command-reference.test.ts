// Issue 23 item 3: every Exchange and Windows command the runbooks and rollout.md print, read by PowerShell's own
// parser, checked against Microsoft's cmdlet reference as data (data/cmdlets/*.json: cmdlet and parameter names
// with PowerShell's prefix and alias rules, parameter sets and mandatory parameters, accepted values, the Exchange
// versions each parameter applies to) and against what the pages say in prose (data/cmdlets/co-requirements.json).
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { checkCommand, coRequirements, lookup, parseCommandBlocks, productOf, type ParsedCommand } from '../helpers/command-check.js';
import { PWSH_TIMEOUT } from './run-script.js';

const dir = mkdtempSync(join(tmpdir(), 'extls-command-reference-'));
const out = join(dir, 'runbooks');

async function commandsOf(md: string): Promise<ParsedCommand[]> {
  const f = join(mkdtempSync(join(dir, 'md-')), 'x.md');
  writeFileSync(f, md);
  return parseCommandBlocks([f]);
}
const block = (...lines: string[]) => ['```powershell', ...lines, '```', ''].join('\n');
const problems = async (md: string, products: string[] = ['Exchange Server 2019']) => (await commandsOf(md)).flatMap((c) => checkCommand(c, products));

beforeAll(async () => {
  const inventory = join(dir, 'inventory.json');
  const findings = join(dir, 'findings.json');
  expect((await runCli(['inventory', '--fleet', 'examples/demo/fleet.yaml', '--out', inventory, '-q'])).exitCode).toBe(2); // EX08 unreachable on purpose
  expect((await runCli(['analyze', inventory, '--policy', 'tls12-ready', '--policy', 'legacy-off', '--out', findings])).exitCode).toBe(0);
  expect((await runCli(['runbooks', findings, '--out', out, '-q'])).exitCode).toBe(0);
}, PWSH_TIMEOUT);

describe('the checker', () => {
  it('refuses Set-SendConnector -TlsAuthLevel DomainValidation without -RequireTLS $true, quoting the page', async () => {
    const bad = await problems(block("Set-SendConnector -Identity 'Outbound to Office 365' -TlsAuthLevel DomainValidation -TlsDomain 'mail.protection.outlook.com'"));
    expect(bad).toEqual([expect.stringMatching(/needs -RequireTLS \$true: "You can't specify a value for this parameter if the IgnoreSTARTTLS parameter is set to \$true, or if the RequireTLS parameter is set to \$false\." \(exchange\/exchange-ps\/ExchangePowerShell\/Set-SendConnector.md\)/)]);
    expect(await problems(block("Set-SendConnector -Identity 'Outbound to Office 365' -TlsAuthLevel DomainValidation -RequireTLS $true"))).toEqual([]);
    // setting it back to nothing needs no RequireTLS
    expect(await problems(block("Set-SendConnector -Identity 'x' -TlsAuthLevel $null -RequireTLS $false"))).toEqual([]);
  }, PWSH_TIMEOUT);

  it('reads parameter names as PowerShell binds them: prefixes, aliases, ambiguity, unknown names, values, sets, versions', async () => {
    const got = await problems(block(
      "Set-SendConnector -Ident 'x' -RequireT $true",             // unique prefixes: fine
      "Set-SendConnector -Identity 'x' -Tls 'y'",                // ambiguous: TlsAuthLevel, TlsDomain, ...
      "Set-SendConnector -Identity 'x' -Nope 1",                 // no such parameter
      "Test-Path 'C:\\x' -PathType Folder",                   // not an accepted value
      "Get-Queue -Server 'EX01' -Identity 'x'",                  // two parameter sets
      'Suspend-ClusterNode -Name $server',                       // run from a non-member: -Cluster
      "Redirect-Message -Server 'EX02' -Target 'EX01' -Confirm:$false", // -Target wants an FQDN
      "Get-ExchangeCertificate -Server 'EX06' | New-ExchangeCertificate -GenerateRequest -PrivateKeyExportable $true", // key on the wrong server
      "Enable-ExchangeCertificate -Server 'EX06' -Thumbprint 'x' -Services 'SMTP' -Force", // replaces the default SMTP certificate
      "certutil.exe -repairstore my 0 | CALC",
      "extls probe 'EX02:25'",
    ));
    const text = got.join('\n');
    expect(text).not.toMatch(/-Ident 'x'/);
    expect(text).toMatch(/-Tls is ambiguous/);
    expect(text).toMatch(/-Nope is no parameter of it/);
    expect(text).toMatch(/-PathType Folder is not one of Any, Container, Leaf/);
    expect(text).toMatch(/Get-Queue -Server 'EX01' -Identity 'x': no parameter set/);
    expect(text).toMatch(/Suspend-ClusterNode -Name \$server: needs -Cluster/);
    expect(text).toMatch(/-Target EX01 is no FQDN/);
    expect(text).toMatch(/New-ExchangeCertificate -GenerateRequest .*needs -Server/);
    expect(text).toMatch(/-Force must not be used here/);
    expect(text).toMatch(/certutil: not -repairstore my/);
    expect(text).toMatch(/CALC is in no cmdlet table/);
    expect(text).toMatch(/extls: no -- before its values/);
    // a parameter Exchange 2010 does not have
    const applicable = Object.entries(lookup('Set-SendConnector')!.cmdlet.parameters).find(([, p]) => p.applicable && !p.applicable.includes('Exchange Server 2010'));
    if (applicable) {
      expect(await problems(block(`Set-SendConnector -Identity 'x' -${applicable[0]} $null`), ['Exchange Server 2010'])).toEqual([expect.stringMatching(/does not apply to Exchange Server 2010/)]);
    }
  }, PWSH_TIMEOUT);

  it('every co-requirement quotes a sentence that is in the page it names', () => {
    for (const r of coRequirements()) {
      const found = lookup(r.cmdlet);
      expect({ cmdlet: r.cmdlet, known: found !== undefined }).toEqual({ cmdlet: r.cmdlet, known: true });
      expect(r.file).toBe(found!.cmdlet.file);
      expect(r.quote.length).toBeGreaterThan(20);
    }
  });
});

describe('the demo runbooks and rollout.md', () => {
  it('every Exchange and Windows command line passes the reference', async () => {
    const folders = readdirSync(out, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== '_superseded').map((d) => d.name);
    expect(folders.length).toBeGreaterThan(3);
    const all: string[] = [];
    let count = 0;
    const rollout = await parseCommandBlocks([join(out, 'rollout.md')]);
    const products = new Set<string>();
    for (const f of folders) {
      const file = join(out, f, 'runbook.md');
      const product = productOf(/^\| Exchange \| (.*) \|$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '');
      if (product) products.add(product);
      const commands = await parseCommandBlocks([file]);
      count += commands.length;
      all.push(...commands.flatMap((c) => checkCommand(c, product ? [product] : [])));
    }
    // organisation-wide steps: every Exchange version of the fleet runs them
    all.push(...rollout.flatMap((c) => checkCommand(c, [...products])));
    count += rollout.length;
    expect(count).toBeGreaterThan(50);
    expect(all).toEqual([]);
  }, PWSH_TIMEOUT);
});
