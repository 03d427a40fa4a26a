// --progress json: the machine-readable progress channel of every long command (inventory, probe, runbooks), read by
// the ExTls module instead of stderr prose. Each stderr line is one event valid against
// schemas/progress-event.schema.json: start (with the total when known) before any item, one item per unit, end.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExtlsProgressEvent, ProgressItem, ProgressStart } from '../../src/contracts/progress-event.js';
import { packageRoot } from '../../src/util/paths.js';
import { validatorFor } from '../../src/util/schemas.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';

const DAY = 86_400_000;
const validate = validatorFor<ExtlsProgressEvent>('progress-event.schema.json');

/** Every stderr line parsed and checked against the schema: there is no prose to read. */
function events(stderr: string): ExtlsProgressEvent[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const e = JSON.parse(line) as ExtlsProgressEvent;
      expect({ line, valid: validate(e), errors: validate.errors ?? null }).toMatchObject({ valid: true });
      return e;
    });
}

const items = (es: ExtlsProgressEvent[]) => es.filter((e): e is ProgressItem => e.event === 'item');

/** start first among start/item/end, end after the last item, counts that add up */
function expectWellFormed(es: ExtlsProgressEvent[], total: number | null, units: number) {
  const flow = es.filter((e) => e.event === 'start' || e.event === 'item' || e.event === 'end');
  expect(flow[0]).toMatchObject({ event: 'start', total });
  expect(flow[flow.length - 1]).toMatchObject({ event: 'end', done: units, total });
  expect(items(es).map((e) => e.done)).toEqual(Array.from({ length: units }, (_, i) => i + 1));
  expect(es.filter((e) => e.event === 'start')).toHaveLength(1);
  expect(es.filter((e) => e.event === 'end')).toHaveLength(1);
}

describe('--progress json', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-progress-'));
    const base = JSON.parse(await readFile(join(packageRoot, 'test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8'));
    const drops = join(dir, 'drops');
    await import('node:fs/promises').then((fs) => fs.mkdir(drops));
    for (const [name, age] of [['EX01', 0], ['EX02', 10 * DAY], ['EX03', 0]] as const) {
      const out = structuredClone(base);
      out.computerName = name;
      out.collector.startedAt = new Date(Date.now() - age).toISOString();
      await writeFile(join(drops, `${name}.json`), JSON.stringify(out));
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('inventory: the total from the first event, each server with ok/failed and its duration, then end; stdout unchanged', async () => {
    const r = await runCli(['inventory', '--from', join(dir, 'drops'), '--format', 'ndjson', '--progress', 'json', '--out', join(dir, 'inventory.json')]);
    expect(r.exitCode).toBe(2);
    const es = events(r.stderr);
    expect(es[0]).toEqual({ event: 'start', command: 'inventory', unit: 'servers', total: 3 });
    expectWellFormed(es, 3, 3);
    const byName = Object.fromEntries(items(es).map((e) => [e.name, e]));
    expect(byName.EX01).toMatchObject({ ok: true, durationMs: expect.any(Number) });
    expect(byName.EX02).toMatchObject({ ok: false, detail: expect.stringMatching(/^stale: .*EX02\.json: last report/) });
    expect(es.find((e) => e.event === 'end')).toMatchObject({ done: 3, failed: 1 });
    expect(es).toContainEqual({ event: 'info', message: expect.stringMatching(/^3 servers, 2 ok, 1 failed/) });
    // the data channel is untouched: one record per server on stdout
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).server).sort()).toEqual(['EX01', 'EX02', 'EX03']);
  });

  it('inventory: a record left out as a duplicate is a warn event, not prose', async () => {
    const dup = join(dir, 'dup');
    await import('node:fs/promises').then((fs) => fs.mkdir(dup));
    const one = await readFile(join(dir, 'drops', 'EX01.json'), 'utf8');
    await writeFile(join(dup, 'EX01.json'), one);
    await writeFile(join(dup, 'EX01-copy.json'), one);
    const r = await runCli(['inventory', '--from', dup, '--format', 'ndjson', '--progress', 'json']);
    const es = events(r.stderr);
    expectWellFormed(es, 1, 1);
    expect(items(es)[0]).toMatchObject({ name: 'EX01', ok: false, detail: expect.stringMatching(/^duplicate: 2 collector files claim this server/) });
  });

  it('probe: one event per endpoint, also for one that refuses', async () => {
    const port = await freePort();
    const r = await runCli(['probe', '--format', 'json', '--progress', 'json', '--step-timeout', '2', `127.0.0.1:${port}`]);
    expect(r.exitCode).toBe(2);
    const es = events(r.stderr);
    expect(es.find((e) => e.event === 'start')).toEqual({ event: 'start', command: 'probe', unit: 'endpoints', total: 1 });
    expectWellFormed(es, 1, 1);
    expect(items(es)[0]).toMatchObject({ name: `127.0.0.1:${port}`, ok: false, detail: expect.stringMatching(/^refused at connect/) });
    expect(es).toContainEqual({ event: 'warn', message: '1 of 1 endpoint(s) could not be probed' });
    expect(JSON.parse(r.stdout)).toHaveLength(1);
  });

  it('runbooks: the total from the first event, one event per runbook', async () => {
    await runCli(['inventory', '--from', join(dir, 'drops'), '--stale-after', 'off', '--out', join(dir, 'fresh.json'), '--quiet']);
    const r = await runCli(['runbooks', join(dir, 'fresh.json'), '--out', join(dir, 'runbooks'), '--format', 'json', '--progress', 'json']);
    expect(r.exitCode).toBe(0);
    const es = events(r.stderr);
    const start = es.find((e): e is ProgressStart => e.event === 'start')!;
    expect(start).toMatchObject({ command: 'runbooks', unit: 'runbooks' });
    expect(start.total).toBeGreaterThan(0);
    expectWellFormed(es, start.total, start.total!);
    expect(JSON.parse(r.stdout).runbooks).toHaveLength(start.total!);
  });

  it('with --quiet, only warnings', async () => {
    const port = await freePort();
    const r = await runCli(['probe', '--format', 'json', '--progress', 'json', '--quiet', `127.0.0.1:${port}`]);
    expect(events(r.stderr)).toEqual([{ event: 'warn', message: '1 of 1 endpoint(s) could not be probed' }]);
  });

  it('leaves the default (plain lines on a pipe) as it was', async () => {
    const port = await freePort();
    const r = await runCli(['probe', '--format', 'json', `127.0.0.1:${port}`]);
    expect(r.stderr).toMatch(/^probe: 1 endpoint\(s\), 8 at a time, 10 s per step\nprobe: \[1\/1\] 127\.0\.0\.1:\d+ FAILED: refused at connect/);
  });
});
