// Certificate and connector rules both ways (fires / does not fire), the organisation's send connectors judged once
// per fleet, on real-format records through the public analyzeInventory.
import { analyzeInventory } from '../../src/findings/analyze.js';
import type { FindingsDocument, ServerAnalysis } from '../../src/findings/types.js';
import type { CollectorOutput, SendConnector } from '../../src/inventory/types.js';
import { inventory, readyOutput, record, referenceTime, valid } from './builders.js';
import { at, cert, receive, send, withConfig } from './exchange-builders.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';

function expectValidFindings(doc: FindingsDocument): void {
  const v = validatorFor('findings.schema.json');
  if (!v(doc)) throw new Error(describeErrors(v.errors).join('\n'));
}

function analyzeAll(outputs: [string, CollectorOutput][], policies = ['tls12-ready']): FindingsDocument {
  const doc = analyzeInventory(inventory(outputs.map(([name, o]) => record(valid(o), name))), policies, { referenceTime, now: referenceTime });
  expectValidFindings(doc);
  return doc;
}
const analyze = (o: CollectorOutput, name = 'EX01') => analyzeAll([[name, o]]).servers[0]!;
const mine = (s: ServerAnalysis) => s.findings.filter((f) => f.category === 'certificate' || f.category === 'connector');
const ids = (s: ServerAnalysis) => mine(s).map((f) => f.id);
const verdict = (s: ServerAnalysis) => s.verdicts.find((v) => v.policy === 'tls12-ready')!;
const get = (s: ServerAnalysis, id: string) => {
  const f = s.findings.find((x) => x.id === id);
  if (!f) throw new Error(`${id} not in ${s.findings.map((x) => x.id).join(', ')}`);
  return f;
};

