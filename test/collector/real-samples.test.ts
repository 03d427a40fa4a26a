// The collector over real .reg files (test/fixtures/reg, sources in SOURCES.md), values asserted exactly.
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCollector } from '../helpers/collector.js';
import { absent, dword, expectValidOutput, framework, protocol, unwrap } from './util.js';

const fixtures = fileURLToPath(new URL('../fixtures/reg/', import.meta.url));
const msDocs = (name: string) => join(fixtures, 'ms-docs_exchange-tls-configuration', name);

async function collect(files: string[], extra: object = {}) {
  const run = await runCollector({ registryExports: files, computerName: 'SAMPLE', ...extra });
  if (run.exitCode !== 0) throw new Error(`collector failed (${run.exitCode}): ${run.stderr}`);
  expect(run.stdout.trim().split(/\r?\n/)).toHaveLength(1); // exactly one line of JSON
  return expectValidOutput(run.json);
}

describe('collector over real .reg samples', () => {
  it('TLS12-Enable.reg: TLS 1.2 Client and Server Enabled=1 DisabledByDefault=0, nothing else set', async () => {
    const out = await collect([msDocs('TLS12-Enable.reg')]);
    expect(out.collector.registrySource).toBe('reg-export');
    expect(out.computerName).toBe('SAMPLE');
    for (const side of ['Client', 'Server'] as const) {
      const p = protocol(out, 'TLS 1.2', side);
      expect(p.keyExists).toBe(true);
      expect(p.enabled).toEqual(dword(1));
      expect(p.disabledByDefault).toEqual(dword(0));
      expect(p.path).toBe(`HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\${side}`);
      expect(protocol(out, 'TLS 1.0', side)).toMatchObject({ keyExists: false, enabled: absent, disabledByDefault: absent });
    }
    // the six standard protocols for both sides, always, and nothing more
    expect(out.schannel.protocols.map((p) => `${p.protocol}/${p.side}`)).toEqual(
      ['SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3'].flatMap((n) => [`${n}/Client`, `${n}/Server`]),
    );
    expect(out.dotNet.frameworks).toHaveLength(4);
    expect(out.exchange).toEqual({ installed: false, setupKeyPath: null, installPath: null, build: null, buildSource: null, roles: [], isEdge: false });
    expect(out.pendingReboot).toEqual({ pending: false, reasons: [] });
    expect(out.cluster).toEqual({ member: false, clusterName: null });
    // protocol logs (ps/collector/50-ProtocolLogs.ps1, when bundled): with exports and no log paths, no folders
    if (out.protocolLogs !== null && out.protocolLogs !== undefined) {
      expect(out.protocolLogs).toMatchObject({ status: 'no-log-folders' });
    }
    expect(out.warnings).toEqual([]);
  });

  it('ConfigureRenegotiation.reg (one key in two sections) yields both renegotiation values', async () => {
    const out = await collect([msDocs('ConfigureRenegotiation.reg')]);
    expect(out.schannel.allowInsecureRenegoClients).toEqual(dword(0));
    expect(out.schannel.allowInsecureRenegoServers).toEqual(dword(0));
  });

  it('the UTF-16LE regedit export from PsSsl parses with its real values', async () => {
    const file = join(fixtures, 'fsackur_PsSsl__schannel.reg_utf16le-regedit-export.reg');
    expect([...readFileSync(file).subarray(0, 2)]).toEqual([0xff, 0xfe]); // really UTF-16LE with BOM
    const out = await collect([file]);
    expect(protocol(out, 'SSL 2.0', 'Client')).toMatchObject({ keyExists: true, enabled: absent, disabledByDefault: dword(1) });
    expect(protocol(out, 'SSL 2.0', 'Server')).toMatchObject({ keyExists: false, enabled: absent, disabledByDefault: absent });
    expect(protocol(out, 'TLS 1.2', 'Client').keyExists).toBe(false);
    expect(out.schannel.protocols).toHaveLength(12); // SSL 2.0 is standard: no extra entries
    expect(out.schannel.allowInsecureRenegoClients).toEqual(absent);
  });

  it('most-safe-values.reg gives all four .NET entries SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1', async () => {
    const out = await collect([join(fixtures, 'dotnet-docs_tls', 'most-safe-values.reg')]);
    for (const version of ['v2.0.50727', 'v4.0.30319']) {
      for (const view of ['native', 'wow6432']) {
        const f = framework(out, version, view);
        expect(f).toMatchObject({ keyExists: true, systemDefaultTlsVersions: dword(1), schUseStrongCrypto: dword(1) });
      }
    }
    // the file spells WOW6432Node; output paths use one spelling
    expect(framework(out, 'v4.0.30319', 'wow6432').path).toBe('HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319');
    expect(out.dotNet.release.value).toEqual(absent);
  });

  it('all Microsoft samples together: files merge in the order given, later files win', async () => {
    const names = readdirSync(join(fixtures, 'ms-docs_exchange-tls-configuration')).sort();
    // ...-Disable.reg sorts before ...-Enable.reg, so TLS 1.0/1.1 end enabled; reversed they end disabled
    const enabledLast = await collect(names.map(msDocs));
    expect(protocol(enabledLast, 'TLS 1.0', 'Server')).toMatchObject({ enabled: dword(1), disabledByDefault: dword(0) });
    expect(protocol(enabledLast, 'TLS 1.1', 'Client')).toMatchObject({ enabled: dword(1), disabledByDefault: dword(0) });
    const disabledLast = await collect(['TLS10-Enable.reg', 'TLS10-Disable.reg', 'TLS11-Enable.reg', 'TLS11-Disable.reg'].map(msDocs));
    expect(protocol(disabledLast, 'TLS 1.0', 'Server')).toMatchObject({ enabled: dword(0), disabledByDefault: dword(1) });
    expect(protocol(disabledLast, 'TLS 1.1', 'Client')).toMatchObject({ enabled: dword(0), disabledByDefault: dword(1) });
    for (const f of enabledLast.dotNet.frameworks) {
      expect(f).toMatchObject({ keyExists: true, systemDefaultTlsVersions: dword(1), schUseStrongCrypto: dword(1) });
    }
    expect(enabledLast.collector.registryFiles).toEqual(names.map(msDocs));
  });

  it('unknown option keys are ignored with a warning', async () => {
    const out = await collect([msDocs('TLS12-Enable.reg')], { colour: 'blue' });
    expect(out.warnings).toEqual([{ section: 'options', message: expect.stringContaining("'colour'") }]);
  });

  it('-OutFile writes the JSON to a new folder and prints nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'extls-outfile-'));
    try {
      const target = join(dir, 'share', 'EX01.json');
      const run = await runCollector({ registryExports: [msDocs('TLS12-Enable.reg')], computerName: 'EX01' }, ['-OutFile', target]);
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect(run.stdout.trim()).toBe('');
      const out = expectValidOutput(JSON.parse(readFileSync(target, 'utf8')));
      expect(out.computerName).toBe('EX01');
      expect(protocol(out, 'TLS 1.2', 'Server').enabled).toEqual(dword(1));
      expect(readdirSync(join(dir, 'share'))).toEqual(['EX01.json']); // no temporary file left behind
      // a second run replaces the file in place
      const again = await runCollector({ registryExports: [msDocs('TLS12-Enable.reg')], computerName: 'EX01-again' }, ['-OutFile', target]);
      expect(again.exitCode).toBe(0);
      expect(JSON.parse(readFileSync(target, 'utf8')).computerName).toBe('EX01-again');
      expect(readdirSync(join(dir, 'share'))).toEqual(['EX01.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without registryExports it reads the live registry on Windows and refuses elsewhere', async () => {
    const run = await runCollector({ computerName: 'LIVE' });
    if (process.platform === 'win32') {
      expect(run.exitCode).toBe(0);
      expect(expectValidOutput(run.json).collector.registrySource).toBe('live');
    } else {
      expect(run.exitCode).not.toBe(0);
      expect(run.stdout.trim()).toBe('');
      expect(unwrap(run.stderr)).toContain('No Windows registry on this system: give registryExports (.reg files)');
    }
  });

  it('bad OptionsJson and a missing export file are clear errors', async () => {
    const missing = join(fixtures, 'no-such-file.reg');
    const run = await runCollector({ registryExports: [missing] });
    expect(run.exitCode).not.toBe(0);
    expect(unwrap(run.stderr)).toContain(`registry export not found: ${missing}`);
    expect(existsSync(missing)).toBe(false);
    const wrongType = await runCollector({ registryExports: 'x.reg', computerName: 5 });
    expect(wrongType.exitCode).not.toBe(0);
    expect(unwrap(wrongType.stderr)).toContain('computerName must be a string');
  });
});
