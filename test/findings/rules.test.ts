// Every rule both ways (fires / does not fire) on real-format records, through the public analyzeInventory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { analyzeInventory } from '../../src/findings/analyze.js';
import { loadPolicy } from '../../src/findings/policy.js';
import { receive, send } from './exchange-builders.js';
import type { FindingsDocument, ServerAnalysis, ShellCommand } from '../../src/findings/types.js';
import { validatorFor, describeErrors } from '../../src/util/schemas.js';
import type { CollectorOutput, RegValue } from '../../src/inventory/types.js';
import { dw, inventory, legacyOff, missing, rawOutput, readyOutput, record, referenceTime, setExchange, setOs, setSchannel, valid } from './builders.js';

function analyze(o: CollectorOutput | null, policies: string[] = ['tls12-ready'], when = referenceTime): ServerAnalysis {
  const doc = analyzeInventory(inventory([record(o === null ? null : valid(o))]), policies, { referenceTime: when, now: when });
  expectValidFindings(doc);
  return doc.servers[0]!;
}

export function expectValidFindings(doc: FindingsDocument): void {
  const v = validatorFor('findings.schema.json');
  if (!v(doc)) throw new Error(describeErrors(v.errors).join('\n'));
}

const ids = (s: ServerAnalysis) => s.findings.map((f) => f.id);
const verdict = (s: ServerAnalysis, policy = 'tls12-ready') => s.verdicts.find((v) => v.policy === policy)!;
const get = (s: ServerAnalysis, id: string) => {
  const f = s.findings.find((x) => x.id === id);
  if (!f) throw new Error(`${id} not in ${ids(s).join(', ')}`);
  return f;
};

describe('tls12-ready on a ready server', () => {
  it('passes with no failing findings', () => {
    const s = analyze(readyOutput());
    expect(verdict(s)).toMatchObject({ verdict: 'pass', changes: [], blockers: [] });
    // Exchange 2019 ended support 2025-10-14: a low finding that does not fail phase 1
    expect(ids(s)).toEqual(['EXCHANGE-OUT-OF-SUPPORT']);
    expect(s.host!.exchange).toMatchObject({ product: 'Exchange Server 2019', buildName: 'Exchange Server 2019 CU14', tls12Capable: true });
  });
});

describe('SCHANNEL protocol rule', () => {
  it('fires TLS12-SERVER-DISABLED with the changes to turn it on', () => {
    const s = analyze(setSchannel(readyOutput(), 'TLS 1.2', 'Server', 0, 1));
    const f = get(s, 'TLS12-SERVER-DISABLED');
    expect(f).toMatchObject({ severity: 'critical', policies: ['tls12-ready'], restartRequired: true });
    expect(f.changes).toEqual([
      expect.objectContaining({ hive: 'HKLM', path: 'SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server', name: 'Enabled', type: 'REG_DWORD', current: 0, desired: 1 }),
      expect.objectContaining({ name: 'DisabledByDefault', current: 1, desired: 0 }),
    ]);
    expect(f.evidence.map((e) => e.display)).toContain('HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server\\Enabled = 0');
    expect(verdict(s)).toMatchObject({ verdict: 'fail', findingIds: ['TLS12-SERVER-DISABLED'] });
    expect(ids(s)).toContain('TLS12-CLIENT-SERVER-MISMATCH');
    expect(ids(s)).not.toContain('TLS12-CLIENT-DISABLED');
  });

  it('TLS 1.2 on by OS default (keys missing) is not DISABLED, but tls12-ready wants it explicit (TLS12-*-NOT-EXPLICIT, medium)', () => {
    const s = analyze(setSchannel(readyOutput(), 'TLS 1.2', 'both', missing, missing));
    expect(ids(s)).not.toContain('TLS12-SERVER-DISABLED');
    expect(verdict(s).findingIds).toEqual(['TLS12-CLIENT-NOT-EXPLICIT', 'TLS12-SERVER-NOT-EXPLICIT']);
  });

  it('names a contradictory side FAULTY and plans the full on pair', () => {
    const s = analyze(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 1, 1));
    const f = get(s, 'TLS12-CLIENT-FAULTY');
    expect(f.changes).toEqual([expect.objectContaining({ name: 'DisabledByDefault', current: 1, desired: 0 })]);
  });

  it('legacy-off fires TLS10/TLS11 ENABLED on OS defaults and passes once they are off', () => {
    const s = analyze(readyOutput(), ['legacy-off']);
    expect(ids(s)).toEqual(expect.arrayContaining(['TLS10-CLIENT-ENABLED', 'TLS10-SERVER-ENABLED', 'TLS11-CLIENT-ENABLED', 'TLS11-SERVER-ENABLED']));
    expect(ids(s)).not.toContain('SSL30-SERVER-ENABLED'); // off by default on 2019
    expect(get(s, 'TLS10-SERVER-ENABLED').changes.map((c) => [c.name, c.current, c.desired])).toEqual([['Enabled', null, 0], ['DisabledByDefault', null, 1]]);
    // legacy already off: nothing to change, but phase 2 still waits for protocol-log evidence (this output has none)
    const off = analyze(legacyOff(readyOutput()), ['legacy-off']);
    expect(verdict(off, 'legacy-off')).toMatchObject({ verdict: 'blocked', changes: [], findingIds: ['LEGACY-PEERS-NO-EVIDENCE'] });
  });

  it('legacy-off includes phase 1: TLS 1.2 off fails it too', () => {
    const s = analyze(legacyOff(setSchannel(readyOutput(), 'TLS 1.2', 'both', 0, 1)), ['legacy-off']);
    expect(get(s, 'TLS12-SERVER-DISABLED').policies).toEqual(['legacy-off']);
  });

  it('asks for explicit values where the OS default is unverified (WS2025 TLS 1.0)', () => {
    const s = analyze(setOs(readyOutput(), '26100', 'Windows Server 2025 Datacenter'), ['legacy-off']);
    expect(get(s, 'TLS10-SERVER-UNKNOWN').changes).toHaveLength(2);
    const off = analyze(legacyOff(setOs(readyOutput(), '26100', 'Windows Server 2025 Datacenter')), ['legacy-off']);
    expect(ids(off)).not.toContain('TLS10-SERVER-UNKNOWN');
  });
});

