// The schemas are the contracts: the TypeScript types are generated from them, and every switch or table over a
// contract's enum is exhaustive. This test adds a value to each such enum in a copy of the tree and checks that
// the compiler then points at the code that must handle it (so a new rule kind or category cannot be forgotten).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

const root = process.cwd();

/** Appends `value` to the array at `at` (a path of keys and indexes) in a schema file of the copy. */
async function append(dir: string, file: string, at: (string | number)[], value: unknown): Promise<void> {
  const path = join(dir, 'schemas', file);
  const schema: unknown = JSON.parse(await readFile(path, 'utf8'));
  const list = at.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], schema);
  if (!Array.isArray(list)) throw new Error(`${file}: ${at.join('/')} is not an array`);
  list.push(value);
  await writeFile(path, JSON.stringify(schema, null, 2));
}

describe('contract enums', () => {
  let dir: string;
  beforeAll(async () => {
    // inside the repository so the copy resolves node_modules like the real tree
    await mkdir(join(root, 'test', '.run'), { recursive: true });
    dir = await mkdtemp(join(root, 'test', '.run', 'contracts-'));
    for (const part of ['src', 'schemas', 'scripts/build-types.mjs', 'tsconfig.json']) await cp(join(root, part), join(dir, part), { recursive: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('compile as they are', async () => {
    await execa('node', [join(dir, 'scripts', 'build-types.mjs')]);
    const tsc = await execa('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: dir, reject: false });
    expect(tsc.stdout).toBe('');
    expect(tsc.exitCode).toBe(0);
  }, 120_000);

  it('make the compiler name the code that must handle a new value', async () => {
    await append(dir, 'policy.schema.json', ['definitions', 'rule', 'oneOf'], {
      type: 'object', additionalProperties: false, required: ['rule', 'severity'],
      properties: { rule: { const: 'new-rule-kind' }, severity: { $ref: '#/definitions/severity' } },
    });
    await append(dir, 'inventory-record.schema.json', ['properties', 'failure', 'oneOf', 1, 'properties', 'category', 'enum'], 'new-failure-category');
    await append(dir, 'findings.schema.json', ['definitions', 'finding', 'properties', 'category', 'enum'], 'new-finding-category');
    await execa('node', [join(dir, 'scripts', 'build-types.mjs')]);
    const tsc = await execa('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: dir, reject: false });
    expect(tsc.exitCode).not.toBe(0);
    const errorsIn = (file: string) => tsc.stdout.split('\n').filter((l) => l.startsWith(file));
    expect(errorsIn('src/findings/server.ts').join('\n')).toMatch(/new-rule-kind/);
    expect(errorsIn('src/inventory/collect.ts').join('\n')).toMatch(/new-failure-category/);
    expect(errorsIn('src/runbooks/context.ts').join('\n')).toMatch(/new-finding-category/);
  }, 120_000);
});
