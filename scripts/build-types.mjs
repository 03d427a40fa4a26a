// The JSON Schemas in schemas/ are the contracts between the stages; the TypeScript types are generated from them
// into src/contracts/<name>.ts (not committed) before tsc runs, so a type can never drift from its schema.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemasDir = join(root, 'schemas');
const outDir = join(root, 'src', 'contracts');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const files = readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort();
for (const file of files) {
  const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8'));
  const ts = await compile(schema, schema.title ?? file, {
    cwd: schemasDir,
    bannerComment: `// Generated from schemas/${file} by scripts/build-types.mjs. Edit the schema, not this file.\n/* eslint-disable */`,
    additionalProperties: false,
    unreachableDefinitions: true,
    format: true,
    style: { singleQuote: true, printWidth: 120 },
  });
  writeFileSync(join(outDir, file.replace(/\.schema\.json$/, '.ts')), ts);
}
console.log(`generated ${files.length} contract types in ${outDir}`);
