// The demo fleet (examples/demo): the real inventory command over the demo servers' registry exports and protocol
// logs, then the findings. Each demo server's known problem must be found (fleet.yaml lists them).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeInventory } from '../../src/findings/analyze.js';
import type { FindingsDocument, ServerAnalysis } from '../../src/findings/types.js';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { validatorFor } from '../../src/util/schemas.js';
import { runCli } from '../helpers/cli.js';
import { parseErrors, PWSH_TIMEOUT } from '../runbooks/run-script.js';

const dir = mkdtempSync(join(tmpdir(), 'extls-demo-findings-'));
const inventoryFile = join(dir, 'inventory.json');
let doc: FindingsDocument;
let inventory: unknown;

const server = (name: string): ServerAnalysis => doc.servers.find((s) => s.server === name)!;
const ids = (name: string) => server(name).findings.map((f) => f.id);
const verdict = (name: string, policy: string) => server(name).verdicts.find((v) => v.policy === policy)!;

beforeAll(async () => {
  const r = await runCli(['inventory', '--fleet', 'examples/demo/fleet.yaml', '--out', inventoryFile, '-q']);
  expect(r.exitCode).toBe(2); // EX08 is unreachable on purpose
  inventory = JSON.parse(readFileSync(inventoryFile, 'utf8'));
  // the demo logs were written for this reference time (fleet.yaml)
  doc = analyzeInventory(inventory, ['tls12-ready', 'legacy-off'], { referenceTime: new Date('2026-11-28T12:00:00Z') });
}, 400_000);

