// Issue 24: error lines judged by their session (its stage when the line came), the remote's name per peer, Exchange
// Online's build enforcement codes; issue 23: IIS (W3C) logs with the crypt-protocol custom fields. All through the
// bundled collector on logs in Exchange's and IIS's formats.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { header, receiveSession, render, sendSession, writeLog, type Rec } from './exlog.js';
import { collect, peer, type Evidence } from './run.js';

const REF = '2026-11-28T12:00:00Z';
const SEND = 'Outbound to Partner';
const FE = 'EX03\\Default Frontend EX03';
let root: string;
let ev: Evidence;
type Https = { status: string; summary: Record<string, number>; clients: { site: string; remoteAddress: string; remoteName: string | null; remoteNames: string[]; requests: number; tlsVersions: Record<string, number>; tlsLastSeen: Record<string, string>; legacyTlsRequests: number; ciphers: { tlsVersion: string; bulkCipher: string | null; bulkBits: number | null; macHash: string | null; keyExchange: string | null }[] }[]; stats: Record<string, unknown>; folders: { site: string; exists: boolean }[] };
let https: Https;

/** A session from raw [event, data, context] lines (10 ms apart). */
function raw(start: string, connector: string, id: string, remote: string, lines: [string, string, string][]): Rec[] {
  return lines.map(([event, data, context], i) => ({
    'date-time': new Date(Date.parse(start) + i * 10).toISOString(), 'connector-id': connector, 'session-id': id, 'sequence-number': String(i),
    'local-endpoint': '10.0.0.13:25', 'remote-endpoint': remote, event, data, context,
  }));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'extls-pl-sessions-'));
  const send = join(root, 'smtp', 'Hub', 'ProtocolLog', 'SmtpSend');
  const s = (start: string, id: string, remote: string, spec: Partial<Parameters<typeof sendSession>[0]>) => sendSession({ start, connector: SEND, id, remote, ...spec });
  writeLog(join(send, 'SEND2026112708-1.LOG'), [...header('Send', '2026-11-27T08:00:00.000Z'), ...render([
    // 421 SocketError where the session never issued STARTTLS (offered by the peer)
    ...s('2026-11-27T08:00:00.000Z', '08DE000000000A01', '198.51.100.1:25', { extra: [['*', '', '421 4.4.2 Connection dropped due to SocketError']] }),
    // STARTTLS accepted, then a time-out: a stalled handshake
    ...s('2026-11-27T08:01:00.000Z', '08DE000000000A02', '198.51.100.2:25', { starttls: true, extra: [['*', '', '421 4.4.2 Connection dropped due to TimedOut']] }),
    // TLS negotiation failed, then the 421
    ...s('2026-11-27T08:02:00.000Z', '08DE000000000A03', '198.51.100.3:25', { failure: 'TLS negotiation failed with error SocketError', extra: [['*', '', '421 4.4.2 Connection dropped due to SocketError']] }),
    // TLS negotiated, mail carried, then the connection drops
    ...s('2026-11-27T08:03:00.000Z', '08DE000000000A04', '198.51.100.4:25', { tls: 'TLS1_2', mail: true, extra: [['*', '', '421 4.4.2 Connection dropped due to TimedOut']] }),
    // Exchange Online's build enforcement, as the reply to MAIL FROM
    ...raw('2026-11-27T08:04:00.000Z', 'Outbound to Office 365', '08DE000000000A05', '52.101.68.9:25', [
      ['+', '', ''], ['<', '220 AM4PEPF00027A5F.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Fri, 27 Nov 2026 08:04:00 +0000', ''],
      ['>', 'EHLO mail.contoso.com', ''], ['<', '250-AM4PEPF00027A5F.mail.protection.outlook.com Hello [203.0.113.13]', ''], ['<', '250-STARTTLS', ''], ['<', '250 SMTPUTF8', ''],
      ['>', 'MAIL FROM:<a@contoso.com> SIZE=100', ''],
      ['<', '450 4.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online throttled for 5 mins/hr. For more information see https://aka.ms/BlockUnsafeExchange.', ''],
      ['-', '', 'Local']]),
    ...raw('2026-11-27T08:05:00.000Z', 'Outbound to Office 365', '08DE000000000A06', '52.101.68.9:25', [
      ['+', '', ''], ['<', '220 AM4PEPF00027A5F.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready', ''],
      ['>', 'EHLO mail.contoso.com', ''], ['<', '250-AM4PEPF00027A5F.mail.protection.outlook.com Hello [203.0.113.13]', ''],
      ['>', 'MAIL FROM:<a@contoso.com> SIZE=100', ''], ['<', '550 5.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online blocked for 10 mins/hr.', ''],
      ['-', '', 'Local']]),
    // a peer that never offered STARTTLS, and answers 451 5.7.3 (a middlebox stripped STARTTLS)
    ...raw('2026-11-27T08:06:00.000Z', SEND, '08DE000000000A07', '198.51.100.7:25', [
      ['+', '', ''], ['<', '220 mx7.partner.example ESMTP', ''], ['>', 'EHLO mail.contoso.com', ''], ['<', '250-mx7.partner.example', ''], ['<', '250 SIZE', ''],
      ['>', 'MAIL FROM:<a@contoso.com>', ''], ['<', '451 5.7.3 Must issue a STARTTLS command first', ''], ['-', '', 'Remote']]),
  ])]);
  const recv = join(root, 'smtp', 'FrontEnd', 'ProtocolLog', 'SmtpReceive');
  writeLog(join(recv, 'RECV2026112709-1.LOG'), [...header('Receive', '2026-11-27T09:00:00.000Z'), ...render([
    ...raw('2026-11-27T09:00:00.000Z', FE, '08DE000000000B01', '203.0.113.9:40000', [['+', '', ''], ['<', 'HELO APP01', ''], ['>', '250 EX03.contoso.com Hello', ''], ['-', '', 'Remote']]),
    // a hostile name: non-ASCII bytes, then over-long
    ...raw('2026-11-27T09:01:00.000Z', FE, '08DE000000000B02', '203.0.113.10:40000', [['+', '', ''], ['<', 'EHLO mail.\u202Eevil\u00e9.example', ''], ['-', '', 'Remote']]),
    ...raw('2026-11-27T09:02:00.000Z', FE, '08DE000000000B03', '203.0.113.11:40000', [['+', '', ''], ['<', `EHLO ${'a'.repeat(300)}.example`, ''], ['-', '', 'Remote']]),
    // EHLO without a letter is no name
    ...raw('2026-11-27T09:03:00.000Z', FE, '08DE000000000B04', '203.0.113.12:40000', [['+', '', ''], ['<', 'EHLO 12345', ''], ['-', '', 'Remote']]),
    // mail over TLS, then a failure: mailWithTlsLastSeen
    ...receiveSession({ start: '2026-11-27T09:04:00.000Z', connector: FE, id: '08DE000000000B05', remote: '192.0.2.30:40000', tls: 'TLS1_2', mail: true }),
    ...receiveSession({ start: '2026-11-27T09:05:00.000Z', connector: FE, id: '08DE000000000B06', remote: '192.0.2.30:40001', failure: 'TLS negotiation failed with error SocketError' }),
  ])]);

  // IIS: a site with the crypt-* custom fields (hex with and without 0x), one without them, and an old file
  const iis = join(root, 'iis');
  const w3c = (fields: string, lines: string[]) => ['#Software: Microsoft Internet Information Services 10.0', '#Version: 1.0', '#Date: 2026-11-27 00:00:00', `#Fields: ${fields}`, ...lines].join('\r\n') + '\r\n';
  const withCrypt = 'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken crypt-protocol crypt-cipher crypt-hash crypt-keyexchange';
  mkdirSync(join(iis, 'W3SVC1'), { recursive: true });
  writeFileSync(join(iis, 'W3SVC1', 'u_ex261127.log'), w3c(withCrypt, [
    '2026-11-27 08:00:01 10.0.0.13 POST /Microsoft-Server-ActiveSync/default.eas Cmd=Sync 443 CONTOSO\\jdoe 192.0.2.80 Apple-iPhone9C1/1602.92 - 200 0 0 31 40 6610 8004 ae06',
    '2026-11-27 08:05:01 10.0.0.13 POST /Microsoft-Server-ActiveSync/default.eas Cmd=Ping 443 CONTOSO\\jdoe 192.0.2.80 Apple-iPhone9C1/1602.92 - 200 0 0 31 0x40 0x6610 0x8004 0xae06',
    '2026-11-27 08:06:01 10.0.0.13 POST /EWS/Exchange.asmx - 443 CONTOSO\\svc 10.1.2.40 ExchangeServicesClient/15.00.0847.030 - 200 0 0 12 100 660e 8004 a400',
    '2026-11-27 08:07:01 10.0.0.13 POST /mapi/emsmdb/ - 443 CONTOSO\\amy 10.1.2.41 Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.17928;+Pro) - 200 0 0 12 400 660e 800d ae06',
    '2026-11-27 08:08:01 10.0.0.13 GET /owa/ - 80 - 10.1.2.42 Mozilla/5.0+(Windows+NT+10.0) - 301 0 0 1 - - - -',
    'not a W3C line',
  ]));
  writeFileSync(join(iis, 'W3SVC1', 'u_ex261101.log'), w3c(withCrypt, ['2026-11-01 08:00:01 10.0.0.13 GET /owa/ - 443 - 192.0.2.99 Old - 200 0 0 1 40 6610 8004 ae06']));
  mkdirSync(join(iis, 'W3SVC2'), { recursive: true });
  writeFileSync(join(iis, 'W3SVC2', 'u_ex26112708.log'), w3c('date time s-ip cs-method cs-uri-stem s-port c-ip cs(User-Agent) sc-status', [
    '2026-11-27 08:00:01 10.0.0.13 POST /EWS/Exchange.asmx 444 10.0.0.14 ExchangeServicesClient 200',
  ]));
  ({ evidence: ev } = await collect({ protocolLogPaths: [join(root, 'smtp')], iisLogPaths: [iis], referenceTime: REF }));
  https = ev.https as Https;
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const group = (kind: string, remote: string) => {
  const g = ev.errors.filter((e) => e.kind === kind && e.remoteAddress === remote);
  if (g.length !== 1) throw new Error(`${g.length} groups ${kind} ${remote}`);
  return g[0]!;
};

