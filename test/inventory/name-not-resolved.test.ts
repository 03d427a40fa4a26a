// A server whose name DNS does not know is its own failure category (name-not-resolved), told by the driver's
// pre-flight lookup rather than reported as "unreachable" after the connect time-out. ".invalid" never resolves
// (RFC 6761); the other server of the fleet is still read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatorFor } from '../../src/util/schemas.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'extls-dns-'));
const fleet = join(dir, 'fleet.yaml');
writeFileSync(
  fleet,
  [
    'defaults: { timeoutSeconds: 60 }',
    'servers:',
    '  - name: EX99',
    '    transport: winrm',
    '    address: ex99.nonexistent.invalid',
    '  - name: EX98',
    '    transport: ssh',
    '    address: ex98.nonexistent.invalid',
    '',
  ].join('\n'),
);

describe('an unresolvable name', () => {
  it('is name-not-resolved, for WinRM and SSH servers, with a schema-valid record', async () => {
    const r = await runCli(['inventory', '--fleet', fleet, '--format', 'json', '-q']);
    expect(r.exitCode).toBe(2);
    const doc = JSON.parse(r.stdout) as { servers: { server: string; failure: { category: string; message: string } }[] };
    for (const name of ['EX98', 'EX99']) {
      const rec = doc.servers.find((s) => s.server === name)!;
      expect(rec.failure.category).toBe('name-not-resolved');
      expect(rec.failure.message).toContain(`${name.toLowerCase()}.nonexistent.invalid does not resolve`);
    }
    expect(validatorFor('inventory.schema.json')(doc)).toBe(true);
    // the findings say what to do about it
    const a = await runCli(['analyze', '-', '--format', 'json'], { input: r.stdout });
    const findings = JSON.parse(a.stdout) as { servers: { findings: { explanation: string }[] }[] };
    expect(findings.servers[0]!.findings[0]!.explanation).toContain('does not resolve in DNS');
  }, 300_000);
});
