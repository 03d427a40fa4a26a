// The certificate, connector and hybrid causes of issue 24 (items 4, 5, 7), each both ways, on real-format records
// through the public analyzeInventory. HealthChecker's colour for the same case is named in each test (CSS-Exchange
// @ f88378b1); its own captures are replayed in healthchecker-exchange.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeInventory } from '../../src/findings/analyze.js';
import type { FindingsDocument, ServerAnalysis, ShellCommand } from '../../src/findings/types.js';
import type { CollectorOutput, ExchangeConfig, HybridConfiguration } from '../../src/inventory/types.js';
import { packageRoot } from '../../src/util/paths.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { inventory, record, referenceTime, valid } from './builders.js';
import { at, cert, receive, send, withConfig } from './exchange-builders.js';

function analyzeAll(outputs: [string, CollectorOutput][]): FindingsDocument {
  const doc = analyzeInventory(inventory(outputs.map(([name, o]) => record(valid(o), name))), ['tls12-ready'], { referenceTime, now: referenceTime });
  const v = validatorFor('findings.schema.json');
  if (!v(doc)) throw new Error(describeErrors(v.errors).join('\n'));
  return doc;
}
const analyze = (o: CollectorOutput) => analyzeAll([['EX01', o]]).servers[0]!;
const ids = (s: ServerAnalysis) => s.findings.filter((f) => f.category === 'certificate' || f.category === 'connector').map((f) => f.id).sort();
const sev = (s: ServerAnalysis, id: string) => s.findings.find((f) => f.id === id)?.severity ?? null;
const hybrid = (extra: Partial<HybridConfiguration> = {}): HybridConfiguration => ({
  configured: true, tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com', sendingTransportServers: ['EX01'], receivingTransportServers: ['EX01'],
  edgeTransportServers: [], onPremisesSmartHost: 'mail.contoso.com', domains: ['contoso.com'], features: ['FreeBusy'], serviceInstance: 0, ...extra,
});
const scanned = JSON.parse(readFileSync(join(packageRoot, 'test', 'findings', 'mail-flow.scanned.json'), 'utf8'));
const withLogs = (o: CollectorOutput) => { o.protocolLogs = structuredClone(scanned); return o; };

