// The collector's Exchange section (ps/collector/45-ExchangeConfig.ps1) in the real pwsh: HealthChecker's
// Export-Clixml captures through the offline path (exchangeConfigExports), the live path driven by stand-in
// Exchange cmdlets (ExchangeStandIn.psm1), and a server without the Exchange Management Shell.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { psDir } from '../../src/util/paths.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import type { ExchangeConfig } from '../../src/inventory/types.js';
import { runCollector } from '../helpers/collector.js';
import { expectValidOutput } from './util.js';

const fixtures = fileURLToPath(new URL('../fixtures/exchange-config/', import.meta.url));
const hc = (name: string) => join(fixtures, `CSS-Exchange_HealthChecker_${name}.xml`);
const reg = fileURLToPath(new URL('../fixtures/reg/ms-docs_exchange-tls-configuration/TLS12-Enable.reg', import.meta.url));
const harness = fileURLToPath(new URL('./Invoke-ExchangeConfigPart.ps1', import.meta.url));

const e19 = {
  certificates: [hc('E19_GetExchangeCertificate')],
  internalTransportCertificate: [hc('E19_GetInternalTransportCertificateFromServer')],
  receiveConnectors: [hc('E19_GetReceiveConnector')],
  sendConnectors: [hc('E19_GetSendConnector')],
};

async function collect(extra: object) {
  const run = await runCollector({ registryExports: [reg], computerName: 'WIN-CTD3L0RGEN4', scanLogs: false, ...extra });
  if (run.exitCode !== 0) throw new Error(`collector failed (${run.exitCode}): ${run.stderr}`);
  return expectValidOutput(run.json);
}

function expectValidSection(section: unknown): ExchangeConfig {
  const validate = validatorFor<ExchangeConfig>('exchange-config.schema.json');
  expect(validate(section) ? [] : describeErrors(validate.errors)).toEqual([]);
  return section as ExchangeConfig;
}