describe('SCHANNEL hygiene (every server)', () => {
  it('0xffffffff is on, and only a low STIG-style finding, never a failure', () => {
    const s = analyze(setSchannel(readyOutput(), 'TLS 1.2', 'both', 4294967295, 0));
    expect(verdict(s).verdict).toBe('pass');
    const f = get(s, 'SCHANNEL-NONSTANDARD-VALUE');
    expect(f).toMatchObject({ severity: 'low', policies: [] });
    expect(f.changes.map((c) => [c.name, c.current, c.desired])).toEqual([['Enabled', 4294967295, 1], ['Enabled', 4294967295, 1]]);
    expect(ids(analyze(readyOutput()))).not.toContain('SCHANNEL-NONSTANDARD-VALUE');
  });

  it('0xffffffff on a protocol legacy-off wants off is judged as enabled', () => {
    const s = analyze(setSchannel(legacyOff(readyOutput()), 'TLS 1.0', 'Server', 4294967295, 0), ['legacy-off']);
    expect(get(s, 'TLS10-SERVER-ENABLED').changes.map((c) => [c.name, c.current, c.desired])).toEqual([['Enabled', 4294967295, 0], ['DisabledByDefault', 0, 1]]);
  });

  it('Client/Server mismatch fires only when the effective states differ', () => {
    expect(ids(analyze(setSchannel(readyOutput(), 'TLS 1.1', 'Server', 0, 1)))).toContain('TLS11-CLIENT-SERVER-MISMATCH');
    expect(ids(analyze(setSchannel(readyOutput(), 'TLS 1.1', 'both', 0, 1)))).not.toContain('TLS11-CLIENT-SERVER-MISMATCH');
  });

  it('a faulty side no policy covers gets a FAULTY finding without changes', () => {
    const s = analyze(setSchannel(readyOutput(), 'TLS 1.0', 'Server', 1, 1));
    expect(get(s, 'TLS10-SERVER-FAULTY')).toMatchObject({ severity: 'medium', policies: [], changes: [] });
    expect(ids(analyze(readyOutput()))).not.toContain('TLS10-SERVER-FAULTY');
  });

  it('TLS 1.3 enabled on Windows Server 2019 (unsupported) is faulty with a change to off', () => {
    const s = analyze(setSchannel(readyOutput(), 'TLS 1.3', 'Server', 1, 0));
    expect(get(s, 'TLS13-SERVER-FAULTY').changes.map((c) => [c.name, c.desired])).toEqual([['Enabled', 0], ['DisabledByDefault', 1]]);
    const ws2022 = analyze(setSchannel(setOs(readyOutput(), '20348', 'Windows Server 2022 Datacenter'), 'TLS 1.3', 'Server', 1, 0));
    expect(ids(ws2022)).not.toContain('TLS13-SERVER-FAULTY');
  });

  it('wrongly typed values are reported', () => {
    const s = analyze(setSchannel(readyOutput(), 'TLS 1.0', 'Server', { present: true, type: 'REG_SZ', value: '0' }, missing));
    expect(get(s, 'SCHANNEL-WRONG-TYPE').evidence[0]!.display).toContain("REG_SZ '0'");
    expect(ids(analyze(readyOutput()))).not.toContain('SCHANNEL-WRONG-TYPE');
  });
});

