import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInventoryStream } from '../../src/inventory/read.js';
import { InventoryWriter } from '../../src/inventory/writer.js';
import { failedRecord } from '../../src/inventory/record.js';
import { UsageError } from '../../src/util/errors.js';

const target = (name: string) => ({ name, address: name, groups: { dag: null, site: null, role: null }, transport: 'winrm' as const });

async function collect(file: string) {
  const { head, records } = await readInventoryStream(file);
  const out: { record: unknown; index: number }[] = [];
  for await (const r of records) out.push(r);
  return { head, out };
}

describe('reading an inventory one server at a time', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-read-'));
    file = join(dir, 'inventory.json');
    const w = await InventoryWriter.open(file, 'fleet.yaml');
    for (const name of ['EX01', 'EX02', 'EX03']) await w.add(failedRecord(target(name), 'unreachable', `no ${name}`, '2026-11-28T00:00:00Z', 1));
    await w.commit();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('streams the records extls inventory wrote, with the head', async () => {
    const { head, out } = await collect(file);
    expect(head.source).toBe('fleet.yaml');
    expect(out.map((r) => [r.index, (r.record as { server: string }).server])).toEqual([[0, 'EX01'], [1, 'EX02'], [2, 'EX03']]);
  });

  it('gives the same records for any other JSON layout (parsed whole)', async () => {
    const pretty = join(dir, 'pretty.json');
    await writeFile(pretty, JSON.stringify(JSON.parse(await readFile(file, 'utf8')), null, 4));
    const a = await collect(file);
    const b = await collect(pretty);
    expect(b.out).toEqual(a.out);
    const oneLine = join(dir, 'one-line.json');
    await writeFile(oneLine, '\uFEFF' + JSON.stringify(JSON.parse(await readFile(file, 'utf8'))));
    expect((await collect(oneLine)).out).toEqual(a.out);
  });

  // Regression: a 2-space re-indent (jq ., ConvertTo-Json) has the same "servers" line as extls's own layout.
  it.each([
    ['jq . (2 spaces)', (doc: unknown) => JSON.stringify(doc, null, 2)],
    ['tabs and CRLF', (doc: unknown) => JSON.stringify(doc, null, '\t').replace(/\n/g, '\r\n')],
    ['a 4-space layout', (doc: unknown) => JSON.stringify(doc, null, 4)],
    ['ConvertTo-Json style', (doc: unknown) => JSON.stringify(doc, null, 2).replace(/": /g, '":  ')],
    ['head after servers', (doc: unknown) => {
      const { servers, ...rest } = doc as { servers: unknown[] };
      return JSON.stringify({ servers, ...rest }, null, 2);
    }],
  ])('streams every record of %s', async (_name, layout) => {
    const other = join(dir, 'layout.json');
    await writeFile(other, layout(JSON.parse(await readFile(file, 'utf8'))));
    const a = await collect(file);
    const b = await collect(other);
    expect(b.head).toEqual(a.head);
    expect(b.out).toEqual(a.out);
  });

  it('reads strings holding brackets, quotes and commas in any layout', async () => {
    const doc = JSON.parse(await readFile(file, 'utf8'));
    doc.servers[1].failure.message = 'a "quoted" ], { , \\ } [ message';
    const other = join(dir, 'tricky.json');
    await writeFile(other, JSON.stringify(doc, null, 2));
    const { out } = await collect(other);
    expect(out.map((r) => r.record)).toEqual(doc.servers);
  });

  it('keeps a damaged line as that server\'s bad record and the others intact', async () => {
    const damaged = join(dir, 'damaged.json');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const i = lines.findIndex((l) => l.includes('"EX02"'));
    lines[i] = lines[i]!.slice(0, 40) + ',';
    await writeFile(damaged, lines.join('\n'));
    const { out } = await collect(damaged);
    expect(out).toHaveLength(3);
    expect(out[1]!.record).toHaveProperty('unparsable');
    expect((out[2]!.record as { server: string }).server).toBe('EX03');
  });

  it('says so when the file ends inside the server list', async () => {
    const cut = join(dir, 'cut.json');
    const text = await readFile(file, 'utf8');
    await writeFile(cut, text.slice(0, text.indexOf('"EX03"') - 20) + '\n');
    await expect(collect(cut)).rejects.toThrow(/ends inside "servers"/);
  });

  it('says so when a pretty-printed file ends inside the server list', async () => {
    const cut = join(dir, 'cut-pretty.json');
    const text = JSON.stringify(JSON.parse(await readFile(file, 'utf8')), null, 2);
    await writeFile(cut, text.slice(0, text.indexOf('"EX03"') - 20));
    await expect(collect(cut)).rejects.toThrow(/ends inside "servers"/);
  });

  it('rejects what is not an inventory, naming the file', async () => {
    const other = join(dir, 'other.json');
    await writeFile(other, '{"servers": []}');
    await expect(collect(other)).rejects.toThrow(UsageError);
    await expect(collect(other)).rejects.toThrow(/other\.json: not an extls inventory/);
  });
});
