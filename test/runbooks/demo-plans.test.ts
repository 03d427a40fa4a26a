// Issue 23 on the demo as a user runs it (inventory → analyze → runbooks, the built CLI): phase 2 only with evidence,
// the first wave stops the bleeding, redirect targets are healthy fleet members by FQDN, and the scripts know their
// target: EX06's remediate.ps1 run against EX02's registry export refuses and names the values that differ.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import type { FindingsDocument, ShellCommand } from '../../src/findings/types.js';
import { packageRoot } from '../../src/util/paths.js';
import { PWSH_TIMEOUT, runDir, runScript } from './run-script.js';

let out: string;
let doc: FindingsDocument;
let rollout: string;

/** A server's regedit exports (UTF-16LE, one per key) as one export file, as `reg export` of several keys gives. */
function oneExport(server: string, file: string): string {
  const dir = join(packageRoot, 'examples', 'demo', 'servers', server, 'registry');
  const bodies = readdirSync(dir).filter((f) => f.endsWith('.reg')).sort().map((f) => {
    const text = readFileSync(join(dir, f)).toString('utf16le').replace(/^\ufeff/, '');
    return text.slice(text.indexOf('\n') + 1);
  });
  writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`Windows Registry Editor Version 5.00\r\n${bodies.join('\r\n')}`, 'utf16le')]));
  return file;
}

beforeAll(async () => {
  out = runDir('demo-plans');
  const inv = join(out, 'inventory.json');
  const findings = join(out, 'findings.json');
  expect((await runCli(['inventory', '--fleet', 'examples/demo/fleet.yaml', '--out', inv, '-q'])).exitCode).toBe(2); // EX08 unreachable on purpose
  expect((await runCli(['analyze', inv, '--policy', 'tls12-ready', '--policy', 'legacy-off', '--out', findings])).exitCode).toBe(0);
  expect((await runCli(['runbooks', findings, '--out', join(out, 'runbooks')])).exitCode).toBe(0);
  doc = JSON.parse(readFileSync(findings, 'utf8')) as FindingsDocument;
  rollout = readFileSync(join(out, 'runbooks', 'rollout.md'), 'utf8');
}, 400_000);

const legacyOff = (name: string) => doc.servers.find((s) => s.server === name)!.verdicts.find((v) => v.policy === 'legacy-off')!;

