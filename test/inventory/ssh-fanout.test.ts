// Fan-out over real PowerShell SSH remoting: Debian's sshd on loopback, pwsh as its powershell subsystem.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { validatorFor } from '../../src/util/schemas.js';
import type { Inventory, InventoryRecord } from '../../src/inventory/types.js';
import { startSshd, type SshdInstance } from '../helpers/sshd.mjs';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { freePort, silentServer } from '../helpers/net.js';
import { runCli } from '../helpers/cli.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'inventory');

describe('inventory over PowerShell SSH remoting', () => {
  let sshd: SshdInstance;
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let dir: string;
  let records: Map<string, InventoryRecord>;
  let inventory: Inventory;
  let exitCode: number | undefined;
  let stdoutLines: string[];

  beforeAll(async () => {
    sshd = await startSshd(4, locatePowerShell().path);
    silent = await silentServer();
    dir = await mkdtemp(join(tmpdir(), 'extls-ssh-'));
    const refusedPort = await freePort();
    const ssh = (port: number, extra: Record<string, unknown> = {}) => ({
      port,
      userName: sshd.userName,
      keyFilePath: sshd.keyFilePath,
      options: { UserKnownHostsFile: sshd.knownHostsFile },
      ...extra,
    });
    const okCollector = { registryExports: [join(fixtures, 'server-ok.reg')], scanLogs: false };
    const fleet = {
      defaults: { transport: 'ssh', timeoutSeconds: 60, throttle: 8 },
      servers: [
        { name: 'SSH-A', address: '127.0.0.1', ssh: ssh(sshd.ports[0]!), collector: okCollector, site: 'Lab' },
        { name: 'SSH-B', address: '127.0.0.1', ssh: ssh(sshd.ports[1]!), collector: okCollector, dag: 'DAG-FLEET' },
        { name: 'SSH-C', address: '127.0.0.1', ssh: ssh(sshd.ports[2]!), collector: okCollector },
        // the collector on this one throws: its .reg export is malformed
        { name: 'SSH-THROWS', address: '127.0.0.1', ssh: ssh(sshd.ports[3]!), collector: { registryExports: [join(fixtures, 'malformed.reg')] } },
        { name: 'SSH-REFUSED', address: '127.0.0.1', ssh: ssh(refusedPort) },
        { name: 'SSH-SILENT', address: '127.0.0.1', ssh: ssh(silent.port, { connectTimeoutSeconds: 3 }) },
        // a key the server does not know
        { name: 'SSH-BADKEY', address: '127.0.0.1', ssh: ssh(sshd.ports[0]!, { keyFilePath: join(sshd.dir, 'host_ed25519') }) },
      ],
    };
    await writeFile(join(dir, 'fleet.json'), JSON.stringify(fleet));
    const out = join(dir, 'inventory.json');
    const r = await runCli(['inventory', '--fleet', join(dir, 'fleet.json'), '--out', out, '--format', 'ndjson', '--quiet']);
    exitCode = r.exitCode;
    stdoutLines = r.stdout.split('\n').filter(Boolean);
    inventory = JSON.parse(await readFile(out, 'utf8')) as Inventory;
    records = new Map(inventory.servers.map((s) => [s.server, s]));
  }, 180_000);

  afterAll(async () => {
    await sshd?.stop();
    await silent?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 because some servers failed, and writes a schema-valid inventory', () => {
    expect(exitCode).toBe(2);
    const validate = validatorFor('inventory.schema.json');
    expect(validate(inventory)).toBe(true);
    expect(inventory.summary).toEqual({ total: 7, ok: 3, failed: 4 });
  });

  it('gives every server exactly one record', () => {
    expect(inventory.servers.map((s) => s.server).sort()).toEqual(
      ['SSH-A', 'SSH-B', 'SSH-BADKEY', 'SSH-C', 'SSH-REFUSED', 'SSH-SILENT', 'SSH-THROWS'],
    );
  });

  it('streams the same records as NDJSON on stdout', () => {
    const streamed = stdoutLines.map((l) => JSON.parse(l) as InventoryRecord);
    expect(streamed.map((r) => r.server).sort()).toEqual([...records.keys()].sort());
  });

  it('collects the reachable servers over SSH with the collector data', () => {
    for (const name of ['SSH-A', 'SSH-B', 'SSH-C']) {
      const r = records.get(name)!;
      expect(r.status).toBe('ok');
      expect(r.transport).toBe('ssh');
      expect(r.failure).toBeNull();
      expect(r.data!.computerName).toBe(name);
      expect(r.data!.exchange.build).toBe('15.2.1544.4');
      const tls12 = r.data!.schannel.protocols.find((p) => p.protocol === 'TLS 1.2' && p.side === 'Server')!;
      expect(tls12.enabled).toEqual({ present: true, type: 'REG_DWORD', value: 1 });
    }
    // grouping: the fleet file wins; otherwise the cluster name the collector found is the DAG
    expect(records.get('SSH-A')!.groups).toEqual({ dag: 'DAG01', site: 'Lab', role: 'Mailbox' });
    expect(records.get('SSH-B')!.groups.dag).toBe('DAG-FLEET');
  });

  it('records a refused connection as unreachable', () => {
    const r = records.get('SSH-REFUSED')!;
    expect(r.status).toBe('failed');
    expect(r.failure!.category).toBe('unreachable');
    expect(r.failure!.message).toMatch(/refused/i);
    expect(r.data).toBeNull();
  });

  it('records a server that accepts TCP but never answers as a timeout', () => {
    const r = records.get('SSH-SILENT')!;
    expect(r.failure!.category).toBe('timeout');
    expect(r.failure!.message).toMatch(/no SSH banner/);
  });

  it('records a refused key as auth', () => {
    expect(records.get('SSH-BADKEY')!.failure!.category).toBe('auth');
  });

  it('records a collector that throws as collector-error naming the file and line', () => {
    const r = records.get('SSH-THROWS')!;
    expect(r.failure!.category).toBe('collector-error');
    expect(r.failure!.message).toMatch(/malformed\.reg:4/);
  });
});