describe('.NET rules', () => {
  it('NET4-STRONGCRYPTO-MISSING names the views and plans one change per view', () => {
    const o = readyOutput();
    for (const f of o.dotNet.frameworks) if (f.version === 'v4.0.30319') f.schUseStrongCrypto = f.view === 'native' ? missing : dw(0);
    const s = analyze(o);
    const f = get(s, 'NET4-STRONGCRYPTO-MISSING');
    expect(f.severity).toBe('high');
    expect(f.changes.map((c) => [c.path, c.current, c.desired])).toEqual([
      ['SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319', null, 1],
      ['SOFTWARE\\Wow6432Node\\Microsoft\\.NETFramework\\v4.0.30319', 0, 1],
    ]);
    expect(ids(s)).not.toContain('NET2-STRONGCRYPTO-MISSING');
  });

  it('only the value 1 counts (HealthChecker rule): 0xffffffff fails too', () => {
    const o = readyOutput();
    o.dotNet.frameworks[0]!.systemDefaultTlsVersions = dw(4294967295);
    expect(get(analyze(o), 'NET2-SYSTEMDEFAULTTLS-MISSING').changes[0]).toMatchObject({ current: 4294967295, desired: 1 });
  });

  it('fires for every value missing on the raw collected server (v2 only as low on Exchange 2019)', () => {
    const s = analyze(rawOutput());
    expect(ids(s)).toEqual(expect.arrayContaining(['NET2-SYSTEMDEFAULTTLS-MISSING', 'NET2-STRONGCRYPTO-MISSING', 'NET4-SYSTEMDEFAULTTLS-MISSING', 'NET4-STRONGCRYPTO-MISSING', 'DOTNET-TOO-OLD']));
    expect(get(s, 'NET2-STRONGCRYPTO-MISSING').severity).toBe('low');
    expect(get(s, 'NET4-STRONGCRYPTO-MISSING').severity).toBe('high');
    expect(verdict(s).changes).toHaveLength(4);
  });

  it('DOTNET-TOO-OLD fires below 4.7.1 and blocks; not at 4.8', () => {
    const o = setSchannel(readyOutput(), 'TLS 1.2', 'Server', 0, 1);
    o.dotNet.release.value = dw(394802); // 4.6.2
    const s = analyze(o);
    expect(get(s, 'DOTNET-TOO-OLD').title).toContain('4.6.2');
    expect(verdict(s).verdict).toBe('blocked');
    expect(get(s, 'TLS12-SERVER-DISABLED').blockers.map((b) => b.kind)).toEqual(['dotnet-too-old']);
    expect(ids(analyze(readyOutput()))).not.toContain('DOTNET-TOO-OLD');
  });
});

describe('WinHTTP rule', () => {
  it('does not fire when the value is missing on 2012 R2 and later (OS default includes TLS 1.2)', () => {
    expect(ids(analyze(readyOutput()))).not.toContain('WINHTTP-TLS12-MISSING');
  });
  it('fires when missing on Windows Server 2012, planning 0xa80', () => {
    const s = analyze(setOs(readyOutput(), '9200', 'Windows Server 2012 Standard'));
    expect(get(s, 'WINHTTP-TLS12-MISSING').changes.map((c) => c.desiredDisplay)).toEqual(['0x00000a80 (2688)', '0x00000a80 (2688)']);
  });
  it('fires when a present value lacks 0x800 and keeps the other bits', () => {
    const o = readyOutput();
    o.winHttp[0]!.defaultSecureProtocols = dw(0x280);
    const f = get(analyze(o), 'WINHTTP-TLS12-MISSING');
    expect(f.changes).toEqual([expect.objectContaining({ current: 0x280, desired: 0xa80 })]);
    o.winHttp[0]!.defaultSecureProtocols = dw(0xa00);
    expect(ids(analyze(o))).not.toContain('WINHTTP-TLS12-MISSING');
  });
});

