// The collector over one server's worth of messy logs, in the real Exchange format, with every awkward case a
// real server's logs have; the aggregates are asserted exactly.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { header, render, receiveSession, sendSession, writeLog, first, last, FIELDS, type Chunk, type Rec } from './exlog.js';
import { collect, peer, type Evidence } from './run.js';

const FE = 'EX03\\Default Frontend EX03';
const O365 = 'Outbound to Office 365';
const QUOTED = 'Partner "A", relay';
// Windows-1252 "für": 0xFC is not valid UTF-8; the scanner must decode lossily.
const LATIN1 = Buffer.concat([Buffer.from('Sendeconnector f'), Buffer.from([0xfc]), Buffer.from('r Partner')]);
const LATIN1_DECODED = 'Sendeconnector f\uFFFDr Partner';

let root: string;
let ev: Evidence;
let warnings: { section: string; message: string }[];
const scanned = { lines: 0, headers: 0, bytes: 0 };
const sessionsOf: Record<string, Rec[]> = {};

function file(rel: string, lines: Chunk[], count = true): void {
  const path = join(root, rel);
  writeLog(path, lines);
  if (!count) return;
  scanned.lines += lines.length;
  scanned.headers += lines.filter((l) => String(l).startsWith('#')).length;
  scanned.bytes += statSync(path).size;
}

