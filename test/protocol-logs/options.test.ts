// Options of the protocol-log scan through the bundled collector: byte budget, default folders from the
// Exchange install path (Mailbox/Hub and Edge), missing folders, scanLogs=false, bad options, relative paths.
import { mkdtempSync, rmSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { header, render, receiveSession, sendSession, writeLog, type Rec } from './exlog.js';
import { collect, check, peer, minimalReg } from './run.js';
import { runCollector } from '../helpers/collector.js';

const edgeReg = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'protocol-logs', 'edge.reg');
const REF = '2026-11-28T12:00:00Z';
const HUB = 'EX01\\Default EX01';
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'extls-pl-opts-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function hourFile(dir: string, hour: number, address: string, n: number): string {
  const sessions: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const start = new Date(Date.UTC(2026, 10, 27, hour, 0, i)).toISOString();
    sessions.push(...receiveSession({ start, connector: HUB, id: `08DE${String(hour).padStart(2, '0')}${String(i).padStart(10, '0')}`, remote: `${address}:${1000 + i}`, tls: 'TLS1_2' }));
  }
  const file = join(dir, `RECV202611270${hour}-1.LOG`);
  writeLog(file, [...header('Receive', '2026-11-27T00:00:00.000Z'), ...render(sessions)]);
  return file;
}

test('the byte budget goes to the newest files; the record says the scan was cut short', async () => {
  const dir = join(root, 'budget', 'Hub', 'ProtocolLog', 'SmtpReceive');
  const oldest = readFileSync(hourFile(dir, 1, '10.0.0.1', 40));
  const middle = readFileSync(hourFile(dir, 2, '10.0.0.2', 40));
  const newest = readFileSync(hourFile(dir, 3, '10.0.0.3', 40));
  const allowance = Math.floor(middle.length / 2) + 7;
  const budget = newest.length + allowance;

  // What the scanner can see of the middle file: its complete lines within the allowance.
  const head = middle.subarray(0, allowance).toString('latin1');
  const complete = head.slice(0, head.lastIndexOf('\n') + 1).split('\r\n').filter((l) => l && !l.startsWith('#'));
  const middleSessions = new Set(complete.map((l) => l.split(',')[2])).size;
  const lastEvent = complete[complete.length - 1]!.split(',')[6];

  const { evidence: ev } = await collect({ protocolLogPaths: [join(root, 'budget')], referenceTime: REF, logByteBudget: budget });
  expect(ev.truncated).toBe(true);
  expect(ev.truncatedReason).toBe('byte-budget');
  expect(ev.byteBudget).toBe(budget);
  expect(ev.stats).toMatchObject({
    filesFound: 3,
    filesScanned: 2,
    filesSkippedByBudget: 1,
    filesPartiallyScanned: 1,
    bytesScanned: budget,
    bytesSkippedByBudget: oldest.length + middle.length - allowance,
    badLines: 0,
    partialLines: head.endsWith('\n') ? 0 : 1,
    sessionsUnclosed: lastEvent === '-' ? 0 : 1,
  });
  expect(peer(ev, 'receive', HUB, '10.0.0.3').sessions).toBe(40);
  expect(peer(ev, 'receive', HUB, '10.0.0.2').sessions).toBe(middleSessions);
  expect(middleSessions).toBeGreaterThan(5);
  expect(middleSessions).toBeLessThan(40);
  expect(ev.peers.find((p) => p.remoteAddress === '10.0.0.1')).toBeUndefined();
});

test('default folders come from the Exchange install path (Mailbox server layout)', async () => {
  const install = join(root, 'install-mbx');
  const logs = join(install, 'TransportRoles', 'Logs');
  hourFile(join(logs, 'Hub', 'ProtocolLog', 'SmtpReceive'), 5, '10.9.0.1', 2);
  const delivery = join(logs, 'Mailbox', 'ProtocolLog', 'SmtpReceive', 'Delivery');
  writeLog(join(delivery, 'RECV2026112706-1.LOG'), [...header('Receive', '2026-11-27T06:00:00.000Z'),
    ...render(receiveSession({ start: '2026-11-27T06:00:00.000Z', connector: 'EX01\\Default Mailbox Delivery EX01', id: '08DE0000000000D1', remote: '10.0.0.5:2525', tls: 'TLS1_2', mail: true }))]);
  const submission = join(logs, 'Mailbox', 'ProtocolLog', 'SmtpSend', 'Submission');
  // No #Log-type header here: the direction comes from the file name (SEND...).
  writeLog(join(submission, 'SEND2026112706-1.LOG'), ['#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context',
    ...render(sendSession({ start: '2026-11-27T06:00:00.000Z', connector: 'Intra-Organization SMTP Send Connector', id: '08DE0000000000E1', remote: '10.0.0.6:2525', tls: 'TLS1_2', mail: true }))]);

  const { evidence: ev } = await collect({ exchangeInstallPath: install, referenceTime: REF });
  expect(ev.status).toBe('scanned');
  expect(ev.folders.map((f) => [f.path.slice(logs.length + 1), f.source, f.service, f.exists, f.logFiles, f.filesScanned])).toEqual([
    ['FrontEnd/ProtocolLog/SmtpReceive', 'default', 'FrontEnd', false, 0, 0],
    ['FrontEnd/ProtocolLog/SmtpSend', 'default', 'FrontEnd', false, 0, 0],
    ['Hub/ProtocolLog/SmtpReceive', 'default', 'Hub', true, 1, 1],
    ['Hub/ProtocolLog/SmtpSend', 'default', 'Hub', false, 0, 0],
    ['Mailbox/ProtocolLog/SmtpReceive/Delivery', 'default', 'Mailbox', true, 1, 1],
    ['Mailbox/ProtocolLog/SmtpSend/Submission', 'default', 'Mailbox', true, 1, 1],
    ['Mailbox/ProtocolLog/SmtpSend/Delivery', 'default', 'Mailbox', false, 0, 0],
    ['ProtocolLog/SmtpReceive', 'default', 'Transport', false, 0, 0],
    ['ProtocolLog/SmtpSend', 'default', 'Transport', false, 0, 0],
  ]);
  expect(ev.peers.map((p) => [p.direction, p.service, p.connector, p.remoteAddress, p.sessions, p.mailSessions, p.tlsVersions])).toEqual([
    ['receive', 'Hub', HUB, '10.9.0.1', 2, 0, { 'TLS 1.2': 2 }],
    ['receive', 'Mailbox', 'EX01\\Default Mailbox Delivery EX01', '10.0.0.5', 1, 1, { 'TLS 1.2': 1 }],
    ['send', 'Mailbox', 'Intra-Organization SMTP Send Connector', '10.0.0.6', 1, 1, { 'TLS 1.2': 1 }],
  ]);
});

