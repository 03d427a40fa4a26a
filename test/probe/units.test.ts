import { describe, expect, it } from '@jest/globals';
import { probeColumns } from '../../src/probe/columns.js';
import { endpointLabel, parseEndpoint } from '../../src/probe/endpoints.js';
import { attachProbeResults, probeLookup } from '../../src/probe/join.js';
import { isTlsRequiredReply } from '../../src/probe/runner.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { formatRows } from '../../src/util/format.js';

describe('parseEndpoint', () => {
  it.each([
    ['mx1.contoso.com', { host: 'mx1.contoso.com', port: 25 }],
    ['mx1.contoso.com:587', { host: 'mx1.contoso.com', port: 587 }],
    ['10.0.0.5:2525', { host: '10.0.0.5', port: 2525 }],
    ['[::1]:25', { host: '::1', port: 25 }],
    ['[2001:db8::5]', { host: '2001:db8::5', port: 25 }],
    ['2001:db8::5', { host: '2001:db8::5', port: 25 }],
  ])('%s', (text, expected) => {
    expect(parseEndpoint(text)).toEqual({ ...expected, server: null });
  });

  it.each(['mx:0', 'mx:65536', 'mx:smtp', '[mx.contoso.com]:25', '2001:db8::zz', ':25', 'user@mx'])('rejects %s', (text) => {
    expect(() => parseEndpoint(text)).toThrow();
  });

  it('labels IPv6 with brackets', () => {
    expect(endpointLabel({ host: '::1', port: 25 })).toBe('[::1]:25');
    expect(endpointLabel({ host: 'mx', port: 25 })).toBe('mx:25');
  });
});

describe('isTlsRequiredReply', () => {
  it.each([
    [{ code: 530, enhanced: '5.7.0', text: '5.7.0 Must issue a STARTTLS command first' }, true],
    [{ code: 451, enhanced: '5.7.3', text: '5.7.3 Must issue a STARTTLS command first' }, true],
    [{ code: 550, enhanced: null, text: 'STARTTLS required' }, true],
    [{ code: 550, enhanced: '5.7.1', text: '5.7.1 Client host rejected' }, false],
    [{ code: 421, enhanced: '4.3.2', text: '4.3.2 Service shutting down' }, false],
  ])('%j → %s', (reply, expected) => {
    expect(isTlsRequiredReply(reply)).toBe(expected);
  });
});

function fakeResult(over: Partial<ProbeResult>): ProbeResult {
  return {
    schemaVersion: 1,
    endpoint: `${over.host ?? 'h'}:25`,
    host: 'h',
    port: 25,
    server: null,
    address: null,
    status: 'ok',
    failure: null,
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    banner: 'x',
    ehloKeywords: ['STARTTLS'],
    starttls: { offered: true, accepted: true, refusal: null },
    plaintextMail: { outcome: 'tls-required', reply: { code: 530, enhanced: '5.7.0', text: '5.7.0 Must issue a STARTTLS command first' }, reason: null },
    versions: [
      { version: 'TLSv1', outcome: 'refused', step: 'handshake', reason: 'tlsv1 alert protocol version', code: 'X', protocol: null, cipher: null, certificate: null, durationMs: 1 },
      { version: 'TLSv1.1', outcome: 'refused', step: 'handshake', reason: 'tlsv1 alert protocol version', code: 'X', protocol: null, cipher: null, certificate: null, durationMs: 1 },
      { version: 'TLSv1.2', outcome: 'accepted', step: null, reason: null, code: null, protocol: 'TLSv1.2', cipher: { name: 'C', standardName: null }, certificate: null, durationMs: 1 },
      { version: 'TLSv1.3', outcome: 'error', step: 'handshake', reason: 'timed out', code: null, protocol: null, cipher: null, certificate: null, durationMs: 1 },
    ],
    certificate: null,
    summary: { acceptedVersions: ['TLSv1.2'], legacyAccepted: false, tls12Accepted: true, modernAccepted: true },
    ...over,
  };
}

describe('attachProbeResults', () => {
  const records = [
    { server: 'EX01', address: 'ex01.contoso.local', status: 'ok' },
    { server: 'EX02', address: '10.0.0.2', status: 'ok' },
    { server: 'EDGE1', address: 'edge1.contoso.com', status: 'failed' },
  ];

  it('joins by fleet name, then by host = address or name, then by resolved address; keeps the rest apart', () => {
    const byName = fakeResult({ server: 'ex01', host: 'mail.contoso.com' });
    const byHost = fakeResult({ host: 'EDGE1.contoso.com' });
    const byHostName = fakeResult({ host: 'edge1' });
    const byAddress = fakeResult({ host: 'ex02.contoso.local', address: '10.0.0.2' });
    const stranger = fakeResult({ host: 'partner.example.org', address: '203.0.113.9' });
    const { records: joined, unmatched } = attachProbeResults(records, [byName, byHost, byHostName, byAddress, stranger]);
    expect(joined.map((r) => [r.server, r.probes.map((p) => p.host)])).toEqual([
      ['EX01', ['mail.contoso.com']],
      ['EX02', ['ex02.contoso.local']],
      ['EDGE1', ['EDGE1.contoso.com', 'edge1']],
    ]);
    expect(joined[0]!.status).toBe('ok'); // other fields kept
    expect(unmatched).toEqual([stranger]);
    expect((records[0] as Record<string, unknown>).probes).toBeUndefined(); // inputs untouched
  });

  it('probeLookup finds the same result one server at a time', () => {
    const byName = fakeResult({ server: 'ex01', host: 'mail.contoso.com' });
    const byHost = fakeResult({ host: 'EDGE1.contoso.com' });
    const byAddress = fakeResult({ host: 'ex02.contoso.local', address: '10.0.0.2' });
    const lookup = probeLookup([byName, byHost, byAddress]);
    expect(records.map((r) => lookup(r)?.host)).toEqual(['mail.contoso.com', 'ex02.contoso.local', 'EDGE1.contoso.com']);
    expect(lookup({ server: 'EX99', address: 'ex99' })).toBeUndefined();
  });
});

describe('probe columns', () => {
  it('csv: one row per endpoint with per-version cells', () => {
    const failed = fakeResult({
      endpoint: 'gone:25',
      status: 'failed',
      failure: { category: 'refused', step: 'connect', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' },
      versions: [],
      starttls: { offered: false, accepted: null, refusal: null },
      plaintextMail: { outcome: 'not-tested', reply: null, reason: null },
    });
    const csv = formatRows([fakeResult({ endpoint: 'mx:25', server: 'EX01' }), failed], probeColumns, 'csv');
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Endpoint,Server,Status,StartTls,Tls10,Tls11,Tls12,Tls13,PlaintextMail,CertificateCN,CertificateDaysToExpiry,CertificateChain,Message');
    expect(lines[1]).toBe('mx:25,EX01,ok,offered,refused,refused,accepted,error (handshake),tls-required (530 5.7.0),,,,TLSv1.3: timed out');
    expect(lines[2]).toBe('gone:25,,failed,,,,,,,,,,refused at connect: connect ECONNREFUSED');
  });
});
