// The demo as a new user runs it (inventory → analyze → runbooks, the built CLI), then where people look first:
// report.html in headless Chromium opens with "Mail flow failing now" and EX02's SocketError at its top, naming
// TLS12-CLIENT-DISABLED; summary.csv has the error count and last error; EX02's runbook quotes the baseline and
// says which signatures must stop and how to re-check.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runCli } from '../helpers/cli.js';
import { runDir } from './run-script.js';

const CHROMIUM = process.env.EXTLS_CHROMIUM ?? '/usr/bin/chromium';

let out: string;
let browser: BrowserContext;
let page: Page;
let analyzeTable: string;

beforeAll(async () => {
  out = runDir('demo-mail-flow');
  const inv = join(out, 'inventory.json');
  const findings = join(out, 'findings.json');
  expect((await runCli(['inventory', '--fleet', 'examples/demo/fleet.yaml', '--out', inv, '-q'])).exitCode).toBe(2); // EX08 unreachable on purpose
  const policies = ['--policy', 'tls12-ready', '--policy', 'legacy-off'];
  const a = await runCli(['analyze', inv, ...policies, '--out', findings]);
  expect(a.stderr).toBe('');
  // wide enough for one failure per line (tables fit COLUMNS; test/cli/fit-screen.test.ts checks the narrow case)
  analyzeTable = (await runCli(['analyze', inv, ...policies, '--format', 'table'], { env: { COLUMNS: '2000' } })).stdout;
  const r = await runCli(['runbooks', findings, '--out', join(out, 'runbooks')]);
  expect(r.exitCode).toBe(0);
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'extls-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  await page.goto(pathToFileURL(join(out, 'runbooks', 'report.html')).href);
}, 400_000);

afterAll(async () => {
  await browser?.close();
});

