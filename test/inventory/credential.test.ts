// A WinRM credential arrives on stdin and must not surface anywhere: output, progress, inventory, errors.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';

describe('--credential-stdin', () => {
  const password = 'S3cr3t-p@ss\'word-$(whoami)';

  it('uses the credential without leaking it, and reads the fleet from the rest of stdin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'extls-cred-'));
    const port = await freePort();
    const fleet = JSON.stringify({ servers: [{ name: 'EX01', transport: 'winrm', address: '127.0.0.1', winrm: { port } }] });
    const input = JSON.stringify({ userName: 'CONTOSO\\svc', password }) + '\n' + fleet;
    const out = join(dir, 'inventory.json');
    const r = await runCli(['inventory', '--fleet', '-', '--credential-stdin', '--out', out, '--format', 'ndjson', '--verbose'], { input });
    expect(r.exitCode).toBe(2);
    const written = await readFile(out, 'utf8');
    for (const text of [r.stdout, r.stderr, written]) expect(text).not.toContain('S3cr3t');
    expect(JSON.parse(r.stdout.trim()).failure.category).toBe('unreachable');
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('refuses a malformed credential line without echoing it', async () => {
    const r = await runCli(['inventory', '--fleet', '-', '--credential-stdin', '--format', 'ndjson'], { input: `{"userName":"x","pass":"${password}"}\nservers: []` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('--credential-stdin: the first stdin line must be JSON');
    expect(r.stderr).not.toContain('S3cr3t');
  });
});
