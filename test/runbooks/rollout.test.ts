// Rollout waves, the maintenance steps fitted to each kind of server, and held-back policies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { planWaves, type WaveCandidate } from '../../src/runbooks/waves.js';
import { blocker, change, findingsDoc, SCHANNEL, server, tls12Changes } from './findings-builder.js';
import { writeReg, type RegModel } from './reg-file.js';
import { PWSH_TIMEOUT, runDir, runScript } from './run-script.js';

describe('planWaves', () => {
  const c = (name: string, dag: string | null, extra: Partial<WaveCandidate> = {}): WaveCandidate => ({ name, dag, site: null, isEdge: false, ...extra });

  test('never two members of one DAG in a wave; as many waves as the largest DAG', () => {
    const servers = [
      ...['A1', 'A2', 'A3', 'A4'].map((n) => c(n, 'DAG-A')),
      ...['B1', 'B2'].map((n) => c(n, 'DAG-B')),
      c('S1', null),
      c('S2', null),
    ];
    const waves = planWaves(servers);
    expect(waves).toHaveLength(4);
    for (const w of waves) {
      const dags = w.map((s) => s.dag).filter(Boolean);
      expect(new Set(dags).size).toBe(dags.length);
    }
    expect(waves.flat().map((s) => s.name).sort()).toEqual(servers.map((s) => s.name).sort());
  });

  test('DAG names compare case-insensitively; Edge servers of one site are spread too', () => {
    const waves = planWaves([c('A1', 'dag1'), c('A2', 'DAG1'), c('E1', null, { isEdge: true, site: 'DMZ' }), c('E2', null, { isEdge: true, site: 'dmz' }), c('E3', null, { isEdge: true, site: 'Other' })]);
    expect(waves.map((w) => w.map((s) => s.name))).toEqual([['A1', 'E1', 'E3'], ['A2', 'E2']]);
  });

  // issue 23: EX02, failing to Office 365 now, came after EX01 (wave 2) because of its name
  test('servers failing now go first: wave 1 unless a DAG partner failing now took it', () => {
    const waves = planWaves([c('A1', 'D'), c('A2', 'D', { failingNow: true }), c('A3', 'D', { failingNow: true }), c('S1', null), c('S2', null, { failingNow: true })], 2);
    expect(waves[0]!.map((s) => s.name)).toEqual(['A2', 'S2']);
    expect(waves[1]!.map((s) => s.name)).toContain('A3');
  });

  test('a wave size cap adds waves but keeps the DAG rule', () => {
    const waves = planWaves([...['A1', 'A2', 'A3'].map((n) => c(n, 'D')), ...['S1', 'S2', 'S3', 'S4'].map((n) => c(n, null))], 2);
    expect(waves.every((w) => w.length <= 2)).toBe(true);
    for (const w of waves) expect(w.filter((s) => s.dag === 'D').length).toBeLessThanOrEqual(1);
    expect(waves.flat()).toHaveLength(7);
  });
});

