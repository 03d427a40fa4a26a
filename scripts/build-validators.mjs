// Compiles every schema in schemas/ into dist/validators/<file>.cjs (Ajv standalone code) with a manifest naming
// the schemas' fingerprint. At run time src/util/schemas.ts uses these instead of compiling the schemas again in
// every process, and falls back to compiling when the fingerprint differs (docs/decisions/prebuilt-validators.md).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { Ajv } = require('ajv');
const standaloneCode = require('ajv/dist/standalone').default;
const { ajvOptions, prebuiltDir, schemasFingerprint } = await import('../dist/util/schemas.js');
const { schemasDir } = await import('../dist/util/paths.js');

const files = readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort();
const ajv = new Ajv({ ...ajvOptions, code: { source: true } });
for (const file of files) ajv.addSchema(JSON.parse(readFileSync(join(schemasDir, file), 'utf8')), file);

rmSync(prebuiltDir, { recursive: true, force: true });
mkdirSync(prebuiltDir, { recursive: true });
for (const file of files) writeFileSync(join(prebuiltDir, `${file}.cjs`), standaloneCode(ajv, ajv.getSchema(file)));
writeFileSync(join(prebuiltDir, 'manifest.json'), JSON.stringify({ fingerprint: schemasFingerprint(), schemas: files }, null, 2) + '\n');
console.log(`built ${files.length} validators in ${prebuiltDir}`);
