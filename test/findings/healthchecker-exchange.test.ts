// HealthChecker's own Exchange test corpus replayed through extls: the Clixml captures of CSS-Exchange @ f88378b1
// (Diagnostics/HealthChecker/Tests/DataCollection/{E16,E19}/Exchange and
// Diagnostics/HealthChecker/DataCollection/ExchangeInformation/Tests/DataCollection, copied into
// test/fixtures/exchange-config, see SOURCES.md) go through the real collector code (one PowerShell for all of them)
// and analyzeInventory; each test checks the verdict HealthChecker's Pester tests assert for the same capture
// (Get-ExchangeConnectorCustomObject.Tests.ps1, Get-ExchangeCertificateCustomObject.Tests.ps1,
// HealthChecker.E16/E19.Main.Tests.ps1, HealthChecker.E19.Scenarios3.Tests.ps1). Differences that remain are listed
// in docs/healthchecker-comparison.md.
import { execa } from 'execa';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeInventory } from '../../src/findings/analyze.js';
import { certificatesNamed } from '../../src/findings/exchange-config.js';
import type { FindingsDocument, ServerAnalysis } from '../../src/findings/types.js';
import type { CollectorOutput, ExchangeConfig } from '../../src/inventory/types.js';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { psDir } from '../../src/util/paths.js';
import { inventory, readyOutput, record, valid } from './builders.js';

const fixtures = fileURLToPath(new URL('../fixtures/exchange-config/', import.meta.url));
const hc = (name: string) => join(fixtures, `CSS-Exchange_HealthChecker_${name}.xml`);
const harness = fileURLToPath(new URL('./Invoke-ExchangeExports.ps1', import.meta.url));

/** HealthChecker's connector tests mock Get-Date to 2022-01-01 (Get-ExchangeConnectorCustomObject.Tests.ps1). */
const HC_TEST_DATE = new Date('2022-01-01T00:00:00Z');
const LAB = 'WIN-CTD3L0RGEN4';

const exports = {
  connectors: { certificates: [hc('ExchangeInformation_GetExchangeCertificate')], receiveConnectors: [hc('E19_GetReceiveConnector')], sendConnectors: [hc('E19_GetSendConnector')] },
  multiple: { certificates: [hc('ExchangeInformation_GetExchangeCertificateMultipleMatches')], receiveConnectors: [hc('E19_GetReceiveConnector')], sendConnectors: [hc('E19_GetSendConnector')] },
  incomplete: { certificates: [hc('ExchangeInformation_GetExchangeCertificateIncomplete')], receiveConnectors: [hc('E19_GetReceiveConnector')], sendConnectors: [hc('E19_GetSendConnector')] },
  noCertificates: { receiveConnectors: [hc('E19_GetReceiveConnector')], sendConnectors: [hc('E19_GetSendConnector')] },
  emptyTlsName: { certificates: [hc('ExchangeInformation_GetExchangeCertificate')], receiveConnectors: [hc('ExchangeInformation_GetReceiveConnectorEmptyTlsCertificateName')], sendConnectors: [hc('E19_GetSendConnector')] },
  relay: { certificates: [hc('ExchangeInformation_GetExchangeCertificate')], receiveConnectors: [hc('E19_GetReceiveConnector')], sendConnectors: [hc('ExchangeInformation_GetSendConnectorConfiguredToRelayToM365')] },
  azure: { certificates: [hc('ExchangeInformation_GetExchangeCertificateOnAzure')] },
  withoutAuth: { certificates: [hc('ExchangeInformation_GetExchangeCertificateWithoutAuth')] },
  broken: { certificates: [hc('ExchangeInformation_GetExchangeCertificateBroken')] },
  e19: {
    certificates: [hc('E19_GetExchangeCertificate')], internalTransportCertificate: [hc('E19_GetInternalTransportCertificateFromServer')],
    receiveConnectors: [hc('E19_GetReceiveConnector')], sendConnectors: [hc('E19_GetSendConnector')],
  },
  e19Hybrid: {
    certificates: [hc('ExchangeInformation_GetExchangeCertificate')], receiveConnectors: [hc('E19_GetReceiveConnector')], sendConnectors: [hc('E19_GetSendConnector')],
    hybridConfiguration: [hc('E19_GetHybridConfiguration')],
  },
  e16: { certificates: [hc('E16_GetExchangeCertificate')] },
} as const;
type Scenario = keyof typeof exports;
const computerNames: Partial<Record<Scenario, string>> = { e19: 'Solo-E19A', e16: 'Solo-E16A', azure: 'E2k16-1' };

