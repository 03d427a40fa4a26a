import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { packageRoot, schemasDir } from './paths.js';

const require = createRequire(import.meta.url);

/**
 * The Ajv options; scripts/build-validators.mjs compiles with the same ones. inlineRefs: false keeps each $ref'd
 * definition one function instead of a copy at every use (docs/decisions/prebuilt-validators.md).
 */
export const ajvOptions = { allErrors: true, strict: false, inlineRefs: false } as const;

/** Where `npm run build` puts the validators it compiled from schemas/ (one CommonJS module per schema). */
export const prebuiltDir = join(packageRoot, 'dist', 'validators');

let ajv: Ajv | undefined;

const schemaFiles = () => readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort();

/** One Ajv instance with every schema in schemas/ registered by file name, so $refs between them resolve. */
export function schemaRegistry(): Ajv {
  if (!ajv) {
    // loaded only when a validator has to be compiled here (no build, or schemas changed since)
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
    ajv = new AjvClass(ajvOptions);
    for (const file of schemaFiles()) {
      const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8'));
      ajv.addSchema(schema, file);
    }
  }
  return ajv;
}

/** Identifies the schemas and the compiler: prebuilt validators are used only when it matches. */
export function schemasFingerprint(): string {
  const hash = createHash('sha256').update(JSON.stringify(ajvOptions));
  hash.update((JSON.parse(readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string }).version);
  for (const file of schemaFiles()) hash.update(`\u0000${file}\u0000`).update(readFileSync(join(schemasDir, file)));
  return hash.digest('hex');
}

let prebuilt: boolean | undefined;

/** The validator compiled at build time, or null (docs/decisions/prebuilt-validators.md). */
function prebuiltValidator<T>(schemaFile: string): ValidateFunction<T> | null {
  if (prebuilt === undefined) {
    const manifest = join(prebuiltDir, 'manifest.json');
    prebuilt = existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { fingerprint?: string }).fingerprint === schemasFingerprint();
  }
  const file = join(prebuiltDir, `${schemaFile}.cjs`);
  return prebuilt && existsSync(file) ? (require(file) as ValidateFunction<T>) : null;
}

const validators = new Map<string, ValidateFunction>();

export function validatorFor<T>(schemaFile: string): ValidateFunction<T> {
  let validate = validators.get(schemaFile) as ValidateFunction<T> | undefined;
  if (!validate) {
    validate = prebuiltValidator<T>(schemaFile) ?? schemaRegistry().getSchema<T>(schemaFile);
    if (!validate) throw new Error(`schema ${schemaFile} is not in ${schemasDir}`);
    validators.set(schemaFile, validate);
  }
  return validate;
}

/** "servers/3/transport: must be equal to one of the allowed values (winrm, ssh, local)" lines. */
export function describeErrors(errors: ErrorObject[] | null | undefined, limit = 10): string[] {
  const lines = (errors ?? []).map((e) => {
    const where = e.instancePath === '' ? '(top level)' : e.instancePath.slice(1);
    let what = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') what = `has unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'enum') what += ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})`;
    return `${where}: ${what}`;
  });
  const unique = [...new Set(lines)];
  return unique.length > limit ? [...unique.slice(0, limit), `... and ${unique.length - limit} more`] : unique;
}