describe('demo: mail flow failing now', () => {
  test('report.html opens with it, EX02 at the top naming TLS12-CLIENT-DISABLED, linked to its runbook', async () => {
    const firstSection = await page.$eval('body > section', (s) => ({ id: s.id, heading: s.querySelector('h2')?.textContent?.trim() }));
    expect(firstSection).toEqual({ id: 'mail-flow-now', heading: 'Mail flow failing now' });
    const headers = await page.$$eval('#mail-flow thead th', (ths) => ths.map((th) => th.textContent!.trim()));
    expect(headers).toEqual(['Server', 'Connector', 'Remote', 'Error', 'Count', 'Last seen', 'Probable cause']);
    const rows = await page.$$eval('#mail-flow tbody tr', (trs) => trs.map((tr) => Array.from((tr as HTMLTableRowElement).cells).map((c) => c.textContent!.trim().replace(/\s+/g, ' '))));
    expect(rows[0]!.filter((_, i) => i !== 5)).toEqual([
      'EX02', 'Outbound to Office 365 (send)', 'Exchange Online (1 address, contoso-com.mail.protection.outlook.com)', 'TLS negotiation failed with error SocketError', '14', 'TLS12-CLIENT-DISABLED',
    ]);
    // the time is shown in local time; the UTC value stays in the datetime attribute
    expect(await page.locator('#mail-flow tbody tr').first().locator('time').getAttribute('datetime')).toBe('2026-11-28T10:25:00.844Z');
    expect(await page.locator('#mail-flow tbody tr').first().locator('a').getAttribute('href')).toBe('EX02/runbook.md');
    // every row is failing now; EX01's 451 of 2026-11-24 is older and not among them
    expect(rows.filter((r) => r[0] === 'EX01' && r[3]!.startsWith('451'))).toEqual([]);
    // the remote's name beside its address; Internet hosts that abort STARTTLS are one row
    expect(rows.find((r) => r[0] === 'EX02' && r[2]!.startsWith('203.0.113.80'))![2]).toBe('203.0.113.80 (mx.adatum.example)');
    expect(rows.filter((r) => r[0] === 'EDGE01' && r[2]!.startsWith('Internet hosts')).map((r) => r[2])).toEqual(['Internet hosts (4 addresses)']);
    // EDGE01 refuses plaintext from an internal host: no cause on EDGE01, said plainly
    const edge = rows.find((r) => r[0] === 'EDGE01')!;
    expect(edge[3]).toBe('451 5.7.3 Must issue a STARTTLS command first');
    expect(edge[6]).toBe("no cause in this server's settings");
    // EX03's UnknownCredentials: the send connector names a certificate that is gone; four addresses, one row
    const credentials = rows.filter((r) => r[0] === 'EX03' && r[3]!.includes('UnknownCredentials'));
    expect(credentials.map((r) => r[2])).toEqual(['Exchange Online (4 addresses, contoso-com.mail.protection.outlook.com)']);
    for (const r of credentials) expect(r[6]).toBe('SENDCONN-OUTBOUND-TO-OFFICE-365-CERT-NOT-FOUND');
    // EX03's timeouts: network, not TLS, and below the TLS failures
    const ex03 = rows.findIndex((r) => r[0] === 'EX03' && r[6] === 'network, not TLS');
    expect(ex03).toBeGreaterThan(rows.findIndex((r) => r[0] === 'EDGE01'));
    expect(ex03).toBeGreaterThan(rows.findIndex((r) => r === credentials[0]));
  });

  test('summary.csv: error count and last error per server', () => {
    const rows: Record<string, string>[] = parse(readFileSync(join(out, 'runbooks', 'summary.csv'), 'utf8'), { columns: true, bom: true });
    const by = (s: string) => rows.find((r) => r.Server === s)!;
    // headers are the ExTls module's property names (README), as Get-ExTlsServerState has them
    expect(Object.keys(rows[0]!).slice(0, 11)).toEqual(['Server', 'Status', 'Dag', 'Site', 'Role', 'Wave', 'ChangeCount', 'RestartRequired', 'Blockers', 'MailFlowErrorCount', 'LastMailFlowError']);
    expect(by('EX02').MailFlowErrorCount).toBe('18'); // 14 to Office 365, 2 + 2 to a partner (handshake, then the plain-text fallback refused)
    expect(by('EX02').LastMailFlowError).toBe('TLS negotiation failed with error SocketError (Outbound to Office 365, Exchange Online (1 address, contoso-com.mail.protection.outlook.com), 2026-11-28T10:25:00.844Z)');
    expect(by('EX02').MailFlow).toBe('critical');
    expect(by('EX05').MailFlowErrorCount).toBe('0');
    expect(by('EX05').LastMailFlowError).toBe('');
    // nothing read is "not checked", not "ok": EX04 has neither protocol-log sessions nor connectors
    expect(by('EX04').Connectors).toBe('not checked');
    expect(by('EX03').Connectors).not.toBe('not checked');
  });

  test("EX02's runbook: the baseline in the pre-checks, the signatures and the re-check command in the post-checks", () => {
    const md = readFileSync(join(out, 'runbooks', 'EX02', 'runbook.md'), 'utf8');
    const pre = md.slice(md.indexOf('## 1. Pre-checks'), md.indexOf('## 2.'));
    expect(pre).toContain('18 failed attempts');
    expect(pre).toMatch(/\| critical \| Outbound to Office 365 \(send\) \| Exchange Online \(1 address, contoso-com\.mail\.protection\.outlook\.com\) \| TLS negotiation failed with error SocketError \| 14 \| 2026-11-28T10:25:00\.844Z \| TLS12-CLIENT-DISABLED \|/);
    const post = md.slice(md.indexOf('## 7. Checks of mail flow'), md.indexOf('## 8.'));
    expect(post).toContain('- `TLS negotiation failed with error SocketError`');
    expect(post).toContain('- `421 4.4.2 Connection dropped due to SocketError`');
    expect(post).toContain('- `451 5.7.3 Must issue a STARTTLS command first`'); // the partner that refused the plain-text fallback
    expect(post).toContain("$signatures = @('TLS negotiation failed with error SocketError', '421 4.4.2 Connection dropped due to SocketError', '451 5.7.3 Must issue a STARTTLS command first')");
    expect(post).toContain('Select-String -SimpleMatch -Pattern $signatures');
  });

  test('extls analyze lists the servers failing now first', () => {
    const names = [...analyzeTable.matchAll(/^│ (\S+)\s+│/gm)].map((m) => m[1]).filter((n) => n !== 'Server');
    const failingNow = names.slice(0, 5).sort();
    expect(failingNow).toEqual(['EDGE01', 'EX02', 'EX03', 'EX07', 'EX10']);
    expect(names.indexOf('EX01')).toBeGreaterThan(4); // its failures are older: after the ones failing now, before the rest
    expect(names.indexOf('EX01')).toBeLessThan(names.indexOf('EX04'));
    expect(analyzeTable).toMatch(/FAILING NOW: 14 × TLS negotiation failed with error SocketError \(Outbound to Office 365 → Exchange Online \(1 address, contoso-com\.mail\.protection\.outlook\.com\)\) ← TLS12-CLIENT-DISABLED/);
  });
});

