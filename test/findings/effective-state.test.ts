import { protocolStates, sideState } from '../../src/findings/effective-state.js';
import type { SchannelProtocolSide } from '../../src/inventory/types.js';
import { dw, missing, rawOutput, setOs, setSchannel, valid } from './builders.js';

const entry = (enabled = missing, disabledByDefault = missing, side: 'Client' | 'Server' = 'Server'): SchannelProtocolSide => ({
  protocol: 'TLS 1.2', side, path: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server',
  keyExists: enabled.present || disabledByDefault.present, enabled, disabledByDefault,
});

describe('sideState', () => {
  it('takes the OS default when both values are missing', () => {
    const s = sideState(entry(), 'on');
    expect(s).toMatchObject({ state: 'on', derivedFrom: 'os-default', enabled: true, disabledByDefault: false, faults: [] });
    expect(sideState(entry(), 'off').state).toBe('off');
    expect(sideState(entry(), 'not-supported').state).toBe('off');
    expect(sideState(entry(), 'unknown').state).toBe('unknown');
  });

  it('reads explicit on and off pairs', () => {
    expect(sideState(entry(dw(1), dw(0)), 'off')).toMatchObject({ state: 'on', derivedFrom: 'explicit' });
    expect(sideState(entry(dw(0), dw(1)), 'on')).toMatchObject({ state: 'off', derivedFrom: 'explicit' });
  });

  it('judges 0xffffffff as enabled (any non-zero), not faulty, and marks it non-standard', () => {
    const s = sideState(entry(dw(4294967295), dw(0)), 'on');
    expect(s).toMatchObject({ state: 'on', enabled: true, nonStandardValues: true, faults: [] });
    expect(s.registry.enabledDisplay).toBe('0xffffffff (4294967295)');
    expect(sideState(entry(dw(1), dw(0)), 'on').nonStandardValues).toBe(false);
  });

  it('counts Enabled=0 alone as a clean off', () => {
    expect(sideState(entry(dw(0), missing), 'on')).toMatchObject({ state: 'off', derivedFrom: 'partly-explicit', faults: [] });
  });

  it('flags Enabled and DisabledByDefault contradicting each other', () => {
    expect(sideState(entry(dw(1), dw(1)), 'on')).toMatchObject({ state: 'faulty', faults: ['contradictory'] });
    expect(sideState(entry(dw(0), dw(0)), 'on')).toMatchObject({ state: 'faulty', faults: ['contradictory'] });
    // DisabledByDefault=1 with Enabled left to an "on" OS default: enabled but not by default
    expect(sideState(entry(missing, dw(1)), 'on')).toMatchObject({ state: 'faulty', faults: ['contradictory'] });
    // Enabled=1 on a build that disables the protocol by default (2008 R2 TLS 1.2) needs DisabledByDefault=0 too
    expect(sideState(entry(dw(1), missing), 'off')).toMatchObject({ state: 'faulty', faults: ['contradictory'] });
    expect(sideState(entry(missing, dw(1)), 'off').state).toBe('off');
  });

  it('ignores wrongly typed values (OS default applies) and says so', () => {
    const s = sideState(entry({ present: true, type: 'REG_SZ', value: '0' }, missing), 'on');
    expect(s).toMatchObject({ state: 'on', faults: ['wrong-type'], derivedFrom: 'os-default' });
    expect(s.registry.enabledDisplay).toBe("REG_SZ '0'");
  });

  it('flags a protocol enabled where the OS does not support it, but not one set off', () => {
    expect(sideState(entry(dw(1), dw(0)), 'not-supported')).toMatchObject({ state: 'faulty', faults: ['unsupported-by-os'] });
    expect(sideState(entry(dw(0), dw(1)), 'not-supported')).toMatchObject({ state: 'off', faults: [] });
  });

  it('keeps registry evidence below HKLM', () => {
    const s = sideState(entry(dw(1), dw(0)), 'on');
    expect(s.registry.path).toBe('SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server');
    expect(s.registry.fullPath.startsWith('HKLM\\SYSTEM\\')).toBe(true);
  });
});

describe('protocolStates on real-format collector output', () => {
  const byName = (o: ReturnType<typeof rawOutput>) => Object.fromEntries(protocolStates(valid(o)).map((p) => [p.protocol, p]));

  it('uses the Windows Server 2019 defaults for missing keys', () => {
    const p = byName(rawOutput());
    expect(p['TLS 1.2']).toMatchObject({ state: 'on', code: 'TLS12' });
    expect(p['TLS 1.2']!.server.derivedFrom).toBe('explicit');
    expect(p['TLS 1.0']).toMatchObject({ state: 'on' });
    expect(p['TLS 1.0']!.client.derivedFrom).toBe('os-default');
    expect(p['SSL 3.0']!.state).toBe('off');
    expect(p['TLS 1.3']!.state).toBe('off'); // not supported on 17763
  });

  it('treats missing TLS 1.3 keys on Windows Server 2022 as ON (the OS default), unlike HealthChecker', () => {
    const p = byName(setOs(rawOutput(), '20348', 'Windows Server 2022 Datacenter'));
    expect(p['TLS 1.3']).toMatchObject({ state: 'on' });
    expect(p['TLS 1.3']!.server.osDefault).toBe('on');
  });

  it('does not guess Windows Server 2025 TLS 1.0/1.1 defaults (unverified)', () => {
    const p = byName(setOs(rawOutput(), '26100', 'Windows Server 2025 Datacenter'));
    expect(p['TLS 1.0']!.state).toBe('unknown');
    expect(p['TLS 1.2']!.state).toBe('on');
  });

  it('reports a Client/Server mismatch as faulty', () => {
    const p = byName(setSchannel(rawOutput(), 'TLS 1.2', 'Client', 0, 1));
    expect(p['TLS 1.2']).toMatchObject({ state: 'faulty', clientServerMismatch: true });
    expect(p['TLS 1.2']!.display).toBe('faulty: Client off, Server on');
  });

  it('does not call 0xffffffff vs 1 a mismatch (both are on)', () => {
    const p = byName(setSchannel(rawOutput(), 'TLS 1.2', 'Client', 4294967295, 0));
    expect(p['TLS 1.2']).toMatchObject({ state: 'on', clientServerMismatch: false });
  });

  it('lists extra protocol keys after the standard ones', () => {
    const o = rawOutput();
    o.schannel.protocols.push({ protocol: 'PCT 1.0', side: 'Server', path: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\PCT 1.0\\Server', keyExists: true, enabled: dw(0), disabledByDefault: missing });
    const list = protocolStates(valid(o));
    expect(list.map((p) => p.protocol)).toEqual(['SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3', 'PCT 1.0']);
    expect(list[6]!.server.state).toBe('off');
  });
});
