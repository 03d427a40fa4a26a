// examples/ansible for real: ansible-playbook (Debian's ansible-core + collections) runs the role over the demo
// fleet on this machine (connection local, the collector run by pwsh over each demo server's .reg exports and logs),
// fetches every server's JSON into a drop folder and builds the inventory with `extls inventory --fleet --from`.
// extls analyze must judge it exactly as it judges the demo's own remoting run.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { packageRoot } from '../../src/util/paths.js';
import type { Inventory } from '../../src/inventory/types.js';
import { extlsBin, runCli } from '../helpers/cli.js';

const examples = join(packageRoot, 'examples', 'ansible');
const pwsh = locatePowerShell().path;

function ansiblePlaybook(args: string[]) {
  return execa('ansible-playbook', args, {
    cwd: examples,
    reject: false,
    all: true,
    env: { ...process.env, EXTLS_PWSH: pwsh, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_RETRY_FILES_ENABLED: '0' },
  });
}

interface Judged {
  groups: unknown;
  status: string;
  verdicts: Array<{ policy: string; verdict: string }>;
  findings: string[];
}

async function judge(inventory: string): Promise<Record<string, Judged>> {
  const r = await runCli(['analyze', inventory, '--policy', 'tls12-ready', '--policy', 'legacy-off', '--format', 'json']);
  const doc = JSON.parse(r.stdout) as { servers: Array<{ server: string; groups: unknown; status: string; verdicts: Judged['verdicts']; findings: Array<{ id: string }> }> };
  return Object.fromEntries(
    doc.servers.map((s) => [
      s.server,
      { groups: s.groups, status: s.status, verdicts: s.verdicts.map((v) => ({ policy: v.policy, verdict: v.verdict })), findings: s.findings.map((f) => f.id).sort() },
    ]),
  );
}