let sections: Record<Scenario, { section: ExchangeConfig; warnings: { message: string }[] }>;

beforeAll(async () => {
  const names = Object.keys(exports) as Scenario[];
  const input = names.map((n) => ({ computerName: computerNames[n] ?? LAB, exchangeConfigExports: exports[n] }));
  const run = await execa(locatePowerShell().path, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', harness, '-CollectorDir', join(psDir, 'collector')], {
    input: JSON.stringify(input), reject: false, env: { NO_COLOR: '1' },
  });
  if (run.exitCode !== 0 || run.stderr) throw new Error(`harness failed (${run.exitCode}): ${run.stderr}`);
  const out = JSON.parse(run.stdout) as { section: ExchangeConfig; warnings: { message: string }[] }[];
  sections = Object.fromEntries(names.map((n, i) => [n, out[i]!])) as typeof sections;
}, 120_000);

function analyzeScenario(name: Scenario, at: Date, server = computerNames[name] ?? LAB): { doc: FindingsDocument; s: ServerAnalysis } {
  const o: CollectorOutput = readyOutput();
  o.computerName = server;
  o.exchangeConfig = sections[name].section;
  const doc = analyzeInventory(inventory([record(valid(o), server)]), ['tls12-ready'], { referenceTime: at, now: at });
  return { doc, s: doc.servers[0]! };
}
const ids = (s: ServerAnalysis) => s.findings.filter((f) => f.category === 'certificate' || f.category === 'connector').map((f) => f.id).sort();
const sev = (s: ServerAnalysis, id: string) => s.findings.find((f) => f.id === id)?.severity ?? null;
const fleetIds = (doc: FindingsDocument) => doc.fleetFindings.map((f) => [f.id, f.connector, f.severity]);

describe("HealthChecker's captures: every one is read without a warning", () => {
  it.each(Object.keys(exports) as Scenario[])('%s', (name) => {
    expect(sections[name].warnings).toEqual([]);
  });
});

describe('Get-ExchangeConnectorCustomObject.Tests.ps1', () => {
  it('"Cloud Mail Connectors Should Return Valid TlsCertificateName Configuration": Default Frontend and "Mail to O365" find their certificates (611C687D…, E267D459…), no connector finding about a missing or invalid name', () => {
    const { s, doc } = analyzeScenario('connectors', HC_TEST_DATE);
    expect(ids(s).filter((id) => /CERT-(NOT-FOUND|NAME-INVALID|EXPIRED)$/.test(id))).toEqual([]);
    const cfg = sections.connectors.section;
    const frontend = cfg.receiveConnectors!.find((r) => r.name === `Default Frontend ${LAB}`)!;
    expect(certificatesNamed(frontend.tlsCertificateName!, cfg.certificates!).map((c) => c.thumbprint)).toEqual(['611C687DFC4343A5A03E0005A1EC6E9B6AFF586D']);
    expect(certificatesNamed(cfg.sendConnectors![0]!.tlsCertificateName!, cfg.certificates!).map((c) => c.thumbprint)).toEqual(['E267D459A0FB53D0EF225C11FAC062D522648C09']);
    // "Connectors Without TlsCertificateName": 4 (no finding asks for one: they are not cloud-enabled)
    expect(cfg.receiveConnectors!.filter((r) => r.tlsCertificateName === null)).toHaveLength(4);
    expect(ids(s).filter((id) => id.endsWith('-CLOUD-NO-TLSCERT'))).toEqual([]);
    // E19 main "EXO Connector Present" True, "Custom EXO Connector with no TlsDomain TlsAuthLevel": a warning, not high
    expect(fleetIds(doc)).toEqual([
      ['FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', 'Mail to O365', 'medium'],
      ['FLEET-SENDCONN-HYBRID-NO-REQUIRETLS', 'Mail to O365', 'high'],
    ]);
  });

  it('"Multiple Matching Certificate Found On The System": the send connector names two certificates, both found', () => {
    const { s } = analyzeScenario('multiple', HC_TEST_DATE);
    const cfg = sections.multiple.section;
    expect(certificatesNamed(cfg.sendConnectors![0]!.tlsCertificateName!, cfg.certificates!).map((c) => c.thumbprint).sort())
      .toEqual(['03221367D3A3E863698501592A9B9C420D8D3F4E', 'E267D459A0FB53D0EF225C11FAC062D522648C09']);
    expect(ids(s).filter((id) => id.startsWith('SENDCONN-'))).toEqual([]);
  });

  it('"TlsCertificateName Set But Certificate Not On The System": TlsCertificateNotFound for Default Frontend (high), a match for the send connector', () => {
    const { s } = analyzeScenario('incomplete', HC_TEST_DATE);
    expect(ids(s).filter((id) => /^(RECV|SEND)CONN-/.test(id))).toEqual([`RECVCONN-DEFAULT-FRONTEND-${LAB}-CERT-NOT-FOUND`]);
    expect(sev(s, `RECVCONN-DEFAULT-FRONTEND-${LAB}-CERT-NOT-FOUND`)).toBe('high');
  });

  it('"No Certificate Object Was Passed To The Function": nothing is matched, nothing is called missing; the finding says certificates were not read and connectors were', () => {
    const { s } = analyzeScenario('noCertificates', HC_TEST_DATE);
    expect(ids(s)).toEqual(['EXCHANGE-CERTIFICATES-NOT-READ']);
    expect(s.findings.find((f) => f.id === 'EXCHANGE-CERTIFICATES-NOT-READ')!.title).toBe('Exchange certificates were not read (connectors were)');
  });

  it('"Cloud Mail Enabled But No TlsCertificateName Set On Receive Connector": a warning on Default Frontend (TlsCertificateNameEmpty); the send connector still matches', () => {
    const { s } = analyzeScenario('emptyTlsName', HC_TEST_DATE);
    expect(ids(s).filter((id) => /^(RECV|SEND)CONN-/.test(id))).toEqual([`RECVCONN-DEFAULT-FRONTEND-${LAB}-CLOUD-NO-TLSCERT`]);
    expect(sev(s, `RECVCONN-DEFAULT-FRONTEND-${LAB}-CLOUD-NO-TLSCERT`)).toBe('medium');
  });

  it('"Relay Mails To The Internet Via M365": CertificateValidation and RequireTLS, no finding on the connector', () => {
    const { doc } = analyzeScenario('relay', HC_TEST_DATE);
    expect(fleetIds(doc)).toEqual([]);
  });
});

