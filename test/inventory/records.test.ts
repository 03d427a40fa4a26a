import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCollectorOutput, recordFromCollectorText } from '../../src/inventory/record.js';
import { collectFleet } from '../../src/inventory/collect.js';
import { parseFleet } from '../../src/fleet/load.js';
import { InventoryWriter } from '../../src/inventory/writer.js';
import { childEnv } from '../../src/powershell/run.js';
import { validatorFor } from '../../src/util/schemas.js';
import type { InventoryRecord } from '../../src/inventory/types.js';
import { mkdtemp, readdir, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const target = { name: 'EX01', address: 'ex01', groups: { dag: null, site: null, role: null }, transport: 'winrm' as const };

describe('collector output is untrusted', () => {
  it.each([
    ['nothing', '', /printed no JSON/],
    ['text only', 'WARNING: profile loaded', /printed no JSON/],
    ['broken JSON', '{"schemaVersion":1,', /malformed JSON/],
    ['wrong shape', '{"schemaVersion":1,"computerName":"x"}', /does not match the schema: \(top level\): must have required property/],
    ['a DWORD out of range', null, /does not match the schema/],
  ])('rejects %s', async (_what, text, message) => {
    let input = text;
    if (input === null) {
      // a real collector document with one value tampered
      const doc = JSON.parse(await readFile(join('test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8'));
      doc.schannel.protocols[0].enabled = { present: true, type: 'REG_DWORD', value: -1 };
      input = JSON.stringify(doc);
    }
    const r = parseCollectorOutput(input!);
    expect('error' in r && r.error).toMatch(message);
    const record = recordFromCollectorText(target, input!, '2026-11-28T00:00:00Z', 5);
    expect(record).toMatchObject({ status: 'failed', failure: { category: 'invalid-output' }, data: null });
    expect(validatorFor('inventory-record.schema.json')(record)).toBe(true);
  });

  it('takes the last JSON line when a remote profile printed text first', async () => {
    const doc = await readFile(join('test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8');
    const r = recordFromCollectorText(target, `Welcome to EX01\n${doc.trim()}\n`, '2026-11-28T00:00:00Z', 5);
    expect(r.status).toBe('ok');
    expect(r.groups).toEqual({ dag: 'DAG01', site: null, role: 'Mailbox' });
  });
});

describe('fan-out stream handling', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'extls-rec-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  // A stand-in for pwsh that prints a canned driver stream: what Node does with it is under test here.
  async function fakeDriver(lines: string[], exitCode = 0): Promise<string> {
    const file = join(dir, 'fake-pwsh');
    await writeFile(join(dir, 'stream.txt'), lines.join('\n') + '\n');
    await writeFile(file, `#!/bin/sh\ncat '${join(dir, 'stream.txt')}'\necho 'driver crashed' >&2\nexit ${exitCode}\n`);
    await chmod(file, 0o755);
    return file;
  }

  it('gives every server exactly one record even when the driver dies, and ignores noise and duplicates', async () => {
    const doc = (await readFile(join('test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8')).trim();
    const fleet = parseFleet('servers: [{name: A}, {name: B}, {name: C}]', 'f', dir);
    const pwsh = await fakeDriver([
      "Warning: Permanently added '[127.0.0.1]:22' (ED25519) to the list of known hosts.",
      JSON.stringify({ server: 'A', outcome: 'ok', startedAt: 'x', durationMs: 10, output: doc }),
      JSON.stringify({ server: 'A', outcome: 'failed', category: 'auth', message: 'dup' }),
      JSON.stringify({ server: 'B', outcome: 'failed', category: 'weird', message: 'odd category' }),
      JSON.stringify({ server: 'ZZ', outcome: 'ok', output: doc }),
      '{"server": "C", "outcome": "ok", "output": "trunc',
    ], 3);
    const records: InventoryRecord[] = [];
    const logs: string[] = [];
    await collectFleet(fleet, { pwsh, onRecord: (r) => void records.push(r), onLog: (l) => logs.push(l) });
    expect(records.map((r) => `${r.server}:${r.status}:${r.failure?.category ?? ''}`).sort()).toEqual([
      'A:ok:', 'B:failed:collector-error', 'C:failed:collector-error',
    ]);
    expect(records.find((r) => r.server === 'C')!.failure!.message).toContain('driver stopped (exit code 3)');
    expect(records.find((r) => r.server === 'C')!.failure!.message).toContain('driver crashed');
    expect(logs.join('\n')).toContain('Permanently added');
    for (const r of records) expect(validatorFor('inventory-record.schema.json')(r)).toBe(true);
  });

  it('writes inventory.json atomically: no file until commit, no temp file after abort', async () => {
    const out = join(dir, 'inventory.json');
    const w = await InventoryWriter.open(out, 'test');
    await w.add({ ...recordFromCollectorText(target, '', 'now', 0) });
    expect((await readdir(dir)).filter((f) => f === 'inventory.json')).toEqual([]);
    await w.commit();
    const inv = JSON.parse(await readFile(out, 'utf8'));
    expect(validatorFor('inventory.schema.json')(inv)).toBe(true);
    expect(inv.summary).toEqual({ total: 1, ok: 0, failed: 1 });
    // abort right after open, many times: the temp file is still being opened and must not survive
    for (let i = 0; i < 20; i++) await (await InventoryWriter.open(join(dir, `other-${i}.json`), 'test')).abort();
    expect((await readdir(dir)).sort()).toEqual(['inventory.json']);
  });
});

describe('secrets stay out of children', () => {
  it('drops secret-looking variables from the child environment', () => {
    const env = childEnv({ PATH: '/bin', EXTLS_PASSWORD: 'x', MY_API_TOKEN: 'y', DB_SECRET: 'z', HOME: '/root' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/root' });
  });
});
