// The schemas are the contracts: the TypeScript types are generated from them, and every switch or table over a
// contract's enum is exhaustive. This test adds a value to each such enum in a copy of the tree and checks that
// the compiler then points at the code that must handle it (so a new rule kind or category cannot be forgotten).
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

const root = process.cwd();

async function mutate(dir: string, file: string, change: (schema: any) => void): Promise<void> {
  const path = join(dir, 'schemas', file);
  const schema = JSON.parse(await readFile(path, 'utf8'));
  change(schema);
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
    await mutate(dir, 'policy.schema.json', (s) => {
      s.definitions.rule.oneOf.push({
        type: 'object', additionalProperties: false, required: ['rule', 'severity'],
        properties: { rule: { const: 'new-rule-kind' }, severity: { $ref: '#/definitions/severity' } },
      });
    });
    await mutate(dir, 'inventory-record.schema.json', (s) => {
      s.properties.failure.oneOf[1].properties.category.enum.push('new-failure-category');
    });
    await mutate(dir, 'findings.schema.json', (s) => {
      s.definitions.finding.properties.category.enum.push('new-finding-category');
    });
    await execa('node', [join(dir, 'scripts', 'build-types.mjs')]);
    const tsc = await execa('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], { cwd: dir, reject: false });
    expect(tsc.exitCode).not.toBe(0);
    const errorsIn = (file: string) => tsc.stdout.split('\n').filter((l) => l.startsWith(file));
    expect(errorsIn('src/findings/server.ts').join('\n')).toMatch(/new-rule-kind/);
    expect(errorsIn('src/inventory/collect.ts').join('\n')).toMatch(/new-failure-category/);
    expect(errorsIn('src/runbooks/context.ts').join('\n')).toMatch(/new-finding-category/);
  }, 120_000);
});
