// Opens report.html in Debian's headless Chromium (playwright-core, no downloaded browser) and checks from the DOM
// what it shows: counts, matrix cells, blockers, waves, sorting by clicking a header, filtering by typing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { blocker, findingsDoc, server, tls12Changes } from './findings-builder.js';
import { runDir } from './run-script.js';

const CHROMIUM = process.env.EXTLS_CHROMIUM ?? '/usr/bin/chromium';

describe('report.html in headless Chromium', () => {
  let browser: BrowserContext;
  let page: Page;
  let out: string;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const servers = [
      server({ name: 'EX01', dag: 'DAG1', site: 'HQ', changes: tls12Changes() }),
      server({ name: 'EX02', dag: 'DAG1', site: 'HQ', changes: tls12Changes() }),
      server({ name: 'EX03', dag: 'DAG1', site: 'HQ', changes: tls12Changes() }),
      server({ name: 'EX04', dag: 'DAG2', site: 'Branch', changes: tls12Changes() }),
      server({ name: 'EX05', site: 'Branch' }),
      server({ name: 'EX06', site: 'Branch', changes: tls12Changes(), blockers: [blocker('exchange-too-old', 'Exchange 2013 CU15 cannot use TLS 1.2')] }),
      server({ name: 'EDGE1', site: 'DMZ', edge: true, changes: tls12Changes().slice(0, 2) }),
      server({ name: 'EX07<b>x</b>', site: 'Branch', failed: true }),
    ];
    out = runDir('report');
    await renderRunbooks(findingsDoc(servers), { outDir: out, generatedAt: '2025-06-02T08:00:00.000Z' });
    // a fresh profile per run (persistent context = Playwright's way to pass --user-data-dir)
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'extls-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  const count = (name: string) => page.locator(`[data-count="${name}"]`).innerText();
  const column = async (index: number) =>
    page.$$eval('#matrix tbody tr:not([hidden])', (rows, i) => rows.map((r) => (r as HTMLTableRowElement).cells[i]!.textContent!.trim()), index);

  test('loads nothing from outside and raises no script error', () => {
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  test('summary counts', async () => {
    expect(await count('servers')).toBe('8');
    expect(await count('collected')).toBe('7');
    expect(await count('needChanges')).toBe('6');
    expect(await count('compliant')).toBe('1');
    expect(await count('blocked')).toBe('1');
    expect(await count('notCollected')).toBe('1');
    expect(await count('waves')).toBe('3');
  });

  test('matrix: one row per server, a cell per check', async () => {
    const headers = await page.$$eval('#matrix thead th', (ths) => ths.map((th) => th.textContent!.trim()));
    expect(headers.slice(0, 4)).toEqual(['Server', 'DAG', 'Site', 'Status']);
    expect(headers).toEqual(expect.arrayContaining(['TLS 1.2 ready', 'TLS 1.0', 'TLS 1.2', '.NET', 'Changes', 'Wave']));
    expect(await column(0)).toEqual(['EX01', 'EX02', 'EX03', 'EX04', 'EX05', 'EX06', 'EDGE1', 'EX07<b>x</b>']);
    const policyCol = headers.indexOf('TLS 1.2 ready');
    const tls12Col = headers.indexOf('TLS 1.2');
    const row = (name: string) => page.locator(`#matrix tbody tr[data-server="${name}"]`);
    expect(await row('EX01').locator('td').nth(policyCol).innerText()).toBe('fail');
    expect(await row('EX01').locator('td').nth(policyCol).getAttribute('class')).toBe('c-fail');
    expect(await row('EX05').locator('td').nth(policyCol).innerText()).toBe('pass');
    expect(await row('EX06').locator('td').nth(policyCol).innerText()).toBe('blocked');
    expect(await row('EX01').locator('td').nth(tls12Col).innerText()).toBe('off');
    expect(await row('EX05').locator('td').nth(tls12Col).innerText()).toBe('on');
    // the hostile-looking name is text, not markup
    expect(await page.locator('#matrix b').count()).toBe(0);
    expect(await row('EX01').locator('a').getAttribute('href')).toBe('EX01/runbook.md');
  });

  test('blockers and rollout waves', async () => {
    const blockers = await page.$$eval('#blockers tbody tr', (rows) => rows.map((r) => Array.from((r as HTMLTableRowElement).cells).map((c) => c.textContent!.trim()).join(' | ')));
    expect(blockers).toEqual(['EX06 | exchange-too-old | Exchange 2013 CU15 cannot use TLS 1.2']);
    const waves = await page.$$eval('#waves li', (lis) =>
      lis.map((li) => Array.from(li.querySelectorAll('.member')).map((m) => `${m.textContent}@${m.getAttribute('data-dag')}`)),
    );
    expect(waves).toHaveLength(3);
    for (const wave of waves) {
      const dags = wave.map((m) => m.split('@')[1]).filter(Boolean);
      expect(new Set(dags).size).toBe(dags.length); // never two of one DAG in a wave
    }
    expect(waves.flat().map((m) => m.split('@')[0]).sort()).toEqual(['EDGE1', 'EX01', 'EX02', 'EX03', 'EX04']);
  });

  test('sorting by clicking a header, again to reverse', async () => {
    const headers = await page.$$eval('#matrix thead th', (ths) => ths.map((th) => th.textContent!.trim()));
    const changes = headers.indexOf('Changes');
    await page.locator('#matrix thead th').nth(changes).click();
    const asc = (await column(changes)).map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(await page.locator('#matrix thead th').nth(changes).getAttribute('aria-sort')).toBe('ascending');
    await page.locator('#matrix thead th').nth(changes).click();
    const desc = (await column(changes)).map(Number);
    expect(desc).toEqual([...asc].sort((a, b) => b - a));
    await page.locator('#matrix thead th').nth(0).click();
    expect(await column(0)).toEqual(['EDGE1', 'EX01', 'EX02', 'EX03', 'EX04', 'EX05', 'EX06', 'EX07<b>x</b>']);
  });

  test('filtering by typing', async () => {
    await page.locator('#filter').fill('dag1');
    expect(await column(0)).toEqual(['EX01', 'EX02', 'EX03']);
    expect(await page.locator('#shown').innerText()).toBe('3 of 8 servers shown');
    await page.locator('#filter').fill('blocked');
    expect(await column(0)).toEqual(['EX06']);
    await page.locator('#filter').fill('');
    expect(await column(0)).toHaveLength(8);
  });

  test('a screenshot shows the report', async () => {
    const png = await page.screenshot({ fullPage: true });
    const file = join(out, 'report.png');
    writeFileSync(file, png);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.readUInt32BE(16)).toBe(1400); // IHDR width
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(600); // full page height
    expect(bytes.length).toBeGreaterThan(30_000); // a real page, not a blank one
  });
});