function s(name: string, recs: Rec[]): Rec[] {
  sessionsOf[name] = recs;
  return recs;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'extls-pl-messy-'));
  const fe = 'TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpReceive';
  const hub = 'TransportRoles/Logs/Hub/ProtocolLog/SmtpSend';

  // Named before the window (reference 2026-11-28T12:00Z, 7 days): skipped by its name, never read.
  file(`${fe}/RECV2026111508-1.LOG`, [...header('Receive', '2026-11-15T08:00:00.000Z'),
    ...render(receiveSession({ start: '2026-11-15T08:00:00.000Z', connector: FE, id: '08DE0000000000F1', remote: '203.0.113.99:1', tls: 'TLS1_0' }))], false);

  // Hour 11 on the window's first day: S11 is before 12:00 (outside), S12 inside.
  file(`${fe}/RECV2026112111-1.LOG`, [...header('Receive', '2026-11-21T11:00:00.000Z'),
    ...render(s('S11', receiveSession({ start: '2026-11-21T11:30:00.000Z', connector: FE, id: '08DE000000000011', remote: '203.0.113.25:1', tls: 'TLS1_0' }))),
    ...render(s('S12', receiveSession({ start: '2026-11-21T12:30:00.000Z', connector: FE, id: '08DE000000000012', remote: '192.0.2.12:2', tls: 'TLS1_2' })))]);

  // Daily file name (older builds): S10, the partner's first TLS 1.0 session of the week.
  file(`${fe}/RECV20261125-1.LOG`, [...header('Receive', '2026-11-25T00:00:00.000Z'),
    ...render(s('S10', receiveSession({ start: '2026-11-25T12:00:00.000Z', connector: FE, id: '08DE000000000010', remote: '203.0.113.25:40010', tls: 'TLS1_0' })))]);

  // Hour 08, file 1 of 2: S1 continues in file 2 (rotation mid-session).
  const s1 = s('S1', receiveSession({ start: '2026-11-27T08:00:01.000Z', connector: FE, id: '08DE000000000001', remote: '203.0.113.25:40001', tls: 'TLS1_0', mail: true }));
  const s6 = s('S6', receiveSession({ start: '2026-11-27T08:01:00.000Z', connector: FE, id: '08DE000000000006', remote: '192.0.2.10:6', tls: 'TLS1_2' }))
    .map((r) => ({ ...r, 'sequence-number': '0' }));   // repeated sequence numbers
  const s7 = s('S7', receiveSession({ start: '2026-11-27T08:02:00.000Z', connector: FE, id: '08DE000000000007', local: '', remote: '', close: false }));
  const d = '2026-11-27T08:30:00.000Z';
  file(`${fe}/RECV2026112708-1.LOG`, [...header('Receive', '2026-11-27T08:00:00.000Z'),
    ...render(s1.slice(0, 12)),
    ...render(s('S2', receiveSession({ start: '2026-11-27T08:00:02.000Z', connector: FE, id: '08DE000000000002', remote: '203.0.113.25:40002', tls: 'TLS1_0', spelling: '-' }))),
    ...render(s('S3', receiveSession({ start: '2026-11-27T08:00:03.000Z', connector: FE, id: '08DE000000000003', remote: '10.1.2.3:5000', tls: 'TLS1_1', mail: true }))),
    ...render(s('S4', receiveSession({ start: '2026-11-27T08:00:04.000Z', connector: FE, id: '08DE000000000004', remote: '198.51.100.7:1234', failure: 'TLS negotiation failed with error UnknownCredentials' }))),
    ...render(s('S5', receiveSession({ start: '2026-11-27T08:00:05.000Z', connector: FE, id: '08DE000000000005', remote: '198.51.100.7:1235', mail: true }))),
    ...render(s6),
    ...render(s7),
    // bad lines: counted and skipped
    'this is not a log line',
    `${d},${FE},08DE0000000000AA,0,10.0.0.3:25,192.0.2.1:5,*,"unterminated quote,`,
    `2026-13-45T08:30:00.000Z,${FE},08DE0000000000AB,0,10.0.0.3:25,192.0.2.1:5,+,,`,
    `${d},${FE},,0,10.0.0.3:25,192.0.2.1:5,+,,`,
    `${d},${FE},08DE0000000000AC,0,10.0.0.3:25,192.0.2.1:5,?,,`,
    'x'.repeat(1_200_000),
    '',
  ]);

  // File 2: the rest of S1, then the service restarted and wrote a new header with another column order.
  const order2 = 'date-time,session-id,connector-id,sequence-number,local-endpoint,remote-endpoint,event,context,data,extra-field';
  file(`${fe}/RECV2026112708-2.LOG`, [...header('Receive', '2026-11-27T08:00:10.000Z'),
    ...render(s1.slice(12)),
    ...header('Receive', '2026-11-27T08:10:00.000Z', order2),
    ...render(s('S9', receiveSession({ start: '2026-11-27T08:10:00.000Z', connector: FE, id: '08DE000000000009', remote: '192.0.2.11:9', tls: 'TLS1_2' })), order2)]);

  // Data before any #Fields header (bad: columns unknown), then a header and S14.
  const s14 = s('S14', receiveSession({ start: '2026-11-27T09:00:00.000Z', connector: FE, id: '08DE000000000014', remote: '192.0.2.14:14', tls: 'TLS1_2' }));
  file(`${fe}/RECV2026112709-1.LOG`, [...render(s14.slice(0, 2)).map((b) => Buffer.concat([b])), ...header('Receive', '2026-11-27T09:00:00.000Z'), ...render(s14)]);

  // After the reference time: read, every line outside the window.
  file(`${fe}/RECV2026112812-1.LOG`, [...header('Receive', '2026-11-28T12:00:00.000Z'),
    ...render(s('S13', receiveSession({ start: '2026-11-28T12:30:00.000Z', connector: FE, id: '08DE000000000013', remote: '203.0.113.25:1', tls: 'TLS1_0' })))]);

  // Hub send: trailing commas, both spellings, a quoted connector, a connector that is not UTF-8, error texts.
  const fail = 'TLS negotiation failed with error SocketError';
  const t6: Rec[] = [];
  for (let i = 0; i < 5; i++) {
    t6.push(...s(`T6.${i}`, sendSession({ start: `2026-11-27T10:0${i + 1}:00.000Z`, connector: O365, id: `08DE00000000006${i}`, remote: '40.92.0.2:25', failure: fail })));
  }
  file(`${hub}/SEND2026112710-1.LOG`, [...header('Send', '2026-11-27T10:00:00.000Z'),
    ...render(s('T1', sendSession({ start: '2026-11-27T10:00:01.000Z', connector: O365, id: '08DE000000000101', remote: '40.92.0.1:25', tls: 'TLS1_2', spelling: '-', mail: true })), FIELDS, ','),
    ...render(s('T2', sendSession({ start: '2026-11-27T10:00:02.000Z', connector: O365, id: '08DE000000000102', remote: '40.92.0.2:25', failure: fail,
      extra: [['*', '', '421 4.4.2 Connection dropped due to SocketError']] }))),
    ...render(s('T3', sendSession({ start: '2026-11-27T10:00:03.000Z', connector: QUOTED, id: '08DE000000000103', remote: '203.0.113.80:25', tls: 'TLS1_0', mail: true }))),
    ...render(s('T4', sendSession({ start: '2026-11-27T10:00:04.000Z', connector: LATIN1, id: '08DE000000000104', remote: '203.0.113.81:25', mail: true,
      extra: [['<', '451 5.7.3 Must issue a STARTTLS command first', '']] }))),
    ...render(s('T5', sendSession({ start: '2026-11-27T10:00:05.000Z', connector: O365, id: '08DE000000000105', remote: '203.0.113.82:25', extra: [
      ['<', '530 5.7.0 Must issue a STARTTLS command first', ''],
      ['<', '530 5.7.57 Client not authenticated to send mail', ''],
      ['<', '454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.', ''],
      ['*', '', 'TLS certificate validation failed for 203.0.113.82'],
    ] }))),
    ...render(t6),
  ]);

  ({ evidence: ev, warnings } = await collect({ protocolLogPaths: [join(root, 'TransportRoles')], referenceTime: '2026-11-28T12:00:00Z', logDays: 7 }));
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('status, window and folders', () => {
  expect(warnings).toEqual([]);
  expect(ev.status).toBe('scanned');
  expect(ev.window).toEqual({ referenceTime: '2026-11-28T12:00:00.000Z', start: '2026-11-21T12:00:00.000Z', logDays: 7 });
  expect(ev.truncated).toBe(false);
  expect(ev.truncatedReason).toBeNull();
  expect(ev.folders.map((f) => [f.path.slice(root.length), f.source, f.service, f.exists, f.logFiles, f.filesScanned])).toEqual([
    ['/TransportRoles/Logs/FrontEnd/ProtocolLog/SmtpReceive', 'option', 'FrontEnd', true, 7, 6],
    ['/TransportRoles/Logs/Hub/ProtocolLog/SmtpSend', 'option', 'Hub', true, 1, 1],
  ]);
});

