// Mail-flow failures from real-format protocol logs (test/findings/mail-flow-logs, scanned by the real collector
// into mail-flow.scanned.json): one finding per direction × connector × remote × cause class, with its probable
// cause picked among the server's other findings — both ways for every cause class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeInventory } from '../../src/findings/analyze.js';
import { serverContext } from '../../src/findings/context.js';
import { loadPolicy } from '../../src/findings/policy.js';
import { classify, DEFAULT_FAILING_NOW_DAYS, mailFlowFindings } from '../../src/findings/rules-mail-flow.js';
import { isExchangeOnlineConnector, isExchangeOnlineName } from '../../src/findings/exchange-online-peer.js';
import type { Finding, FindingCategory, ServerAnalysis } from '../../src/findings/types.js';
import type { CollectorOutput } from '../../src/inventory/types.js';
import { packageRoot } from '../../src/util/paths.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { runCollector } from '../helpers/collector.js';
import { inventory, readyOutput, record, referenceTime, setExchange, setSchannel, valid } from './builders.js';
import { receive, send } from './exchange-builders.js';

const scannedFile = join(packageRoot, 'test', 'findings', 'mail-flow.scanned.json');
const scanned = JSON.parse(readFileSync(scannedFile, 'utf8'));

function withLogs(o: CollectorOutput = readyOutput()): CollectorOutput {
  o.protocolLogs = structuredClone(scanned);
  return o;
}

function analyze(o: CollectorOutput, policies: Parameters<typeof analyzeInventory>[1] = ['tls12-ready']): ServerAnalysis {
  const doc = analyzeInventory(inventory([record(valid(o))]), policies, { referenceTime, now: referenceTime });
  const v = validatorFor('findings.schema.json');
  if (!v(doc)) throw new Error(describeErrors(v.errors).join('\n'));
  return doc.servers[0]!;
}

const mailFlow = (s: ServerAnalysis) => s.findings.filter((f) => f.category === 'mail-flow' && f.evidence[0]?.failure);
/** The one failure finding of a connector for a remote address or a peer ('Exchange Online', 'Internet hosts') and a cause. */
function one(s: ServerAnalysis, connector: string, who: string, cause: string): Finding {
  const hits = mailFlow(s).filter((f) => {
    const m = f.evidence[0]!.failure!;
    return f.connector === connector && (m.remote === who || m.peer === who) && m.cause === cause;
  });
  if (hits.length !== 1) throw new Error(`${hits.length} findings for ${connector} ${who} ${cause}: ${mailFlow(s).map((f) => f.title).join(' | ')}`);
  return hits[0]!;
}
const none = (s: ServerAnalysis, connector: string, who: string, cause: string) =>
  mailFlow(s).filter((f) => f.connector === connector && (f.evidence[0]!.failure!.remote === who || f.evidence[0]!.failure!.peer === who) && f.evidence[0]!.failure!.cause === cause);

