// The WinRM path cannot run here (no WSMan client on Linux); it is the same driver code as SSH with other
// Invoke-Command parameters, so these tests check exactly what the driver passes, via its -PlanOnly mode.
import { parseFleet } from '../../src/fleet/load.js';
import { buildDriverJob, localJob, planFleet } from '../../src/inventory/collect.js';
import { locatePowerShell } from '../../src/powershell/locate.js';

const fleet = parseFleet(
  `
defaults:
  transport: winrm
  winrm: { useSsl: true, authentication: Kerberos }
servers:
  - name: EX01
    address: ex01.contoso.com
  - name: EX02
    winrm: { useSsl: false, port: 5985, authentication: Negotiate }
    timeoutSeconds: 20
  - name: EX03
    winrm: { useCredential: false }
  - name: "EX04'; Remove-Item C:\\\\ -Recurse; '"
    address: "$(Get-Process)"
  - name: LNX
    transport: ssh
    address: 10.0.0.5
    ssh: { userName: admin, keyFilePath: /keys/id, port: 2222, options: { UserKnownHostsFile: /keys/known } }
`,
  'fleet.yaml',
  '/',
);

describe('driver parameters per transport (-PlanOnly)', () => {
  const credential = { userName: 'CONTOSO\\svc-extls', password: "pa'ss$(whoami)`word" };
  let plans: Awaited<ReturnType<typeof planFleet>>;

  beforeAll(async () => {
    plans = await planFleet(fleet, { pwsh: locatePowerShell().path, credential });
  }, 60_000);

  const planOf = (server: string) => plans.find((p) => p.server === server)!.plan;

  it('passes WinRM over HTTPS with Kerberos and the stdin credential', () => {
    expect(planOf('EX01')).toEqual({
      transport: 'winrm',
      ComputerName: 'ex01.contoso.com',
      Port: 5986,
      UseSSL: true,
      Authentication: 'Kerberos',
      Credential: 'CONTOSO\\svc-extls',
      SessionOption: { OpenTimeout: 30000 },
      ScriptBlock: 'ExTlsCollector.ps1',
      ArgumentList: [JSON.stringify({ computerName: 'EX01' }), null],
    });
  });

  it('passes plain WinRM on 5985 with Negotiate, and a shorter connect timeout', () => {
    const p = planOf('EX02');
    expect(p).toMatchObject({ ComputerName: 'EX02', Port: 5985, Authentication: 'Negotiate', SessionOption: { OpenTimeout: 20000 } });
    expect(p).not.toHaveProperty('UseSSL');
  });

  it('leaves the credential out where the fleet says so (current Kerberos identity)', () => {
    expect(planOf('EX03')).not.toHaveProperty('Credential');
  });

  it('passes hostile names and addresses through as data', () => {
    const hostile = fleet.servers[3]!.name;
    expect(hostile).toBe("EX04'; Remove-Item C:\\ -Recurse; '");
    const p = planOf(hostile);
    expect(p.ComputerName).toBe('$(Get-Process)');
    expect(p.ArgumentList).toEqual([JSON.stringify({ computerName: hostile }), null]);
  });

  it('passes SSH host, port, user, key and ssh options, in batch mode', () => {
    expect(planOf('LNX')).toEqual({
      transport: 'ssh',
      HostName: '10.0.0.5',
      Port: 2222,
      UserName: 'admin',
      KeyFilePath: '/keys/id',
      Options: { UserKnownHostsFile: '/keys/known', BatchMode: 'yes', ConnectTimeout: '30' },
      ScriptBlock: 'ExTlsCollector.ps1',
      ArgumentList: [JSON.stringify({ computerName: 'LNX' }), null],
    });
  });

  it('never shows the password anywhere in the plan', () => {
    expect(JSON.stringify(plans)).not.toContain('pa\'ss');
  });

  it('hands the credential to the driver on stdin, not in arguments', () => {
    const job = buildDriverJob(fleet, { credential });
    expect(job.credential).toEqual(credential);
    expect(job.throttle).toBe(32);
  });
});

describe('the driver job', () => {
  it('arrives complete: every default resolved by the fleet loader, none left to the driver', () => {
    const job = buildDriverJob(parseFleet('servers:\n  - name: A\n  - name: B\n    transport: ssh\n  - name: C\n    transport: local\n', 'f.yaml', '/'), {});
    expect(job.throttle).toBe(32);
    expect(job.servers).toEqual([
      expect.objectContaining({ name: 'A', transport: 'winrm', address: 'A', port: 5985, timeoutSeconds: 300, connectTimeoutSeconds: 30, winrm: { useSsl: false, authentication: null, useCredential: true } }),
      expect.objectContaining({ name: 'B', transport: 'ssh', port: 22, ssh: { userName: null, keyFilePath: null, options: {} } }),
    ]);
    // C (local) is not the driver's: the control node's sessions run it, with the options planFleet shows
    expect(localJob(parseFleet('servers: [{ name: C, transport: local, timeoutSeconds: 7 }]', 'f.yaml', '/').servers[0]!, {})).toEqual({
      target: { name: 'C', address: 'C', groups: { dag: null, site: null, role: null }, transport: 'local' },
      collectorOptions: { computerName: 'C' },
      timeoutSeconds: 7,
    });
    const ssl = buildDriverJob(parseFleet('defaults: { winrm: { useSsl: true }, timeoutSeconds: 10 }\nservers: [{ name: A }]\n', 'f.yaml', '/'), {});
    expect(ssl.servers[0]).toMatchObject({ port: 5986, timeoutSeconds: 10, connectTimeoutSeconds: 10 });
  });
});
