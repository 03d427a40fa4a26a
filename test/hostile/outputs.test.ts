// The hostile corpus through every output, via the built CLI (npm run build first), next to a benign run of the
// same fleet: generated scripts parsed by PowerShell's parser and compared with the benign ones, the pasted
// commands of runbook.md run in PowerShell, report.html loaded in Chromium, every CSV read back by csv-parse.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium, type BrowserContext } from 'playwright-core';
import { runCli } from '../helpers/cli.js';
import { runDir, runScript, PWSH_TIMEOUT } from '../runbooks/run-script.js';
import { formatRows } from '../../src/util/format.js';
import { probeColumns } from '../../src/probe/columns.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { anyMarker, collectorDoc, hostileStrings, inventoryText, records } from './corpus.js';

const CHROMIUM = process.env.EXTLS_CHROMIUM ?? '/usr/bin/chromium';
const FORMULA = /^[\s\u00a0\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

const work = runDir('hostile-outputs');
const hostile = hostileStrings(work);
const benign = hostile.map((_, i) => `EX${String(i + 1).padStart(2, '0')}`);

/** Cells a spreadsheet would show as text: a formula-like cell must carry the apostrophe. */
function expectNoFormula(rows: string[][]): void {
  for (const row of rows) for (const cell of row) if (FORMULA.test(cell) && cell !== '-') throw new Error(`formula cell: ${JSON.stringify(cell)}`);
}
const unguard = (cell: string) => (cell.startsWith("'") ? cell.slice(1) : cell);

function readCsv(text: string): string[][] {
  expect(text.startsWith('\ufeff')).toBe(true);
  return parse(text, { bom: true, relax_column_count: false }) as string[][];
}

interface Run {
  out: string;
  inventory: string;
}

function setUp(names: string[], label: string): Run {
  const dir = join(work, label);
  mkdirSync(dir);
  const inventory = join(dir, 'inventory.json');
  writeFileSync(inventory, inventoryText(records(names)));
  return { out: join(dir, 'runbooks'), inventory };
}

const bad = setUp(hostile, 'hostile');
const good = setUp(benign, 'benign');

beforeAll(async () => {
  for (const run of [bad, good]) {
    const r = await runCli(['runbooks', run.inventory, '--out', run.out]);
    expect(r.stderr).toMatch(/runbooks: \d+ server\(s\)/);
    expect(r.exitCode).toBe(0);
  }
}, PWSH_TIMEOUT);

/** Per script: the commands it calls and the functions it defines, from PowerShell's own parser. */
async function scriptShapes(files: string[]): Promise<Record<string, { errors: string[]; commands: string[]; functions: string[] }>> {
  const checker = join(work, 'shape.ps1');
  writeFileSync(
    checker,
    `$result = @{}
foreach ($f in $args) {
  $tokens = $null; $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseFile($f, [ref]$tokens, [ref]$errors)
  $commands = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { [string]$_.GetCommandName() } | Sort-Object)
  $functions = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true) | ForEach-Object { $_.Name } | Sort-Object)
  $result[$f] = @{ errors = @($errors | ForEach-Object { $_.Message }); commands = $commands; functions = $functions }
}
ConvertTo-Json -InputObject $result -Depth 4 -Compress
`,
  );
  const r = await runScript(checker, files);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const serverFolders = (out: string) =>
  readdirSync(out, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== '_superseded')
    .map((d) => d.name)
    .sort();

describe('hostile names through every output', () => {
  it('every server gets its own folder, all inside the output folder', () => {
    expect(serverFolders(bad.out)).toHaveLength(hostile.length);
    for (const f of serverFolders(bad.out)) expect(f).toMatch(/^(?!\.{1,2}$)[A-Za-z0-9._-]+$/);
  });

  it('remediate.ps1 and rollback.ps1 parse cleanly and call exactly the commands of the benign run', async () => {
    const files = (run: Run) => serverFolders(run.out).flatMap((f) => ['remediate.ps1', 'rollback.ps1'].map((s) => join(run.out, f, s)));
    const shapes = await scriptShapes([...files(bad), ...files(good)]);
    const benignShape = shapes[files(good)[0]!]!;
    const benignRollback = shapes[files(good)[1]!]!;
    expect(benignShape.errors).toEqual([]);
    for (const [i, f] of files(bad).entries()) {
      const s = shapes[f]!;
      expect({ file: f, errors: s.errors }).toEqual({ file: f, errors: [] });
      const ref = i % 2 === 0 ? benignShape : benignRollback;
      expect({ file: f, commands: s.commands, functions: s.functions }).toEqual({ file: f, commands: ref.commands, functions: ref.functions });
    }
    expect(anyMarker(work)).toEqual([]);
  }, PWSH_TIMEOUT);

  it('runbook.md: the command to paste passes the name as one argument and runs nothing else', async () => {
    const lines: string[] = [];
    for (const f of serverFolders(bad.out)) {
      const md = readFileSync(join(bad.out, f, 'runbook.md'), 'utf8');
      // a code span: a fence of n backticks, padded by a space when the text starts or ends with one
      const m = /(`+) ?(extls probe .*?) ?\1(?!`)/.exec(md);
      expect(m).not.toBeNull();
      lines.push(m![2]!.replace(/\\\|/g, '|'));
    }
    // pasted into PowerShell as an admin would, with `extls` standing in to print what it was given
    const script = join(work, 'paste.ps1');
    writeFileSync(script, `function extls { ConvertTo-Json -InputObject @($args) -Compress }\n${lines.join('\n')}\n`);
    const r = await runScript(script, []);
    expect(r.stderr).toBe('');
    const got = r.stdout.trim().split(/\r?\n/).map((l) => JSON.parse(l) as string[]);
    expect(got).toHaveLength(hostile.length);
    const expected = [...hostile].map((h) => ['probe', `${h}:25`]);
    expect(got.map((a) => a.join('\u0000')).sort()).toEqual(expected.map((a) => a.join('\u0000')).sort());
    expect(anyMarker(work)).toEqual([]);
  }, PWSH_TIMEOUT);

  it('report.html in Chromium: no data runs as script, nothing is fetched', async () => {
    const browser: BrowserContext = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'extls-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const dialogs: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      const url = pathToFileURL(join(bad.out, 'report.html')).href;
      await page.goto(url);
      // the report's own filter box: typing data into it must not run it either
      const filter = page.locator('input').first();
      if (await filter.count()) await filter.fill('<img src=x onerror="window.__pwned=9">');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null)).toBeNull();
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(requests.filter((r) => r !== url)).toEqual([]);
      // the names are shown as text
      const text = await page.evaluate(() => document.body.innerText);
      expect(text).toContain('<script>window.__pwned=1</script>');
      expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(1);
      expect(await page.evaluate(() => document.querySelectorAll('img, svg[onload], [onerror], [onload]').length)).toBe(0);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('summary.csv: one row per server, no formula, names read back exactly', () => {
    const rows = readCsv(readFileSync(join(bad.out, 'summary.csv'), 'utf8'));
    expect(rows).toHaveLength(hostile.length + 1);
    expectNoFormula(rows);
    const col = rows[0]!.indexOf('Server');
    expect(rows.slice(1).map((r) => unguard(r[col]!)).sort()).toEqual([...hostile].sort());
    const site = rows[0]!.indexOf('Site');
    expect(new Set(rows.slice(1).map((r) => unguard(r[site]!)))).toEqual(new Set(hostile));
  });

  it('analyze --format csv: one row per finding, no formula, server names read back exactly', async () => {
    const r = await runCli(['analyze', bad.inventory, '--format', 'csv']);
    expect(r.exitCode).toBe(0);
    const rows = readCsv(r.stdout);
    expectNoFormula(rows);
    const benignRows = readCsv((await runCli(['analyze', good.inventory, '--format', 'csv'])).stdout);
    expect(rows).toHaveLength(benignRows.length);
    expect(new Set(rows.slice(1).map((row) => unguard(row[0]!)))).toEqual(new Set(hostile));
  });

  it('inventory --from --format csv: collector files with hostile computer names', async () => {
    const from = join(work, 'from');
    mkdirSync(from);
    hostile.forEach((h, i) => writeFileSync(join(from, `server-${i}.json`), JSON.stringify(collectorDoc(h))));
    const r = await runCli(['inventory', '--from', from, '--format', 'csv', '--quiet']);
    expect(r.stderr).toBe('');
    const rows = readCsv(r.stdout);
    expect(rows).toHaveLength(hostile.length + 1);
    expectNoFormula(rows);
    expect(rows.slice(1).map((row) => unguard(row[0]!)).sort()).toEqual([...hostile].sort());
  });

  it('probe --format csv: a certificate CN chosen by the remote server is a plain cell', () => {
    const results = hostile.map((cn, i) => ({
      endpoint: `mx${i}:25`,
      server: null,
      status: 'ok',
      versions: [],
      starttls: { offered: true, accepted: true, refusal: null },
      plaintextMail: { outcome: 'not-tested', reply: null, reason: null },
      certificate: { subjectCN: cn, daysToExpiry: 30, chainValid: false, chainError: cn },
      failure: null,
      summary: { acceptedVersions: [] },
    })) as unknown as ProbeResult[];
    const rows = readCsv(formatRows(results, probeColumns, 'csv'));
    expect(rows).toHaveLength(hostile.length + 1);
    expectNoFormula(rows);
    const cn = rows[0]!.indexOf('CertificateCN');
    expect(rows.slice(1).map((r) => unguard(r[cn]!))).toEqual(hostile);
  });
});
