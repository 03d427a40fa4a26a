// The fan-out driver's main thread must not share parsed server objects with its pool workers: a PSObject read
// from two threads at once can fail the read ("The property 'Properties' cannot be found on this object"),
// which turned a healthy server into a collector-error now and then. The race itself fires too rarely through
// the driver to catch in a test (see docs/decisions/driver-worker-isolation.md), so these tests check the
// condition for it instead: once by running the driver and watching which threads read the parsed servers,
// once by reading the driver's code.
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFleet } from '../../src/fleet/load.js';
import { buildDriverJob, driverScript } from '../../src/inventory/collect.js';
import { locatePowerShell } from '../../src/powershell/locate.js';

const readProbe = fileURLToPath(new URL('./Invoke-DriverReadProbe.ps1', import.meta.url));
const sharedStateCheck = fileURLToPath(new URL('./Find-SharedWorkerState.ps1', import.meta.url));
const pwshArgs = ['-NoLogo', '-NoProfile', '-NonInteractive', '-File'];

// WinRM and SSH servers planned, not contacted: the workers read every setting of their server all the same.
const servers = Array.from({ length: 12 }, (_, i) =>
  i % 2 === 0
    ? `  - { name: EX${i}, address: ex${i}.contoso.com, winrm: { useSsl: ${i % 4 === 0}, authentication: Kerberos } }`
    : `  - { name: LNX${i}, transport: ssh, address: 10.0.0.${i}, ssh: { userName: admin, port: 2222, options: { StrictHostKeyChecking: 'yes' } } }`,
);
const fleet = parseFleet(`defaults: { throttle: 4 }\nservers:\n${servers.join('\n')}\n`, 'fleet.yaml', '/');

interface ProbeLine {
  probe: { mainReads: number; foreignReads: string[] };
}

describe('fan-out driver: pool workers never read the main thread\'s parsed servers', () => {
  it('runs the driver with every server read watched: only the main thread reads them, and every server is planned', async () => {
    const job = buildDriverJob(fleet, { credential: { userName: 'CONTOSO\\svc-extls', password: 'not-a-secret' } });
    const run = await execa(locatePowerShell().path, [...pwshArgs, readProbe, '-Driver', driverScript], { input: JSON.stringify(job), reject: false });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const probe = (lines.pop() as unknown as ProbeLine).probe;
    // The probe was in place (the driver parsed its job through it and read the servers)...
    expect(probe.mainReads).toBeGreaterThan(0);
    // ...and no worker thread read any of them.
    expect(probe.foreignReads).toEqual([]);
    expect(lines.map((l) => [l.server, l.outcome, (l.plan as { transport: string }).transport]).sort()).toEqual(
      fleet.servers.map((s) => [s.name, 'plan', s.transport]).sort(),
    );
    const ex4 = lines.find((l) => l.server === 'EX4')!.plan as Record<string, unknown>;
    expect(ex4).toMatchObject({ ComputerName: 'ex4.contoso.com', Port: 5986, UseSSL: true, Authentication: 'Kerberos', Credential: 'CONTOSO\\svc-extls' });
    const lnx = lines.find((l) => l.server === 'LNX5')!.plan as Record<string, unknown>;
    expect(lnx).toMatchObject({ HostName: '10.0.0.5', Port: 2222, UserName: 'admin', Options: { StrictHostKeyChecking: 'yes', BatchMode: 'yes' } });
  }, 60_000);
});

