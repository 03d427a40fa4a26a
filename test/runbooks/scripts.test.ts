// Runs the generated remediate.ps1 and rollback.ps1 with the real pwsh against a .reg file (their -RegistryFile
// target): -WhatIf changes nothing, the first run sets exactly the plan, the second changes nothing, rollback
// returns the original bytes (values and keys that did not exist are deleted again).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { blocker, change, findingsDoc, NET4, NET4_WOW, SCHANNEL, server, tls12Changes } from './findings-builder.js';
import { readReg, regObject, writeReg, type RegData, type RegModel } from './reg-file.js';
import { parseErrors, PWSH_TIMEOUT, runDir, runScript } from './run-script.js';

const HKLM = 'HKEY_LOCAL_MACHINE';

/** Before: TLS 1.2 Client off, the Server key missing; .NET v4 with a REG_SZ "1" and an unrelated value; no Wow6432Node. */
function originalModel(): RegModel {
  return new Map<string, Map<string, RegData>>([
    [`${HKLM}\\${SCHANNEL}\\TLS 1.0\\Server`, new Map([['Enabled', { type: 'REG_DWORD' as const, value: 1 }]])],
    [
      `${HKLM}\\${SCHANNEL}\\TLS 1.2\\Client`,
      new Map([
        ['Enabled', { type: 'REG_DWORD' as const, value: 0 }],
        ['DisabledByDefault', { type: 'REG_DWORD' as const, value: 1 }],
      ]),
    ],
    [
      `${HKLM}\\${NET4}`,
      new Map<string, { type: 'REG_SZ'; value: string } | { type: 'REG_MULTI_SZ'; value: string[] }>([
        ['SchUseStrongCrypto', { type: 'REG_SZ', value: '1' }],
        ['Other', { type: 'REG_MULTI_SZ', value: ['a', 'b'] }],
      ]),
    ],
  ]) as RegModel;
}

/** What the inventory saw of originalModel() besides the planned values: the scripts expect it unchanged. */
const seen = { 'TLS 1.0\\Server': { Enabled: 1 } };

/** The seven planned values of tls12Changes, except that originalModel() has no Wow6432Node value at all. */
function plan() {
  return tls12Changes().map((c) => (c.path === NET4_WOW && c.name === 'SchUseStrongCrypto' ? change(NET4_WOW, 'SchUseStrongCrypto', 1) : c));
}

async function render(servers: Parameters<typeof findingsDoc>[0]) {
  const out = runDir('scripts');
  await renderRunbooks(findingsDoc(servers), { outDir: out, generatedAt: '2025-06-02T08:00:00.000Z' });
  return out;
}

const confirmOff = '-Confirm:$false';