describe('demo fleet findings', () => {
  it('judges every demo server and produces a schema-valid document', () => {
    expect(doc.servers.map((s) => s.server)).toEqual(['EDGE01', 'EX01', 'EX02', 'EX03', 'EX04', 'EX05', 'EX06', 'EX07', 'EX08', 'EX09', 'EX10']);
    expect(doc.inputErrors).toEqual([]);
    expect(validatorFor('findings.schema.json')(doc)).toBe(true);
  });

  it('EX01 and EDGE01 are ready for phase 1', () => {
    expect(verdict('EX01', 'tls12-ready').verdict).toBe('pass');
    expect(verdict('EDGE01', 'tls12-ready').verdict).toBe('pass');
    expect(server('EDGE01').host!.exchange.isEdge).toBe(true);
  });

  it('EX02: TLS 1.2 disabled', () => {
    expect(ids('EX02')).toEqual(expect.arrayContaining(['TLS12-SERVER-DISABLED', 'TLS12-CLIENT-DISABLED']));
    expect(verdict('EX02', 'tls12-ready').verdict).toBe('fail');
  });

  const mailFlow = (name: string) => server(name).findings.filter((f) => f.category === 'mail-flow' && f.evidence[0]?.failure);
  const failure = (name: string, connector: string, who: string, cause: string) => {
    const hits = mailFlow(name).filter((f) => f.connector === connector && f.evidence[0]!.failure!.cause === cause &&
      (f.evidence[0]!.failure!.remote === who || f.evidence[0]!.failure!.peer === who));
    expect(hits.map((f) => f.title)).toHaveLength(1);
    return hits[0]!;
  };

  it('EX02: its SocketError to Office 365 is a critical mail-flow finding naming TLS12-CLIENT-DISABLED', () => {
    const f = failure('EX02', 'Outbound to Office 365', 'Exchange Online', 'tls-handshake');
    expect(f).toMatchObject({ severity: 'critical', connector: 'Outbound to Office 365', causes: ['TLS12-CLIENT-DISABLED'] });
    expect(f.evidence[0]!.failure).toMatchObject({ cause: 'tls-handshake', remote: null, peer: 'Exchange Online', count: 14, failingNow: true, remoteName: 'contoso-com.mail.protection.outlook.com' });
    expect(server('EX02').findings[0]!.category).toBe('mail-flow'); // the top finding of the server
    // a partner's handshake fails too, and Exchange's plain-text retry is refused: the fallback names the same cause
    const fallback = failure('EX02', 'To Internet', '203.0.113.80', 'starttls-required');
    expect(fallback.causes).toEqual(['TLS12-CLIENT-DISABLED']);
    expect(fallback.explanation).toMatch(/fell back to plain text/);
  });

  it('every cause class the demo holds is judged, and a failure with no config cause says so', () => {
    // EX01: a partner requiring STARTTLS refused mail on 2026-11-24 (older than the failing-now days): high, no cause
    const old = failure('EX01', 'Partner TLS to Fabrikam', '203.0.113.80', 'starttls-required');
    expect([old.severity, old.causes]).toEqual(['high', []]);
    expect(old.explanation).toMatch(/No finding on this server explains it/);
    // EX01: 421 SocketError where no STARTTLS was issued is a dropped connection; TimedOut right after STARTTLS a stalled handshake
    expect(failure('EX01', 'To Internet', '198.51.100.120', 'network')).toMatchObject({ severity: 'low', causes: [] }); // earlier in the week
    expect(failure('EX01', 'To Internet', '198.51.100.121', 'tls-handshake').explanation).toMatch(/handshake stalled/);
    // EX03: timeouts to one Internet host after TLS was up: network, not TLS, never above medium
    expect(failure('EX03', 'To Internet', '198.51.100.99', 'network')).toMatchObject({ severity: 'medium', causes: [] });
    // EX03: UnknownCredentials to four Exchange Online addresses is one finding, caused by the connector's certificate that is gone
    const cred = mailFlow('EX03').filter((f) => f.evidence[0]!.failure!.cause === 'credentials');
    expect(cred.map((f) => [f.severity, f.causes, f.evidence[0]!.failure!.peer, f.evidence[0]!.failure!.remoteCount]))
      .toEqual([['critical', ['SENDCONN-OUTBOUND-TO-OFFICE-365-CERT-NOT-FOUND'], 'Exchange Online', 4]]);
    // EX03: 451 5.7.3 on a send connector with IgnoreSTARTTLS $true names it
    expect(failure('EX03', 'Partner TLS', '203.0.113.90', 'starttls-required').evidence[0]!.failure!.probableCause).toBe('IgnoreSTARTTLS $true on send connector "Partner TLS"');
    // EX07: Exchange Online throttles and blocks it as out of date: the build finding is the cause
    const build = failure('EX07', 'Outbound to Office 365', 'Exchange Online', 'exchange-out-of-date');
    expect(build).toMatchObject({ severity: 'critical', causes: ['EXCHANGE-OUT-OF-SUPPORT'] });
    // EDGE01: a receive connector that requires TLS refuses a host that did not start it
    expect(failure('EDGE01', 'EDGE01\\Default internal receive connector EDGE01', '192.0.2.77', 'starttls-required').severity).toBe('critical');
    // EDGE01: Internet hosts that abort STARTTLS are one low finding; a partner that delivered over TLS and now fails is its own
    const scanners = failure('EDGE01', 'EDGE01\\Default internal receive connector EDGE01', 'Internet hosts', 'tls-handshake');
    expect(scanners.severity).toBe('low');
    expect(scanners.evidence[0]!.failure!.remoteCount).toBe(4);
    expect(failure('EDGE01', 'EDGE01\\Default internal receive connector EDGE01', '198.51.100.10', 'tls-handshake').severity).toBe('critical');
    // mail-flow findings judge the mail, not the policies: EX01 and EDGE01 still pass phase 1
    expect(verdict('EX01', 'tls12-ready').verdict).toBe('pass');
    for (const name of ['EX04', 'EX05', 'EX06']) expect(mailFlow(name)).toEqual([]);
  });

  it('no evidence is not good news: servers whose logs were not read and connectors that do not log say so', () => {
    for (const name of ['EX04', 'EX05', 'EX06']) expect(ids(name)).toContain('MAILFLOW-NOT-CHECKED');
    for (const name of ['EX01', 'EX02', 'EX03', 'EX07', 'EDGE01']) expect(ids(name)).not.toContain('MAILFLOW-NOT-CHECKED');
    const notLogged = server('EX06').findings.filter((f) => f.id.startsWith('MAILFLOW-NOT-LOGGED-'));
    expect(notLogged.map((f) => f.connector)).toEqual(expect.arrayContaining(['Partner relay via Office 365', 'Default EX06']));
  });

  it('EX01: its IIS logs show HTTPS clients on TLS 1.0/1.1, which block phase 2 like SMTP peers', () => {
    const f = server('EX01').findings.find((x) => x.id === 'LEGACY-PEERS-SEEN')!;
    const https = f.evidence[0]!.peers!.filter((p) => p.protocol === 'https');
    expect(https.map((p) => [p.remote, p.remoteName, p.tlsVersion])).toEqual([
      ['203.0.113.140', 'Apple-iPhone9C1/1602.92', 'TLS 1.0'],
      ['10.0.30.7', 'ExchangeServicesClient/15.00.0847.030', 'TLS 1.1'],
    ]);
    expect(verdict('EX01', 'legacy-off').blockers.map((b) => b.kind)).toContain('legacy-peers');
  });

  it('EX03: .NET strong crypto missing, and a partner still on TLS 1.0 blocks phase 2', () => {
    expect(ids('EX03')).toEqual(expect.arrayContaining(['NET4-STRONGCRYPTO-MISSING', 'NET4-SYSTEMDEFAULTTLS-MISSING', 'LEGACY-PEERS-SEEN']));
    const peers = server('EX03').findings.find((f) => f.id === 'LEGACY-PEERS-SEEN')!.evidence[0]!.peers!;
    expect(peers.some((p) => p.tlsVersion === 'TLS 1.0')).toBe(true);
    expect(verdict('EX03', 'legacy-off').blockers.map((b) => b.kind)).toContain('legacy-peers');
  });

  it('EX04: Exchange 2013 CU15 too old, blocked', () => {
    expect(ids('EX04')).toContain('EXCHANGE-TOO-OLD-FOR-TLS12');
    expect(server('EX04').host!.exchange.buildName).toBe('Exchange Server 2013 CU15');
    expect(verdict('EX04', 'tls12-ready').blockers.map((b) => b.kind)).toContain('exchange-too-old');
  });

  it('EX05: IIS Crypto 0xffffffff is judged enabled and only noted (low)', () => {
    const f = server('EX05').findings.find((x) => x.id === 'SCHANNEL-NONSTANDARD-VALUE')!;
    expect(f.severity).toBe('low');
    expect(verdict('EX05', 'tls12-ready').verdict).toBe('pass');
    // IIS Crypto also wrote a cipher suite order (policy): it holds suites Microsoft 365 accepts
    expect(ids('EX05')).not.toContain('CIPHERS-NO-M365-SUITE');
    expect(server('EX05').protocols.find((p) => p.protocol === 'TLS 1.2')!.state).toBe('on');
  });

  it('EX06: TLS 1.2 Client/Server mismatch', () => {
    expect(ids('EX06')).toContain('TLS12-CLIENT-SERVER-MISMATCH');
    expect(verdict('EX06', 'tls12-ready').verdict).toBe('fail');
  });

  it('EX07: a pending reboot blocks the change it needs', () => {
    expect(ids('EX07')).toContain('REBOOT-PENDING');
    expect(verdict('EX07', 'legacy-off')).toMatchObject({ verdict: 'blocked' });
    expect(verdict('EX07', 'legacy-off').blockers.map((b) => b.kind)).toContain('reboot-pending');
  });

  it('EX06: its SMTP certificate expires within 14 days of the reference time (category certificate, a step by hand); a revoked SHA-1 certificate Exchange Online sees', () => {
    const certs = server('EX06').findings.filter((f) => f.category === 'certificate');
    expect(certs.map((f) => [f.id.replace(/-[0-9A-F]{40}$/, ''), f.severity])).toEqual([['CERT-SHA1-SIGNATURE', 'high'], ['CERT-STATUS', 'high'], ['CERT-EXPIRING', 'medium']]);
    const expiring = certs.find((f) => f.id.startsWith('CERT-EXPIRING-'))!;
    expect(expiring.title).toMatch(/^SMTP certificate CN=mail\.contoso\.com, O=Contoso, C=NL \([0-9A-F]{40}\) expires in 10 day\(s\), on 2026-12-08$/);
    expect(verdict('EX06', 'tls12-ready').manualFindingIds).toContain(expiring.id);
    expect(certs.find((f) => f.id.startsWith('CERT-SHA1-SIGNATURE-'))!.explanation).toMatch(/receive connector Inbound from Office 365 EX06 presents it to Exchange Online/);
    expect(certs.find((f) => f.id.startsWith('CERT-STATUS-'))!.title).toMatch(/has status Revoked$/);
  });

  it('issue 24: each new certificate, connector and hybrid cause is on some demo server', () => {
    expect(ids('EX03')).toEqual(expect.arrayContaining(['INTERNAL-TRANSPORT-CERT-MISSING', 'RECVCONN-EXO-NO-CLOUD-CAPABILITY', 'RECVCONN-DEFAULT-FRONTEND-EX03-CLOUD-NO-TLSCERT']));
    expect(ids('EX06')).toContain('RECVCONN-CLIENT-FRONTEND-EX06-FQDN-NOT-COVERED');
    expect(doc.fleetFindings.filter((f) => f.id.startsWith('FLEET-SENDCONN-')).map((f) => [f.id, f.connector, f.severity])).toEqual([
      // the hybrid send connector's certificate is not the hybrid configuration's, and its mail fails (EX03's log)
      ['FLEET-SENDCONN-EXO-TLSCERT-NOT-HYBRID', 'Outbound to Office 365', 'high'],
      // issue 23: EX02 and EX03 fail to Exchange Online now, EX01 carries the mail meanwhile
      ['FLEET-SENDCONN-EXO-FAILING-SOURCES', 'Outbound to Office 365', 'critical'],
      ['FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', 'Partner relay via Office 365', 'medium'],
      ['FLEET-SENDCONN-EXO-NOT-CLOUD-MAIL', 'Partner relay via Office 365', 'medium'],
      ['FLEET-SENDCONN-EXO-NO-TLSCERT', 'Partner relay via Office 365', 'medium'],
    ]);
    // a certificate that is still valid (EX06's, expiring) is never a cause of a failure
    for (const s of doc.servers) {
      for (const f of s.findings) expect(f.causes.filter((c) => c.startsWith('CERT-EXPIRING-'))).toEqual([]);
    }
  });

  it('EX03: its send connector names a certificate that is gone (category connector), and its send log shows UnknownCredentials on that connector', () => {
    const f = server('EX03').findings.find((x) => x.id === 'SENDCONN-OUTBOUND-TO-OFFICE-365-CERT-NOT-FOUND')!;
    expect(f).toMatchObject({ id: 'SENDCONN-OUTBOUND-TO-OFFICE-365-CERT-NOT-FOUND', severity: 'high', connector: 'Outbound to Office 365' });
    expect(verdict('EX03', 'tls12-ready').manualFindingIds).toContain(f.id);
    const record = (inventory as { servers: { server: string; data: { protocolLogs: { errors: { signature: string; connector: string; direction: string; count: number }[] } } }[] }).servers.find((s) => s.server === 'EX03')!;
    const failures = record.data.protocolLogs.errors.filter((e) => e.signature === 'TLS negotiation failed with error UnknownCredentials');
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures.map((e) => `${e.direction} ${e.connector}`))).toEqual(new Set(['send Outbound to Office 365']));
    // a mail-flow finding about those failures names the connector finding as their cause
    for (const m of server('EX03').findings.filter((x) => x.category === 'mail-flow' && x.connector === f.connector && /UnknownCredentials/.test(x.title + x.explanation))) {
      expect(m.causes).toContain(f.id);
    }
  });

  it('EX09: DigiCert Global Root G2 missing while Group Policy turned automatic root update off (a manual step)', () => {
    const f = server('EX09').findings.find((x) => x.id === 'TRUSTED-ROOT-MISSING-DF3C24F9BFD666761B268073FE06D1CC8D4F82A4')!;
    expect(f).toMatchObject({ severity: 'critical', category: 'certificate', changes: [] });
    expect(verdict('EX09', 'tls12-ready')).toMatchObject({ verdict: 'fail', manualFindingIds: [f.id] });
    expect(ids('EX01').filter((i) => i.startsWith('TRUSTED-ROOT'))).toEqual([]); // no policy: auto-update fetches it
  });

  it('EX10: ECDH and PKCS key exchange turned off leave no suite Exchange Online accepts (a manual step)', () => {
    const f = server('EX10').findings.find((x) => x.id === 'SCHANNEL-ALGORITHMS-NO-M365-SUITE')!;
    expect(f).toMatchObject({ severity: 'critical', category: 'schannel', changes: [] });
    expect(verdict('EX10', 'tls12-ready')).toMatchObject({ verdict: 'fail', manualFindingIds: [f.id] });
    expect(ids('EX05')).not.toContain('SCHANNEL-ALGORITHMS-NO-M365-SUITE'); // IIS Crypto values, nothing turned off
    // its send log to Office 365 fails with SocketError now: the mail-flow finding names the switches as the cause
    expect(mailFlow('EX10').map((m) => [m.severity, m.evidence[0]!.failure!.cause, m.causes])).toEqual([['critical', 'tls-handshake', ['SCHANNEL-ALGORITHMS-NO-M365-SUITE']]]);
  });

  it('EX08: unreachable, not judged', () => {
    expect(ids('EX08')).toEqual(['COLLECTION-FAILED']);
    expect(server('EX08').verdicts.map((v) => v.verdict)).toEqual(['not-judged', 'not-judged']);
  });

  it('DAG01 members differ (EX02 has TLS 1.2 off)', () => {
    expect(doc.fleetFindings.find((f) => f.id === 'FLEET-DAG-TLS-DRIFT' && f.group.name === 'DAG01')).toBeDefined();
  });

  it('the CLI prints a table with every server', async () => {
    const r = await runCli(['analyze', inventoryFile, '--policy', 'tls12-ready', '--policy', 'legacy-off', '--format', 'table']);
    expect(r.exitCode).toBe(0);
    for (const name of ['EX01', 'EX02', 'EX03', 'EX04', 'EX05', 'EX06', 'EX07', 'EX08', 'EX09', 'EX10', 'EDGE01']) expect(r.stdout).toContain(name);
  });

  it('every script generated for the demo fleet parses with PowerShell\'s parser', async () => {
    const out = join(dir, 'runbooks');
    await renderRunbooks(doc, { outDir: out, generatedAt: '2026-11-28T12:00:00.000Z' });
    const scripts = readdirSync(out, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => [join(out, e.name, 'remediate.ps1'), join(out, e.name, 'rollback.ps1')])
      .filter(existsSync);
    // the demo servers with changes to make (EX02, EX03, EX06 at least) each get both scripts
    expect(scripts.length).toBeGreaterThanOrEqual(6);
    const errors = await parseErrors(scripts);
    expect(Object.keys(errors).sort()).toEqual([...scripts].sort());
    expect(Object.values(errors).flat()).toEqual([]);
  }, PWSH_TIMEOUT);
});
