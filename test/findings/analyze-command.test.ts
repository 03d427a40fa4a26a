import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runAnalyze } from '../../src/commands/analyze.js';
import { ExitCode, UsageError } from '../../src/util/errors.js';
import { validatorFor } from '../../src/util/schemas.js';
import { inventory, readyOutput, record, setSchannel } from './builders.js';

const dir = mkdtempSync(join(tmpdir(), 'extls-analyze-'));

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const inv = inventory([
  record(readyOutput(), 'EX01', { dag: 'DAG01' }),
  record(setSchannel(readyOutput(), 'TLS 1.2', 'Server', 0, 1), 'EX02', { dag: 'DAG01' }),
  record(null, 'EX08'),
]);
const invFile = join(dir, 'inventory.json');
writeFileSync(invFile, JSON.stringify(inv));
const base = { policy: [] as string[], referenceTime: '2026-01-15T00:00:00Z' };

describe('extls analyze', () => {
  it('json: the whole findings document, schema-valid', async () => {
    const r = await capture(() => runAnalyze(invFile, { ...base, format: 'json' }));
    expect(r.code).toBe(ExitCode.Ok);
    const doc = JSON.parse(r.out);
    expect(validatorFor('findings.schema.json')(doc)).toBe(true);
    expect(doc.summary.byPolicy[0]).toMatchObject({ policy: 'tls12-ready', pass: 1, fail: 1, notJudged: 1 });
  });

  it('table: one row per server with a verdict column per policy', async () => {
    // wide enough that no cell wraps (narrow screens: test/cli/fit-screen.test.ts)
    const columns = process.env.COLUMNS;
    process.env.COLUMNS = '300';
    const r = await capture(() => runAnalyze(invFile, { ...base, policy: ['tls12-ready', 'legacy-off'], format: 'table' })).finally(() => {
      if (columns === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = columns;
    });
    expect(r.out).toMatch(/tls12-ready/);
    expect(r.out).toMatch(/legacy-off/);
    expect(r.out).toMatch(/EX02/);
    expect(r.out).toMatch(/CRITICAL TLS12-SERVER-DISABLED/);
    expect(r.out).toMatch(/not judged: unreachable/);
    expect(r.out).toMatch(/FLEET-DAG-TLS-DRIFT/);
  });

  it('ndjson: one server per line; csv: one row per finding with a BOM', async () => {
    const nd = await capture(() => runAnalyze(invFile, { ...base, format: 'ndjson' }));
    expect(nd.out.trim().split('\n').map((l) => JSON.parse(l).server)).toEqual(['EX01', 'EX02', 'EX08']);
    const csv = await capture(() => runAnalyze(invFile, { ...base, format: 'csv' }));
    expect(csv.out.startsWith('\uFEFFServer,Status,Verdicts,Id')).toBe(true);
    expect(csv.out).toMatch(/EX02,ok,tls12-ready=fail,TLS12-SERVER-DISABLED,critical/);
  });

  it('--out writes the document and prints nothing unless --format is given', async () => {
    const out = join(dir, 'findings.json');
    const r = await capture(() => runAnalyze(invFile, { ...base, out }));
    expect(r.out).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).servers).toHaveLength(3);
  });

  it('a bad record is reported by server and the others are still analysed (exit 2)', async () => {
    const bad = structuredClone(inv) as unknown as { servers: Record<string, unknown>[] };
    (bad.servers[1]!.data as Record<string, unknown>).os = { path: 'x' };
    bad.servers[0]!.transport = 'carrier-pigeon';
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    const r = await capture(() => runAnalyze(file, { ...base, format: 'json' }));
    expect(r.code).toBe(ExitCode.Partial);
    expect(r.err).toMatch(/server EX02 \(servers\[1\]\) skipped/);
    expect(r.err).toMatch(/servers\/1\/data\/os: must have required property 'productName'/);
    expect(r.err).toMatch(/server EX01 \(servers\[0\]\) skipped:\n {2}servers\/0\/transport: must be equal to one of the allowed values/);
    const doc = JSON.parse(r.out);
    expect(doc.servers.map((s: { server: string }) => s.server)).toEqual(['EX08']);
    expect(doc.inputErrors.map((e: { server: string }) => e.server)).toEqual(['EX01', 'EX02']);
  });

  it('an unusable inventory is a usage error naming the place', async () => {
    const file = join(dir, 'nope.json');
    writeFileSync(file, JSON.stringify({ ...inv, schemaVersion: 2 }));
    await expect(runAnalyze(file, { ...base, format: 'json' })).rejects.toThrow(/schemaVersion: must be equal to constant/);
    writeFileSync(file, '{"servers": [');
    await expect(runAnalyze(file, { ...base, format: 'json' })).rejects.toThrow(/is not JSON/);
    await expect(runAnalyze(join(dir, 'missing.json'), { ...base })).rejects.toThrow(UsageError);
    await expect(runAnalyze(invFile, { ...base, referenceTime: 'yesterday' })).rejects.toThrow(/--reference-time/);
    await expect(runAnalyze(invFile, { ...base, policy: ['tls12-ready', 'tls12-ready'] })).rejects.toThrow(/given twice/);
  });
});