describe('maintenance steps fitted to the server', () => {
  let out: string;

  beforeAll(async () => {
    out = runDir('maint');
    await renderRunbooks(
      findingsDoc([
        server({ name: 'MBX1', dag: 'DAG1', site: 'HQ', changes: tls12Changes() }),
        server({ name: 'MBX2', address: 'mbx2.contoso.com', dag: 'DAG1', site: 'HQ', changes: tls12Changes() }),
        // in no DAG by the fleet file, but the collector saw the cluster: the analysis made the cluster name its DAG
        server({ name: 'MBX3', site: 'HQ', dag: 'DAG2', cluster: 'DAG2', changes: tls12Changes() }),
        server({ name: 'SOLO', site: 'Branch', changes: tls12Changes() }),
        server({ name: 'EDGE', site: 'DMZ', edge: true, changes: tls12Changes() }),
        server({ name: 'NOEX', exchange: false, changes: tls12Changes() }),
      ]),
      { outDir: out },
    );
  });
  const md = (s: string) => readFileSync(join(out, s, 'runbook.md'), 'utf8');
  const order = (text: string, steps: string[]) => steps.map((s) => text.indexOf(s));

  test('DAG member: drain, redirect, suspend, move and block, offline; the exact reverse afterwards', () => {
    const text = md('MBX1');
    const enter = [
      '-Component HubTransport -State Draining',
      'Redirect-Message -Server $server -Target $target',
      'Suspend-ClusterNode -Name $server',
      '-DatabaseCopyActivationDisabledAndMoveNow $true',
      '-DatabaseCopyAutoActivationPolicy Blocked',
      '-Component ServerWideOffline -State Inactive',
    ];
    const exit = [
      '-Component ServerWideOffline -State Active',
      '-DatabaseCopyAutoActivationPolicy Unrestricted',
      '-DatabaseCopyActivationDisabledAndMoveNow $false',
      'Resume-ClusterNode -Name $server',
      '-Component HubTransport -State Active',
    ];
    const e = order(text, enter);
    const x = order(text, exit);
    expect(e.every((i) => i > 0)).toBe(true);
    expect([...e].sort((a, b) => a - b)).toEqual(e);
    expect([...x].sort((a, b) => a - b)).toEqual(x);
    expect(x[0]!).toBeGreaterThan(e[e.length - 1]!);
    expect(text).toContain("$target = 'mbx2.contoso.com'");
    expect(text).toContain('Move-ActiveMailboxDatabase -Server $server');
    expect(text).toContain("-DagName 'DAG1'");
    // the registry table, the restart, the checks and the rollback are all there, in that order
    expect(order(text, ['## 3. Registry changes', '## 4. Restart', '## 5. Checks', '## 6. Maintenance', '## 7. Checks of mail flow', '## 8. Rollback']).every((v, i, a) => i === 0 || v > a[i - 1]!)).toBe(true);
    expect(text).toContain("`extls probe -- 'MBX1:25'`");
  });

  test('the cluster name from the inventory makes a DAG member', () => {
    expect(md('MBX3')).toContain('Suspend-ClusterNode');
    expect(md('MBX3')).toContain("-DagName 'DAG2'");
  });

  test('standalone Mailbox: drain transport only', () => {
    const text = md('SOLO');
    expect(text).toContain('-Component HubTransport -State Draining');
    expect(text).not.toMatch(/Suspend-ClusterNode|Set-MailboxServer|ServerWideOffline|Move-ActiveMailboxDatabase/);
  });

  test('Edge: no DAG or cluster steps, drain and stop transport', () => {
    const text = md('EDGE');
    expect(text).toContain('Stop-Service MSExchangeTransport');
    expect(text).not.toMatch(/Suspend-ClusterNode|Set-MailboxServer|Redirect-Message|Move-ActiveMailboxDatabase|DagName/);
  });

  test('no Exchange: no Exchange steps', () => {
    expect(md('NOEX')).not.toMatch(/Set-ServerComponentState|Suspend-ClusterNode/);
  });
});