describe('item 4: causes that are real', () => {
  const failing = (s: ServerAnalysis) => s.findings.find((f) => f.category === 'mail-flow' && f.connector === 'EX01\\Default Frontend EX01' && f.evidence[0]!.failure!.cause === 'credentials')!;

  it('a certificate still valid (expiring in 10 days) is never the cause of UnknownCredentials on the connector that names it; an expired one is', () => {
    const tls = '<I>CN=Contoso CA<S>CN=mail.contoso.com';
    const expiring = cert({ notAfter: at(10) });
    const s = analyze(withLogs(withConfig({ certificates: [expiring], receiveConnectors: [receive({ tlsCertificateName: tls })] })));
    expect(sev(s, `CERT-EXPIRING-${expiring.thumbprint}`)).toBe('medium');
    expect(failing(s).causes).toEqual([]);
    const expired = cert({ notAfter: at(-1) });
    const t = analyze(withLogs(withConfig({ certificates: [expired], receiveConnectors: [receive({ tlsCertificateName: tls })] })));
    expect(failing(t).causes).toEqual(expect.arrayContaining([`CERT-EXPIRED-${expired.thumbprint}`, 'RECVCONN-DEFAULT-FRONTEND-EX01-CERT-EXPIRED']));
  });

  it.each([
    ['Revoked', 'high'], ['Invalid', 'high'], ['DateInvalid', 'high'], ['Untrusted', 'medium'], ['RevocationCheckFailure', 'medium'],
  ] as const)('certificate Status %s: %s (HealthChecker red for Revoked/Invalid/DateInvalid, yellow otherwise)', (status, severity) => {
    const c = cert({ status });
    expect(sev(analyze(withConfig({ certificates: [c] })), `CERT-STATUS-${c.thumbprint}`)).toBe(severity);
  });

  it('Status Valid: no status finding; DateInvalid on an expired certificate is only the expiry finding', () => {
    expect(ids(analyze(withConfig({ certificates: [cert({ status: 'Valid' })] })))).toEqual([]);
    const c = cert({ status: 'DateInvalid', notAfter: at(-5) });
    expect(ids(analyze(withConfig({ certificates: [c] })))).toEqual([`CERT-EXPIRED-${c.thumbprint}`]);
  });

  it('the internal transport certificate missing from the server\'s certificates: high (HealthChecker red); present: nothing; on an Edge server not judged', () => {
    const c = cert();
    expect(sev(analyze(withConfig({ certificates: [c], internalTransportThumbprint: 'FFFF000000000000000000000000000000000000' })), 'INTERNAL-TRANSPORT-CERT-MISSING')).toBe('high');
    expect(ids(analyze(withConfig({ certificates: [{ ...c, internalTransport: true }], internalTransportThumbprint: c.thumbprint })))).toEqual([]);
    const edge = withConfig({ certificates: [c], internalTransportThumbprint: 'FFFF000000000000000000000000000000000000' });
    edge.exchange.isEdge = true;
    expect(ids(analyze(edge))).not.toContain('INTERNAL-TRANSPORT-CERT-MISSING');
  });

  it('the internal transport certificate expired: high, as the SMTP certificate it is (HealthChecker red)', () => {
    const c = cert({ notAfter: at(-2), internalTransport: true, services: [] });
    expect(sev(analyze(withConfig({ certificates: [c], internalTransportThumbprint: c.thumbprint })), `CERT-EXPIRED-${c.thumbprint}`)).toBe('high');
  });

  it('a SHA-1 signed certificate Exchange Online sees (named by the send connector to it, or by the hybrid configuration): high; elsewhere low (HealthChecker yellow)', () => {
    const sha1 = { signatureAlgorithm: { oid: '1.2.840.113549.1.1.5', name: 'sha1RSA' } };
    const c = cert(sha1);
    const named = '<I>CN=Contoso CA<S>CN=mail.contoso.com';
    expect(sev(analyze(withConfig({ certificates: [c], sendConnectors: [send({ tlsCertificateName: named })] })), `CERT-SHA1-SIGNATURE-${c.thumbprint}`)).toBe('high');
    expect(sev(analyze(withConfig({ certificates: [c], hybridConfiguration: hybrid() })), `CERT-SHA1-SIGNATURE-${c.thumbprint}`)).toBe('high');
    // chosen by the FQDN of a send connector to Exchange Online that names none
    expect(sev(analyze(withConfig({ certificates: [c], sendConnectors: [send({ tlsCertificateName: null, fqdn: 'mail.contoso.com' })] })), `CERT-SHA1-SIGNATURE-${c.thumbprint}`)).toBe('high');
    expect(sev(analyze(withConfig({ certificates: [c] })), `CERT-SHA1-SIGNATURE-${c.thumbprint}`)).toBe('low');
    expect(sev(analyze(withConfig({ certificates: [c], sendConnectors: [send({ tlsCertificateName: named, sourceTransportServers: ['EX09'] })] })), `CERT-SHA1-SIGNATURE-${c.thumbprint}`)).toBe('low');
  });
});

describe('item 4: SHA-1 anywhere in the chain', () => {
  const element = (subject: string, oid: string, selfSigned = false) => ({ subject, thumbprint: 'B'.repeat(40), selfSigned, signatureAlgorithm: { oid, name: oid.endsWith('.5') ? 'sha1RSA' : 'sha256RSA' } });
  const named = '<I>CN=Contoso CA<S>CN=mail.contoso.com';

  it('an intermediate CA signed with SHA-1 above a certificate Exchange Online sees: high, naming the CA; only a SHA-1 self-signed root: nothing', () => {
    const c = cert({ chain: [element('CN=mail.contoso.com', '1.2.840.113549.1.1.11'), element('CN=Contoso CA', '1.2.840.113549.1.1.5'), element('CN=Contoso Root', '1.2.840.113549.1.1.11', true)] });
    const s = analyze(withConfig({ certificates: [c], sendConnectors: [send({ tlsCertificateName: named })] }));
    const f = s.findings.find((x) => x.id === `CERT-SHA1-SIGNATURE-${c.thumbprint}`)!;
    expect(f.severity).toBe('high');
    expect(f.title).toContain('an issuing CA (CN=Contoso CA) with a sha1RSA signature');
    const root = cert({ chain: [element('CN=mail.contoso.com', '1.2.840.113549.1.1.11'), element('CN=Contoso Root', '1.2.840.113549.1.1.5', true)] });
    expect(ids(analyze(withConfig({ certificates: [root], sendConnectors: [send({ tlsCertificateName: named })] })))).toEqual([]);
  });
});