describe('generated remediate.ps1 / rollback.ps1 on a .reg file', () => {
  let dir: string;
  let reg: string;
  let original: Buffer;

  beforeAll(async () => {
    const out = await render([server({ name: 'EX01', schannel: seen, dag: 'DAG1', site: 'HQ', changes: plan() })]);
    dir = join(out, 'EX01');
    reg = join(dir, 'target.reg');
    writeReg(reg, originalModel());
    original = readFileSync(reg);
  });

  test('both scripts parse cleanly with PowerShell\'s parser', async () => {
    const errors = await parseErrors([join(dir, 'remediate.ps1'), join(dir, 'rollback.ps1')]);
    expect(errors).toEqual({ [join(dir, 'remediate.ps1')]: [], [join(dir, 'rollback.ps1')]: [] });
    // Windows PowerShell 5.1 needs the BOM to read the script as UTF-8
    expect(readFileSync(join(dir, 'remediate.ps1')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    for (const f of ['remediate.ps1', 'rollback.ps1']) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/[^\r]\n/); // CRLF only
    expect(readFileSync(join(dir, 'remediate.ps1'), 'utf8')).toMatch(/\[CmdletBinding\(SupportsShouldProcess = \$true, ConfirmImpact = 'High'\)\]/);
  }, PWSH_TIMEOUT);

  test('-WhatIf lists the differences and changes nothing', async () => {
    const r = await runScript(join(dir, 'remediate.ps1'), ['-RegistryFile', reg, '-WhatIf']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('7 of 7 planned value(s) differ');
    expect(r.stdout).toContain('changed 0 value(s) (WhatIf');
    expect(readFileSync(reg).equals(original)).toBe(true);
    expect(existsSync(`${reg}.backup.json`)).toBe(false);
  }, PWSH_TIMEOUT);

  test('the first run sets exactly the planned values and backs up first', async () => {
    const r = await runScript(join(dir, 'remediate.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('extls remediate: changed 7 value(s)');
    expect(r.stdout).toContain('A restart is needed');
    expect(r.stdout).toContain('Not restarting (no -Restart)');
    const after = regObject(readReg(reg));
    const dw = (value: number) => ({ type: 'REG_DWORD', value });
    expect(after).toEqual({
      [`${HKLM}\\${SCHANNEL}\\TLS 1.0\\Server`]: { Enabled: dw(1) },
      [`${HKLM}\\${SCHANNEL}\\TLS 1.2\\Client`]: { Enabled: dw(1), DisabledByDefault: dw(0) },
      [`${HKLM}\\${NET4}`]: { SchUseStrongCrypto: dw(1), Other: { type: 'REG_MULTI_SZ', value: ['a', 'b'] }, SystemDefaultTlsVersions: dw(1) },
      [`${HKLM}\\${SCHANNEL}\\TLS 1.2\\Server`]: { Enabled: dw(1), DisabledByDefault: dw(0) },
      [`${HKLM}\\${NET4_WOW}`]: { SchUseStrongCrypto: dw(1) },
    });
    const backup = JSON.parse(readFileSync(`${reg}.backup.json`, 'utf8'));
    expect(backup).toMatchObject({ format: 'extls-registry-backup', version: 1, server: 'EX01', target: 'file' });
    expect(backup.values).toHaveLength(7);
    expect(backup.createdKeys).toEqual([
      `${SCHANNEL}\\TLS 1.2\\Server`,
      `${NET4_WOW}`,
      'SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework',
      'SOFTWARE\\Wow6432Node\\Microsoft',
      'SOFTWARE\\Wow6432Node',
    ]);
  }, PWSH_TIMEOUT);

  test('a second run changes nothing and keeps the first backup', async () => {
    const before = readFileSync(reg);
    const backupBefore = readFileSync(`${reg}.backup.json`);
    const r = await runScript(join(dir, 'remediate.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('0 of 7 planned value(s) differ');
    expect(r.stdout).toContain('extls remediate: changed 0 value(s)');
    expect(readFileSync(reg).equals(before)).toBe(true);
    expect(readFileSync(`${reg}.backup.json`).equals(backupBefore)).toBe(true);
  }, PWSH_TIMEOUT);

  test('rollback -WhatIf changes nothing', async () => {
    const before = readFileSync(reg);
    const r = await runScript(join(dir, 'rollback.ps1'), ['-RegistryFile', reg, '-WhatIf']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('changed 0 value(s)/key(s) (WhatIf');
    expect(readFileSync(reg).equals(before)).toBe(true);
  }, PWSH_TIMEOUT);

  test('rollback restores the original exactly (bytes), deleting created values and keys', async () => {
    const r = await runScript(join(dir, 'rollback.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    // 7 values (4 deleted, 3 restored) + 5 created keys
    expect(r.stdout).toContain('extls rollback: changed 12 value(s)/key(s)');
    expect(regObject(readReg(reg))).toEqual(regObject(originalModel()));
    expect(readFileSync(reg).equals(original)).toBe(true);
  }, PWSH_TIMEOUT);

  test('a second rollback changes nothing', async () => {
    const r = await runScript(join(dir, 'rollback.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('extls rollback: changed 0 value(s)/key(s)');
    expect(readFileSync(reg).equals(original)).toBe(true);
  }, PWSH_TIMEOUT);
});

describe('safety rails', () => {
  test('blockers stop remediate.ps1 before anything changes; -IgnoreBlockers overrides', async () => {
    const out = await render([server({ name: 'EX09', schannel: seen, changes: plan(), blockers: [blocker('reboot-pending', 'a restart is pending (PendingFileRenameOperations)')] })]);
    const dir = join(out, 'EX09');
    const reg = join(dir, 'target.reg');
    writeReg(reg, originalModel());
    const original = readFileSync(reg);
    const r = await runScript(join(dir, 'remediate.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(r.exitCode).not.toBe(0);
    expect(r.errorText).toContain('blocker(s)');
    expect(readFileSync(reg).equals(original)).toBe(true);
    expect(existsSync(`${reg}.backup.json`)).toBe(false);
    const forced = await runScript(join(dir, 'remediate.ps1'), ['-RegistryFile', reg, confirmOff, '-IgnoreBlockers']);
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain('changed 7 value(s)');
  }, PWSH_TIMEOUT);

  test('rollback refuses a backup made for another server or another target', async () => {
    const out = await render([server({ name: 'EX10', schannel: seen, changes: plan() }), server({ name: 'EX11', schannel: seen, changes: plan() })]);
    const reg = join(out, 'target.reg');
    writeReg(reg, originalModel());
    expect((await runScript(join(out, 'EX10', 'remediate.ps1'), ['-RegistryFile', reg, confirmOff])).exitCode).toBe(0);
    // EX11's rollback finds EX10's backup next to the same file
    const r = await runScript(join(out, 'EX11', 'rollback.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(r.exitCode).not.toBe(0);
    expect(r.errorText).toContain('belongs to server EX10');
    // the backup of one .reg file is not used for another
    const other = join(out, 'other.reg');
    writeReg(other, originalModel());
    const wrongTarget = await runScript(join(out, 'EX10', 'rollback.ps1'), ['-RegistryFile', other, '-BackupPath', `${reg}.backup.json`, confirmOff]);
    expect(wrongTarget.exitCode).not.toBe(0);
    expect(wrongTarget.errorText).toContain('was made for the registry file');
  }, PWSH_TIMEOUT);

  test('a later, larger plan in the same folder extends the backup; rollback still returns to the original', async () => {
    const out = runDir('scripts-phases');
    const phase1 = plan();
    const phase2 = [change(`${SCHANNEL}\\TLS 1.0\\Server`, 'Enabled', 0, 1), change(`${SCHANNEL}\\TLS 1.2\\Client`, 'Enabled', 1, 0)];
    await renderRunbooks(findingsDoc([server({ name: 'EX13', schannel: seen, changes: phase1 })]), { outDir: out });
    const reg = join(out, 'target.reg');
    writeReg(reg, originalModel());
    const original = readFileSync(reg);
    expect((await runScript(join(out, 'EX13', 'remediate.ps1'), ['-RegistryFile', reg, confirmOff])).stdout).toContain('backup written');
    await renderRunbooks(findingsDoc([server({ name: 'EX13', schannel: seen, changes: [...phase1, ...phase2] })]), { outDir: out });
    const second = await runScript(join(out, 'EX13', 'remediate.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(second.stdout).toContain('backup extended with 1 value(s)');
    expect(second.stdout).toContain('changed 1 value(s)');
    const back = await runScript(join(out, 'EX13', 'rollback.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(back.exitCode).toBe(0);
    expect(readFileSync(reg).equals(original)).toBe(true);
  }, PWSH_TIMEOUT);

  test('rollback of a hand-made UTF-8 export restores the same values (comments and encoding aside)', async () => {
    const out = await render([server({ name: 'EX12', changes: plan() })]);
    const reg = join(out, 'EX12', 'handmade.reg');
    writeFileSync(
      reg,
      [
        'Windows Registry Editor Version 5.00',
        '; exported by hand',
        `[${HKLM}\\${SCHANNEL}\\TLS 1.2\\Client]`,
        '"Enabled"=dword:00000000',
        '"DisabledByDefault"=dword:00000001',
        `[${HKLM}\\${NET4}]`,
        '"SchUseStrongCrypto"="1"',
        '"Other"=hex(7):61,00,00,00,62,00,00,00,\\',
        '  00,00',
        '',
      ].join('\n'),
    );
    const before = regObject(readReg(reg));
    expect((await runScript(join(out, 'EX12', 'remediate.ps1'), ['-RegistryFile', reg, confirmOff])).exitCode).toBe(0);
    expect(regObject(readReg(reg))).not.toEqual(before);
    const r = await runScript(join(out, 'EX12', 'rollback.ps1'), ['-RegistryFile', reg, confirmOff]);
    expect(r.exitCode).toBe(0);
    expect(regObject(readReg(reg))).toEqual(before);
  }, PWSH_TIMEOUT);
});