describe('an error line carries its session\'s stage', () => {
  it('no STARTTLS issued (the peer offered it): starttls-offered', () => {
    expect(group('smtp-421-4.4.2', '198.51.100.1').sessionStage).toBe('starttls-offered');
  });
  it('STARTTLS issued, no outcome yet: handshake', () => {
    expect(group('smtp-421-4.4.2', '198.51.100.2')).toMatchObject({ sessionStage: 'handshake', signature: '421 4.4.2 Connection dropped due to TimedOut' });
  });
  it('after "TLS negotiation failed": tls-failed (and the failure line itself: handshake)', () => {
    expect(group('smtp-421-4.4.2', '198.51.100.3').sessionStage).toBe('tls-failed');
    expect(group('tls-negotiation-failed', '198.51.100.3').sessionStage).toBe('handshake');
  });
  it('TLS negotiated: tls', () => {
    expect(group('smtp-421-4.4.2', '198.51.100.4').sessionStage).toBe('tls');
  });
  it('a peer that never offered STARTTLS: no-starttls', () => {
    expect(group('smtp-451-5.7.3', '198.51.100.7')).toMatchObject({ sessionStage: 'no-starttls', remoteName: 'mx7.partner.example' });
  });
});

it('450 4.7.230 and 550 5.7.230 are their own kinds (Exchange Online\'s build enforcement)', () => {
  expect(group('smtp-450-4.7.230', '52.101.68.9')).toMatchObject({
    code: '450 4.7.230', signature: '450 4.7.230 Connecting Exchange server version is out-of-date', remoteName: 'AM4PEPF00027A5F.mail.protection.outlook.com', count: 1,
  });
  expect(group('smtp-550-5.7.230', '52.101.68.9')).toMatchObject({ code: '550 5.7.230', signature: '550 5.7.230 Connecting Exchange server version is out-of-date' });
});