// Synthetic fan-outs for the check's own tests: the shapes of sharing it must find, and the shape it must accept.
const head = [
  '$worker = { param($Server, [string]$Text, $Credential, [bool]$PlanOnly); $Server.name }',
  '$job = [Console]::In.ReadToEnd() | ConvertFrom-Json',
  '$pool = [runspacefactory]::CreateRunspacePool(1, [int]$job.throttle); $pool.Open()',
];
const samples: Record<string, string[]> = {
  queue: [
    ...head,
    '$pending = New-Object System.Collections.Queue',
    'foreach ($s in @($job.servers)) { $pending.Enqueue($s) }',
    '$running = New-Object System.Collections.ArrayList',
    'while ($pending.Count -gt 0 -or $running.Count -gt 0) {',
    '  $server = $pending.Dequeue(); $ps = [powershell]::Create(); $ps.RunspacePool = $pool',
    "  [void]$ps.AddScript($worker).AddArgument($server).AddArgument('x').AddArgument($null).AddArgument($true)",
    '  [void]$running.Add(@{ server = $server; ps = $ps; handle = $ps.BeginInvoke() })',
    '  foreach ($item in @($running)) { $name = [string]$item.server.name; if ($item.handle.IsCompleted) { $running.Remove($item) } }',
    '}',
  ],
  otherWays: [
    ...head,
    "$iss = New-Object System.Management.Automation.Runspaces.SessionStateVariableEntry ('fleet', $job, '')",
    'foreach ($s in $job.servers) {',
    "  $entry = @{ json = ($s | ConvertTo-Json -Compress); options = $s.collectorOptions }",
    '  $ps = [powershell]::Create(); $ps.RunspacePool = $pool',
    "  [void]$ps.AddScript($worker).AddParameter('Server', $entry.options).AddArgument($entry.json)",
    '  $h = $ps.BeginInvoke()',
    '}',
  ],
  copies: [
    '$worker = { param([string]$ServerJson, $Credential); $Server = $ServerJson | ConvertFrom-Json; $Credential.UserName }',
    '$job = [Console]::In.ReadToEnd() | ConvertFrom-Json',
    '$pool = [runspacefactory]::CreateRunspacePool(1, [int]$job.throttle); $pool.Open()',
    '$pending = New-Object System.Collections.Queue',
    'foreach ($s in @($job.servers)) { $pending.Enqueue(@{ json = ($s | ConvertTo-Json -Depth 20 -Compress); name = [string]$s.name; timeoutMs = [double]$s.timeoutSeconds * 1000 }) }',
    '$running = New-Object System.Collections.ArrayList',
    'while ($pending.Count -gt 0) {',
    '  $server = $pending.Dequeue(); $ps = [powershell]::Create(); $ps.RunspacePool = $pool',
    '  [void]$ps.AddScript($worker).AddArgument($server.json).AddArgument($null)',
    '  [void]$running.Add(@{ server = $server; ps = $ps; handle = $ps.BeginInvoke() })',
    '  foreach ($item in @($running)) { $name = $item.server.name; $late = $item.server.timeoutMs }',
    '}',
  ],
  credential: [
    "$worker = { param([string]$ServerJson, $Credential); if ($Credential.PSObject.Properties['UserName']) { 1 } }",
    "$ps = [powershell]::Create(); [void]$ps.AddScript($worker).AddArgument('{}'); while ($true) { $h = $ps.BeginInvoke(); break }",
  ],
};

describe('fan-out driver code: nothing parsed crosses into a worker', () => {
  let dir: string;
  const found: Record<string, string[]> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'extls-shared-'));
    const files: Record<string, string> = { driver: driverScript };
    for (const [name, lines] of Object.entries(samples)) {
      files[name] = join(dir, `${name}.ps1`);
      writeFileSync(files[name], lines.join('\n'));
    }
    // One PowerShell start for all of them: -File passes "a,b" as one string, which the check splits.
    const run = await execa(locatePowerShell().path, [...pwshArgs, sharedStateCheck, '-Path', Object.values(files).join(',')], { reject: false });
    if (run.exitCode !== 0) throw new Error(`check failed: ${run.stderr}`);
    const byPath = JSON.parse(run.stdout) as Record<string, string[]>;
    for (const [name, file] of Object.entries(files)) found[name] = byPath[file]!;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the driver passes workers only text, booleans and the credential, and its polling loop reads no parsed object', () => {
    expect(found.driver).toEqual([]);
  });

  it('the check finds a parsed server handed to a worker through a queue, and read again by the polling loop', () => {
    expect(found.queue).toEqual([
      'line 9: a parsed object crosses into a worker through AddArgument: $server',
      'line 11: the loop running beside the workers reads a parsed object: $item.server.name',
      'line 1: worker parameter $Server is not a [string], number or [bool] copy',
    ]);
  });

  it('the check finds a parsed value given as a parameter, as a runspace variable, or read while workers run', () => {
    expect(found.otherWays).toEqual([
      'line 8: a parsed object crosses into a worker through AddParameter: $entry.options',
      "line 4: a parsed object becomes a runspace variable: New-Object System.Management.Automation.Runspaces.SessionStateVariableEntry ('fleet', $job, '')",
      'line 5: the loop running beside the workers reads a parsed object: $job.servers',
      'line 6: the loop running beside the workers reads a parsed object: $s.collectorOptions',
      'line 1: worker parameter $Server is not a [string], number or [bool] copy',
    ]);
  });

  it('the check accepts JSON text and plain copies read before the workers start', () => {
    expect(found.copies).toEqual([]);
  });

  it("the check finds a worker opening the shared credential's member sets", () => {
    expect(found.credential).toEqual(["line 1: the worker opens the shared credential's member sets: $Credential.PSObject"]);
  });
});