describe('SMTP certificates', () => {
  it('a valid SMTP certificate: no finding, the server passes', () => {
    const s = analyze(withConfig({ certificates: [cert()] }));
    expect(ids(s)).toEqual([]);
    expect(verdict(s).verdict).toBe('pass');
  });

  it('expired: high, dated, a manual step that renews and enables it for SMTP, with its check and undo', () => {
    const c = cert({ notAfter: at(-3), isSelfSigned: true, subject: 'CN=EX01', issuer: 'CN=EX01', internalTransport: true });
    const s = analyze(withConfig({ certificates: [c], internalTransportThumbprint: c.thumbprint }));
    const f = get(s, `CERT-EXPIRED-${c.thumbprint}`);
    expect(f).toMatchObject({ severity: 'high', category: 'certificate', connector: null, causes: [] });
    expect(f.title).toBe(`SMTP certificate CN=EX01 (${c.thumbprint}) expired on 2026-01-12`);
    expect(verdict(s)).toMatchObject({ verdict: 'fail', manualFindingIds: [f.id] });
    const steps = f.byHand!;
    expect(steps.steps[0]!.command).toEqual({
      cmdlet: 'Get-ExchangeCertificate',
      parameters: [{ name: 'Server', text: 'EX01', list: null, flag: null, setNull: false }, { name: 'Thumbprint', text: c.thumbprint, list: null, flag: null, setNull: false }],
      pipeTo: { cmdlet: 'New-ExchangeCertificate', parameters: [{ name: 'PrivateKeyExportable', text: null, list: null, flag: true, setNull: false }] },
    });
    expect(steps.steps.map((l) => l.command?.cmdlet)).toContain('Enable-ExchangeCertificate');
    expect(steps.steps.find((l) => l.command?.cmdlet === 'Enable-ExchangeCertificate')!.text).toContain('answer Yes');
    expect(steps.check[0]!.command!.cmdlet).toBe('Get-ExchangeCertificate');
    expect(steps.undo[0]!.command).toMatchObject({ cmdlet: 'Enable-ExchangeCertificate', parameters: expect.arrayContaining([expect.objectContaining({ name: 'Services', list: ['SMTP'] })]) });
  });

  it.each([
    [10, 'medium', 'fail'],
    [29, 'medium', 'fail'],
    [30, 'low', 'pass'],
    [59, 'low', 'pass'],
  ] as const)('expiring in %i days: %s (HealthChecker: under 30 red, under 60 yellow), verdict %s', (days, severity, v) => {
    const c = cert({ notAfter: at(days + 0.5) });
    const s = analyze(withConfig({ certificates: [c] }));
    expect(get(s, `CERT-EXPIRING-${c.thumbprint}`)).toMatchObject({ severity, title: expect.stringContaining(`expires in ${days} day(s), on `) });
    expect(verdict(s).verdict).toBe(v);
  });

  it('60 days or more: no finding', () => {
    expect(ids(analyze(withConfig({ certificates: [cert({ notAfter: at(60.5) })] })))).toEqual([]);
  });

  it('a certificate not used for SMTP (IIS only) is not judged; one whose services are unknown is noted low, never failed', () => {
    expect(ids(analyze(withConfig({ certificates: [cert({ services: ['IIS'], notAfter: at(-10) })] })))).toEqual([]);
    const unknown = cert({ services: null, notAfter: at(-10) });
    const s = analyze(withConfig({ certificates: [unknown] }));
    expect(get(s, `CERT-EXPIRED-${unknown.thumbprint}`).severity).toBe('low');
    expect(verdict(s).verdict).toBe('pass');
  });

  it('an IIS-only certificate named by a connector is judged as an SMTP one, and the finding names the connector', () => {
    const c = cert({ services: ['IIS'], notAfter: at(5) });
    const s = analyze(withConfig({ certificates: [c], receiveConnectors: [receive({ tlsCertificateName: '<I>CN=Contoso CA<S>CN=mail.contoso.com' })] }));
    expect(get(s, `CERT-EXPIRING-${c.thumbprint}`)).toMatchObject({ severity: 'medium', connector: 'Default Frontend EX01' });
  });

  it('no private key: high; unknown (null) is not judged', () => {
    const c = cert({ hasPrivateKey: false });
    expect(get(analyze(withConfig({ certificates: [c] })), `CERT-NO-PRIVATE-KEY-${c.thumbprint}`).severity).toBe('high');
    expect(ids(analyze(withConfig({ certificates: [cert({ hasPrivateKey: null })] })))).toEqual([]);
  });

  it('key under 2048 bits: medium; an ECC key of 256 bits is not', () => {
    const c = cert({ keySize: 1024 });
    const f = get(analyze(withConfig({ certificates: [c] })), `CERT-WEAK-KEY-${c.thumbprint}`);
    expect(f.severity).toBe('medium');
    expect(f.byHand!.steps[0]!.command!.parameters).toContainEqual({ name: 'KeySize', text: '2048', list: null, flag: null, setNull: false });
    expect(ids(analyze(withConfig({ certificates: [cert({ keySize: 256, keyAlgorithm: 'ECC' })] })))).toEqual([]);
  });

  it('SHA-1 signature: low (HealthChecker yellow); SHA-256 is not', () => {
    const c = cert({ signatureAlgorithm: { oid: '1.2.840.113549.1.1.5', name: 'sha1RSA' } });
    expect(get(analyze(withConfig({ certificates: [c] })), `CERT-SHA1-SIGNATURE-${c.thumbprint}`).severity).toBe('low');
    expect(ids(analyze(withConfig({ certificates: [cert()] })))).toEqual([]);
  });

  it('not read: one info finding saying why, nothing failed; no section at all (older collectors): nothing', () => {
    const s = analyze(withConfig({ source: 'not-read', message: 'offline (.reg exports) without exchangeConfigExports', certificates: null, receiveConnectors: null, sendConnectors: null }));
    expect(mine(s).map((f) => [f.id, f.severity])).toEqual([['EXCHANGE-CERTIFICATES-NOT-READ', 'info']]);
    expect(verdict(s).verdict).toBe('pass');
    expect(ids(analyze(readyOutput()))).toEqual([]);
  });

  it('certificate store without the shell: certificates judged, connectors reported as not read', () => {
    const s = analyze(withConfig({ source: 'certificate-store', message: 'Exchange Management Shell not available', certificates: [cert()], receiveConnectors: null, sendConnectors: null }));
    expect(mine(s).map((f) => [f.id, f.severity, f.category])).toEqual([['EXCHANGE-CONNECTORS-NOT-READ', 'info', 'connector']]);
  });
});

