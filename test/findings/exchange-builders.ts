// Certificates and connectors as the collector's exchangeConfig section reports them (schemas/exchange-config.schema.json),
// for findings and runbooks tests. Dates are relative to the builders' fixed reference time.
import type { CollectorOutput, ExchangeCertificate, ExchangeConfig, ReceiveConnector, SendConnector } from '../../src/inventory/types.js';
import { readyOutput, referenceTime } from './builders.js';

const day = 86_400_000;
export const at = (days: number) => new Date(referenceTime.getTime() + days * day).toISOString().replace(/\.\d{3}Z$/, 'Z');

let n = 0;
export function cert(extra: Partial<ExchangeCertificate> = {}): ExchangeCertificate {
  n++;
  return {
    thumbprint: `A${String(n).padStart(39, '0')}`,
    subject: 'CN=mail.contoso.com', issuer: 'CN=Contoso CA', friendlyName: null, domains: ['mail.contoso.com'],
    notBefore: at(-300), notAfter: at(400), services: ['IIS', 'SMTP'], status: 'Valid', hasPrivateKey: true, isSelfSigned: false,
    keyAlgorithm: 'RSA', keySize: 2048, signatureAlgorithm: { oid: '1.2.840.113549.1.1.11', name: 'sha256RSA' }, internalTransport: false,
    ...extra,
  };
}

export function receive(extra: Partial<ReceiveConnector> = {}): ReceiveConnector {
  return {
    name: 'Default Frontend EX01', identity: 'EX01\\Default Frontend EX01', server: 'EX01', enabled: true, transportRole: 'FrontendTransport',
    bindings: ['0.0.0.0:25'], fqdn: 'ex01.contoso.com', authMechanism: ['Tls'], permissionGroups: ['AnonymousUsers'], requireTls: false,
    tlsCertificateName: null, tlsDomainCapabilities: [], ...extra,
  };
}

export function send(extra: Partial<SendConnector> = {}): SendConnector {
  return {
    name: 'Outbound to Office 365', identity: 'Outbound to Office 365', guid: '6f0f2b5e-3c1d-4e8a-9b7f-2a4c5d6e7f80', enabled: true,
    addressSpaces: ['smtp:contoso.mail.onmicrosoft.com;1'], smartHosts: ['contoso-com.mail.protection.outlook.com'], dnsRoutingEnabled: false, port: 25,
    fqdn: 'mail.contoso.com', requireTls: true, ignoreStartTls: false, tlsAuthLevel: 'DomainValidation', tlsDomain: 'mail.protection.outlook.com',
    tlsCertificateName: null, cloudServicesMailEnabled: true, sourceTransportServers: ['EX01'], ...extra,
  };
}

export function withConfig(config: Partial<ExchangeConfig>): CollectorOutput {
  const o = readyOutput();
  o.exchangeConfig = {
    source: 'exchange-shell', message: null, files: [], certificates: [], internalTransportThumbprint: null, receiveConnectors: [], sendConnectors: [],
    ...config,
  };
  return o;
}