describe('peers by name', () => {
  it('send: the EHLO answer\'s name, else the banner\'s; never a keyword line', () => {
    const p = peer(ev, 'send', 'Outbound to Office 365', '52.101.68.9');
    expect(p.remoteName).toBe('AM4PEPF00027A5F.mail.protection.outlook.com');
    expect(p.remoteNames).toEqual(['AM4PEPF00027A5F.mail.protection.outlook.com']);
    // sendSession's EHLO answer starts with 250-STARTTLS (no name): the banner names it
    expect(peer(ev, 'send', SEND, '198.51.100.1').remoteName).toBe('mx.partner.example');
  });
  it('receive: the client\'s EHLO or HELO name, a NetBIOS name too', () => {
    expect(peer(ev, 'receive', FE, '203.0.113.9').remoteName).toBe('APP01');
    expect(peer(ev, 'receive', FE, '192.0.2.30').remoteName).toBe('mail.partner.example');
  });
  it('hostile names: printable ASCII only, at most 255 characters; no letter, no name', () => {
    const evil = peer(ev, 'receive', FE, '203.0.113.10').remoteName;
    expect(evil).toMatch(/^mail\.\?+evil\?+\.example$/);
    expect(peer(ev, 'receive', FE, '203.0.113.11').remoteName).toBe('a'.repeat(255));
    expect(peer(ev, 'receive', FE, '203.0.113.12').remoteName).toBeNull();
  });
  it('the last mail carried over TLS is kept per peer', () => {
    const p = peer(ev, 'receive', FE, '192.0.2.30');
    expect(p.mailWithTlsLastSeen).toMatch(/^2026-11-27T09:04:/);
    expect(p.starttlsWithoutHandshake).toBe(1);
    expect(peer(ev, 'send', SEND, '198.51.100.2').mailWithTlsLastSeen).toBeNull();
  });
});