describe('connector TlsCertificateName', () => {
  const tlsName = '<I>CN=Contoso CA<S>CN=mail.contoso.com';

  it('a receive connector naming a certificate that is on the server: nothing (case does not matter); spelled with other spaces it is not found, as Exchange compares the strings', () => {
    const c = cert({ subject: 'CN=mail.contoso.com, O=Contoso', issuer: 'CN=Contoso CA, O=Contoso' });
    expect(ids(analyze(withConfig({ certificates: [c], receiveConnectors: [receive({ tlsCertificateName: '<I>cn=Contoso CA, O=Contoso<S>CN=MAIL.contoso.com, O=Contoso' })] })))).toEqual([]);
    expect(ids(analyze(withConfig({ certificates: [c], receiveConnectors: [receive({ tlsCertificateName: '<I>cn=Contoso CA,O=Contoso<S>CN=mail.contoso.com,  O=Contoso' })] }))))
      .toEqual(['RECVCONN-DEFAULT-FRONTEND-EX01-CERT-NOT-FOUND']);
  });

  it('a receive connector naming a certificate that is not on the server: high, with the connector, a Set-ReceiveConnector step to a valid one, its check and undo', () => {
    const other = cert({ issuer: 'CN=Contoso CA 2' });
    const s = analyze(withConfig({ certificates: [other], receiveConnectors: [receive({ tlsCertificateName: tlsName })] }));
    const f = get(s, 'RECVCONN-DEFAULT-FRONTEND-EX01-CERT-NOT-FOUND');
    expect(f).toMatchObject({ severity: 'high', category: 'connector', connector: 'Default Frontend EX01' });
    expect(verdict(s)).toMatchObject({ verdict: 'fail', manualFindingIds: [f.id] });
    expect(f.byHand!.steps[0]!.command).toEqual({
      cmdlet: 'Set-ReceiveConnector',
      parameters: [
        { name: 'Identity', text: 'EX01\\Default Frontend EX01', list: null, flag: null, setNull: false },
        { name: 'TlsCertificateName', text: '<I>CN=Contoso CA 2<S>CN=mail.contoso.com', list: null, flag: null, setNull: false },
      ],
      pipeTo: null,
    });
    expect(f.byHand!.undo[0]!.command!.parameters[1]!.text).toBe(tlsName);
    expect(f.byHand!.check[0]!.command).toMatchObject({ cmdlet: 'Get-ReceiveConnector', pipeTo: { cmdlet: 'Format-List' } });
  });

  it('a send connector this server is a source of, naming a missing certificate: SENDCONN finding; on a server that is not a source: nothing', () => {
    const cfg = { certificates: [cert({ issuer: 'CN=Contoso CA 2' })], sendConnectors: [send({ tlsCertificateName: tlsName, sourceTransportServers: ['EX01'] })] };
    const s = analyze(withConfig(cfg), 'ex01.contoso.com');
    expect(get(s, 'SENDCONN-OUTBOUND-TO-OFFICE-365-CERT-NOT-FOUND')).toMatchObject({ connector: 'Outbound to Office 365', severity: 'high' });
    expect(ids(analyze(withConfig(cfg), 'EX02'))).toEqual([]);
  });

  it('only expired certificates with that name: CERT-EXPIRED on the connector', () => {
    const old = cert({ notAfter: at(-1) });
    const s = analyze(withConfig({ certificates: [old], receiveConnectors: [receive({ tlsCertificateName: tlsName })] }));
    expect(get(s, 'RECVCONN-DEFAULT-FRONTEND-EX01-CERT-EXPIRED')).toMatchObject({ connector: 'Default Frontend EX01', severity: 'high' });
    expect(get(s, `CERT-EXPIRED-${old.thumbprint}`).connector).toBe('Default Frontend EX01');
  });

  it('a TlsCertificateName without <I>/<S>: medium; a disabled connector is not judged', () => {
    const s = analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive({ tlsCertificateName: 'CN=mail.contoso.com' })] }));
    expect(get(s, 'RECVCONN-DEFAULT-FRONTEND-EX01-CERT-NAME-INVALID').severity).toBe('medium');
    expect(ids(analyze(withConfig({ certificates: [cert()], receiveConnectors: [receive({ tlsCertificateName: '<I>CN=Gone<S>CN=Gone', enabled: false })] })))).toEqual([]);
  });
});

