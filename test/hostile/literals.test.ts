// Issue 23 item 5: nothing pasteable is built from data. A certificate thumbprint `0 | CALC` taken from an export
// once became `certutil -repairstore my 0 | CALC` in runbook.md. Each way such a value comes in (an Export-Clixml
// file read by the collector, a collector file from a drop folder, a findings file given to `runbooks`, the
// analysis `runbooks inventory.json` makes on the fly) is run through the built CLI into every output.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from '../helpers/cli.js';
import { runCollector } from '../helpers/collector.js';
import { runDir, runScript, PWSH_TIMEOUT } from '../runbooks/run-script.js';
import { FleetAnalyzer } from '../../src/findings/analyze.js';
import { validatorFor } from '../../src/util/schemas.js';
import type { FindingsDocument, ServerAnalysis } from '../../src/findings/types.js';
import type { CollectorOutput, ExchangeCertificate, InventoryRecord } from '../../src/inventory/types.js';
import { okRecord } from '../../src/inventory/record.js';
import { psLiteral } from '../../src/runbooks/escape.js';
import { collectorDoc, inventoryText } from './corpus.js';

const work = runDir('hostile-literals');
let n = 0;
const fresh = (label: string) => {
  const d = join(work, `${label}-${++n}`);
  mkdirSync(d);
  return d;
};

export const PAYLOAD = '0 | CALC';
const GOOD_THUMB = '0F135D7B307C392EF850C2CF4F488599CD7F0260';
/** Thumbprint payloads: a pipe, a command separator, a subexpression, a line break, an RLO. */
export const THUMB_PAYLOADS = [PAYLOAD, `${GOOD_THUMB} & calc`, `$(calc)`, `${GOOD_THUMB}\r\ncalc`, `\u202e${GOOD_THUMB}`];

/** An SMTP certificate without its private key: the finding whose steps hold `certutil -repairstore my <thumbprint>`. */
function keylessCert(thumbprint: string): ExchangeCertificate {
  return {
    thumbprint, subject: 'CN=mail.contoso.com', issuer: 'CN=Contoso CA', friendlyName: null, domains: ['mail.contoso.com'],
    notBefore: '2026-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z', services: ['SMTP'], status: 'Valid', hasPrivateKey: false,
    isSelfSigned: false, keyAlgorithm: 'RSA', keySize: 2048, signatureAlgorithm: { oid: '1.2.840.113549.1.1.11', name: 'sha256RSA' }, internalTransport: false,
  };
}

function withCert(name: string, thumbprint: string): CollectorOutput {
  const doc = collectorDoc(name);
  doc.exchangeConfig = {
    source: 'exchange-shell', message: null, files: [], certificates: [keylessCert(thumbprint)], internalTransportThumbprint: null, receiveConnectors: [], sendConnectors: [],
  };
  return doc;
}

const record = (name: string, data: CollectorOutput): InventoryRecord =>
  okRecord({ name, address: name, transport: 'local', groups: { dag: null, site: 'Site1', role: null } }, data, '2026-11-28T12:00:00.000Z', 10);

/** Every file below `dir` with its text. */
function outputs(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  return new Map(files.map((d) => [join(d.parentPath, d.name).slice(dir.length + 1), readFileSync(join(d.parentPath, d.name), 'utf8')]));
}