describe('IIS logs (crypt-protocol)', () => {
  it('HTTPS clients by TLS version, named by their user agent, per site', () => {
    expect(https.status).toBe('scanned');
    const c = (a: string) => https.clients.find((x) => x.remoteAddress === a)!;
    expect(c('192.0.2.80')).toMatchObject({ site: 'W3SVC1', remoteName: 'Apple-iPhone9C1/1602.92', requests: 2, tlsVersions: { 'TLS 1.0': 2 }, legacyTlsRequests: 2 });
    expect(c('192.0.2.80').tlsLastSeen['TLS 1.0']).toBe('2026-11-27T08:05:01.000Z');
    expect(c('192.0.2.80').ciphers).toEqual([expect.objectContaining({ tlsVersion: 'TLS 1.0', bulkCipher: 'CALG_AES_256', bulkBits: 256, macHash: 'CALG_SHA1', keyExchange: 'CALG_ECDH_EPHEM' })]);
    expect(c('10.1.2.40')).toMatchObject({ tlsVersions: { 'TLS 1.1': 1 }, legacyTlsRequests: 1, remoteName: 'ExchangeServicesClient/15.00.0847.030' });
    expect(c('10.1.2.41')).toMatchObject({ tlsVersions: { 'TLS 1.2': 1 }, legacyTlsRequests: 0, remoteName: 'Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.17928;+Pro)' });
    expect(https.clients.find((x) => x.remoteAddress === '10.1.2.42')).toBeUndefined(); // plain HTTP
    expect(https.clients.find((x) => x.remoteAddress === '192.0.2.99')).toBeUndefined(); // outside the window
  });
  it('counts what it could not judge: plain HTTP, files without the fields, bad lines, old files by name', () => {
    expect(https.summary).toMatchObject({
      clients: 3, requests: 4, legacyTlsRequests: 3, clientsWithLegacyTls: 2, plainRequests: 1, requestsWithoutTlsFields: 1, filesWithTlsFields: 1, filesWithoutTlsFields: 1,
    });
    expect(https.summary.tlsVersions).toEqual({ 'TLS 1.0': 2, 'TLS 1.1': 1, 'TLS 1.2': 1 });
    expect(https.stats).toMatchObject({ filesFound: 3, filesScanned: 2, filesSkippedOutsideWindow: 1, badLines: 1 });
    expect(https.folders.map((f) => f.site).sort()).toEqual(['W3SVC1', 'W3SVC2']);
  });
});

it('without iisLogPaths (and not live) there is no https part; scanIisLogs false disables it', async () => {
  const only = join(root, 'only');
  writeLog(join(only, 'RECV2026112710-1.LOG'), header('Receive', '2026-11-27T10:00:00.000Z'));
  const off = await collect({ protocolLogPaths: [only], iisLogPaths: [join(root, 'iis')], scanIisLogs: false, referenceTime: REF });
  expect(off.evidence.https).toEqual({ status: 'disabled', message: 'IIS log scan disabled by option scanIisLogs' });
  const none = await collect({ protocolLogPaths: [only], referenceTime: REF });
  expect('https' in none.evidence).toBe(false);
}, 180_000);