test('file, line and bad-line statistics', () => {
  const bad = 8;
  const outside = sessionsOf.S11!.length + sessionsOf.S13!.length;
  expect(ev.stats).toEqual({
    filesFound: 8,
    filesScanned: 7,
    filesSkippedOutsideWindow: 1,
    filesSkippedByBudget: 0,
    filesPartiallyScanned: 0,
    filesVanished: 0,
    filesFailed: 0,
    bytesScanned: scanned.bytes,
    bytesSkippedByBudget: 0,
    lines: scanned.lines,
    headerLines: scanned.headers,
    blankLines: 1,
    dataLines: scanned.lines - scanned.headers - 1 - bad,
    linesOutsideWindow: outside,
    badLines: bad,
    badLineReasons: { badDateTime: 1, badEvent: 1, lineTooLong: 1, missingSessionId: 1, noFieldsHeader: 2, tooFewFields: 1, unterminatedQuote: 1 },
    partialLines: 0,
    sessions: 21,
    sessionsUnclosed: 1,
    sessionsSwept: 0,
    durationMs: expect.any(Number),
  });
  expect(ev.badLineSamples).toHaveLength(5);
  expect(ev.badLineSamples[0]).toEqual({ file: expect.stringMatching(/RECV2026112708-1\.LOG$/), line: expect.any(Number), reason: 'tooFewFields', text: 'this is not a log line' });
  expect(ev.badLineSamples.map((b) => b.reason)).toEqual(['tooFewFields', 'unterminatedQuote', 'badDateTime', 'missingSessionId', 'badEvent']);
});