/** The ```powershell blocks of the Markdown files, and every line outside them. */
function mdParts(files: Map<string, string>): { code: string[]; prose: string[] } {
  const code: string[] = [];
  const prose: string[] = [];
  for (const [f, text] of files) {
    if (!f.endsWith('.md')) continue;
    let inBlock = false;
    for (const line of text.split('\n')) {
      if (/^\s*```/.test(line)) inBlock = !inBlock && /```powershell/.test(line);
      else (inBlock ? code : prose).push(line.trim());
    }
  }
  return { code, prose };
}

/** The commands PowerShell's parser finds in the pasted blocks, and its errors. */
async function pasted(code: string[]): Promise<{ errors: string[]; commands: string[] }> {
  const dir = fresh('paste');
  const file = join(dir, 'pasted.ps1');
  writeFileSync(file, code.join('\n'));
  const checker = join(dir, 'check.ps1');
  writeFileSync(checker, `$t = $null; $e = $null
$ast = [System.Management.Automation.Language.Parser]::ParseFile($args[0], [ref]$t, [ref]$e)
$c = @($ast.FindAll({ param($x) $x -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { [string]$_.GetCommandName() } | Sort-Object -Unique)
ConvertTo-Json -Compress -InputObject @{ errors = @($e | ForEach-Object { $_.Message }); commands = $c }
`);
  const r = await runScript(checker, [file]);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** No output holds a command built from the payloads; the pasted blocks call only commands the benign run calls. */
async function expectNoPayloadCommand(out: string, benignOut: string): Promise<void> {
  const files = outputs(out);
  const { code, prose } = mdParts(files);
  // prose never carries a command line with data: certutil appears only in code blocks
  expect(prose.filter((l) => /certutil\S*\s+-repairstore\s+my\s+(?!&lt;thumbprint&gt;)/.test(l))).toEqual([]);
  for (const [f, text] of files) expect({ f, calc: /calc/i.test(text) }).toEqual({ f, calc: false });
  const got = await pasted(code);
  const benign = await pasted(mdParts(outputs(benignOut)).code);
  expect(got.errors).toEqual([]);
  expect(got.commands.filter((c) => !benign.commands.includes(c))).toEqual([]);
  // the summary reads back
  const rows = parse(files.get('summary.csv')!, { bom: true, columns: true }) as { Server: string }[];
  expect(rows.length).toBeGreaterThan(0);
}

async function benignRun(): Promise<string> {
  const dir = fresh('benign');
  const inv = join(dir, 'inventory.json');
  writeFileSync(inv, inventoryText([record('EX01', withCert('EX01', GOOD_THUMB)), record('EX02', collectorDoc('EX02'))]));
  const out = join(dir, 'out');
  const r = await runCli(['runbooks', inv, '--out', out]);
  expect(r.exitCode).toBe(0);
  return out;
}

let benignOut = '';
beforeAll(async () => {
  benignOut = await benignRun();
}, PWSH_TIMEOUT);

describe('a thumbprint that is not one never reaches a command', () => {
  it('a real thumbprint: the certutil step is a command in a code block, its thumbprint a literal', () => {
    const md = readFileSync(join(benignOut, 'EX01', 'runbook.md'), 'utf8');
    const { code, prose } = mdParts(new Map([['runbook.md', md]]));
    expect(code).toContain(`certutil.exe -repairstore my '${GOOD_THUMB}'`);
    // prose names the command only with its placeholder, never with the value
    expect(prose.filter((l) => /certutil\S*\s+-repairstore\s+my\s+(?!&lt;thumbprint&gt;)/.test(l))).toEqual([]);
  });

  it.each(THUMB_PAYLOADS.map((p) => [JSON.stringify(p), p]))('inventory record with %s: `runbooks inventory.json` skips that server only', async (_label, payload) => {
    const dir = fresh('inventory');
    const inv = join(dir, 'inventory.json');
    writeFileSync(inv, inventoryText([record('EX01', withCert('EX01', payload)), record('EX02', collectorDoc('EX02'))]));
    const out = join(dir, 'out');
    const r = await runCli(['runbooks', inv, '--out', out]);
    expect(r.stderr).toMatch(/server EX01 \(servers\[0\]\) skipped: .*thumbprint/);
    expect(r.exitCode).toBe(2);
    expect(readdirSync(out).sort()).toEqual(['EX02', 'report.html', 'rollout.md', 'summary.csv']);
    await expectNoPayloadCommand(out, benignOut);
  }, PWSH_TIMEOUT);

  it('analyze: the record is an input error; the document written validates and holds no command with the payload', async () => {
    const dir = fresh('analyze');
    const inv = join(dir, 'inventory.json');
    writeFileSync(inv, inventoryText([record('EX01', withCert('EX01', PAYLOAD)), record('EX02', collectorDoc('EX02'))]));
    const r = await runCli(['analyze', inv, '--out', join(dir, 'findings.json')]);
    expect(r.exitCode).toBe(2);
    const doc = JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as FindingsDocument;
    expect(validatorFor('findings.schema.json')(doc)).toBe(true);
    expect(doc.servers.map((s) => s.server)).toEqual(['EX02']);
    expect(doc.inputErrors.map((e) => e.server)).toEqual(['EX01']);
  });

  it('FleetAnalyzer.judge: an analysis the findings schema rejects becomes an input error, never part of the document', () => {
    const analyzer = new FleetAnalyzer(['tls12-ready']);
    const judge = (r: InventoryRecord, i: number) => (analyzer.judge as (r: InventoryRecord, i: number) => { analysis: ServerAnalysis } | null).call(analyzer, r, i);
    // judge() takes records already validated: the hostile value gets past the record schema this way only
    expect(judge(record('EX01', withCert('EX01', PAYLOAD)), 0)).toBeNull();
    const ok = judge(record('EX02', collectorDoc('EX02')), 1)!;
    const doc = analyzer.finish({ source: 'test', createdAt: null }, [ok.analysis]);
    expect(doc.inputErrors.map((e) => [e.server, e.index])).toEqual([['EX01', 0]]);
    for (const m of doc.inputErrors[0]!.messages) expect(m).toMatch(/^servers\/0: analysis does not match schemas\/findings.schema.json: (findings\/\d+\/|\.\.\.)/);
    expect(validatorFor('findings.schema.json')(doc)).toBe(true);
  });

  it('findings file given to runbooks: the server whose commands carry the payload is skipped, the others are written', async () => {
    const dir = fresh('findings');
    const inv = join(dir, 'inventory.json');
    writeFileSync(inv, inventoryText([record('EX01', withCert('EX01', GOOD_THUMB)), record('EX02', collectorDoc('EX02')), record('EX03', withCert('EX03', GOOD_THUMB))]));
    const findings = join(dir, 'findings.json');
    expect((await runCli(['analyze', inv, '--out', findings])).exitCode).toBe(0);
    // an edited or foreign findings file: EX01's thumbprint (in ids, parameters, certutil arguments) is the payload
    const doc = JSON.parse(readFileSync(findings, 'utf8')) as FindingsDocument;
    const ex01 = doc.servers.findIndex((s) => s.server === 'EX01');
    doc.servers[ex01] = JSON.parse(JSON.stringify(doc.servers[ex01]).split(GOOD_THUMB).join(PAYLOAD));
    writeFileSync(findings, JSON.stringify(doc));
    const out = join(dir, 'out');
    const r = await runCli(['runbooks', findings, '--out', out]);
    expect(r.stderr).toMatch(/server EX01 \(servers\[0\]\) skipped: findings servers\/0\//);
    expect(r.exitCode).toBe(2);
    expect(readdirSync(out).sort()).toEqual(['EX02', 'EX03', 'report.html', 'rollout.md', 'summary.csv']);
    await expectNoPayloadCommand(out, benignOut);
  }, PWSH_TIMEOUT);

  it('drop folder: a collector file with the payload becomes that server\'s failure; runbooks for the rest', async () => {
    const dir = fresh('drop');
    const from = join(dir, 'drop');
    mkdirSync(from);
    // reported just now, so neither is stale
    const now = (d: CollectorOutput) => ({ ...d, collector: { ...d.collector, startedAt: new Date().toISOString() } });
    writeFileSync(join(from, 'EX01.json'), JSON.stringify(now(withCert('EX01', PAYLOAD))));
    writeFileSync(join(from, 'EX02.json'), JSON.stringify(now(collectorDoc('EX02'))));
    const inv = join(dir, 'inventory.json');
    const r = await runCli(['inventory', '--from', from, '--out', inv, '--quiet']);
    expect(r.exitCode).toBe(2);
    const records = JSON.parse(readFileSync(inv, 'utf8')).servers as InventoryRecord[];
    expect(records.map((x) => [x.server, x.status])).toEqual([['EX01', 'failed'], ['EX02', 'ok']]);
    expect(records[0]!.failure!.message).toMatch(/thumbprint/);
    const out = join(dir, 'out');
    const rb = await runCli(['runbooks', inv, '--out', out]);
    expect(rb.exitCode).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['EX02', 'report.html', 'rollout.md', 'summary.csv']);
    await expectNoPayloadCommand(out, benignOut);
  }, PWSH_TIMEOUT);

  it('Export-Clixml of Get-ExchangeCertificate: the collector leaves the certificate out with a warning', async () => {
    const dir = fresh('clixml');
    const xml = join(dir, 'certs.xml');
    const make = join(dir, 'make.ps1');
    // a deserialized certificate as an export holds it, its Thumbprint property the payload (no RawData to recompute it)
    writeFileSync(make, `param($Out, $Thumb)
[pscustomobject]@{ Thumbprint = $Thumb; Subject = 'CN=mail.contoso.com'; Issuer = 'CN=Contoso CA'; Services = 'SMTP'; HasPrivateKey = $false; NotAfter = [datetime]'2030-01-01'; NotBefore = [datetime]'2026-01-01' } | Export-Clixml -LiteralPath $Out
`);
    for (const payload of THUMB_PAYLOADS) {
      const made = await runScript(make, ['-Out', xml, '-Thumb', payload]);
      expect(made.stderr).toBe('');
      const run = await runCollector({
        registryExports: [join('test', 'fixtures', 'reg', 'ms-docs_exchange-tls-configuration', 'TLS12-Enable.reg')], computerName: 'EX01', scanLogs: false,
        exchangeConfigExports: { certificates: [xml] },
      });
      expect(run.exitCode).toBe(0);
      const outDoc = run.json as CollectorOutput;
      expect(outDoc.exchangeConfig!.certificates).toEqual([]);
      expect(outDoc.warnings).toEqual([{ section: 'exchangeConfig', message: expect.stringMatching(/thumbprint is not 40 hexadecimal digits/) }]);
      expect(run.stdout).not.toMatch(/calc/i);
    }
  }, PWSH_TIMEOUT);
});

describe('names that are not names', () => {
  const RESERVED = ['report.html', 'summary.csv', 'rollout.md', '_superseded', 'EX01'];
  const BIDI = ['EX\u202egnp.exe', 'EX\u2066x\u2069', 'EX\u200fRLM', 'EX\u061cALM', 'EX\u202aLRE\u202c'];
  const BIDI_RE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

  async function render(names: string[], label: string) {
    const dir = fresh(label);
    const inv = join(dir, 'inventory.json');
    writeFileSync(inv, inventoryText(names.map((nm) => record(nm, collectorDoc(nm)))));
    const out = join(dir, 'out');
    const r = await runCli(['runbooks', inv, '--out', out]);
    expect(r.exitCode).toBe(0);
    return out;
  }

  it('a server named like a fleet file (report.html, summary.csv, rollout.md) never takes its place', async () => {
    const out = await render(RESERVED, 'reserved');
    const top = readdirSync(out, { withFileTypes: true });
    for (const f of ['report.html', 'summary.csv', 'rollout.md']) expect(top.find((d) => d.name === f)?.isFile()).toBe(true);
    // every server still has its own folder, none named like a fleet file or the superseded folder
    const folders = top.filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders).toHaveLength(RESERVED.length);
    for (const f of folders) expect(['report.html', 'summary.csv', 'rollout.md', '_superseded']).not.toContain(f.toLowerCase());
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    const rows = parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { bom: true, columns: true }) as { Server: string }[];
    expect(rows.map((row) => row.Server).sort()).toEqual([...RESERVED].sort());
  }, PWSH_TIMEOUT);

  it('bidi controls reach no runbook, script or report as themselves; the CSV keeps the name exact', async () => {
    const out = await render(BIDI, 'bidi');
    for (const [f, text] of outputs(out)) {
      if (f === 'summary.csv') continue;
      expect({ f, bidi: BIDI_RE.test(text) }).toEqual({ f, bidi: false });
    }
    // shown as [U+202E] where people read (runbook.md, report.html, script comments); exact but escaped in the script's change block
    const ex = readdirSync(out).find((d) => d.startsWith('EX_gnp.exe'))!;
    expect(readFileSync(join(out, ex, 'runbook.md'), 'utf8')).toContain('EX\\[U+202E\\]gnp.exe');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('EX[U+202E]gnp.exe');
    const script0 = readFileSync(join(out, ex, 'remediate.ps1'), 'utf8');
    expect(script0).toContain('Server: EX[U+202E]gnp.exe');
    // the change block holds the exact name as a PowerShell literal ([char] pieces for the controls)
    expect(script0).toContain(`Server          = ${psLiteral('EX\u202egnp.exe')}`);
    // pasted, the $server line of the runbook gives PowerShell the exact name back
    const md = readFileSync(join(out, ex, 'runbook.md'), 'utf8');
    const assign = /^\s*\$server = (.*)$/m.exec(md)![1]!;
    const script = join(fresh('bidi-paste'), 'paste.ps1');
    writeFileSync(script, `$server = ${assign}\n[Console]::Out.Write((ConvertTo-Json -InputObject $server -Compress))\n`);
    const r = await runScript(script, []);
    expect(JSON.parse(r.stdout)).toBe('EX\u202egnp.exe');
    const rows = parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { bom: true, columns: true }) as { Server: string }[];
    expect(rows.map((row) => row.Server).sort()).toEqual([...BIDI].sort());
  }, PWSH_TIMEOUT);

  it('a name that reads as an option: every extls line of the runbook has -- before it', async () => {
    const out = await render(['--out=C:\\x', '-h'], 'dashes');
    for (const [f, text] of outputs(out)) {
      if (!f.endsWith('runbook.md')) continue;
      const lines = text.split('\n').filter((l) => /extls (probe|inventory|analyze)\b/.test(l) && /'-/.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l).toMatch(/ -- '-/);
    }
  }, PWSH_TIMEOUT);
});
