// Round two of hostile inputs (issue 21), files that hang or exhaust: a drop file swapped for a FIFO after the
// first look, a fleet file or inventory that is a FIFO, sparse files of 450 MB, and a report dated in the future.
import { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { extlsBin, runCli } from '../helpers/cli.js';
import { runDir } from '../runbooks/run-script.js';
import { DropFolder } from '../../src/inventory/from-folder.js';
import type { InventoryRecord } from '../../src/inventory/types.js';
import { collectorDoc } from './corpus.js';

const work = runDir('hostile-files');
let n = 0;
const fresh = (label: string) => {
  const d = join(work, `${label}-${++n}`);
  mkdirSync(d);
  return d;
};

/** A FIFO where `path` was (mkfifo: Node has no call for it). */
const fifoAt = async (path: string) => {
  rmSync(path, { force: true });
  await execa('mkfifo', [path]);
};

/** A reader blocked in open() or read() on the FIFO (the bug) is released: a writer comes and goes. */
const releaseFifo = (path: string) => {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    /* no reader waiting: nothing to release */
  }
};

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms (hangs)`)), ms).unref())]);

/** A collector file that reported just now (not stale). */
const freshDoc = (name: string) => {
  const doc = collectorDoc(name);
  doc.collector.startedAt = new Date().toISOString();
  return doc;
};

const drain = async (gen: AsyncGenerator<InventoryRecord>) => {
  const out: InventoryRecord[] = [];
  for await (const r of gen) out.push(r);
  return out;
};

describe('files that hang', () => {
  it('a drop file swapped for a FIFO between the two passes is a failed record, not a hang', async () => {
    const from = fresh('fifo');
    writeFileSync(join(from, 'EX01.json'), JSON.stringify(collectorDoc('EX01')));
    writeFileSync(join(from, 'EX02.json'), JSON.stringify(collectorDoc('EX02')));
    const drops = await DropFolder.open(from);
    // the swap comes after the first pass looked at the file (it was a regular file then)
    const swapped = join(from, 'EX02.json');
    await fifoAt(swapped);
    try {
      const records = await within(drain(drops.plan([], { staleAfterMs: null }).records), 15_000, 'reading the drop folder');
      expect(records.map((r) => [r.server, r.status])).toEqual([
        ['EX01', 'ok'],
        ['EX02', 'failed'],
      ]);
      expect(records[1]!.failure).toEqual({ category: 'invalid-output', message: expect.stringMatching(/EX02\.json: not a regular file \(a FIFO\)/) });
    } finally {
      releaseFifo(swapped);
    }
  }, 30_000);

  it.each([
    ['a fleet file', (f: string, d: string) => ['inventory', '--fleet', f, '--out', join(d, 'inv.json')], /cannot read fleet file .*fleet\.yaml: not a regular file \(a FIFO\)/],
    ['an inventory', (f: string) => ['analyze', f, '--format', 'json'], /cannot read inventory .*fleet\.yaml: not a regular file \(a FIFO\)/],
    ['a findings document', (f: string, d: string) => ['runbooks', f, '--out', join(d, 'out')], /fleet\.yaml: not a regular file \(a FIFO\)/],
    ['a policy file', (f: string, d: string) => ['analyze', join(d, 'inventory.json'), '--policy', f], /policy .*fleet\.yaml: not a regular file \(a FIFO\)/],
    ['a --ca file', (f: string) => ['probe', '127.0.0.1:9', '--ca', f], /cannot read --ca file .*fleet\.yaml: not a regular file \(a FIFO\)/],
  ])('%s that is a FIFO: one line naming it, exit 1, at once', async (_what, args, pattern) => {
    const dir = fresh('fifocli');
    const fifo = join(dir, 'fleet.yaml');
    await fifoAt(fifo);
    try {
      const r = await execa(process.execPath, [extlsBin, ...args(fifo, dir)], { reject: false, encoding: 'utf8', timeout: 20_000 });
      expect(r.timedOut).toBe(false);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.exitCode).toBe(1);
    } finally {
      releaseFifo(fifo);
    }
  }, 40_000);
});

describe('files that exhaust memory', () => {
  it('sparse 450 MB files in a drop folder are refused by size; the other servers are kept (small heap, no crash)', async () => {
    const from = fresh('sparse');
    writeFileSync(join(from, 'EX01.json'), JSON.stringify(freshDoc('EX01')));
    for (const name of ['EX90', 'EX91', 'EX92']) {
      const f = join(from, `${name}.json`);
      writeFileSync(f, '{"computerName": "');
      truncateSync(f, 450 * 1024 * 1024);
    }
    const out = join(fresh('sparseout'), 'inventory.json');
    const r = await execa(process.execPath, ['--max-old-space-size=160', extlsBin, 'inventory', '--from', from, '--out', out, '--quiet'], {
      reject: false,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).not.toMatch(/heap out of memory|Cannot create a string/);
    expect(r.exitCode).toBe(2);
    const servers = JSON.parse(readFileSync(out, 'utf8')).servers as InventoryRecord[];
    expect(servers.map((s) => [s.server, s.status, s.failure?.category ?? null])).toEqual([
      ['EX01', 'ok', null],
      ['EX90', 'failed', 'invalid-output'],
      ['EX91', 'failed', 'invalid-output'],
      ['EX92', 'failed', 'invalid-output'],
    ]);
    expect(servers[1]!.failure!.message).toMatch(/EX90\.json: 450 MB, larger than the limit of 64 MB \(fleet defaults\.maxFileMB\)/);
  }, 180_000);

  it('the fleet option maxFileMB sets the limit', async () => {
    const from = fresh('limit');
    const doc = freshDoc('EX01');
    doc.warnings = Array.from({ length: 20_000 }, (_, i) => ({ section: 'padding', message: `${i} ${'x'.repeat(60)}` }));
    writeFileSync(join(from, 'EX01.json'), JSON.stringify(doc));
    writeFileSync(join(from, 'EX02.json'), JSON.stringify(freshDoc('EX02')));
    const fleet = join(from, 'fleet.yaml.txt');
    writeFileSync(fleet, 'defaults: { maxFileMB: 1 }\nservers:\n  - { name: EX01, transport: file }\n  - { name: EX02, transport: file }\n');
    const out = join(fresh('limitout'), 'inventory.json');
    const r = await runCli(['inventory', '--fleet', fleet, '--from', from, '--out', out, '--quiet']);
    expect(r.exitCode).toBe(2);
    const servers = JSON.parse(readFileSync(out, 'utf8')).servers as InventoryRecord[];
    expect(servers.map((s) => [s.server, s.status])).toEqual([
      ['EX01', 'failed'],
      ['EX02', 'ok'],
    ]);
    expect(servers[0]!.failure!.message).toMatch(/EX01\.json: 1\.\d MB, larger than the limit of 1 MB \(fleet defaults\.maxFileMB\)/);
  });
});

describe('times from collected files', () => {
  it('a report dated in the future is its own failure (clock-skew), not a fresh report; a small skew is allowed', async () => {
    const from = fresh('clock');
    const future = freshDoc('EX01');
    future.collector.startedAt = '2099-01-01T00:00:00Z';
    const skewed = freshDoc('EX02');
    skewed.collector.startedAt = new Date(Date.now() + 60_000).toISOString();
    writeFileSync(join(from, 'EX01.json'), JSON.stringify(future));
    writeFileSync(join(from, 'EX02.json'), JSON.stringify(skewed));
    const records = await drain((await DropFolder.open(from)).plan([], { staleAfterMs: 7 * 86_400_000 }).records);
    expect(records.map((r) => [r.server, r.status, r.failure?.category ?? null])).toEqual([
      ['EX01', 'failed', 'clock-skew'],
      ['EX02', 'ok', null],
    ]);
    expect(records[0]!.failure!.message).toMatch(/EX01\.json: reported at 2099-01-01T00:00:00\.000Z, .* in the future of this computer's clock/);
    expect(records[0]!.data).toBeNull();
  });
});

describe('a drop folder read that is interrupted', () => {
  it('the files not read yet become records of category interrupted; those read are kept', async () => {
    const from = fresh('interrupt');
    for (const name of ['EX01', 'EX02', 'EX03']) writeFileSync(join(from, `${name}.json`), JSON.stringify(freshDoc(name)));
    const abort = new AbortController();
    const records = (await DropFolder.open(from)).plan([], { staleAfterMs: null, signal: abort.signal }).records;
    const first = await records.next();
    abort.abort();
    const rest = await drain(records);
    expect([first.value, ...rest].map((r: InventoryRecord) => [r.server, r.status, r.failure?.category ?? null])).toEqual([
      ['EX01', 'ok', null],
      ['EX02', 'failed', 'interrupted'],
      ['EX03', 'failed', 'interrupted'],
    ]);
  });
});