describe('report.html at 1,280 px', () => {
  let small: BrowserContext;
  let view: Page;
  beforeAll(async () => {
    small = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'extls-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      timezoneId: 'Europe/Amsterdam',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    view = await small.newPage();
    // three hours after EX02's last failure (2026-11-28T10:25:00.844Z)
    await view.clock.setFixedTime(new Date('2026-11-28T13:25:00.844Z'));
    await view.goto(pathToFileURL(join(out, 'runbooks', 'report.html')).href);
  }, 120_000);
  afterAll(async () => {
    await small?.close();
  });

  test('the Probable cause column is in view, on the screenshot too', async () => {
    const cause = view.locator('#mail-flow thead th', { hasText: 'Probable cause' });
    const box = (await cause.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    const firstCause = view.locator('#mail-flow tbody tr').first().locator('td.cause');
    const cell = (await firstCause.boundingBox())!;
    expect(cell.x + cell.width).toBeLessThanOrEqual(1280);
    // the page does not scroll sideways to show it
    expect(await view.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    const shot = join(out, 'report-1280.png');
    const png = await view.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1280, height: Math.min(800, box.y + box.height + 200) } });
    expect(png.length).toBeGreaterThan(1000);
    // the cause is painted inside the screenshot's area, and readable: not covered by another element
    const hit = await view.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('th')?.textContent?.trim(), [box.x + box.width / 2, box.y + box.height / 2]);
    expect(hit).toBe('Probable cause');
  });

  test('times are local with how long ago: 3 h ago', async () => {
    const time = view.locator('#mail-flow tbody tr').first().locator('time');
    // 10:25 UTC is 11:25 in Amsterdam in November
    expect(await time.textContent()).toBe('2026-11-28 11:25 (3 h ago)');
    expect(await time.getAttribute('title')).toBe('2026-11-28T10:25:00.844Z (UTC)');
  });

  test('the first click on a check column puts the worst first; "not checked" is not "ok"', async () => {
    await view.locator('#matrix thead th', { hasText: /^Mail flow$/ }).click();
    const col = await view.$$eval('#matrix thead th', (ths) => ths.findIndex((th) => th.textContent!.trim().startsWith('Mail flow')));
    const values = await view.$$eval('#matrix tbody tr', (trs, i) => trs.map((tr) => (tr as HTMLTableRowElement).cells[i as number]!.textContent!.trim()), col);
    expect(values[0]).toBe('critical');
    expect(values.indexOf('critical')).toBeLessThan(values.indexOf('high'));
    const connectors = await view.$$eval('#matrix thead th', (ths) => ths.findIndex((th) => th.textContent!.trim() === 'Connectors'));
    const ex04 = await view.$eval('#server-EX04', (tr, i) => (tr as HTMLTableRowElement).cells[i as number]!.textContent!.trim(), connectors);
    expect(ex04).toBe('not checked');
    // and the failing-now table: the highest count first on the first click
    await view.locator('#mail-flow thead th', { hasText: 'Count' }).click();
    const counts = await view.$$eval('#mail-flow tbody tr', (trs) => trs.map((tr) => Number((tr as HTMLTableRowElement).cells[4]!.textContent)));
    expect(counts[0]).toBe(Math.max(...counts));
  });
});
