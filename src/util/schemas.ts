import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { schemasDir } from './paths.js';

let ajv: Ajv | undefined;

/** One Ajv instance with every schema in schemas/ registered by file name, so $refs between them resolve. */
export function schemaRegistry(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false });
    for (const file of readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json'))) {
      const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8'));
      ajv.addSchema(schema, file);
    }
  }
  return ajv;
}

export function validatorFor<T>(schemaFile: string): ValidateFunction<T> {
  const validate = schemaRegistry().getSchema<T>(schemaFile);
  if (!validate) throw new Error(`schema ${schemaFile} is not in ${schemasDir}`);
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