describe('examples/ansible', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-ansible-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('the Windows playbook parses and every module it names resolves (ansible.windows)', async () => {
    const r = await ansiblePlaybook(['--syntax-check', '-i', 'inventory.example.yml', 'collect.yml']);
    expect(r.all).toContain('playbook: collect.yml');
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it('collects the demo fleet through Ansible into an inventory that analyze judges as the demo run', async () => {
    const out = join(dir, 'run');
    const demoInventory = join(dir, 'demo-inventory.json');
    const [ansible, demo] = await Promise.all([
      ansiblePlaybook(['-i', 'local/inventory.yml', 'collect.yml', '-e', JSON.stringify({ extls_command: [process.execPath, extlsBin], extls_output_dir: out })]),
      // a generous time limit: the demo's own limits are for a demo, and this compares judgements, not speed
      runCli(['inventory', '--fleet', join(packageRoot, 'examples', 'demo', 'fleet.yaml'), '--out', demoInventory, '--quiet', '--timeout', '900']),
    ]);
    // 4: EX08 is unreachable, as in the demo; every other host ran
    expect({ code: ansible.exitCode, log: ansible.exitCode === 4 ? '' : ansible.all }).toEqual({ code: 4, log: '' });
    expect(ansible.all).toMatch(/EX08\s+: ok=1\s+changed=0\s+unreachable=1\s+failed=0/);
    expect(demo.exitCode).toBe(2);

    const inv = JSON.parse(await readFile(join(out, 'inventory.json'), 'utf8')) as Inventory;
    expect(inv.summary).toEqual({ total: 11, ok: 10, failed: 1 });
    expect(inv.servers.filter((s) => s.status === 'ok').every((s) => s.transport === 'file')).toBe(true);
    // the unreachable host is in the fleet file, so it is reported as never having reported, not left out
    expect(inv.servers.find((s) => s.server === 'EX08')!.failure!.category).toBe('stale');

    const viaAnsible = await judge(join(out, 'inventory.json'));
    const viaDemo = await judge(demoInventory);
    expect(Object.keys(viaAnsible).sort()).toEqual(Object.keys(viaDemo).sort());
    for (const server of Object.keys(viaDemo)) {
      expect({ server, ...viaAnsible[server] }).toEqual({ server, ...viaDemo[server] });
    }
  }, 600_000);

  it('check mode collects only: the drop folder fills, no fleet file and no inventory are written', async () => {
    const out = join(dir, 'check');
    const r = await ansiblePlaybook(['-i', 'local/inventory.yml', 'collect.yml', '--check', '--limit', 'EX01,localhost',
      '-e', JSON.stringify({ extls_command: [process.execPath, extlsBin], extls_output_dir: out })]);
    expect({ code: r.exitCode, log: r.exitCode === 0 ? '' : r.all }).toEqual({ code: 0, log: '' });
    expect(await readdir(join(out, 'drop'))).toEqual(['EX01.json']);
    expect(JSON.parse(await readFile(join(out, 'drop', 'EX01.json'), 'utf8')).computerName).toBe('EX01');
    expect(existsSync(join(out, 'fleet.json'))).toBe(false);
    expect(existsSync(join(out, 'inventory.json'))).toBe(false);
  }, 300_000);
});

describe('examples/ansible/requirements.yml', () => {
  it('lists every collection the playbook and role use, at a version this machine has', async () => {
    const req = parse(await readFile(join(examples, 'requirements.yml'), 'utf8')) as { collections: Array<{ name: string; version: string }> };
    const listed = new Map(req.collections.map((c) => [c.name, c.version]));
    // fully qualified module names in every YAML file of the example: namespace.collection.module
    const used = new Set<string>();
    const walk = async (folder: string): Promise<void> => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (/\.ya?ml$/.test(entry.name)) for (const m of (await readFile(path, 'utf8')).matchAll(/^\s*-?\s*([a-z_]+\.[a-z_]+)\.[a-z_]+:/gm)) used.add(m[1]!);
      }
    };
    await walk(examples);
    used.delete('ansible.builtin'); // ships with ansible-core
    expect([...used].sort()).toEqual([...listed.keys()].sort());
    // the installed collection satisfies the minimum (ansible-galaxy lists what it would use)
    const galaxy = await execa('ansible-galaxy', ['collection', 'list', 'ansible.windows', '--format', 'json'], { reject: false });
    const versions = Object.values(JSON.parse(galaxy.stdout) as Record<string, Record<string, { version: string }>>).flatMap((c) => Object.values(c).map((v) => v.version));
    const minimum = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(listed.get('ansible.windows')!)!.slice(1).map(Number);
    const atLeast = (v: string) => { const p = v.split('.').map(Number); for (let i = 0; i < 3; i++) if (p[i] !== minimum[i]) return p[i]! > minimum[i]!; return true; };
    expect(versions.some(atLeast)).toBe(true);
  }, 120_000);

  it('the README documents the exit codes the playbook gives, 4 included', async () => {
    const readme = await readFile(join(examples, 'README.md'), 'utf8');
    expect(readme).toContain('ansible-galaxy collection install -r requirements.yml');
    for (const code of ['0', '4', '2', '1']) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});

describe('the win_powershell script of the Windows play', () => {
  // What ansible.windows.win_powershell does with it: a script block given the task's parameters, $Ansible in scope.
  const runner = [
    'param([string]$ScriptPath, [string]$ParametersJson)',
    '$ErrorActionPreference = "Stop"',
    '$Ansible = [pscustomobject]@{ Changed = $true; Result = $null }',
    '$parameters = @{}',
    '(ConvertFrom-Json $ParametersJson).PSObject.Properties | ForEach-Object { $parameters[$_.Name] = $_.Value }',
    '& ([scriptblock]::Create([IO.File]::ReadAllText($ScriptPath))) @parameters',
    '[pscustomobject]@{ changed = $Ansible.Changed } | ConvertTo-Json -Compress',
  ].join('\n');

  it('runs the collector with the options as a parameter and reports no change (Windows PowerShell 5.1 syntax)', async () => {
    const tasks = parse(await readFile(join(examples, 'roles', 'extls_collector', 'tasks', 'windows.yml'), 'utf8')) as Array<Record<string, { script?: string; parameters?: Record<string, string> }>>;
    const task = tasks.find((t) => t['ansible.windows.win_powershell'])!['ansible.windows.win_powershell']!;
    const dir = await mkdtemp(join(tmpdir(), 'extls-winps-'));
    try {
      const script = join(dir, 'script.ps1');
      const runnerPath = join(dir, 'runner.ps1');
      await writeFile(script, task.script!);
      await writeFile(runnerPath, runner);
      expect(Object.keys(task.parameters!).sort()).toEqual(['CollectorPath', 'OptionsJson', 'OutFile']);
      const demo = join(packageRoot, 'examples', 'demo', 'servers', 'EX01', 'registry');
      const options = { computerName: "EX01 '$(x)", registryExports: (await readdir(demo)).sort().map((f) => join(demo, f)), scanLogs: false };
      const outFile = join(dir, 'EX01.json');
      const r = await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', runnerPath, '-ScriptPath', script,
        '-ParametersJson', JSON.stringify({ CollectorPath: join(packageRoot, 'dist', 'ExTlsCollector.ps1'), OutFile: outFile, OptionsJson: JSON.stringify(options) })], { reject: false });
      expect({ code: r.exitCode, err: r.stderr }).toEqual({ code: 0, err: '' });
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ changed: false });
      expect(JSON.parse(await readFile(outFile, 'utf8')).computerName).toBe("EX01 '$(x)");
      const ps7 = await execa(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(packageRoot, 'test', 'collector', 'Find-Ps7OnlySyntax.ps1'), '-Path', script]);
      expect(JSON.parse(ps7.stdout)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