test('summary', () => {
  expect(ev.summary).toEqual({
    peers: 13,
    sessions: 21,
    mailSessions: 6,
    tlsVersions: { 'TLS 1.0': 4, 'TLS 1.1': 1, 'TLS 1.2': 5 },
    legacyTlsSessions: 5,
    peersWithLegacyTls: 3,
    noTlsSessions: 11,
    starttlsWithoutHandshake: 7,
    mailWithoutTls: 2,
    errorLines: 12,
  });
});

test('a partner still on TLS 1.0 (sessions across files, both spellings, daily and hourly names)', () => {
  const p = peer(ev, 'receive', FE, '203.0.113.25');
  expect(p).toEqual({
    direction: 'receive',
    service: 'FrontEnd',
    connector: FE,
    remoteAddress: '203.0.113.25',
    remoteName: 'mail.partner.example',
    remoteNames: ['mail.partner.example'],
    sessions: 3,
    mailSessions: 1,
    mailWithTlsLastSeen: '2026-11-27T08:00:01.200Z',
    tlsVersions: { 'TLS 1.0': 3 },
    tlsLastSeen: { 'TLS 1.0': last(sessionsOf.S2!) },
    legacyTlsSessions: 3,
    noTlsSessions: 0,
    starttlsWithoutHandshake: 0,
    mailWithoutTls: 0,
    ciphers: [{ tlsVersion: 'TLS 1.0', bulkCipher: 'CALG_AES_256', bulkBits: 256, macHash: 'CALG_SHA_384', keyExchange: 'CALG_ECDH_EPHEM', keyExchangeBits: 384, sessions: 3 }],
    ciphersOmittedSessions: 0,
    firstSeen: first(sessionsOf.S10!),
    lastSeen: last(sessionsOf.S2!),
  });
});

test('receive peers: TLS 1.1 app, STARTTLS without handshake, mail without TLS, empty endpoint, repeated sequence numbers, reordered header', () => {
  const pick = (x: ReturnType<typeof peer>) => [x.sessions, x.mailSessions, x.tlsVersions, x.noTlsSessions, x.starttlsWithoutHandshake, x.mailWithoutTls, x.firstSeen, x.lastSeen];
  expect(pick(peer(ev, 'receive', FE, '10.1.2.3'))).toEqual([1, 1, { 'TLS 1.1': 1 }, 0, 0, 0, first(sessionsOf.S3!), last(sessionsOf.S3!)]);
  expect(pick(peer(ev, 'receive', FE, '198.51.100.7'))).toEqual([2, 1, {}, 2, 1, 1, first(sessionsOf.S4!), last(sessionsOf.S5!)]);
  expect(pick(peer(ev, 'receive', FE, null))).toEqual([1, 0, {}, 1, 0, 0, first(sessionsOf.S7!), last(sessionsOf.S7!)]);
  expect(pick(peer(ev, 'receive', FE, '192.0.2.10'))).toEqual([1, 0, { 'TLS 1.2': 1 }, 0, 0, 0, first(sessionsOf.S6!), last(sessionsOf.S6!)]);
  expect(pick(peer(ev, 'receive', FE, '192.0.2.11'))).toEqual([1, 0, { 'TLS 1.2': 1 }, 0, 0, 0, first(sessionsOf.S9!), last(sessionsOf.S9!)]);
  expect(pick(peer(ev, 'receive', FE, '192.0.2.12'))).toEqual([1, 0, { 'TLS 1.2': 1 }, 0, 0, 0, first(sessionsOf.S12!), last(sessionsOf.S12!)]);
  expect(pick(peer(ev, 'receive', FE, '192.0.2.14'))).toEqual([1, 0, { 'TLS 1.2': 1 }, 0, 0, 0, first(sessionsOf.S14!), last(sessionsOf.S14!)]);
  // nothing from the file named before the window, nor from lines outside it
  expect(ev.peers.find((p) => p.remoteAddress === '203.0.113.99')).toBeUndefined();
});

