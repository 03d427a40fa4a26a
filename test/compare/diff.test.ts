// extls diff / Compare-ExTlsInventory: what changed per server between two inventories, judged the same way.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffInventories } from '../../src/compare/diff.js';
import { loadPolicy } from '../../src/findings/policy.js';
import { inventory, legacyOff, rawOutput, readyOutput, record, setExchange } from '../findings/builders.js';
import { runCli } from '../helpers/cli.js';

const at = new Date('2026-01-15T12:00:00Z');
const files = { reference: 'before.json', difference: 'after.json' };

describe('diffInventories', () => {
  it('shows the proof of a change window: verdicts, settings and findings that changed, per server', () => {
    const before = inventory([record(rawOutput(), 'EX01'), record(readyOutput(), 'EX02')]);
    const after = inventory([record(readyOutput(), 'EX01'), record(readyOutput(), 'EX02')]);
    const { diff } = diffInventories(before, after, [loadPolicy('tls12-ready')], files, at);
    expect(diff.summary).toEqual({ added: 0, removed: 0, changed: 1, unchanged: 1 });
    const ex01 = diff.servers.find((s) => s.server === 'EX01')!;
    expect(ex01.change).toBe('changed');
    expect(ex01.changes).toContainEqual({ kind: 'verdict', item: 'tls12-ready', before: 'blocked', after: 'pass' });
    expect(ex01.changes.filter((c) => c.kind === 'finding' && c.after === null).map((c) => c.item)).toContain('NET4-STRONGCRYPTO-MISSING');
    expect(diff.servers.find((s) => s.server === 'EX02')!.changes).toEqual([]);
  });

  it('reports SCHANNEL values, builds, failures, and servers added or removed', () => {
    const before = inventory([record(readyOutput(), 'EX01'), record(readyOutput(), 'EX02'), record(readyOutput(), 'EX03')]);
    const after = inventory([record(legacyOff(readyOutput()), 'EX01'), record(null, 'EX02'), record(setExchange(readyOutput(), '15.2.1748.10'), 'EX03'), record(readyOutput(), 'EX04')]);
    const { diff } = diffInventories(before, after, [loadPolicy('legacy-off')], files, at);
    const by = Object.fromEntries(diff.servers.map((s) => [s.server, s]));
    expect(by.EX01!.changes.map((c) => c.item)).toEqual(expect.arrayContaining(['TLS 1.0 Client', 'TLS 1.0 Server', 'legacy-off']));
    expect(by.EX02!.changes).toContainEqual({ kind: 'status', item: 'Status', before: 'ok', after: 'failed (unreachable)' });
    expect(by.EX03!.changes).toContainEqual({ kind: 'build', item: 'Exchange build', before: '15.2.1544.4', after: '15.2.1748.10' });
    expect(by.EX04!.change).toBe('added');
    expect(diff.summary.added).toBe(1);
  });
});

describe('extls diff', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'extls-diff-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify(inventory([record(rawOutput(), 'EX01'), record(rawOutput(), 'EX02')])));
    writeFileSync(join(dir, 'new.json'), JSON.stringify(inventory([record(readyOutput(), 'EX01')])));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the comparison as JSON and as CSV with the module\'s property names', async () => {
    const json = await runCli(['diff', join(dir, 'old.json'), join(dir, 'new.json'), '--format', 'json', '--reference-time', at.toISOString()]);
    expect(json.exitCode).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.summary).toEqual({ added: 0, removed: 1, changed: 1, unchanged: 0 });
    const csv = await runCli(['diff', join(dir, 'old.json'), join(dir, 'new.json'), '--format', 'csv']);
    expect(csv.stdout.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('Server,Change,Kind,Item,Before,After');
  });

  it('exits 1 with a message for a file that is not there', async () => {
    const r = await runCli(['diff', join(dir, 'old.json'), join(dir, 'nope.json')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('nope.json');
  });
});
