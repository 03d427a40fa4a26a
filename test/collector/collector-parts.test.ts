// The collector's parts below the main script: the registry layer's interface, and a section that throws
// (it must not kill the run: a warning, and that section's "nothing found" shape).
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { psDir } from '../../src/util/paths.js';
import { schemaRegistry, describeErrors } from '../../src/util/schemas.js';
import { absent, dword, type CollectorOutput } from './util.js';

const harness = fileURLToPath(new URL('./Invoke-CollectorParts.ps1', import.meta.url));
const tls12 = fileURLToPath(new URL('../fixtures/reg/ms-docs_exchange-tls-configuration/TLS12-Enable.reg', import.meta.url));

it('registry layer interface; a failing section gives a warning and a schema-shaped empty section, and the registry source is restored', async () => {
  const run = await execa(
    locatePowerShell().path,
    ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', harness, '-CollectorDir', join(psDir, 'collector'), '-RegFile', tls12],
    { reject: false },
  );
  expect(run.stderr).toBe('');
  const out = JSON.parse(run.stdout) as { section: CollectorOutput['schannel']; warnings: unknown[]; kind: string; after: unknown; layer: unknown };
  expect(out.warnings).toEqual([{ section: 'schannel', message: 'unexpected data under SCHANNEL' }]);
  expect(out.section.protocols).toHaveLength(12);
  for (const p of out.section.protocols) expect(p).toMatchObject({ keyExists: false, enabled: absent, disabledByDefault: absent });
  // the section's shape is what the schema asks for
  const validate = schemaRegistry().compile({ $ref: 'collector-output.schema.json#/properties/schannel' });
  expect(validate(out.section) ? [] : describeErrors(validate.errors)).toEqual([]);
  expect(out.kind).toBe('reg-export');
  expect(out.after).toEqual(dword(1));
  // registry layer: case-insensitive paths, HKEY_LOCAL_MACHINE alias, trailing backslash, implied parent keys
  expect(out.layer).toEqual({
    subKeys: ['Client', 'Server'],
    valueNames: ['DisabledByDefault', 'Enabled'],
    noValueNames: [],
    keyExists: true,
    parentExists: true,
    missingExists: false,
  });
});