describe('item 7: not an Exchange certificate, not read, other servers\' connectors', () => {
  it('the Azure CRP certificate and MS-Organization-P2P-Access certificates are never reported, even enabled for SMTP and expired; a look-alike that is not self-signed is', () => {
    const crp = cert({ subject: 'DC=Windows Azure CRP Certificate Generator', issuer: 'DC=Windows Azure CRP Certificate Generator', isSelfSigned: true, notAfter: at(-3) });
    const p2p = cert({ subject: 'CN=c6b1d8a9-0000', issuer: 'CN=MS-Organization-P2P-Access [2025]', isSelfSigned: false, notAfter: at(-1) });
    expect(ids(analyze(withConfig({ certificates: [crp, p2p] })))).toEqual([]);
    const lookalike = cert({ subject: 'DC=Windows Azure CRP Certificate Generator', issuer: 'CN=Contoso CA', isSelfSigned: false, notAfter: at(-3) });
    expect(ids(analyze(withConfig({ certificates: [lookalike] })))).toEqual([`CERT-EXPIRED-${lookalike.thumbprint}`]);
  });

  it('"not read" names what was not read: certificates (connectors read), send connectors only, or both', () => {
    const certsOnly = analyze(withConfig({ certificates: null, receiveConnectors: [receive()], sendConnectors: [] }));
    expect(certsOnly.findings.find((f) => f.id === 'EXCHANGE-CERTIFICATES-NOT-READ')!.title).toBe('Exchange certificates were not read (connectors were)');
    const noSend = analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive()], sendConnectors: null }));
    expect(noSend.findings.find((f) => f.id === 'EXCHANGE-CONNECTORS-NOT-READ')!.title).toBe('Exchange send connectors were not read');
    const none = analyze(withConfig({ source: 'certificate-store', certificates: [cert()], receiveConnectors: null, sendConnectors: null }));
    expect(none.findings.find((f) => f.id === 'EXCHANGE-CONNECTORS-NOT-READ')!.title).toBe('Exchange connectors were not read');
    expect(ids(analyze(withConfig({ certificates: [cert()] })))).toEqual([]);
  });

  it('receive connectors of another server (their Server) are not judged against this server\'s certificates; its own are', () => {
    const tls = '<I>CN=Other CA<S>CN=mail.contoso.com';
    const s = analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive({ name: 'Default Frontend EX02', identity: 'EX02\\Default Frontend EX02', server: 'EX02', tlsCertificateName: tls })] }));
    expect(ids(s)).toEqual(['RECVCONN-OTHER-SERVERS-SKIPPED']);
    expect(ids(analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive({ tlsCertificateName: tls })] })))).toEqual(['RECVCONN-DEFAULT-FRONTEND-EX01-CERT-NOT-FOUND']);
    // no Server property: the identity's server prefix decides
    const byIdentity = analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive({ identity: 'EX02\\Default Frontend EX02', server: null, tlsCertificateName: tls })] }));
    expect(ids(byIdentity)).toEqual(['RECVCONN-OTHER-SERVERS-SKIPPED']);
  });
});