// issue 23: a drop-file server (AAA.attacker.example) became EX02's redirect target; EX06 was sent to EX03, itself
// failing; targets were short names
describe('redirect targets', () => {
  const render = async (servers: Parameters<typeof findingsDoc>[0]) => {
    const out = runDir('redirect');
    await renderRunbooks(findingsDoc(servers), { outDir: out });
    return (name: string) => readFileSync(join(out, name, 'runbook.md'), 'utf8');
  };
  const targets = (md: string) => [...md.matchAll(/-Target (?:\$target|'([^']*)')|\$target = '([^']*)'/g)].map((m) => m[1] ?? m[2]).filter(Boolean);

  test('an FQDN of a collected fleet member, not failing now, not in the same wave', async () => {
    const md = await render([
      server({ name: 'M1', address: 'm1.contoso.com', dag: 'D', site: 'HQ', changes: tls12Changes() }),
      server({ name: 'M2', address: 'm2.contoso.com', dag: 'D', site: 'HQ', changes: tls12Changes(), failingNowOn: 'Outbound to Office 365' }),
      server({ name: 'AAA.attacker.example', dag: 'D', site: 'HQ', fleetMember: false }),
      server({ name: 'M3', dag: 'D', site: 'HQ' }), // short name only: no FQDN known
      server({ name: 'M4', address: 'm4.contoso.com', site: 'HQ' }),
      server({ name: 'M5', address: 'm5.contoso.com', site: 'HQ', changes: tls12Changes() }), // no DAG: wave 1 with M2
    ]);
    const m1 = md('M1');
    expect(targets(m1)).toEqual(['m4.contoso.com']);
    expect(m1).not.toContain('AAA.attacker.example');
    // M2 fails now: wave 1; its target must not be M5, in the same wave
    expect(targets(md('M2'))).toEqual(['m1.contoso.com']);
  });

  test('none qualifies: said, and no Redirect-Message with an invented target', async () => {
    const md = await render([
      server({ name: 'M1', address: 'm1.contoso.com', dag: 'D', site: 'HQ', changes: tls12Changes() }),
      server({ name: 'AAA.attacker.example', dag: 'D', site: 'HQ', fleetMember: false }),
      server({ name: 'M3', dag: 'D', site: 'HQ' }),
    ]);
    const m1 = md('M1');
    expect(targets(m1)).toEqual([]);
    expect(m1).not.toContain('Redirect-Message -Server $server');
    expect(m1).toContain('**No redirect target:** no other Mailbox server qualifies (AAA.attacker.example: not in the fleet file; M3: FQDN unknown');
  });
});

describe('blocked policies', () => {
  test('a blocked phase 2 is held back while phase 1 goes ahead', async () => {
    const out = runDir('held');
    const s = server({ name: 'EX1', changes: tls12Changes() });
    const legacy = [change(`${SCHANNEL}\\TLS 1.0\\Server`, 'Enabled', 0)];
    s.verdicts.push({
      policy: 'legacy-off',
      policyTitle: 'Legacy off',
      verdict: 'blocked',
      display: 'blocked: legacy-peers',
      findingIds: [],
      manualFindingIds: [],
      changes: legacy,
      restartRequired: true,
      blockers: [blocker('legacy-peers', '2 SMTP peers still use TLS 1.0')],
    });
    const doc = findingsDoc([s]);
    doc.policies.push({ id: 'legacy-off', title: 'Legacy off', phase: 2, description: '', source: 'builtin' });
    const r = await renderRunbooks(doc, { outDir: out });
    expect(r.runbooks).toEqual([{ server: 'EX1', folder: 'EX1', blocked: false }]);
    const text = readFileSync(join(out, 'EX1', 'runbook.md'), 'utf8');
    expect(text).toContain('**Held back.**');
    expect(text).toContain('Legacy off (1 change): **legacy-peers**: 2 SMTP peers still use TLS 1.0');
    expect(text).not.toContain('TLS 1.0\\Server`');
    // its changes leave TLS 1.0 alone (the script lists TLS 1.0's values only among those it expects unchanged)
    const script = readFileSync(join(out, 'EX1', 'remediate.ps1'), 'utf8');
    expect(script.slice(script.indexOf('$Changes = @('), script.indexOf('$Unchanged = @('))).not.toContain('TLS 1.0');
    expect(readFileSync(join(out, 'rollout.md'), 'utf8')).toMatch(/## Wave 1[\s\S]*\| EX1 \|/);
  });
});

describe('manual steps (failing findings with no registry change, e.g. a GPO cipher suite order)', () => {
  let out: string;
  let r: Awaited<ReturnType<typeof renderRunbooks>>;
  beforeAll(async () => {
    out = runDir('manual');
    r = await renderRunbooks(
      findingsDoc([
        server({ name: 'CIPHER', manual: true, schannel: { 'TLS 1.2\\Server': { Enabled: 1 } } }),
        server({ name: 'BOTH', manual: true, changes: tls12Changes() }),
        server({ name: 'READY' }),
      ]),
      { outDir: out },
    );
  });

  test('a server whose only need is a manual step still gets a runbook and a wave; a compliant one does not', () => {
    expect(r.runbooks.map((x) => x.server).sort()).toEqual(['BOTH', 'CIPHER']);
    const text = readFileSync(join(out, 'CIPHER', 'runbook.md'), 'utf8');
    expect(text).toContain('| Changes | 0 registry values and 1 step by hand, restart required |');
    expect(text).toContain('No registry value to change');
    expect(text).toContain('### Changes by hand');
    expect(text).toContain('**No cipher suite in the configured order is one Exchange Online accepts** (`CIPHERS-NO-M365-SUITE`, critical)');
    // Markdown-escaped like every other data value
    expect(text).toContain('TLS\\_ECDHE\\_RSA\\_WITH\\_AES\\_256\\_GCM\\_SHA384 to the GPO &lt;SSL Cipher Suite Order&gt;.');
    expect(readFileSync(join(out, 'rollout.md'), 'utf8')).toMatch(/\| CIPHER \|/);
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8');
    expect(csv).toMatch(/READY.*none needed/);
  });

  test('next to registry changes the manual step follows the table', () => {
    const text = readFileSync(join(out, 'BOTH', 'runbook.md'), 'utf8');
    expect(text.indexOf('| # | Key | Value |')).toBeGreaterThan(0);
    expect(text.indexOf('### Changes by hand')).toBeGreaterThan(text.indexOf('| # | Key | Value |'));
    expect(text.indexOf('### Changes by hand')).toBeLessThan(text.indexOf('## 4. Restart'));
  });

  test('its remediate.ps1 runs and changes nothing', async () => {
    const reg = join(out, 'CIPHER', 'target.reg');
    writeReg(reg, new Map([[`HKEY_LOCAL_MACHINE\\${SCHANNEL}\\TLS 1.2\\Server`, new Map([['Enabled', { type: 'REG_DWORD' as const, value: 1 }]])]]) as RegModel);
    const before = readFileSync(reg);
    const run = await runScript(join(out, 'CIPHER', 'remediate.ps1'), ['-RegistryFile', reg, '-Confirm:$false']);
    expect(run.errorText).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('changed 0 value(s)');
    expect(readFileSync(reg)).toEqual(before);
  }, PWSH_TIMEOUT);
});
