// No healthy server is ever reported failed: the fan-out driver under load (200 local servers, 32 at a time, a
// collector that answers at once so the pool's threads start and finish as fast as they can), repeated; and a loop
// of real demo-fleet collections. Each worker must see its own server's settings and nothing else.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { collectFleet, driverScript } from '../../src/inventory/collect.js';
import { parseFleet } from '../../src/fleet/load.js';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { streamPowerShellFile } from '../../src/powershell/run.js';
import type { InventoryRecord } from '../../src/inventory/types.js';

const SERVERS = 200;
const THROTTLE = 32;
const ROUNDS = 3;
const DEMO_RUNS = 3;

// A stand-in collector: echoes what its worker was given, so a worker reading another server's settings shows.
const FAKE_COLLECTOR = `param([string]$OptionsJson, $Unused)
$o = $OptionsJson | ConvertFrom-Json
[pscustomobject]@{ computerName = $o.computerName; marker = $o.nested.marker; count = @($o.nested.list).Count } | ConvertTo-Json -Compress
`;

describe('fan-out driver under load', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-stress-'));
    await writeFile(join(dir, 'fake-collector.ps1'), FAKE_COLLECTOR);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(`${SERVERS} local servers at throttle ${THROTTLE}, ${ROUNDS} rounds: every server ok, with its own settings`, async () => {
    const pwsh = locatePowerShell().path;
    const servers = Array.from({ length: SERVERS }, (_, i) => ({
      name: `EX${String(i).padStart(3, '0')}`,
      transport: 'local',
      address: `ex${i}.contoso.test`,
      port: null,
      timeoutSeconds: 120,
      connectTimeoutSeconds: 5,
      winrm: { useSsl: false, authentication: null, useCredential: true },
      ssh: { userName: null, keyFilePath: null, options: {} },
      collectorOptions: { computerName: `EX${String(i).padStart(3, '0')}`, nested: { marker: `m${i}`, list: Array.from({ length: i % 7 }, (_, k) => ({ k })) } },
    }));
    const job = JSON.stringify({ collectorPath: join(dir, 'fake-collector.ps1'), throttle: THROTTLE, credential: null, servers });
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const lines: Record<string, unknown>[] = [];
      const result = await streamPowerShellFile(pwsh, driverScript, job, (line) => {
        if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
      });
      expect(result.exitCode).toBe(0);
      expect(lines.map((l) => l.server).sort()).toEqual(servers.map((s) => s.name));
      for (const l of lines) {
        const i = Number(String(l.server).slice(2));
        if (l.outcome !== 'ok') {
          failures.push(`round ${round}: ${String(l.server)}: ${String(l.category)}: ${String(l.message)}`);
          continue;
        }
        expect(JSON.parse(String(l.output))).toEqual({ computerName: l.server, marker: `m${i}`, count: i % 7 });
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it(`the demo fleet, ${DEMO_RUNS} runs: only the unreachable EX08 fails`, async () => {
    const file = resolve('examples', 'demo', 'fleet.yaml');
    const fleet = parseFleet(readFileSync(file, 'utf8'), file, resolve('examples', 'demo'));
    const pwsh = locatePowerShell().path;
    const spurious: string[] = [];
    for (let run = 0; run < DEMO_RUNS; run++) {
      const records: InventoryRecord[] = [];
      await collectFleet(fleet, { pwsh, onRecord: (r) => void records.push(r) });
      expect(records.map((r) => r.server).sort()).toEqual(fleet.servers.map((s) => s.name).sort());
      for (const r of records) {
        if (r.server === 'EX08') expect(r.failure?.category).toBe('unreachable');
        else if (r.status !== 'ok') spurious.push(`run ${run}: ${r.server}: ${r.failure?.category}: ${r.failure?.message}`);
      }
    }
    expect(spurious).toEqual([]);
  }, 600_000);
});