describe('Get-ExchangeCertificateCustomObject.Tests.ps1', () => {
  it('"Should Not Return The Windows Azure CRP Certificate Generator Certificate": never reported, even expired', () => {
    const { s } = analyzeScenario('azure', new Date('2024-01-01T00:00:00Z'));
    expect(JSON.stringify(s.findings)).not.toContain('EC1D075732E935F49E551936718A9254B117E523');
    // the same server's Exchange certificates are judged (SHA-1 signed, yellow in HealthChecker: low here)
    expect(ids(s)).toEqual([
      'CERT-SHA1-SIGNATURE-EEA2F1BD51FC122348942C1D1CEA3D1B415C4FA1', 'CERT-SHA1-SIGNATURE-F57DEA0EEA488E092EF787F8857845B8CC0139DF', 'EXCHANGE-CONNECTORS-NOT-READ',
    ]);
  });

  it('"Valid Auth Certificate (using weak SHA1 Hash Algorithm)": its services are None in the capture, so it carries no SMTP and extls does not judge it', () => {
    const { s } = analyzeScenario('connectors', HC_TEST_DATE);
    expect(sections.connectors.section.certificates!.find((c) => c.thumbprint === '2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7')!.services).toEqual([]);
    expect(ids(s).filter((id) => id.includes('2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7'))).toEqual([]);
  });

  it('"No Matching Auth Certificate Found" / "Returned In Raw Format": read; a capture of RawData only leaves services unknown and is noted low, never failed', () => {
    expect(sections.withoutAuth.section.certificates!.map((c) => c.thumbprint)).toEqual([
      '611C687DFC4343A5A03E0005A1EC6E9B6AFF586D', 'E267D459A0FB53D0EF225C11FAC062D522648C09', '3341CEAF3DF4D3A9527EC98BDD53C54ECC3E0620',
    ]);
    // HealthChecker: 4 certificates once the Azure CRP one (8BFE845E…) is skipped; [1] is mail.contoso.lab
    const broken = sections.broken.section.certificates!;
    expect(broken.map((c) => c.thumbprint)).toEqual([
      '8BFE845E6DCA42BBDC8F872672CDA1A4E0C3EBF1', 'D003810EBE1624145889D031FBB77ED2BD280FD3', '2759456DC53C76E3DED093B567B6D8DAA42C0ADD',
      '63F480EA98F26E6F8AE7BB5311B33BB2C692D3CA', 'FE0FAE9305F294F49DD2426AB214CC17853A7E87',
    ]);
    expect(broken[2]).toMatchObject({ subject: 'CN=mail.contoso.lab', services: null, domains: ['mail.contoso.lab', 'autodiscover.contoso.lab', 'e2k16-1.contoso.lab', 'e2k16-2.contoso.lab'] });
    const { s } = analyzeScenario('broken', new Date('2040-01-01T00:00:00Z'), 'E2k16-1');
    const certFindings = s.findings.filter((f) => f.category === 'certificate');
    expect(certFindings.map((f) => f.id).sort()).toEqual(['2759456DC53C76E3DED093B567B6D8DAA42C0ADD', '63F480EA98F26E6F8AE7BB5311B33BB2C692D3CA', 'D003810EBE1624145889D031FBB77ED2BD280FD3', 'FE0FAE9305F294F49DD2426AB214CC17853A7E87'].map((t) => `CERT-EXPIRED-${t}`));
    expect(certFindings.every((f) => f.severity === 'low')).toBe(true);
    expect(s.verdicts[0]!.verdict).toBe('pass');
  });
});

