// CLI tables fit the terminal (COLUMNS, else the terminal's width): cells wrap, nothing is lost from json/csv.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRows, type Column } from '../../src/util/format.js';
import { fitColumnWidths, terminalWidth, wrapText } from '../../src/util/table-width.js';
import { runCli } from '../helpers/cli.js';

const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('table width', () => {
  it('COLUMNS wins over the terminal; a pipe without COLUMNS is not wrapped', () => {
    expect(terminalWidth({ COLUMNS: '80' }, { isTTY: true, columns: 200 })).toBe(80);
    expect(terminalWidth({}, { isTTY: true, columns: 200 })).toBe(200);
    expect(terminalWidth({}, { isTTY: false })).toBe(Number.POSITIVE_INFINITY);
    expect(terminalWidth({ COLUMNS: 'wide' }, { isTTY: false })).toBe(Number.POSITIVE_INFINITY);
  });

  it('narrow columns keep their width, wide ones share the rest', () => {
    const widths = fitColumnWidths([6, 300, 400], 100);
    expect(widths[0]).toBe(6);
    expect(widths.reduce((a, b) => a + b, 0) + 3 * 3 + 1).toBeLessThanOrEqual(100);
    expect(fitColumnWidths([5, 7], 100)).toEqual([5, 7]);
  });

  it('wraps on spaces and breaks a long id after a hyphen', () => {
    expect(wrapText('FAILING NOW: 14 x TLS negotiation failed', 16)).toBe('FAILING NOW: 14\nx TLS\nnegotiation\nfailed');
    expect(wrapText('MAILFLOW-SEND-HANDSHAKE-4509F4', 16)).toBe('MAILFLOW-SEND-\nHANDSHAKE-4509F4');
    expect(wrapText('abcdefghij', 4)).toBe('abcd\nefgh\nij');
  });

  it('a table of 400-character cells fits 80 columns, and csv/json keep the whole text', () => {
    const long = 'x'.repeat(150) + ' ' + 'word '.repeat(50);
    const rows = [{ a: 'EX01', b: long, c: long }];
    const columns: Column<(typeof rows)[number]>[] = [
      { header: 'Server', value: (r) => r.a },
      { header: 'Detail', value: (r) => r.b },
      { header: 'More', value: (r) => r.c },
    ];
    const table = formatRows(rows, columns, 'table', 80);
    expect(widest(table)).toBeLessThanOrEqual(80);
    expect(table.replace(/[│\s]/g, '')).toContain('x'.repeat(20));
    expect(formatRows(rows, columns, 'csv')).toContain(long.trim());
    expect(formatRows(rows, columns, 'json')).toContain(long);
  });
});

describe('COLUMNS=120 extls analyze <demo inventory>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'extls-fit-'));
  const inventoryFile = join(dir, 'inventory.json');
  beforeAll(async () => {
    const r = await runCli(['inventory', '--fleet', 'examples/demo/fleet.yaml', '--out', inventoryFile, '-q']);
    expect(r.exitCode).toBe(2); // EX08 is unreachable on purpose
  }, 400_000);

  it('prints no line longer than 120 characters, and every finding id is still there', async () => {
    const r = await runCli(['analyze', inventoryFile, '--policy', 'tls12-ready', '--policy', 'legacy-off', '--format', 'table'], { env: { COLUMNS: '120' } });
    expect(r.exitCode).toBe(0);
    expect(widest(r.stdout)).toBeLessThanOrEqual(120);
    const json = await runCli(['analyze', inventoryFile, '--policy', 'tls12-ready', '--policy', 'legacy-off', '--format', 'json']);
    const doc = JSON.parse(json.stdout) as { servers: { findings: { id: string; severity: string }[] }[] };
    // the Findings column (the last one of the server table), read top to bottom
    const serverTable = r.stdout.slice(0, r.stdout.indexOf('└'));
    const joined = serverTable.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').at(-2)!.trim()).join('');
    for (const s of doc.servers) for (const f of s.findings) if (f.severity !== 'info') expect(joined).toContain(f.id);
    // the same table at 80 columns fits too
    const narrow = await runCli(['analyze', inventoryFile, '--format', 'table'], { env: { COLUMNS: '80' } });
    expect(widest(narrow.stdout)).toBeLessThanOrEqual(80);
  });

  it('the inventory table and the diff table fit too', async () => {
    const inv = await runCli(['inventory', '--fleet', 'examples/demo/fleet.yaml', '--format', 'table', '-q'], { env: { COLUMNS: '100' } });
    expect(widest(inv.stdout)).toBeLessThanOrEqual(100);
    const diff = await runCli(['diff', inventoryFile, inventoryFile, '--format', 'table', '--all'], { env: { COLUMNS: '100' } });
    expect(widest(diff.stdout)).toBeLessThanOrEqual(100);
    expect(readFileSync(inventoryFile, 'utf8')).toContain('EX08');
  }, 400_000);
});
