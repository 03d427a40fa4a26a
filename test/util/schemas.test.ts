// Validators compiled by `npm run build` (dist/validators) must judge exactly like the ones Ajv compiles at run time.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { describeErrors, prebuiltDir, schemaRegistry, schemasFingerprint, validatorFor } from '../../src/util/schemas.js';
import { packageRoot } from '../../src/util/paths.js';

const require = createRequire(import.meta.url);
const collectorOutput = () => JSON.parse(readFileSync(join(packageRoot, 'test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8'));
const record = (data: unknown) => ({
  schemaVersion: 1, server: 'EX01', address: 'ex01', transport: 'winrm', groups: { dag: null, site: null, role: null },
  status: 'ok', failure: null, startedAt: '2026-01-01T00:00:00Z', durationMs: 1, data,
});

describe('schema validators', () => {
  const built = existsSync(join(prebuiltDir, 'manifest.json'));

  (built ? test : test.skip)('the build compiled them from the schemas as they are now', () => {
    expect(JSON.parse(readFileSync(join(prebuiltDir, 'manifest.json'), 'utf8')).fingerprint).toBe(schemasFingerprint());
  });

  (built ? test : test.skip)('prebuilt and run-time compiled validators give the same verdicts and errors', () => {
    const prebuilt = require(join(prebuiltDir, 'inventory-record.schema.json.cjs')) as ValidateFunction;
    const compiled = schemaRegistry().getSchema('inventory-record.schema.json')!;
    expect(validatorFor('inventory-record.schema.json')).toBe(prebuilt);
    const broken = collectorOutput();
    broken.schannel.protocols[0].enabled = { present: true, type: 'REG_DWORD', value: 'x' };
    delete broken.os;
    for (const doc of [record(collectorOutput()), record(broken), { ...record(null), transport: 'telnet', extra: 1 }]) {
      expect(prebuilt(doc)).toBe(compiled(doc));
      expect(describeErrors(prebuilt.errors)).toEqual(describeErrors(compiled.errors));
    }
    expect(prebuilt(record(broken))).toBe(false);
  });
});