describe('HealthChecker.E19.Main / E16.Main', () => {
  const after = new Date('2026-01-15T00:00:00Z');

  it('E19 (certificates of Solo-E19A, receive connectors of another server): no false "certificate not found"; the other server\'s connectors are left out and said so', () => {
    const { s } = analyzeScenario('e19', after);
    expect(ids(s).filter((id) => id.startsWith('RECVCONN-') && id !== 'RECVCONN-OTHER-SERVERS-SKIPPED')).toEqual([]);
    expect(sev(s, 'RECVCONN-OTHER-SERVERS-SKIPPED')).toBe('info');
  });

  it('E19: the expired default SMTP certificate is high (HealthChecker: red, "Certificate has expired"), the internal transport certificate missing is high (red)', () => {
    const { s } = analyzeScenario('e19', after);
    expect(sev(s, 'CERT-EXPIRED-6C7DE09FB39A40144F57EFEBC3DF0148E3A9AB28')).toBe('high');
    expect(sev(s, 'CERT-EXPIRED-C3EDCF181EF4F9B53D01768ECA99564014BCA6E7')).toBe('high');
    expect(sev(s, 'INTERNAL-TRANSPORT-CERT-MISSING')).toBe('high');
    // WMSvc (Services None) is not an SMTP certificate
    expect(ids(s).filter((id) => id.includes('38247AD2B76244411748274C508D13446311830B'))).toEqual([]);
    expect(s.verdicts[0]!.verdict).toBe('fail');
  });

  it('E19 "EXO Connector Present" True: the connector to Exchange Online is judged once, TlsAuthLevel not set is a warning', () => {
    const { doc } = analyzeScenario('e19', after);
    expect(fleetIds(doc)).toContainEqual(['FLEET-SENDCONN-EXO-TLS-NOT-VALIDATED', 'Mail to O365', 'medium']);
  });

  it('E16 "EXO Connector Present" False: no connector finding; its self-signed SMTP certificate, expired 2023-11-24, is high', () => {
    const { s, doc } = analyzeScenario('e16', after);
    expect(doc.fleetFindings).toEqual([]);
    expect(sev(s, 'CERT-EXPIRED-823884A32609DCDC8C4B5462952586C30D814073')).toBe('high');
    expect(ids(s)).toContain('EXCHANGE-CONNECTORS-NOT-READ');
  });
});

describe('HealthChecker.E19.Scenarios3 (hybrid)', () => {
  it('"Hybrid Configuration Detected" and its "TLS Certificate Name" are read; the send connector to Exchange Online names another certificate: a warning', () => {
    expect(sections.e19Hybrid.section.hybridConfiguration).toMatchObject({
      configured: true, tlsCertificateName: '<I>CN=GeoTrust TLS RSA CA G1, OU=www.digicert.com, O=DigiCert Inc, C=US<S>CN=mail.contoso.com',
    });
    const { doc } = analyzeScenario('e19Hybrid', HC_TEST_DATE);
    expect(fleetIds(doc)).toContainEqual(['FLEET-SENDCONN-EXO-TLSCERT-NOT-HYBRID', 'Mail to O365', 'medium']);
    // this server is not the hybrid receiving server (ex-02): its connectors are not asked for Exchange Online's capability
    expect(ids(doc.servers[0]!)).not.toContain('RECVCONN-EXO-NO-CLOUD-CAPABILITY');
  });
});
