// Mail-flow failures from real-format protocol logs (test/findings/mail-flow-logs, scanned by the real collector
// into mail-flow.scanned.json): one finding per direction × connector × remote × cause class, with its probable
// cause picked among the server's other findings — both ways for every cause class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeInventory } from '../../src/findings/analyze.js';
import { serverContext } from '../../src/findings/context.js';
import { loadPolicy } from '../../src/findings/policy.js';
import { classify, DEFAULT_FAILING_NOW_DAYS, mailFlowFindings } from '../../src/findings/rules-mail-flow.js';
import type { Finding, FindingCategory, ServerAnalysis } from '../../src/findings/types.js';
import type { CollectorOutput } from '../../src/inventory/types.js';
import { packageRoot } from '../../src/util/paths.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { runCollector } from '../helpers/collector.js';
import { inventory, readyOutput, record, referenceTime, setSchannel, valid } from './builders.js';

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

const mailFlow = (s: ServerAnalysis) => s.findings.filter((f) => f.category === 'mail-flow');
function one(s: ServerAnalysis, connector: string, remote: string, cause: string): Finding {
  const hits = mailFlow(s).filter((f) => f.connector === connector && f.evidence[0]!.failure!.remote === remote && f.evidence[0]!.failure!.cause === cause);
  if (hits.length !== 1) throw new Error(`${hits.length} findings for ${connector} ${remote} ${cause}: ${mailFlow(s).map((f) => f.title).join(' | ')}`);
  return hits[0]!;
}

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
  });

  describe('SocketError on a send connector', () => {
    it('TLS 1.2 Client off: critical, failing now, TLS12-CLIENT-DISABLED is the cause; both log lines are one finding', () => {
      const s = analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1)));
      const f = one(s, 'Outbound to Office 365', '52.101.68.3', 'tls-handshake');
      expect(f).toMatchObject({ severity: 'critical', category: 'mail-flow', causes: ['TLS12-CLIENT-DISABLED'], policies: [], changes: [] });
      expect(f.id).toMatch(/^MAILFLOW-SEND-HANDSHAKE-[0-9A-F]{6}$/);
      expect(f.title).toContain('Failing now');
      const failure = f.evidence[0]!.failure!;
      expect(failure).toMatchObject({ count: 3, failingNow: true, lastSeen: '2026-01-14T09:05:40.070Z', probableCause: 'TLS12-CLIENT-DISABLED', error: expect.stringMatching(/SocketError/) });
      expect(failure.signatures.map((x) => x.signature).sort()).toEqual([
        '421 4.4.2 Connection dropped due to SocketError',
        'TLS negotiation failed with error SocketError',
      ]);
      expect(f.evidence.slice(1).some((e) => typeof e.raw === 'string' && e.raw.includes('TLS negotiation failed with error SocketError'))).toBe(true);
      expect(s.findings.map((x) => x.id)).toContain('TLS12-CLIENT-DISABLED');
      expect(s.worstSeverity).toBe('critical');
    });

    it('the same failure outside the last days of the window is high, not critical', () => {
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1))), 'Outbound to Office 365', '52.101.68.4', 'tls-handshake');
      expect(f.severity).toBe('high');
      expect(f.evidence[0]!.failure!.failingNow).toBe(false);
      expect(f.title).toMatch(/^Failed:/);
    });

    it(`failingNowDays (policy option, default ${DEFAULT_FAILING_NOW_DAYS}) moves the line`, () => {
      const wide = { ...loadPolicy('tls12-ready'), failingNowDays: 6 };
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1)), [wide]), 'Outbound to Office 365', '52.101.68.4', 'tls-handshake');
      expect(f.severity).toBe('critical');
    });

    it('a cipher suite order without a suite Exchange Online accepts is the cause', () => {
      const o = readyOutput();
      o.cipherSuiteOrder.policy.value = { present: true, type: 'REG_SZ', value: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA,TLS_RSA_WITH_RC4_128_SHA' };
      const f = one(analyze(withLogs(o)), 'Outbound to Office 365', '52.101.68.3', 'tls-handshake');
      expect(f.causes).toEqual(['CIPHERS-NO-M365-SUITE']);
    });

    it('nothing wrong on this server: no cause, and it says where to look instead of guessing', () => {
      const s = analyze(withLogs());
      const f = one(s, 'Outbound to Office 365', '52.101.68.3', 'tls-handshake');
      expect(f.causes).toEqual([]);
      expect(f.severity).toBe('critical'); // the mail is failing all the same
      expect(f.explanation).toMatch(/No finding on this server explains it/);
      expect(f.explanation).toMatch(/peer's side, a middlebox/);
      expect(f.evidence[0]!.failure!.probableCause).toBe("no cause in this server's settings");
    });

    it('TLS 1.2 Server off is not the cause of a send-side failure', () => {
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Server', 0, 1))), 'Outbound to Office 365', '52.101.68.3', 'tls-handshake');
      expect(f.causes).toEqual([]);
    });
  });

  describe('451 5.7.3 from a peer that requires STARTTLS', () => {
    it('is its own finding (starttls-required) with the mail sent in plaintext counted', () => {
      const f = one(analyze(withLogs()), 'Partner TLS', '203.0.113.50', 'starttls-required');
      expect(f.id).toMatch(/^MAILFLOW-SEND-STARTTLS-/);
      expect(f.severity).toBe('critical');
      expect(f.explanation).toMatch(/requires STARTTLS/);
      expect(f.explanation).toMatch(/RequireTLS, TlsAuthLevel and IgnoreSTARTTLS/);
      expect(f.evidence[0]!.failure!.mailWithoutTls).toBe(2);
      expect(f.causes).toEqual([]);
    });
    it('names TLS 1.2 Client off when it is', () => {
      const f = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'Client', 0, 1))), 'Partner TLS', '203.0.113.50', 'starttls-required');
      expect(f.causes).toEqual(['TLS12-CLIENT-DISABLED']);
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
    it('with no certificate findings (no Exchange config collected): no cause, says what to check', () => {
      const f = one(analyze(withLogs()), 'EX01\\Default Frontend EX01', '40.107.22.57', 'credentials');
      expect(f.id).toMatch(/^MAILFLOW-RECEIVE-CREDENTIALS-/);
      expect(f.causes).toEqual([]);
      expect(f.explanation).toMatch(/KB4051498/);
      expect(f.explanation).toMatch(/Get-ExchangeCertificate/);
      // TLS 1.2 being off is not a certificate problem
      const g = one(analyze(withLogs(setSchannel(readyOutput(), 'TLS 1.2', 'both', 0, 1))), 'EX01\\Default Frontend EX01', '40.107.22.57', 'credentials');
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

  it('no scanned logs, no mail-flow findings', () => {
    expect(mailFlow(analyze(readyOutput()))).toEqual([]); // the base's protocolLogs status is "disabled"
  });

  it('ids are stable and unique per server', () => {
    const a = mailFlow(analyze(withLogs())).map((f) => f.id);
    expect(new Set(a).size).toBe(a.length);
    expect(a.length).toBe(5);
    expect(mailFlow(analyze(withLogs())).map((f) => f.id)).toEqual(a);
  });
});