async function part(args: string[]) {
  const run = await execa(locatePowerShell().path, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', harness, '-CollectorDir', join(psDir, 'collector'), '-FixtureDir', fixtures, ...args], {
    reject: false, env: { NO_COLOR: '1' },
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { section: unknown; warnings: { section: string; message: string }[]; calls: string[] };
}

describe('offline: HealthChecker captures through exchangeConfigExports', () => {
  it('Exchange 2019 certificates, internal transport certificate, receive and send connectors become schema-valid output', async () => {
    const out = await collect({ exchangeConfigExports: e19 });
    expect(out.warnings).toEqual([]);
    const x = out.exchangeConfig!;
    expect(x.source).toBe('exports');
    expect(x.message).toBeNull();
    expect(x.files).toEqual([...e19.certificates, ...e19.internalTransportCertificate, ...e19.receiveConnectors, ...e19.sendConnectors]);
    expect(x.internalTransportThumbprint).toBe('D003810EBE1624145889D031FBB77ED2BD280FD3');
    expect(x.certificates!.map((c) => c.thumbprint)).toEqual([
      'C3EDCF181EF4F9B53D01768ECA99564014BCA6E7', '6C7DE09FB39A40144F57EFEBC3DF0148E3A9AB28', '38247AD2B76244411748274C508D13446311830B',
    ]);
    expect(x.certificates![1]).toEqual({
      thumbprint: '6C7DE09FB39A40144F57EFEBC3DF0148E3A9AB28', subject: 'CN=Solo-E19A', issuer: 'CN=Solo-E19A', friendlyName: null,
      domains: ['Solo-E19A', 'Solo-E19A.Solo.com'], notBefore: '2019-12-03T22:45:58Z', notAfter: '2024-12-03T22:45:58Z',
      // (no chain: an export is read on another machine)
      // the capture holds RawData and Exchange's binary SerializationData: services and status decoded from it (MS-NRBF),
      // the private key stays unknown, never false
      services: ['IMAP', 'POP', 'IIS', 'SMTP'], status: 'Valid', hasPrivateKey: null,
      isSelfSigned: true, keyAlgorithm: 'RSA', keySize: 2048, signatureAlgorithm: { oid: '1.2.840.113549.1.1.5', name: 'sha1RSA' }, internalTransport: false,
    });
    expect(x.certificates![2]!.signatureAlgorithm.oid).toBe('1.2.840.113549.1.1.11');

    expect(x.receiveConnectors!.map((r) => r.name)).toEqual([
      'Default WIN-CTD3L0RGEN4', 'Client Proxy WIN-CTD3L0RGEN4', 'Default Frontend WIN-CTD3L0RGEN4', 'Outbound Proxy Frontend WIN-CTD3L0RGEN4', 'Client Frontend WIN-CTD3L0RGEN4',
    ]);
    expect(x.receiveConnectors![2]).toMatchObject({
      identity: 'WIN-CTD3L0RGEN4\\Default Frontend WIN-CTD3L0RGEN4', server: 'WIN-CTD3L0RGEN4', transportRole: 'FrontendTransport',
      bindings: ['[::]:25', '0.0.0.0:25'], fqdn: 'WIN-CTD3L0RGEN4.exlab.dom', requireTls: false,
      authMechanism: ['Tls', 'Integrated', 'BasicAuth', 'BasicAuthRequireTLS', 'ExchangeServer'],
      tlsCertificateName: '<I>CN=WIN-CTD3L0RGEN4<S>CN=WIN-CTD3L0RGEN4', tlsDomainCapabilities: ['fabrikam.com:AcceptCloudServicesMail'],
    });
    expect(x.sendConnectors).toEqual([{
      name: 'Mail to O365', identity: 'Mail to O365', guid: '0292c782-9804-4d8b-ae0e-e1c7ab90852b', enabled: true,
      addressSpaces: ['SMTP:*;1'], smartHosts: ['microsoft-com.mail.protection.outlook.com'], dnsRoutingEnabled: false, port: 25, fqdn: null,
      requireTls: false, ignoreStartTls: false, tlsAuthLevel: null, tlsDomain: null, tlsCertificateName: '<I>CN=localhost<S>CN=localhost',
      cloudServicesMailEnabled: true, sourceTransportServers: ['WIN-CTD3L0RGEN4'],
    }]);
  });

  it('the Exchange 2016 certificate capture alone: connectors not in the exports are null and the message says so', async () => {
    const out = await collect({ exchangeConfigExports: { certificates: [hc('E16_GetExchangeCertificate')] } });
    const x = out.exchangeConfig!;
    expect(x.certificates!.map((c) => c.thumbprint)).toContain('92E196F3C8D3D753FCFC5B7690C3173AA1C0ABE3');
    expect(x).toMatchObject({ internalTransportThumbprint: null, receiveConnectors: null, sendConnectors: null });
    expect(x.message).toBe('not in the exports: receiveConnectors, sendConnectors');
    expect(out.warnings).toEqual([]);
  });

  it('an export that cannot be read is a warning and that list stays null; the rest is read and the run succeeds', async () => {
    const out = await collect({ exchangeConfigExports: { ...e19, sendConnectors: [join(fixtures, 'missing.xml')] } });
    expect(out.exchangeConfig!.sendConnectors).toBeNull();
    expect(out.exchangeConfig!.receiveConnectors).toHaveLength(5);
    expect(out.warnings).toEqual([expect.objectContaining({ section: 'exchangeConfig', message: expect.stringContaining('exchangeConfigExports.sendConnectors') })]);
  });

  it('.reg exports without exchangeConfigExports: nothing of this machine is read, the section says so', async () => {
    const out = await collect({});
    expect(out.exchangeConfig).toEqual({
      source: 'not-read', message: expect.stringContaining('without exchangeConfigExports'), files: [],
      certificates: null, internalTransportThumbprint: null, receiveConnectors: null, sendConnectors: null, hybridConfiguration: null,
    });
    expect(out.warnings).toEqual([]);
  });

  it('Services, Status and SelfSigned of every HealthChecker certificate capture are read from SerializationData (signed data too); an export without it stays unknown', async () => {
    const files = ['E16_GetExchangeCertificate', 'ExchangeInformation_GetExchangeCertificate', 'ExchangeInformation_GetExchangeCertificateOnAzure', 'ExchangeInformation_GetExchangeCertificateBroken'];
    const out = await collect({ exchangeConfigExports: { certificates: [...files.map(hc), join(fixtures, 'CSS-Exchange_MonitorExchangeAuthCertificate_NewExchangeAuthCertificate.xml')] } });
    expect(out.warnings).toEqual([]);
    const by = new Map(out.exchangeConfig!.certificates!.map((c) => [c.thumbprint, [c.subject, c.services, c.status, c.isSelfSigned]]));
    expect(by.get('92E196F3C8D3D753FCFC5B7690C3173AA1C0ABE3')).toEqual(['CN=Microsoft Exchange Server Auth Certificate', ['SMTP'], 'Valid', true]);
    expect(by.get('823884A32609DCDC8C4B5462952586C30D814073')).toEqual(['CN=Solo-E16A', ['IMAP', 'POP', 'IIS', 'SMTP'], 'Valid', true]);
    expect(by.get('A60C6E62FF85D208DF668D597A1B077E1534147F')).toEqual(['CN=WMSvc-WIN-9UC94ETVM30', [], 'Valid', true]);
    expect(by.get('611C687DFC4343A5A03E0005A1EC6E9B6AFF586D')).toEqual(['CN=WIN-CTD3L0RGEN4', ['IMAP', 'POP', 'IIS'], 'Valid', true]);
    expect(by.get('EC1D075732E935F49E551936718A9254B117E523')).toEqual(['DC=Windows Azure CRP Certificate Generator', [], 'Valid', true]);
    expect(by.get('EEA2F1BD51FC122348942C1D1CEA3D1B415C4FA1')).toEqual(['CN=E2k16-1', ['IIS', 'SMTP'], 'Valid', true]);
    // "#sig#"-signed SerializationData (Exchange's serialized data signing)
    expect(by.get('B22BD738BED13136D29B7F410CE2993C5313F8FA')).toEqual(['CN=Microsoft Exchange Server Auth Certificate', ['SMTP'], 'Valid', true]);
    // the "Broken" capture holds RawData only
    expect(by.get('2759456DC53C76E3DED093B567B6D8DAA42C0ADD')).toEqual(['CN=mail.contoso.lab', null, null, true]);
  });

  it('a SerializationData that is cut short or not an ExchangeCertificate is a warning naming the certificate; its services stay unknown, the others are read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'extls-nrbf-'));
    try {
      const xml = readFileSync(hc('ExchangeInformation_GetExchangeCertificate'), 'utf8');
      let i = 0;
      const broken = xml.replace(/<BA N="SerializationData">([^<]*)<\/BA>/g, (all, b64: string) => {
        i++;
        if (i === 1) return `<BA N="SerializationData">${Buffer.from(b64, 'base64').subarray(0, 300).toString('base64')}</BA>`;
        if (i === 2) return `<BA N="SerializationData">${Buffer.from('not a serialization stream at all').toString('base64')}</BA>`;
        return all;
      });
      const file = join(dir, 'certs.xml');
      writeFileSync(file, broken);
      const out = await collect({ exchangeConfigExports: { certificates: [file] } });
      const certs = out.exchangeConfig!.certificates!;
      expect(certs.map((c) => c.services)).toEqual([null, null, [], []]);
      expect(out.warnings.map((w) => w.message)).toEqual([
        expect.stringMatching(/^certificate 2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7: SerializationData not readable .*services and status unknown$/),
        expect.stringMatching(/^certificate 611C687DFC4343A5A03E0005A1EC6E9B6AFF586D: SerializationData not readable/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Get-HybridConfiguration export: read (HealthChecker\'s E19 capture); an empty export means no hybrid configuration; none given: not read (null)', async () => {
    const out = await collect({ exchangeConfigExports: { ...e19, hybridConfiguration: [hc('E19_GetHybridConfiguration')] } });
    expect(out.warnings).toEqual([]);
    expect(out.exchangeConfig!.hybridConfiguration).toEqual({
      configured: true, tlsCertificateName: '<I>CN=GeoTrust TLS RSA CA G1, OU=www.digicert.com, O=DigiCert Inc, C=US<S>CN=mail.contoso.com',
      sendingTransportServers: ['ex-02'], receivingTransportServers: ['ex-02'], edgeTransportServers: [], onPremisesSmartHost: 'mail.contoso.com',
      domains: ['contoso.com'], features: ['FreeBusy', 'MoveMailbox', 'Mailtips', 'MessageTracking', 'OwaRedirection', 'OnlineArchive', 'SecureMail', 'Photos'], serviceInstance: 0,
    });
    const dir = mkdtempSync(join(tmpdir(), 'extls-hybrid-'));
    try {
      const empty = join(dir, 'none.xml');
      writeFileSync(empty, '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"></Objs>');
      const none = await collect({ exchangeConfigExports: { ...e19, hybridConfiguration: [empty] } });
      expect(none.exchangeConfig!.hybridConfiguration).toMatchObject({ configured: false, tlsCertificateName: null, receivingTransportServers: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await collect({ exchangeConfigExports: e19 })).exchangeConfig!.hybridConfiguration).toBeNull();
  }, 240_000); // three collector runs

  it('a malformed exchangeConfigExports option is a warning, not a failed collection', async () => {
    const out = await collect({ exchangeConfigExports: ['a.xml'] });
    expect(out.exchangeConfig).toMatchObject({ source: 'not-read', certificates: null });
    expect(out.warnings).toEqual([expect.objectContaining({ section: 'exchangeConfig', message: expect.stringContaining('must be an object') })]);
  });
});

describe('live', () => {
  it('with the Exchange Management Shell (stand-in cmdlets): certificates of this server, its receive connectors, the organisation\'s send connectors; nothing changed', async () => {
    const out = await part(['-StandIn']);
    const x = expectValidSection(out.section);
    expect(out.warnings).toEqual([]);
    expect(x.source).toBe('exchange-shell');
    expect(x.message).toBeNull();
    expect(x.internalTransportThumbprint).toBe('D003810EBE1624145889D031FBB77ED2BD280FD3');
    expect(x.certificates!.map((c) => [c.subject, c.services, c.status, c.hasPrivateKey])).toEqual([
      ['CN=Microsoft Exchange Server Auth Certificate', ['SMTP'], 'Valid', false],
      ['CN=Solo-E19A', ['IIS', 'SMTP'], 'Valid', false],
      ['CN=WMSvc-WIN-K300A9DA9VA', ['IIS', 'SMTP'], 'Valid', false],
    ]);
    // the chain the server builds for each (here: self-signed, one element, with its SHA-1 signature)
    expect(x.certificates![1]!.chain).toEqual([{ subject: 'CN=Solo-E19A', thumbprint: '6C7DE09FB39A40144F57EFEBC3DF0148E3A9AB28', selfSigned: true, signatureAlgorithm: { oid: '1.2.840.113549.1.1.5', name: 'sha1RSA' } }]);
    expect(x.receiveConnectors).toHaveLength(5);
    expect(x.sendConnectors!.map((s) => s.name)).toEqual(['Mail to O365']);
    expect(out.calls).toEqual([
      'Get-TransportService -Identity WIN-CTD3L0RGEN4',
      'Get-ExchangeCertificate -Server WIN-CTD3L0RGEN4',
      'Get-ReceiveConnector -Server WIN-CTD3L0RGEN4',
      'Get-SendConnector',
    ]);
  });

  it('without the Exchange Management Shell (and no Windows certificate store here): the section says connectors were not read, nothing fails', async () => {
    const out = await part([]);
    const x = expectValidSection(out.section);
    expect(out.warnings).toEqual([]);
    expect(x).toMatchObject({ source: 'not-read', certificates: null, receiveConnectors: null, sendConnectors: null });
    expect(x.message).toMatch(/Exchange Management Shell not available.*connectors were not read/);
  });

  it('readExchangeConfig false: the shell is not asked', async () => {
    const out = await part(['-StandIn', '-Options', '{"computerName":"EX01","readExchangeConfig":false}']);
    expect(expectValidSection(out.section)).toMatchObject({ source: 'not-read', message: 'readExchangeConfig is false' });
    expect(out.calls).toEqual([]);
  });
});
