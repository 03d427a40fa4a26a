// Every reader says what a file is when it is not what it expected, before doing anything.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeInventory } from '../../src/findings/analyze.js';
import { documentKind, expectDocument } from '../../src/util/document-kind.js';
import { inventory, readyOutput, record } from '../findings/builders.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'extls-kind-'));
const inv = inventory([record(readyOutput(), 'EX01')]);
const findings = analyzeInventory(inv, ['tls12-ready']);
const inventoryFile = join(dir, 'inventory.json');
const findingsFile = join(dir, 'findings.json');
writeFileSync(inventoryFile, JSON.stringify(inv));
writeFileSync(findingsFile, JSON.stringify(findings));

describe('documentKind', () => {
  it('tells extls documents apart', () => {
    expect(documentKind(inv)).toBe('inventory');
    expect(documentKind(findings)).toBe('findings');
    expect(documentKind([{ endpoint: 'a:25', versions: {} }])).toBe('probe results');
    expect(documentKind({ reference: {}, difference: {}, servers: [] })).toBe('comparison');
    expect(documentKind({ not: 'ours' })).toBeNull();
    expect(() => expectDocument(findings, 'inventory', 'f.json')).toThrow('f.json is a findings document; give an inventory');
    expect(() => expectDocument({ x: 1 }, 'inventory', '-')).toThrow('stdin is not an extls document; give an inventory');
  });
});

describe('CLI readers refuse the wrong kind of file', () => {
  it('analyze, diff and runbooks given a findings document as an inventory', async () => {
    for (const args of [
      ['analyze', findingsFile],
      ['diff', inventoryFile, findingsFile],
      ['runbooks', '-', '--out', join(dir, 'rb')],
    ]) {
      const r = await runCli(args, { input: JSON.stringify({ servers: 'nope', other: 1 }) });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/(is a findings document|is not an extls document); give an inventory/);
      expect(r.stderr).not.toContain('must have required property');
    }
  });

  it('analyze --probes given an inventory, runbooks --findings given an inventory', async () => {
    const probes = await runCli(['analyze', inventoryFile, '--probes', inventoryFile, '--format', 'json']);
    expect(probes.exitCode).toBe(1);
    expect(probes.stderr).toContain(`${inventoryFile} is an inventory; give probe results`);
    const rb = await runCli(['runbooks', 'x', '--findings', inventoryFile, '--out', join(dir, 'rb2')]);
    expect(rb.exitCode).toBe(1);
    expect(rb.stderr).toContain(`${inventoryFile} is an inventory; give a findings document`);
  });
});