describe('evidence or no step', () => {
  // before: EX05's legacy-off verdict was "pass" and EX06's a plan of 10 changes in wave 1, with no logs read
  test.each(['EX05', 'EX06'])('%s is blocked for legacy-off (no-evidence), with the step to get the evidence', (name) => {
    const v = legacyOff(name);
    expect(v.verdict).toBe('blocked');
    const b = v.blockers.find((x) => x.kind === 'no-evidence')!;
    expect(b.message).toContain('the SMTP protocol logs were not read (no-log-folders');
    // the log folders first; then logging on for EX06's connectors that carry mail and log nothing (Client Frontend,
    // Inbound from Office 365, the partner relay: ProtocolLoggingLevel None)
    // (EX05's connectors were not read: only the log folders)
    const logging = name === 'EX06' ? ['Set-ReceiveConnector', 'Set-ReceiveConnector', 'Set-SendConnector'] : [];
    expect(b.byHand!.steps.map((l) => (l.command as ShellCommand | null)?.cmdlet).filter(Boolean)).toEqual(['Get-TransportService', 'Get-FrontEndTransportService', ...logging]);
    const section = rollout.slice(rollout.indexOf(`### ${name}: Phase 2`));
    expect(section).toContain('To lift **no-evidence**');
    expect(section).toContain(`Get-TransportService -Identity '${name}'`);
  });

  test("EX06's scripts carry phase 1 only; phase 2 is held back in its runbook with the step", () => {
    const md = readFileSync(join(out, 'runbooks', 'EX06', 'runbook.md'), 'utf8');
    expect(md).toContain('**Held back.**');
    expect(md).toContain('To lift **no-evidence**');
    const script = readFileSync(join(out, 'runbooks', 'EX06', 'remediate.ps1'), 'utf8');
    expect(script.slice(script.indexOf('$Changes = @('), script.indexOf('$Unchanged = @('))).not.toContain('TLS 1.0');
  });

  test('every runbook says SMTP logs do not cover HTTPS clients', () => {
    for (const d of readdirSync(join(out, 'runbooks'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
      expect(readFileSync(join(out, 'runbooks', d.name, 'runbook.md'), 'utf8')).toContain('HTTPS clients\n> (Outlook, ActiveSync, EWS, OWA) do not appear in them');
    }
  });
});

describe('stop the bleeding first', () => {
  // before: EX02 (failing to Office 365 now) was in wave 2, rollout.md opened with the waves
  test('EX02 is in wave 1; rollout.md opens with its no-restart mitigation', () => {
    const wave1 = rollout.slice(rollout.indexOf('## Wave 1'), rollout.indexOf('## Wave 2'));
    expect(wave1).toContain('| EX02 | DAG01 |');
    expect(rollout.indexOf('## Stop the bleeding first')).toBeGreaterThan(0);
    expect(rollout.indexOf('## Stop the bleeding first')).toBeLessThan(rollout.indexOf('## Wave 1'));
    const first = rollout.slice(rollout.indexOf('## Stop the bleeding first'), rollout.indexOf('## Wave 1'));
    // the healthy source keeps the connector; EX02 and EX03 (failing now) come off it, and go back on afterwards
    expect(first).toContain("Set-SendConnector -Identity 'Outbound to Office 365' -SourceTransportServers 'EX01'\n");
    expect(first).toContain("Set-SendConnector -Identity 'Outbound to Office 365' -SourceTransportServers 'EX01', 'EX02', 'EX03'");
    expect(first.indexOf('-SourceTransportServers')).toBeLessThan(first.indexOf('### EX02: failing now (wave 1)'));
    expect(first).toContain('First: FLEET-SENDCONN-EXO-FAILING-SOURCES above.');
    // EX03's own fix of the cause (TlsCertificateName) needs no restart either
    expect(first.slice(first.indexOf('### EX03'))).toContain('Set-SendConnector -Identity \'Outbound to Office 365\' -TlsCertificateName');
  });

  test("EX06's certificate renewal is a task before the window, not a step inside it", () => {
    const md = readFileSync(join(out, 'runbooks', 'EX06', 'runbook.md'), 'utf8');
    const before = md.slice(md.indexOf('## 0. Before the window'), md.indexOf('## 1. Pre-checks'));
    expect(before).toContain('CERT-EXPIRING-');
    expect(md.slice(md.indexOf('## 1. Pre-checks'), md.indexOf('## Findings behind this change'))).not.toContain('CERT-EXPIRING-');
  });
});

describe('redirect targets', () => {
  // before: EX06 was told to redirect to EX03 (itself failing to Office 365), targets were short names
  test('every redirect target is the FQDN of a collected fleet member, not failing now, in another wave', () => {
    const waveOf = new Map<string, number>();
    for (const m of rollout.matchAll(/## Wave (\d+)[^#]*/g)) for (const r of m[0].matchAll(/^\| (\S+) \|/gm)) waveOf.set(r[1]!, Number(m[1]));
    const failing = new Set(doc.servers.filter((s) => s.findings.some((f) => f.category === 'mail-flow' && f.severity === 'critical' && f.evidence.some((e) => e.failure?.failingNow))).map((s) => s.server));
    const fleet = new Map(doc.servers.filter((s) => s.status === 'ok').map((s) => [s.address.toLowerCase(), s.server]));
    let seen = 0;
    for (const d of readdirSync(join(out, 'runbooks'), { withFileTypes: true }).filter((e) => e.isDirectory())) {
      const md = readFileSync(join(out, 'runbooks', d.name, 'runbook.md'), 'utf8');
      for (const m of md.matchAll(/\$target = '([^']*)'|-Target '([^']*)'/g)) {
        const target = (m[1] ?? m[2])!;
        seen++;
        expect(target).toMatch(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/);
        const name = fleet.get(target.toLowerCase());
        expect(name).toBeDefined();
        expect(failing.has(name!)).toBe(false);
        if (waveOf.has(d.name)) expect(waveOf.get(name!)).not.toBe(waveOf.get(d.name));
      }
    }
    expect(seen).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'runbooks', 'EX06', 'runbook.md'), 'utf8')).not.toMatch(/-Target 'EX03/);
  });
});

describe('scripts that know their target', () => {
  // before: EX06's remediate.ps1 on EX02's export changed 10 values, TLS 1.0/1.1 off on a server with legacy peers
  test("EX06's remediate.ps1 on EX02's export refuses and names each value that differs", async () => {
    const dir = runDir('ex06-on-ex02');
    const reg = oneExport('EX02', join(dir, 'ex02.reg'));
    const before = readFileSync(reg);
    const r = await runScript(join(out, 'runbooks', 'EX06', 'remediate.ps1'), ['-RegistryFile', reg, '-Confirm:$false']);
    expect(r.exitCode).not.toBe(0);
    expect(r.errorText).toContain('are not what the plan for server EX06 expects');
    expect(r.errorText).toContain('SCHANNEL\\Protocols\\TLS 1.2\\Server\\Enabled (expected 1 (inventory; the plan leaves it alone), found 0)');
    expect(r.errorText).toContain('SCHANNEL\\Protocols\\TLS 1.2\\Server\\DisabledByDefault (expected 0 (inventory; the plan leaves it alone), found 1)');
    expect(r.errorText).toContain('Nothing was changed');
    expect(readFileSync(reg).equals(before)).toBe(true);
    expect(existsSync(`${reg}.backup.json`)).toBe(false);
    // the refusal is logged next to where the backup would be
    expect(readFileSync(join(dir, 'ex02.reg.backup.log'), 'utf8')).toMatch(/remediate\.ps1 server=EX06 .*refused: 2 value\(s\) differ/);
  }, PWSH_TIMEOUT);

  test("on EX06's own export it runs and logs each value it set; rollback restores it", async () => {
    const dir = runDir('ex06-on-ex06');
    const reg = oneExport('EX06', join(dir, 'ex06.reg'));
    const r = await runScript(join(out, 'runbooks', 'EX06', 'remediate.ps1'), ['-RegistryFile', reg, '-Confirm:$false']);
    expect(r.errorText).toBe('');
    expect(r.stdout).toContain('changed 2 value(s)');
    const log = readFileSync(join(dir, 'ex06.reg.backup.log'), 'utf8');
    expect(log).toContain('set HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client : Enabled = 0 -> 1');
    expect(log).toMatch(/backup written: .*ex06\.reg\.backup\.json/);
    const back = await runScript(join(out, 'runbooks', 'EX06', 'rollback.ps1'), ['-RegistryFile', reg, '-Confirm:$false']);
    expect(back.errorText).toBe('');
    expect(readFileSync(join(dir, 'ex06.reg.backup.log'), 'utf8')).toContain('rollback.ps1 server=EX06');
  }, PWSH_TIMEOUT);

  test('live, on another computer: refuses before it opens anything; -AllowOtherComputer says so loudly', async () => {
    const script = join(out, 'runbooks', 'EX06', 'remediate.ps1');
    const r = await runScript(script, ['-WhatIf']);
    expect(r.exitCode).not.toBe(0);
    expect(r.errorText).toContain(`this script was written for EX06 (server EX06), but the computer is ${hostname().split('.')[0]}`);
    expect(r.errorText).toContain('Nothing was changed');
    const forced = await runScript(script, ['-WhatIf', '-AllowOtherComputer']);
    expect(forced.stdout + forced.stderr).toContain('-AllowOtherComputer: this script was written for EX06');
    // past the check it stops at the next one here: this test machine has no Windows registry
    expect(forced.errorText).toContain('No Windows registry on this system');
  }, PWSH_TIMEOUT);

  test('the change comes first as one data block that fits a screen; the machinery builds no code from data', () => {
    for (const file of ['remediate.ps1', 'rollback.ps1']) {
      const script = readFileSync(join(out, 'runbooks', 'EX06', file), 'utf8');
      const start = script.indexOf('# THE CHANGE');
      const machinery = script.indexOf('# MACHINERY');
      expect(start).toBeGreaterThan(script.indexOf('param('));
      expect(machinery).toBeGreaterThan(start);
      expect(script.slice(0, machinery)).not.toMatch(/^function /m);
      const block = script.slice(start, machinery).split('\n');
      expect(block.length).toBeLessThanOrEqual(80);
      expect(block.join('\n')).toContain("Why = 'TLS 1.2 Client is off; wanted on (TLS12-CLIENT-DISABLED)'");
      expect(script).not.toMatch(/Invoke-Expression|\biex\b|\[scriptblock\]::Create|NewScriptBlock|\.InvokeScript\(|Add-Type/i);
    }
  });
});