describe('cipher suite order rule (Microsoft 365 suites)', () => {
  const withOrder = (policy: RegValue, local: RegValue = missing): CollectorOutput => {
    const o = readyOutput();
    o.cipherSuiteOrder.policy.value = policy;
    o.cipherSuiteOrder.local.value = local;
    return o;
  };
  // GPO "SSL Cipher Suite Order" writes a REG_SZ comma list; a 2012-era hardening list without any ECDHE RSA suite
  const gpoOld: RegValue = { present: true, type: 'REG_SZ', value: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA,TLS_DHE_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384' };

  it('fires CIPHERS-NO-M365-SUITE when the policy order holds no suite Microsoft 365 accepts', () => {
    const s = analyze(withOrder(gpoOld));
    const f = get(s, 'CIPHERS-NO-M365-SUITE');
    expect(f).toMatchObject({ severity: 'critical', category: 'schannel', restartRequired: true, changes: [] });
    expect(f.evidence[0]!.display).toBe(`HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002\\Functions = REG_SZ '${gpoOld.present ? String(gpoOld.value) : ''}'`);
    expect(f.explanation).toContain('the Group Policy cipher suite order');
    expect(verdict(s)).toMatchObject({ verdict: 'fail', findingIds: ['CIPHERS-NO-M365-SUITE'] });
  });

  it('judges the local REG_MULTI_SZ order when no policy is set, and does not fire when one suite matches (curve suffix ignored)', () => {
    const local: RegValue = { present: true, type: 'REG_MULTI_SZ', value: ['TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384'] };
    expect(ids(analyze(withOrder(missing, local)))).not.toContain('CIPHERS-NO-M365-SUITE');
    const bad: RegValue = { present: true, type: 'REG_MULTI_SZ', value: ['TLS_DHE_RSA_WITH_AES_256_CBC_SHA', ''] };
    expect(get(analyze(withOrder(missing, bad)), 'CIPHERS-NO-M365-SUITE').explanation).toContain('the local cipher suite order');
  });

  it('the policy wins over the local order; an empty policy string leaves the local one in force', () => {
    const goodLocal: RegValue = { present: true, type: 'REG_MULTI_SZ', value: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'] };
    expect(ids(analyze(withOrder(gpoOld, goodLocal)))).toContain('CIPHERS-NO-M365-SUITE');
    expect(ids(analyze(withOrder({ present: true, type: 'REG_SZ', value: ' ' }, goodLocal)))).not.toContain('CIPHERS-NO-M365-SUITE');
  });

  it('does not fire on the OS default order (neither value set)', () => {
    expect(ids(analyze(withOrder(missing, missing)))).not.toContain('CIPHERS-NO-M365-SUITE');
  });
});

describe('Exchange rules', () => {
  it('EXCHANGE-TOO-OLD-FOR-TLS12 blocks Exchange 2013 CU15', () => {
    const o = setSchannel(setExchange(readyOutput(), '15.0.1263.5'), 'TLS 1.2', 'both', 0, 1);
    const s = analyze(o);
    expect(get(s, 'EXCHANGE-TOO-OLD-FOR-TLS12').title).toContain('CU19');
    expect(verdict(s)).toMatchObject({ verdict: 'blocked' });
    expect(verdict(s).blockers.map((b) => b.kind)).toEqual(['exchange-too-old']);
    expect(get(s, 'TLS12-SERVER-DISABLED').blockers[0]!.kind).toBe('exchange-too-old');
    expect(ids(analyze(setExchange(readyOutput(), '15.0.1497.2')))).not.toContain('EXCHANGE-TOO-OLD-FOR-TLS12'); // CU23
  });

  it('EXCHANGE-TOO-OLD-TO-DISABLE-LEGACY: 2016 CU8 can do TLS 1.2 but not run without 1.0/1.1; CU9 can', () => {
    const cu8 = analyze(setExchange(readyOutput(), '15.1.1415.2'), ['tls12-ready', 'legacy-off']);
    expect(verdict(cu8, 'tls12-ready').verdict).toBe('pass');
    expect(verdict(cu8, 'legacy-off').verdict).toBe('blocked');
    expect(ids(cu8)).toContain('EXCHANGE-TOO-OLD-TO-DISABLE-LEGACY');
    expect(ids(analyze(setExchange(readyOutput(), '15.1.1466.3'), ['legacy-off']))).not.toContain('EXCHANGE-TOO-OLD-TO-DISABLE-LEGACY');
  });

  it('an unknown build is a finding and a blocker, not a crash', () => {
    const s = analyze(setSchannel(setExchange(readyOutput(), '16.9.1.0'), 'TLS 1.2', 'Server', 0, 1));
    expect(get(s, 'EXCHANGE-BUILD-UNKNOWN')).toBeDefined();
    expect(verdict(s).blockers.map((b) => b.kind)).toEqual(['unknown-build']);
    expect(ids(analyze(setExchange(readyOutput(), null)))).toContain('EXCHANGE-BUILD-UNKNOWN');
    expect(ids(analyze(readyOutput()))).not.toContain('EXCHANGE-BUILD-UNKNOWN');
  });

  it('a build newer than the table is judged by its version and noted', () => {
    const s = analyze(setExchange(readyOutput(), '15.2.2562.99'));
    expect(get(s, 'EXCHANGE-BUILD-NOT-IN-KB').severity).toBe('info');
    expect(s.host!.exchange).toMatchObject({ product: 'Exchange Server SE', supportStatus: 'supported', tls12Capable: true });
    expect(ids(s)).not.toContain('EXCHANGE-OUT-OF-SUPPORT');
  });

  it('EXCHANGE-OUT-OF-SUPPORT depends on the reference time', () => {
    expect(ids(analyze(readyOutput(), ['tls12-ready'], new Date('2025-06-01T00:00:00Z')))).not.toContain('EXCHANGE-OUT-OF-SUPPORT');
    expect(ids(analyze(readyOutput(), ['tls12-ready'], new Date('2025-10-15T12:00:00Z')))).toContain('EXCHANGE-OUT-OF-SUPPORT');
  });

  it('no Exchange installed: build rules skipped, an info finding says so', () => {
    const s = analyze(setExchange(readyOutput(), null, false));
    expect(ids(s)).toEqual(['EXCHANGE-NOT-INSTALLED']);
    expect(verdict(s).verdict).toBe('pass');
  });
});

describe('host rules', () => {
  it('REBOOT-PENDING blocks a server that needs changes, and is only noted on one that does not', () => {
    const pending = (o: CollectorOutput) => {
      o.pendingReboot = { pending: true, reasons: [{ source: 'ComponentBasedServicing', path: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending' }] };
      return o;
    };
    const needs = analyze(pending(setSchannel(readyOutput(), 'TLS 1.2', 'both', 0, 1)));
    expect(verdict(needs)).toMatchObject({ verdict: 'blocked' });
    expect(verdict(needs).blockers[0]!.evidence[0]!.display).toContain('Component Based Servicing');
    const clean = analyze(pending(readyOutput()));
    expect(verdict(clean).verdict).toBe('pass');
    expect(get(clean, 'REBOOT-PENDING').policies).toEqual([]);
    expect(ids(analyze(readyOutput()))).not.toContain('REBOOT-PENDING');
  });

  it('OS-BUILD-UNKNOWN for a Windows build the knowledge base lacks', () => {
    const s = analyze(setOs(readyOutput(), '99999', 'Windows Server Next'));
    expect(ids(s)).toContain('OS-BUILD-UNKNOWN');
    expect(s.protocols.find((p) => p.protocol === 'TLS 1.0')!.state).toBe('unknown');
    expect(ids(analyze(readyOutput()))).not.toContain('OS-BUILD-UNKNOWN');
  });

  it('COLLECTION-FAILED: a failed server is not judged', () => {
    const s = analyze(null, ['tls12-ready', 'legacy-off']);
    expect(s.status).toBe('failed');
    expect(get(s, 'COLLECTION-FAILED').policies).toEqual(['tls12-ready', 'legacy-off']);
    expect(s.verdicts.map((v) => v.verdict)).toEqual(['not-judged', 'not-judged']);
    expect(verdict(s).display).toBe('not judged: unreachable');
  });
});

describe('legacy-peers rule (protocol-log evidence)', () => {
  // real collector output for test/findings/protocol-logs (see SOURCES.md there)
  const scanned = JSON.parse(readFileSync(join(packageRoot, 'test', 'findings', 'protocol-logs.scanned.json'), 'utf8'));
  const withLogs = (keep: (p: { remoteAddress: string }) => boolean = () => true) => {
    const o = legacyOff(readyOutput());
    o.protocolLogs = { ...scanned, peers: scanned.peers.filter(keep) };
    return o;
  };

  it('fires LEGACY-PEERS-SEEN and blocks legacy-off when peers negotiate TLS 1.0', () => {
    const s = analyze(covering(withLogs()), ['legacy-off']);
    const f = get(s, 'LEGACY-PEERS-SEEN');
    expect(f.evidence[0]!.peers).toEqual([
      expect.objectContaining({ remote: '203.0.113.7', tlsVersion: 'TLS 1.0', count: 2, direction: 'receive', lastSeen: '2026-01-14T09:02:00.000Z' }),
      expect.objectContaining({ remote: '192.0.2.44', tlsVersion: 'TLS 1.1', count: 1 }),
    ]);
    expect(f.title).toBe('2 SMTP peer(s) still use TLS 1.0/TLS 1.1 (3 sessions)');
    expect(verdict(s, 'legacy-off')).toMatchObject({ verdict: 'blocked' });
    expect(verdict(s, 'legacy-off').blockers.map((b) => b.kind)).toEqual(['legacy-peers']);
  });

  /** The same logs, reaching back to the start of their 7-day window (the fixture's sessions are all of one day). */
  const covering = (o: CollectorOutput): CollectorOutput => {
    const logs = o.protocolLogs!;
    o.protocolLogs = { ...logs, peers: logs.peers!.map((p, i) => (i === 0 ? { ...p, firstSeen: '2026-01-08T01:00:00.000Z' } : p)) };
    return o;
  };

  it('does not fire when every peer is on TLS 1.2 and the logs cover the window', () => {
    const s = analyze(covering(withLogs((p) => p.remoteAddress === '198.51.100.2')), ['legacy-off']);
    expect(ids(s)).not.toContain('LEGACY-PEERS-SEEN');
    expect(ids(s)).not.toContain('LEGACY-PEERS-NO-EVIDENCE');
    expect(verdict(s, 'legacy-off').verdict).toBe('pass');
  });

  // issue 23: the scan was disabled, and phase 2 passed ("pass", no blocker): nobody had looked
  it('blocks legacy-off (no-evidence) when the logs were not read, with the step to read them', () => {
    const s = analyze(legacyOff(readyOutput()), ['legacy-off']); // the base has status "disabled"
    const f = get(s, 'LEGACY-PEERS-NO-EVIDENCE');
    expect(f.severity).toBe('high');
    expect(f.title).toContain('the SMTP protocol logs were not read (disabled');
    expect(f.explanation).toContain('HTTPS clients (Outlook, ActiveSync, EWS');
    expect(verdict(s, 'legacy-off')).toMatchObject({ verdict: 'blocked' });
    const b = verdict(s, 'legacy-off').blockers.find((x) => x.kind === 'no-evidence')!;
    expect(b.byHand!.steps.map((l) => l.text).join(' ')).toContain('scanLogs false');
  });

  it('no-log-folders: the step names the cmdlets that show where the logs are', () => {
    const o = legacyOff(readyOutput());
    o.protocolLogs = { schemaVersion: 1, status: 'no-log-folders', message: 'none of the protocol-log folders exists' };
    const s = analyze(o, ['legacy-off']);
    const b = verdict(s, 'legacy-off').blockers.find((x) => x.kind === 'no-evidence')!;
    expect(b.message).toContain('no-log-folders');
    expect(b.byHand!.steps.map((l) => (l.command as ShellCommand | null)?.cmdlet).filter(Boolean)).toEqual(['Get-TransportService', 'Get-FrontEndTransportService']);
  });

  it('blocks legacy-off when the logs cover fewer days than minLogDays (default 7)', () => {
    const s = analyze(withLogs((p) => p.remoteAddress === '198.51.100.2'), ['legacy-off']); // one day of sessions
    expect(verdict(s, 'legacy-off').verdict).toBe('blocked');
    expect(get(s, 'LEGACY-PEERS-NO-EVIDENCE').title).toMatch(/cover 0\.\d day\(s\), fewer than 7/);
    // the option: a policy that accepts one day of logs passes
    const policy = { ...loadPolicy('legacy-off'), rules: loadPolicy('legacy-off').rules.map((r) => (r.rule === 'legacy-peers' ? { ...r, minLogDays: 0.5 } : r)) };
    const doc = analyzeInventory(inventory([record(valid(withLogs((p) => p.remoteAddress === '198.51.100.2')))]), [policy], { referenceTime, now: referenceTime });
    expect(doc.servers[0]!.verdicts[0]!.verdict).toBe('pass');
  });

  it('blocks legacy-off when a connector that carries mail does not log; internal-only connectors do not count', () => {
    const o = covering(withLogs((p) => p.remoteAddress === '198.51.100.2'));
    o.exchangeConfig = {
      source: 'exchange-shell', message: null, files: [], certificates: [], internalTransportThumbprint: null,
      receiveConnectors: [
        receive({ protocolLoggingLevel: 'Verbose' }),
        receive({ name: 'Default EX01', identity: 'EX01\\Default EX01', transportRole: 'HubTransport', bindings: ['0.0.0.0:2525'], protocolLoggingLevel: 'None' }),
      ],
      sendConnectors: [send({ protocolLoggingLevel: 'Verbose', sourceTransportServers: [o.computerName] })],
    };
    expect(verdict(analyze(o, ['legacy-off']), 'legacy-off').verdict).toBe('pass');
    o.exchangeConfig.receiveConnectors!.push(receive({ name: 'App Relay', identity: 'EX01\\App Relay', bindings: ['0.0.0.0:25'], protocolLoggingLevel: 'None' }));
    const s = analyze(o, ['legacy-off']);
    const b = verdict(s, 'legacy-off').blockers.find((x) => x.kind === 'no-evidence')!;
    expect(b.message).toContain('EX01\\App Relay carries mail but does not log it');
    expect(b.byHand!.steps[0]!.command).toEqual(expect.objectContaining({ cmdlet: 'Set-ReceiveConnector' }));
    expect(JSON.stringify(b.byHand!.steps[0]!.command)).toContain('Verbose');
  });

  it('says so when the connectors were not read (not a blocker by itself)', () => {
    const o = covering(withLogs((p) => p.remoteAddress === '198.51.100.2'));
    o.exchange = { ...o.exchange, installed: true };
    const s = analyze(o, ['legacy-off']);
    if (o.exchangeConfig == null || o.exchangeConfig.receiveConnectors == null) {
      expect(get(s, 'LEGACY-PEERS-LOGGING-UNKNOWN').explanation).toContain('The connectors were not read');
    }
    expect(verdict(s, 'legacy-off').blockers.map((b) => b.kind)).not.toContain('no-evidence');
  });

  it('is not part of tls12-ready', () => {
    const s = analyze(withLogs());
    expect(ids(s)).not.toContain('LEGACY-PEERS-SEEN');
  });
});

describe('output shape', () => {
  it('merges a finding two policies share, keeps ids unique, and validates', () => {
    const s = analyze(setSchannel(readyOutput(), 'TLS 1.2', 'both', 0, 1), ['tls12-ready', 'legacy-off']);
    expect(get(s, 'TLS12-SERVER-DISABLED').policies).toEqual(['tls12-ready', 'legacy-off']);
    expect(new Set(ids(s)).size).toBe(s.findings.length);
    expect(s.counts.critical).toBeGreaterThan(0);
    expect(s.worstSeverity).toBe('critical');
  });

  it('plans nothing twice and nothing already right (idempotent)', () => {
    const s = analyze(rawOutput(), ['tls12-ready', 'legacy-off']);
    const keys = verdict(s, 'legacy-off').changes.map((c) => `${c.path}|${c.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.some((k) => k.includes('TLS 1.2'))).toBe(false); // already 1/0 in the base
  });
});
