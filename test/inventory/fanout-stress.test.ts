// No healthy server is ever reported failed: the control node's session engine under load (200 local servers at
// throttle 32, a collector that answers at once so runs start and finish as fast as they can), repeated; and a
// loop of real demo-fleet collections. Each run must see its own server's settings and nothing else.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { collectFleet } from '../../src/inventory/collect.js';
import { collectLocal, type LocalJob } from '../../src/inventory/local-engine.js';
import { parseFleet } from '../../src/fleet/load.js';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { collectorScript, packageRoot } from '../../src/util/paths.js';
import type { InventoryRecord } from '../../src/inventory/types.js';

const SERVERS = 200;
const THROTTLE = 32;
const ROUNDS = 3;
const DEMO_RUNS = 3;

// A stand-in collector: the real collector's output for one server, with the computer name it was given; it
// fails if the nested settings it got belong to another server.
const FAKE_COLLECTOR = `param([string]$OptionsJson)
$o = $OptionsJson | ConvertFrom-Json
if ($o.nested.marker -ne ('m' + [int]$o.computerName.Substring(2)) -or @($o.nested.list).Count -ne ([int]$o.computerName.Substring(2) % 7)) {
    throw "$($o.computerName) was given another server's settings: $OptionsJson"
}
$template = [IO.File]::ReadAllText((Join-Path $PSScriptRoot 'template.json'))
$template.Replace('"__NAME__"', ($o.computerName | ConvertTo-Json))
`;

describe('local collection under load', () => {
  let dir: string;
  const pwsh = locatePowerShell().path;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-stress-'));
    await writeFile(join(dir, 'fake-collector.ps1'), FAKE_COLLECTOR);
    const reg = join(packageRoot, 'test', 'fixtures', 'inventory', 'server-ok.reg');
    const real = await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', collectorScript, '-OptionsJson',
      JSON.stringify({ computerName: '__NAME__', registryExports: [reg], scanLogs: false })]);
    await writeFile(join(dir, 'template.json'), real.stdout);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(`${SERVERS} local servers at throttle ${THROTTLE}, ${ROUNDS} rounds: every server ok, with its own settings`, async () => {
    const jobs: LocalJob[] = Array.from({ length: SERVERS }, (_, i) => {
      const name = `EX${String(i).padStart(3, '0')}`;
      return {
        target: { name, address: `ex${i}.contoso.test`, groups: { dag: null, site: null, role: null }, transport: 'local' },
        collectorOptions: { computerName: name, nested: { marker: `m${i}`, list: Array.from({ length: i % 7 }, (_, k) => ({ k })) } },
        timeoutSeconds: 120,
      };
    });
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const records: InventoryRecord[] = [];
      await collectLocal(jobs, { pwsh, throttle: THROTTLE, collectorPath: join(dir, 'fake-collector.ps1'), onRecord: (r) => void records.push(r) });
      expect(records.map((r) => r.server).sort()).toEqual(jobs.map((j) => j.target.name));
      for (const r of records) {
        if (r.status !== 'ok') failures.push(`round ${round}: ${r.server}: ${r.failure?.category}: ${r.failure?.message}`);
        else expect(r.data!.computerName).toBe(r.server);
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it(`the demo fleet, ${DEMO_RUNS} runs: only the unreachable EX08 fails`, async () => {
    const file = resolve('examples', 'demo', 'fleet.yaml');
    const fleet = parseFleet(readFileSync(file, 'utf8'), file, resolve('examples', 'demo'));
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