test('an Edge server gets the Edge folders', async () => {
  const install = join(root, 'install-edge');
  const edgeRecv = join(install, 'TransportRoles', 'Logs', 'Edge', 'ProtocolLog', 'SmtpReceive');
  writeLog(join(edgeRecv, 'RECV2026112707-1.LOG'), [...header('Receive', '2026-11-27T07:00:00.000Z'),
    ...render(receiveSession({ start: '2026-11-27T07:00:00.000Z', connector: 'EDGE01\\Default internal receive connector EDGE01', id: '08DE0000000000A1', remote: '198.51.100.20:4000', mail: true,
      extra: [['>', '451 5.7.3 Must issue a STARTTLS command first', '']] }))]);
  const run = await runCollector({ registryExports: [edgeReg], exchangeInstallPath: install, referenceTime: REF, computerName: 'EDGE01' });
  const { evidence: ev } = check(run);
  expect((run.json as { exchange: { isEdge: boolean } }).exchange.isEdge).toBe(true);
  expect(ev.folders.map((f) => [f.path.slice(install.length + 1), f.service, f.exists])).toEqual([
    ['TransportRoles/Logs/Edge/ProtocolLog/SmtpReceive', 'Edge', true],
    ['TransportRoles/Logs/Edge/ProtocolLog/SmtpSend', 'Edge', false],
    ['TransportRoles/Logs/ProtocolLog/SmtpReceive', 'Transport', false],
    ['TransportRoles/Logs/ProtocolLog/SmtpSend', 'Transport', false],
  ]);
  expect(ev.errors.map((e) => [e.kind, e.service, e.remoteAddress, e.count])).toEqual([['smtp-451-5.7.3', 'Edge', '198.51.100.20', 1]]);
  expect(peer(ev, 'receive', 'EDGE01\\Default internal receive connector EDGE01', '198.51.100.20').mailWithoutTls).toBe(1);
});

test('no protocol-log folder at all is a result, not an error', async () => {
  const install = join(root, 'install-empty');
  mkdirSync(install, { recursive: true });
  const { evidence: ev, warnings } = await collect({ exchangeInstallPath: install, referenceTime: REF });
  expect(warnings).toEqual([]);
  expect(ev.status).toBe('no-log-folders');
  expect(ev.message).toBe('none of the protocol-log folders exists');
  expect(ev.folders).toHaveLength(9);
  expect(ev.folders.every((f) => !f.exists)).toBe(true);
  expect(ev.peers).toEqual([]);
  expect(ev.stats.filesScanned).toBe(0);

  // No install path in the registry export and no override.
  const bare = await collect({ referenceTime: REF });
  expect(bare.evidence).toEqual({ schemaVersion: 1, status: 'no-log-folders', message: 'Exchange install path unknown and no protocolLogPaths option given' });
});

test('scanLogs=false, bad options, relative paths', async () => {
  expect((await collect({ scanLogs: false, protocolLogPaths: [root] })).evidence)
    .toEqual({ schemaVersion: 1, status: 'disabled', message: 'protocol-log scan disabled by option scanLogs' });
  expect((await collect({ logDays: 'seven', protocolLogPaths: [root] })).evidence)
    .toEqual({ schemaVersion: 1, status: 'error', message: 'option logDays must be a positive number' });

  const rel = join(root, 'relative', 'logs', 'Hub', 'ProtocolLog', 'SmtpReceive');
  hourFile(rel, 4, '10.7.0.1', 1);
  const run = await runCollector({ registryExports: [minimalReg], protocolLogPaths: ['logs'], referenceTime: REF, logDays: 2 }, [], join(root, 'relative'));
  const { evidence: ev } = check(run);
  expect(ev.window).toEqual({ referenceTime: '2026-11-28T12:00:00.000Z', start: '2026-11-26T12:00:00.000Z', logDays: 2 });
  expect(ev.folders.map((f) => f.path)).toEqual([rel]);
  expect(ev.summary.sessions).toBe(1);
});