describe('send connectors to Exchange Online, once per fleet', () => {
  const fleet = (sc: SendConnector) => analyzeAll([['EX01', withConfig({ sendConnectors: [sc] })], ['EX02', withConfig({ sendConnectors: [sc] })], ['EX03', withConfig({ sendConnectors: [] })]]).fleetFindings;

  it('the Hybrid Configuration wizard\'s settings (DomainValidation, mail.protection.outlook.com, RequireTLS): nothing', () => {
    expect(fleet(send({ sourceTransportServers: ['EX01', 'EX02'] }))).toEqual([]);
  });

  it('TlsAuthLevel not set (HealthChecker\'s "Mail to O365"): one fleet finding naming the source servers and the connector, with its steps', () => {
    const found = fleet(send({ name: 'Mail to O365', identity: 'Mail to O365', addressSpaces: ['SMTP:*;1'], smartHosts: ['microsoft-com.mail.protection.outlook.com'], tlsAuthLevel: null, tlsDomain: null, requireTls: false, sourceTransportServers: ['EX02'] }));
    expect(found.map((f) => f.id)).toEqual(['FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', 'FLEET-SENDCONN-HYBRID-NO-REQUIRETLS']);
    const f = found[0]!;
    expect(f).toMatchObject({ group: { kind: 'organisation', name: 'send connector Mail to O365' }, servers: ['EX02'], connector: 'Mail to O365', severity: 'medium' }); // HealthChecker yellow: high only when its mail fails
    expect(f.differences).toEqual([{ setting: 'TlsAuthLevel', values: [{ value: '(not set)', servers: ['EX01', 'EX02'], display: '(not set): reported by EX01, EX02' }] }]);
    // relaying everything (*) through Exchange Online: CertificateValidation (HealthChecker's advice)
    expect(f.byHand!.steps[0]!.command!.parameters).toEqual([
      { name: 'Identity', text: 'Mail to O365', list: null, flag: null, setNull: false },
      { name: 'TlsAuthLevel', text: 'CertificateValidation', list: null, flag: null, setNull: false },
    ]);
    expect(f.byHand!.undo[0]!.command!.parameters[1]).toEqual({ name: 'TlsAuthLevel', text: null, list: null, flag: null, setNull: true });
  });

  it.each([
    ['contoso.mail.onmicrosoft.com'], ['contoso.mail.onmicrosoft.us'], ['contoso.mail.partner.onmschina.cn'],
  ])('recognised by the remote routing address space %s alone (HealthChecker\'s pattern): EncryptionOnly fails, CertificateValidation passes', (space) => {
    const exo = { cloudServicesMailEnabled: true, smartHosts: [], addressSpaces: [`smtp:${space};1`] };
    expect(fleet(send({ ...exo, tlsAuthLevel: 'EncryptionOnly' })).map((f) => f.id)).toEqual(['FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED']);
    expect(fleet(send({ ...exo, tlsAuthLevel: 'CertificateValidation', tlsDomain: null }))).toEqual([]);
    expect(fleet(send({ ...exo, cloudServicesMailEnabled: false, tlsAuthLevel: 'CertificateValidation', tlsDomain: null })).map((f) => f.id)).toEqual(['FLEET-SENDCONN-EXO-NOT-CLOUD-MAIL']);
  });

  it('DomainValidation with the wrong TlsDomain (or none, or a name under the service domain, or another cloud\'s): fleet finding; the service domain of the smart host\'s cloud is right', () => {
    expect(fleet(send({ tlsDomain: 'contoso.com' })).map((f) => [f.id, f.connector])).toEqual([['FLEET-SENDCONN-EXO-TLS-DOMAIN', 'Outbound to Office 365']]);
    expect(fleet(send({ tlsDomain: null })).map((f) => f.id)).toEqual(['FLEET-SENDCONN-EXO-TLS-DOMAIN']);
    expect(fleet(send({ tlsDomain: 'contoso-com.mail.protection.outlook.com' })).map((f) => f.id)).toEqual(['FLEET-SENDCONN-EXO-TLS-DOMAIN']);
    expect(fleet(send({ tlsDomain: 'mail.protection.office365.us' })).map((f) => f.id)).toEqual(['FLEET-SENDCONN-EXO-TLS-DOMAIN']);
    expect(fleet(send({ tlsDomain: 'mail.protection.outlook.com' }))).toEqual([]);
    expect(fleet(send({ smartHosts: ['contoso-us.mail.protection.office365.us'], addressSpaces: ['smtp:contoso.mail.onmicrosoft.us;1'], tlsDomain: 'mail.protection.office365.us' }))).toEqual([]);
    expect(fleet(send({ smartHosts: ['contoso-cn.mail.protection.partner.outlook.cn'], addressSpaces: ['smtp:contoso.mail.partner.onmschina.cn;1'], tlsDomain: 'mail.protection.partner.outlook.cn' }))).toEqual([]);
  });

  it('hybrid connector without RequireTLS: fleet finding with Set-SendConnector -RequireTLS $true; a disabled or non-Exchange-Online connector is not judged', () => {
    const f = fleet(send({ requireTls: false }));
    expect(f.map((x) => x.id)).toEqual(['FLEET-SENDCONN-HYBRID-NO-REQUIRETLS']);
    expect(f[0]!.byHand!.steps[0]!.command!.parameters[1]).toEqual({ name: 'RequireTLS', text: null, list: null, flag: true, setNull: false });
    expect(fleet(send({ requireTls: false, enabled: false }))).toEqual([]);
    expect(fleet(send({ name: 'Internet', identity: 'Internet', guid: null, cloudServicesMailEnabled: false, smartHosts: [], addressSpaces: ['SMTP:*;1'], tlsAuthLevel: null, requireTls: false }))).toEqual([]);
  });
});