describe('mail-flow findings from protocol-log failures', () => {
  it('the fixture is what the collector reports for the fixture logs', async () => {
    const run = await runCollector({
      registryExports: [join(packageRoot, 'test', 'fixtures', 'inventory', 'server-ok.reg')],
      computerName: 'EX01',
      protocolLogPaths: ['test/findings/mail-flow-logs'],
      referenceTime: '2026-01-15T00:00:00Z',
      logDays: 7,
    }, [], packageRoot);
    const live = (run.json as CollectorOutput).protocolLogs as { errors: unknown[]; peers: unknown[] };
    const strip = (x: unknown) => JSON.parse(JSON.stringify(x).split(`${packageRoot}/`).join(''));
    expect(strip(live.errors)).toEqual(scanned.errors);
    expect(strip(live.peers)).toEqual(scanned.peers);
  }, 120_000);

  it('classifies every signature the collector groups', () => {
    expect(classify({ kind: 'tls-negotiation-failed', signature: 'TLS negotiation failed with error SocketError' })).toBe('tls-handshake');
    expect(classify({ kind: 'smtp-421-4.4.2', signature: '421 4.4.2 Connection dropped due to SocketError' })).toBe('tls-handshake');
    expect(classify({ kind: 'tls-negotiation-failed', signature: 'TLS negotiation failed with error UnknownCredentials' })).toBe('credentials');
    expect(classify({ kind: 'tls-negotiation-failed', signature: 'TLS negotiation failed with error NoCredentials' })).toBe('credentials');
    expect(classify({ kind: 'smtp-454-4.7.x', signature: '454 4.7.0 TLS not available due to local problem' })).toBe('credentials');
    expect(classify({ kind: 'smtp-451-5.7.3', signature: '451 5.7.3 Must issue a STARTTLS command first' })).toBe('starttls-required');
    expect(classify({ kind: 'smtp-530-5.7.0', signature: '530 5.7.0 Must issue a STARTTLS command first' })).toBe('starttls-required');
    expect(classify({ kind: 'smtp-421-4.4.2', signature: '421 4.4.2 Connection dropped due to TimedOut' })).toBe('network');
    // by session (issue 24): SocketError is TLS only where the session issued STARTTLS or logged a TLS failure
    expect(classify({ kind: 'smtp-421-4.4.2', signature: '421 4.4.2 Connection dropped due to SocketError', sessionStage: 'tls-failed' })).toBe('tls-handshake');
    expect(classify({ kind: 'smtp-421-4.4.2', signature: '421 4.4.2 Connection dropped due to SocketError', sessionStage: 'handshake' })).toBe('tls-handshake');
    expect(classify({ kind: 'smtp-421-4.4.2', signature: '421 4.4.2 Connection dropped due to SocketError', sessionStage: 'no-starttls' })).toBe('network');
    expect(classify({ kind: 'smtp-421-4.4.2', signature: '421 4.4.2 Connection dropped due to SocketError', sessionStage: 'tls' })).toBe('network');
    expect(classify({ kind: 'smtp-421-4.4.2', signature: '421 4.4.2 Connection dropped due to TimedOut', sessionStage: 'handshake' })).toBe('tls-handshake');
    expect(classify({ kind: 'smtp-421-4.4.2', signature: '421 4.4.2 Connection dropped due to TimedOut', sessionStage: 'tls' })).toBe('network');
    expect(classify({ kind: 'smtp-450-4.7.230', signature: '450 4.7.230 Connecting Exchange server version is out-of-date' })).toBe('exchange-out-of-date');
    expect(classify({ kind: 'smtp-550-5.7.230', signature: '550 5.7.230 Connecting Exchange server version is out-of-date' })).toBe('exchange-out-of-date');
  });

  it('knows Exchange Online by HealthChecker\'s name patterns, for every cloud', () => {
    for (const n of ['contoso-com.mail.protection.outlook.com', 'AM4PEPF00027A5F.mail.protection.outlook.com', 'contoso-us.mail.protection.office365.us',
      'contoso-cn.mail.protection.partner.outlook.cn', 'mail.protection.outlook.com', 'NAM12-DM6-obe.outbound.protection.outlook.com', 'contoso-com.mail.protection.outlook.com.']) {
      expect([n, isExchangeOnlineName(n)]).toEqual([n, true]);
    }
    for (const n of ['mail.partner.example', 'outlook.com', 'a.b.mail.protection.outlook.com', 'mail.protection.outlook.com.evil.example', 'contoso.mail.onmicrosoft.com', null]) {
      expect([n, isExchangeOnlineName(n)]).toEqual([n, false]);
    }
    // a send connector to a tenant's routing domain or smart host, in any cloud
    expect(isExchangeOnlineConnector(send({ cloudServicesMailEnabled: false, smartHosts: [], addressSpaces: ['SMTP:contoso.mail.onmicrosoft.us;1'] }))).toBe(true);
    expect(isExchangeOnlineConnector(send({ cloudServicesMailEnabled: false, smartHosts: ['contoso-cn.mail.protection.partner.outlook.cn'], addressSpaces: ['SMTP:*;1'] }))).toBe(true);
    expect(isExchangeOnlineConnector(send({ cloudServicesMailEnabled: false, smartHosts: ['smtp.partner.example'], addressSpaces: ['SMTP:partner.example;1'] }))).toBe(false);
  });

  describe('SocketError on a send connector to Exchange Online', () => {
    it('TLS 1.2 Client off: critical, failing now, TLS12-CLIENT-DISABLED is the cause; all addresses and both log lines are one finding', () => {
      const s = analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1)));
      const f = one(s, 'Outbound to Office 365', 'Exchange Online', 'tls-handshake');
      expect(f).toMatchObject({ severity: 'critical', category: 'mail-flow', causes: ['TLS12-CLIENT-DISABLED'], policies: [], changes: [] });
      expect(f.id).toMatch(/^MAILFLOW-SEND-HANDSHAKE-[0-9A-F]{6}$/);
      expect(f.title).toContain('Failing now');
      expect(f.title).toContain('Exchange Online (2 addresses, contoso-com.mail.protection.outlook.com)');
      const failure = f.evidence[0]!.failure!;
      expect(failure).toMatchObject({
        count: 4, failingNow: true, lastSeen: '2026-01-14T09:05:40.070Z', probableCause: 'TLS12-CLIENT-DISABLED', error: expect.stringMatching(/SocketError/),
        peer: 'Exchange Online', remote: null, remoteName: 'contoso-com.mail.protection.outlook.com', remoteCount: 2,
      });
      expect(failure.sources).toEqual([
        { remote: '52.101.68.3', remoteName: 'contoso-com.mail.protection.outlook.com', count: 6 },
        { remote: '52.101.68.4', remoteName: 'contoso-com.mail.protection.outlook.com', count: 2 },
      ]);
      expect(failure.signatures.map((x) => `${x.signature} @${x.sessionStage}`).sort()).toEqual([
        '421 4.4.2 Connection dropped due to SocketError @tls-failed',
        'TLS negotiation failed with error SocketError @handshake',
      ]);
      expect(f.evidence.slice(1).some((e) => typeof e.raw === 'string' && e.raw.includes('TLS negotiation failed with error SocketError'))).toBe(true);
      expect(s.findings.map((x) => x.id)).toContain('TLS12-CLIENT-DISABLED');
      expect(s.worstSeverity).toBe('critical');
    });

    it('the send connector names the peer too: an address that gave no Exchange Online name joins it', () => {
      const o = withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1));
      const logs = o.protocolLogs!;
      for (const e of logs.errors!) if (e.remoteAddress === '52.101.68.4') e.remoteName = null;
      for (const p of logs.peers!) if (p.remoteAddress === '52.101.68.4') { p.remoteName = null; p.remoteNames = []; }
      // without the connector list 52.101.68.4 is an address of its own
      expect(none(analyze(o), 'Outbound to Office 365', '52.101.68.4', 'tls-handshake')).toHaveLength(1);
      o.exchangeConfig = { source: 'exchange-shell', message: null, files: [], certificates: [], internalTransportThumbprint: null, receiveConnectors: [], sendConnectors: [send()] };
      const s = analyze(o);
      expect(none(s, 'Outbound to Office 365', '52.101.68.4', 'tls-handshake')).toHaveLength(0);
      expect(one(s, 'Outbound to Office 365', 'Exchange Online', 'tls-handshake').evidence[0]!.failure!.remoteCount).toBe(2);
    });

    it('a cipher suite order without a suite Exchange Online accepts is the cause', () => {
      const o = readyOutput();
      o.cipherSuiteOrder.policy.value = { present: true, type: 'REG_SZ', value: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA,TLS_RSA_WITH_RC4_128_SHA' };
      const f = one(analyze(withLogs(o)), 'Outbound to Office 365', 'Exchange Online', 'tls-handshake');
      expect(f.causes).toEqual(['CIPHERS-NO-M365-SUITE']);
    });

    it('nothing wrong on this server: no cause, and it says where to look instead of guessing', () => {
      const s = analyze(withLogs());
      const f = one(s, 'Outbound to Office 365', 'Exchange Online', 'tls-handshake');
      expect(f.causes).toEqual([]);
      expect(f.severity).toBe('critical'); // the mail is failing all the same
      expect(f.explanation).toMatch(/No finding on this server explains it/);
      expect(f.explanation).toMatch(/peer's side, a middlebox/);
      expect(f.evidence[0]!.failure!.probableCause).toBe("no cause in this server's settings");
    });

    it('TLS 1.2 Server off is not the cause of a send-side failure', () => {
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Server', 0, 1))), 'Outbound to Office 365', 'Exchange Online', 'tls-handshake');
      expect(f.causes).toEqual([]);
    });
  });

  describe('a partner: attributed by session', () => {
    it('a handshake failure outside the last days of the window is high, not critical', () => {
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1))), 'Partner TLS', '203.0.113.63', 'tls-handshake');
      expect(f.severity).toBe('high');
      expect(f.evidence[0]!.failure!).toMatchObject({ failingNow: false, remoteName: 'mx4.partner.example', peer: null });
      expect(f.title).toMatch(/^Failed:/);
      expect(f.title).toContain('203.0.113.63 (mx4.partner.example)');
    });

    it(`failingNowDays (policy option, default ${DEFAULT_FAILING_NOW_DAYS}) moves the line`, () => {
      const wide = { ...loadPolicy('tls12-ready'), failingNowDays: 6 };
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1)), [wide]), 'Partner TLS', '203.0.113.63', 'tls-handshake');
      expect(f.severity).toBe('critical');
    });

    it('421 SocketError in a session that never issued STARTTLS is a dropped connection, never tied to a SCHANNEL finding', () => {
      const s = analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1)));
      expect(none(s, 'Partner TLS', '203.0.113.61', 'tls-handshake')).toEqual([]);
      const f = one(s, 'Partner TLS', '203.0.113.61', 'network');
      expect(f.causes).toEqual([]);
      expect(f.severity).toBe('medium');
      expect(f.explanation).toMatch(/had not started a TLS handshake/);
      expect(f.evidence[0]!.failure!.probableCause).toBe('network, not TLS');
    });

    it('TimedOut right after the STARTTLS 220 is a stalled handshake (TLS causes apply)', () => {
      const s = analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1)));
      expect(none(s, 'Partner TLS', '203.0.113.62', 'network')).toEqual([]);
      const f = one(s, 'Partner TLS', '203.0.113.62', 'tls-handshake');
      expect(f.causes).toEqual(['TLS12-CLIENT-DISABLED']);
      expect(f.explanation).toMatch(/handshake stalled/);
    });
  });

  describe('451 5.7.3 from a peer that requires STARTTLS', () => {
    it('is its own finding (starttls-required) with the mail sent in plaintext counted', () => {
      const f = one(analyze(withLogs()), 'Partner TLS', '203.0.113.50', 'starttls-required');
      expect(f.id).toMatch(/^MAILFLOW-SEND-STARTTLS-/);
      expect(f.severity).toBe('critical');
      expect(f.explanation).toMatch(/requires STARTTLS/);
      expect(f.explanation).toMatch(/RequireTLS, TlsAuthLevel and IgnoreSTARTTLS/);
      expect(f.explanation).toMatch(/did not offer STARTTLS at all: a middlebox/);
      expect(f.evidence[0]!.failure!.mailWithoutTls).toBe(2);
      expect(f.causes).toEqual([]);
    });
    it('names TLS 1.2 Client off when it is', () => {
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1))), 'Partner TLS', '203.0.113.50', 'starttls-required');
      expect(f.causes).toEqual(['TLS12-CLIENT-DISABLED']);
    });
    it('names IgnoreSTARTTLS $true on the send connector', () => {
      const o = withLogs();
      o.exchangeConfig = { source: 'exchange-shell', message: null, files: [], certificates: [], internalTransportThumbprint: null, receiveConnectors: [],
        sendConnectors: [send({ name: 'Partner TLS', identity: 'Partner TLS', addressSpaces: ['smtp:partner.example;1'], smartHosts: [], cloudServicesMailEnabled: false, requireTls: false, ignoreStartTls: true, tlsAuthLevel: null, tlsDomain: null })] };
      const f = one(analyze(o), 'Partner TLS', '203.0.113.50', 'starttls-required');
      expect(f.evidence[0]!.failure!.probableCause).toBe('IgnoreSTARTTLS $true on send connector "Partner TLS"');
      expect(f.explanation).toMatch(/Probable cause: IgnoreSTARTTLS \$true on send connector "Partner TLS"/);
      // a certificate finding of the server is no cause where this server never tried STARTTLS
      o.exchangeConfig.certificates = [];
      const withCert = mailFlowFindings(serverContext(record(valid(o)), o, referenceTime), [{
        id: 'INTERNAL-TRANSPORT-CERT-MISSING', severity: 'high', category: 'certificate', title: '', explanation: '', policies: [], evidence: [], changes: [],
        restartRequired: false, blockers: [], causes: [], connector: null,
      }]).find((x) => x.connector === 'Partner TLS' && x.evidence[0]!.failure!.cause === 'starttls-required')!;
      expect(withCert.causes).toEqual([]);
      expect(withCert.evidence[0]!.failure!.probableCause).toBe('IgnoreSTARTTLS $true on send connector "Partner TLS"');
      // IgnoreSTARTTLS $false: not named
      o.exchangeConfig.sendConnectors![0]!.ignoreStartTls = false;
      expect(one(analyze(o), 'Partner TLS', '203.0.113.50', 'starttls-required').evidence[0]!.failure!.probableCause).toBe("no cause in this server's settings");
    });
    it('after a failed handshake to the same peer: the plain-text fallback, with the handshake\'s causes', () => {
      const s = analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1)));
      const f = one(s, 'Fallback Partner', '203.0.113.70', 'starttls-required');
      expect(f.causes).toEqual(['TLS12-CLIENT-DISABLED']);
      expect(f.explanation).toMatch(/a failed TLS handshake to the same peer that fell back to plain text/);
      expect(f.explanation).toMatch(/offered STARTTLS in its EHLO answer and this server did not use it/);
      expect(f.evidence[0]!.failure!.signatures[0]!.sessionStage).toBe('starttls-offered');
      expect(one(s, 'Fallback Partner', '203.0.113.70', 'tls-handshake').causes).toEqual(['TLS12-CLIENT-DISABLED']);
    });
  });

  describe('450 4.7.230 / 550 5.7.230: Exchange Online throttles and blocks an out-of-date server', () => {
    it('is a mail-flow failure whose cause is the build finding', () => {
      const s = analyze(withLogs(setExchange(readyOutput(), '15.1.2507.6')), ['tls12-ready']);
      const f = one(s, 'Outbound to Office 365', 'Exchange Online', 'exchange-out-of-date');
      expect(f.id).toMatch(/^MAILFLOW-SEND-BUILD-/);
      expect(f.severity).toBe('critical'); // 550: blocked
      expect(f.causes).toEqual(['EXCHANGE-OUT-OF-SUPPORT']);
      expect(f.explanation).toMatch(/How to pause throttling and blocking of out-of-date on-premises Exchange Servers/);
      expect(f.evidence[0]!.failure!.signatures.map((x) => x.kind).sort()).toEqual(['smtp-450-4.7.230', 'smtp-550-5.7.230']);
      // never a TLS failure: no TLS finding is its cause
      expect(none(s, 'Outbound to Office 365', 'Exchange Online', 'network')).toEqual([]);
    });
    it('without a build finding it says how to see what Exchange Online saw', () => {
      const s = analyze(withLogs(setExchange(readyOutput(), '15.2.2562.37'))); // Exchange Server SE RTM Feb26SU: no build finding
      expect(s.findings.filter((x) => x.category === 'exchange' && x.severity !== 'info')).toEqual([]);
      const f = one(s, 'Outbound to Office 365', 'Exchange Online', 'exchange-out-of-date');
      expect(f.causes).toEqual([]);
      expect(f.explanation).toMatch(/Get-OnPremServerReportInfo/);
    });
  });

  describe('421 4.4.2 ... TimedOut', () => {
    it('is network, not TLS: no TLS cause even with TLS 1.2 off, never above medium', () => {
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'both', 0, 1))), 'To Internet', '198.51.100.99', 'network');
      expect(f.causes).toEqual([]);
      expect(f.severity).toBe('low'); // last seen 2026-01-10, outside the failing-now days
      expect(f.explanation).toMatch(/not a TLS problem/);
      expect(f.evidence[0]!.failure!.probableCause).toBe('network, not TLS');
    });
  });

  describe('UnknownCredentials on a receive connector', () => {
    it('from Exchange Online (its EHLO name): one peer; with no certificate findings, no cause, says what to check', () => {
      const f = one(analyze(withLogs()), 'EX01\\Default Frontend EX01', 'Exchange Online', 'credentials');
      expect(f.id).toMatch(/^MAILFLOW-RECEIVE-CREDENTIALS-/);
      expect(f.evidence[0]!.failure!.remoteName).toBe('DB3EUR04FT012.mail.protection.outlook.com');
      expect(f.causes).toEqual([]);
      expect(f.explanation).toMatch(/KB4051498/);
      expect(f.explanation).toMatch(/Get-ExchangeCertificate/);
      // TLS 1.2 being off is not a certificate problem
      const g = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'both', 0, 1))), 'EX01\\Default Frontend EX01', 'Exchange Online', 'credentials');
      expect(g.causes).toEqual([]);
    });

    // certificate/connector findings come from the Exchange-config rules; they are stood in for here
    const ctx = () => {
      const o = withLogs();
      return serverContext(record(valid(o)), o, referenceTime);
    };
    const other = (id: string, category: string, connector: string | null, severity: Finding['severity'] = 'high'): Finding => ({
      id, severity, category: category as FindingCategory, title: id, explanation: '', policies: [], evidence: [], changes: [],
      restartRequired: false, blockers: [], causes: [], connector,
    });
    const credentials = (list: Finding[]) => mailFlowFindings(ctx(), list).find((f) => f.evidence[0]!.failure!.cause === 'credentials')!;

    it('links the certificate or connector finding that names the failing connector (with or without the server prefix)', () => {
      expect(credentials([
        other('CERT-SMTP-EXPIRED', 'certificate', 'Default Frontend EX01'),
        other('CONNECTOR-TLSCERT-NOT-FOUND', 'connector', 'EX01\\Default Frontend EX01'),
        other('CERT-OTHER-CONNECTOR', 'certificate', 'Outbound to Office 365'),
        other('CERT-SERVERWIDE', 'certificate', null),
      ]).causes).toEqual(['CERT-SMTP-EXPIRED', 'CONNECTOR-TLSCERT-NOT-FOUND']);
    });
    it('falls back to a certificate finding not tied to any connector when none names this one', () => {
      expect(credentials([other('CERT-OTHER-CONNECTOR', 'certificate', 'Outbound to Office 365'), other('CERT-SMTP-MISSING', 'certificate', null)]).causes)
        .toEqual(['CERT-SMTP-MISSING']);
    });
    it('ignores informational and unrelated findings', () => {
      expect(credentials([other('CERT-INFO', 'certificate', null, 'info'), other('TLS12-SERVER-DISABLED', 'schannel', null)]).causes).toEqual([]);
    });
  });

  describe('receive-side failures of unknown Internet hosts', () => {
    it('are one finding per connector with counts and top sources, never critical on their own', () => {
      const s = analyze(withLogs());
      const hits = mailFlow(s).filter((f) => f.evidence[0]!.failure!.peer === 'Internet hosts');
      expect(hits).toHaveLength(1);
      const f = hits[0]!;
      expect(f.id).toMatch(/^MAILFLOW-RECEIVE-HANDSHAKE-INTERNET-[0-9A-F]{6}$/);
      expect(f.severity).toBe('low');
      expect(f.connector).toBe('EX01\\Default Frontend EX01');
      expect(f.evidence[0]!.failure!).toMatchObject({ remote: null, remoteCount: 3, starttlsWithoutHandshake: 4, failingNow: true });
      expect(f.evidence[0]!.failure!.sources).toEqual([
        { remote: '198.51.100.201', remoteName: 'scanner.example', count: 2 },
        { remote: '198.51.100.202', remoteName: '[198.51.100.202]', count: 1 },
        { remote: '203.0.113.203', remoteName: 'probe.research.example', count: 1 },
      ]);
      expect(f.explanation).toMatch(/Internet scanners abort STARTTLS all day/);
      for (const a of ['198.51.100.201', '198.51.100.202', '203.0.113.203']) expect(none(s, 'EX01\\Default Frontend EX01', a, 'tls-handshake')).toEqual([]);
    });
    it('with a cause on this server (TLS 1.2 Server off) they are high, still not critical', () => {
      const f = mailFlow(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Server', 0, 1)))).find((x) => x.evidence[0]!.failure!.peer === 'Internet hosts')!;
      expect(f.causes).toEqual(['TLS12-SERVER-DISABLED']);
      expect(f.severity).toBe('high');
    });
    it('a peer that delivered mail over TLS earlier in the window and now fails stays a finding of its own', () => {
      const f = one(analyze(withLogs()), 'EX01\\Default Frontend EX01', '192.0.2.30', 'tls-handshake');
      expect(f.severity).toBe('critical');
      expect(f.evidence[0]!.failure!).toMatchObject({ peer: null, remoteName: 'mail.fabrikam.example' });
      expect(f.title).toContain('192.0.2.30 (mail.fabrikam.example)');
    });
  });

  describe('no evidence is not good news', () => {
    it('logs not read: "not checked", never silence', () => {
      const s = analyze(readyOutput()); // the base's protocolLogs status is "disabled"
      expect(mailFlow(s)).toEqual([]);
      const f = s.findings.find((x) => x.id === 'MAILFLOW-NOT-CHECKED')!;
      expect(f).toMatchObject({ category: 'mail-flow', severity: 'low' });
      expect(f.explanation).toMatch(/"not logged", not "no failures"/);
      expect(f.evidence[0]!.raw).toBe('disabled');
      expect(analyze(withLogs()).findings.some((x) => x.id === 'MAILFLOW-NOT-CHECKED')).toBe(false);
    });
    it('a connector with protocol logging off: "not logged" per connector this server uses', () => {
      const o = withLogs();
      o.exchangeConfig = { source: 'exchange-shell', message: null, files: [], certificates: [], internalTransportThumbprint: null,
        receiveConnectors: [receive({ protocolLoggingLevel: 'Verbose' }), receive({ name: 'Relay EX01', identity: 'EX01\\Relay EX01', protocolLoggingLevel: 'None' }),
          receive({ name: 'Default EX02', identity: 'EX02\\Default EX02', server: 'EX02', protocolLoggingLevel: 'None' })],
        sendConnectors: [send({ protocolLoggingLevel: 'Verbose' }), send({ name: 'Internet', identity: 'Internet', protocolLoggingLevel: 'None', sourceTransportServers: ['EX01', 'EX06'] }),
          send({ name: 'Other site', identity: 'Other site', protocolLoggingLevel: 'None', sourceTransportServers: ['EX09'] })] };
      const ids = analyze(o).findings.filter((f) => f.id.startsWith('MAILFLOW-NOT-LOGGED-'));
      expect(ids.map((f) => f.connector).sort()).toEqual(['Internet', 'Relay EX01']);
      expect(ids.every((f) => f.severity === 'low' && /"not logged", not "no failures"/.test(f.explanation))).toBe(true);
    });
  });

  it('ids are stable and unique per server', () => {
    const a = mailFlow(analyze(withLogs())).map((f) => f.id);
    expect(new Set(a).size).toBe(a.length);
    expect(a.length).toBe(12);
    expect(mailFlow(analyze(withLogs())).map((f) => f.id)).toEqual(a);
  });
});