describe('item 5: the hybrid certificate chain, receive side', () => {
  const cloudCap = 'mail.protection.outlook.com:AcceptCloudServicesMail';

  it('a cloud-enabled receive connector (TlsDomainCapabilities) without TlsCertificateName: medium (HealthChecker yellow); with one, or on the Hub role: nothing', () => {
    const s = analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive({ tlsDomainCapabilities: [cloudCap] })] }));
    expect(sev(s, 'RECVCONN-DEFAULT-FRONTEND-EX01-CLOUD-NO-TLSCERT')).toBe('medium');
    expect(ids(analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive({ tlsDomainCapabilities: [cloudCap], tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com' })] })))).toEqual([]);
    expect(ids(analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive({ tlsDomainCapabilities: [cloudCap], transportRole: 'HubTransport' })] })))).toEqual([]);
  });

  it('a hybrid receiving server whose receive connectors lack mail.protection.outlook.com:AcceptCloudServicesMail: high; with it, or not a receiving server: nothing; another domain is named', () => {
    const base = { certificates: [cert()], hybridConfiguration: hybrid() } satisfies Partial<ExchangeConfig>;
    const s = analyze(withConfig({ ...base, receiveConnectors: [receive({ tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com' })] }));
    const f = s.findings.find((x) => x.id === 'RECVCONN-EXO-NO-CLOUD-CAPABILITY')!;
    expect(f).toMatchObject({ severity: 'high', connector: 'Default Frontend EX01' });
    expect((f.byHand!.steps[0]!.command as ShellCommand).parameters[1]).toEqual({ name: 'TlsDomainCapabilities', text: null, list: [cloudCap], flag: null, setNull: false });
    const wrong = analyze(withConfig({ ...base, receiveConnectors: [receive({ tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com', tlsDomainCapabilities: ['fabrikam.com:AcceptCloudServicesMail'] })] }));
    expect(wrong.findings.find((x) => x.id === 'RECVCONN-EXO-NO-CLOUD-CAPABILITY')!.explanation).toContain('fabrikam.com:AcceptCloudServicesMail: another domain');
    expect(ids(analyze(withConfig({ ...base, receiveConnectors: [receive({ tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com', tlsDomainCapabilities: [cloudCap] })] })))).toEqual([]);
    expect(ids(analyze(withConfig({ ...base, hybridConfiguration: hybrid({ receivingTransportServers: ['EX02'] }), receiveConnectors: [receive()] })))).not.toContain('RECVCONN-EXO-NO-CLOUD-CAPABILITY');
    expect(ids(analyze(withConfig({ ...base, hybridConfiguration: hybrid({ configured: false, receivingTransportServers: [] }), receiveConnectors: [receive()] })))).not.toContain('RECVCONN-EXO-NO-CLOUD-CAPABILITY');
  });

  it('21Vianet (ServiceInstance 1) wants mail.protection.partner.outlook.cn:AcceptCloudServicesMail', () => {
    const base = { certificates: [cert()], hybridConfiguration: hybrid({ serviceInstance: 1 }) } satisfies Partial<ExchangeConfig>;
    const rc = (cap: string) => receive({ tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com', tlsDomainCapabilities: [cap] });
    expect(ids(analyze(withConfig({ ...base, receiveConnectors: [rc('mail.protection.partner.outlook.cn:AcceptCloudServicesMail')] })))).toEqual([]);
    expect(ids(analyze(withConfig({ ...base, receiveConnectors: [rc(cloudCap)] })))).toContain('RECVCONN-EXO-NO-CLOUD-CAPABILITY');
  });

  it('a receive connector whose FQDN no valid SMTP certificate covers: medium (event 12014); covered by a SAN or a wildcard, or TlsCertificateName set: nothing; services unknown: not judged', () => {
    const itt = cert({ subject: 'CN=EX01', issuer: 'CN=EX01', isSelfSigned: true, domains: ['EX01', 'ex01.contoso.com'], internalTransport: true });
    const config = (c: ReturnType<typeof cert>[], fqdn: string, extra = {}) => withConfig({ certificates: [itt, ...c], internalTransportThumbprint: itt.thumbprint, receiveConnectors: [receive({ fqdn, ...extra })] });
    expect(sev(analyze(config([cert()], 'smtp.contoso.com')), 'RECVCONN-DEFAULT-FRONTEND-EX01-FQDN-NOT-COVERED')).toBe('medium');
    expect(ids(analyze(config([cert({ notAfter: at(-1), domains: ['smtp.contoso.com'] })], 'smtp.contoso.com')))).toContain('RECVCONN-DEFAULT-FRONTEND-EX01-FQDN-NOT-COVERED');
    expect(ids(analyze(config([cert({ services: ['IIS'], domains: ['smtp.contoso.com'] })], 'smtp.contoso.com')))).toContain('RECVCONN-DEFAULT-FRONTEND-EX01-FQDN-NOT-COVERED');
    expect(ids(analyze(config([cert({ domains: ['smtp.contoso.com'] })], 'smtp.contoso.com')))).toEqual([]);
    expect(ids(analyze(config([cert({ domains: ['*.contoso.com'] })], 'smtp.contoso.com')))).toEqual([]);
    expect(ids(analyze(config([cert({ domains: ['*.contoso.com'] })], 'a.smtp.contoso.com')))).toContain('RECVCONN-DEFAULT-FRONTEND-EX01-FQDN-NOT-COVERED');
    expect(ids(analyze(config([], 'ex01.contoso.com')))).toEqual([]);
    expect(ids(analyze(config([cert()], 'smtp.contoso.com', { tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com' })))).toEqual([]);
    expect(ids(analyze(config([cert({ services: null })], 'smtp.contoso.com')))).not.toContain('RECVCONN-DEFAULT-FRONTEND-EX01-FQDN-NOT-COVERED');
  });
});

describe('item 5: the hybrid certificate chain, send side (fleet findings)', () => {
  const fleet = (sc: ReturnType<typeof send>, extra: Partial<ExchangeConfig> = {}) =>
    analyzeAll([['EX01', withConfig({ sendConnectors: [sc], ...extra })]]).fleetFindings.map((f) => [f.id, f.severity]);

  it('TlsCertificateName unset on the connector to Exchange Online with a hybrid configuration (or no FQDN): medium; set to the hybrid one: nothing', () => {
    expect(fleet(send({ tlsCertificateName: null }), { hybridConfiguration: hybrid() })).toEqual([['FLEET-SENDCONN-EXO-NO-TLSCERT', 'medium']]);
    expect(fleet(send({ tlsCertificateName: null, fqdn: null }))).toEqual([['FLEET-SENDCONN-EXO-NO-TLSCERT', 'medium']]);
    expect(fleet(send({ tlsCertificateName: null }))).toEqual([]);
    expect(fleet(send({ tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com' }), { hybridConfiguration: hybrid() })).toEqual([]);
  });

  it('TlsCertificateName different from Get-HybridConfiguration\'s (compared as strings, case aside): medium; the same in another case: nothing', () => {
    expect(fleet(send({ tlsCertificateName: '<I>CN=Contoso CA 2<S>CN=mail.contoso.com' }), { hybridConfiguration: hybrid() })).toEqual([['FLEET-SENDCONN-EXO-TLSCERT-NOT-HYBRID', 'medium']]);
    expect(fleet(send({ tlsCertificateName: '<I>CN=Contoso CA,<S>CN=mail.contoso.com' }), { hybridConfiguration: hybrid() })).toEqual([['FLEET-SENDCONN-EXO-TLSCERT-NOT-HYBRID', 'medium']]);
    expect(fleet(send({ tlsCertificateName: '<I>cn=contoso ca<S>CN=MAIL.contoso.com' }), { hybridConfiguration: hybrid() })).toEqual([]);
  });

  it('CloudServicesMailEnabled false on a connector to Exchange Online (by smart host): medium (HealthChecker yellow); true: nothing', () => {
    expect(fleet(send({ cloudServicesMailEnabled: false }))).toEqual([['FLEET-SENDCONN-EXO-NOT-CLOUD-MAIL', 'medium']]);
    expect(fleet(send({ cloudServicesMailEnabled: true }))).toEqual([]);
  });

  it('TlsAuthLevel unset: a warning (medium, HealthChecker yellow) unless mail through the connector fails: then high', () => {
    expect(fleet(send({ tlsAuthLevel: null, tlsDomain: null }))).toEqual([['FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', 'medium']]);
    // the scanned logs hold a send-side TLS failure on "Outbound to Office 365"
    const logs = withLogs(withConfig({ sendConnectors: [send({ tlsAuthLevel: null, tlsDomain: null })] }));
    const doc = analyzeAll([['EX01', logs]]);
    expect(doc.servers[0]!.findings.some((f) => /^MAILFLOW-SEND-/.test(f.id) && f.connector === 'Outbound to Office 365')).toBe(true);
    // EX01 is the connector's only source, so "stop the bleeding" (issue 23) adds that no other source can take over
    expect(doc.fleetFindings.map((f) => [f.id, f.severity])).toEqual([['FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', 'high'], ['FLEET-SENDCONN-EXO-NO-HEALTHY-SOURCE', 'critical']]);
    expect(doc.fleetFindings[0]!.explanation).toMatch(/Mail through it fails now \(EX01: MAILFLOW-SEND-/);
  });
});