test('send peers: quoted connector, non-UTF-8 connector, trailing commas, SP_PROT-TLS1_2_CLIENT', () => {
  const pick = (x: ReturnType<typeof peer>) => [x.service, x.sessions, x.mailSessions, x.tlsVersions, x.noTlsSessions, x.starttlsWithoutHandshake, x.mailWithoutTls];
  expect(pick(peer(ev, 'send', O365, '40.92.0.1'))).toEqual(['Hub', 1, 1, { 'TLS 1.2': 1 }, 0, 0, 0]);
  expect(pick(peer(ev, 'send', O365, '40.92.0.2'))).toEqual(['Hub', 6, 0, {}, 6, 6, 0]);
  expect(pick(peer(ev, 'send', O365, '203.0.113.82'))).toEqual(['Hub', 1, 0, {}, 1, 0, 0]);
  expect(pick(peer(ev, 'send', QUOTED, '203.0.113.80'))).toEqual(['Hub', 1, 1, { 'TLS 1.0': 1 }, 0, 0, 0]);
  expect(pick(peer(ev, 'send', LATIN1_DECODED, '203.0.113.81'))).toEqual(['Hub', 1, 1, {}, 1, 0, 1]);
  expect(ev.peers).toHaveLength(13);
  // sorted by direction, service, connector, address
  const keys = ev.peers.map((p) => [p.direction, p.service, p.connector, p.remoteAddress ?? ''].join('|'));
  expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
});

test('error signatures with counts, connector, address and bounded samples', () => {
  const rows = ev.errors.map((e) => [e.kind, e.code, e.signature, e.direction, e.service, e.connector, e.remoteAddress, e.count, e.samples.length]);
  expect(rows).toEqual([
    ['tls-negotiation-failed', null, 'TLS negotiation failed with error SocketError', 'send', 'Hub', O365, '40.92.0.2', 6, 3],
    ['other-tls-failure', null, 'TLS certificate validation failed for #', 'send', 'Hub', O365, '203.0.113.82', 1, 1],
    ['smtp-421-4.4.2', '421 4.4.2', '421 4.4.2 Connection dropped due to SocketError', 'send', 'Hub', O365, '40.92.0.2', 1, 1],
    ['smtp-451-5.7.3', '451 5.7.3', '451 5.7.3 Must issue a STARTTLS command first', 'send', 'Hub', LATIN1_DECODED, '203.0.113.81', 1, 1],
    ['smtp-454-4.7.x', '454 4.7.5', '454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found', 'send', 'Hub', O365, '203.0.113.82', 1, 1],
    ['smtp-530-5.7.0', '530 5.7.0', '530 5.7.0 Must issue a STARTTLS command first', 'send', 'Hub', O365, '203.0.113.82', 1, 1],
    ['tls-negotiation-failed', null, 'TLS negotiation failed with error UnknownCredentials', 'receive', 'FrontEnd', FE, '198.51.100.7', 1, 1],
  ]);
  const socket = ev.errors[0]!;
  expect(socket.firstSeen).toBe(sessionsOf.T2![7]!['date-time']);
  expect(socket.lastSeen).toBe(sessionsOf['T6.4']![7]!['date-time']);
  expect(socket.samples[0]).toEqual({
    file: expect.stringMatching(/SEND2026112710-1\.LOG$/),
    line: expect.any(Number),
    text: `${sessionsOf.T2![7]!['date-time']},${O365},08DE000000000102,7,10.0.0.2:50123,40.92.0.2:25,*,,TLS negotiation failed with error SocketError`,
  });
  // the sample line number points at that line in the file
  expect(socket.samples[0]!.line).toBe(5 + sessionsOf.T1!.length + 8);
});
