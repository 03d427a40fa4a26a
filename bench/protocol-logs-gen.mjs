// Generates SMTP protocol logs in Exchange's format (Exchange 2016/2019: '#' headers, CSV quoted only when a
// field holds a comma, CRLF, hourly files RECVyyyyMMddHH-n.LOG / SENDyyyyMMddHH-n.LOG rolled at 10 MB).
//
//   node bench/protocol-logs-gen.mjs demo              writes examples/demo/servers/<NAME>/logs (committed)
//   node bench/protocol-logs-gen.mjs bench --mb 1024   writes bench/.data/protocol-logs (about that many MB)
//
// Deterministic (seeded), so the demo logs and the benchmark data are the same on every machine.
import { mkdirSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIELDS = 'date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context';
const MAX_FILE = 10 * 1024 * 1024;   // Exchange's default protocol-log file size limit

export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const csv = (v) => (v.includes(',') ? `"${v.replaceAll('"', '""')}"` : v);

const tlsText = (proto, side, sep = '_') =>
  `TLS protocol SP_PROT${sep}${proto}_${side} negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, ` +
  `MAC hash algorithm ${proto === 'TLS1_2' ? 'CALG_SHA_384 with strength 0' : 'CALG_SHA1 with strength 160'} bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits`;

const ts = (ms) => new Date(ms).toISOString();
const dateRfc = (ms) => new Date(ms).toUTCString().replace('GMT', '+0000');

/**
 * One session as [event, data, context] triples.
 * kind: receive | send; tls: 'TLS1_0' | 'TLS1_1' | 'TLS1_2' | null; fail: text after STARTTLS; mail: boolean;
 * extra: more triples before the end; sep: '_' or '-' (Microsoft's doc spells the send side SP_PROT-TLS1_2_CLIENT).
 */
export function sessionEvents({ kind, server, tls, fail, mail, extra = [], sep = '_', startMs, sessionId, peerName = 'mail.partner.example' }) {
  const fqdn = `${server}.contoso.com`;
  const ev = [];
  if (kind === 'receive') {
    ev.push(['+', '', ''],
      ['*', 'SMTPSubmit SMTPAcceptAnySender SMTPAcceptAuthoritativeDomainSender AcceptRoutingHeaders', 'Set Session Permissions'],
      ['>', `220 ${fqdn} Microsoft ESMTP MAIL Service ready at ${dateRfc(startMs)}`, ''],
      ['<', `EHLO ${peerName}`, ''],
      ['>', `250-${fqdn} Hello`, ''], ['>', '250-SIZE 37748736', ''], ['>', '250-PIPELINING', ''], ['>', '250-DSN', ''],
      ['>', '250-ENHANCEDSTATUSCODES', ''], ['>', '250-STARTTLS', ''], ['>', '250-8BITMIME', ''], ['>', '250-BINARYMIME', ''], ['>', '250 CHUNKING', '']);
    if (tls || fail) {
      ev.push(['<', 'STARTTLS', ''], ['>', '220 2.0.0 SMTP server ready', ''], ['*', '', 'Sending certificate'],
        ['*', `CN=${fqdn}`, 'Certificate subject'], ['*', 'CN=Contoso Issuing CA 01, DC=contoso, DC=com', 'Certificate issuer name'],
        ['*', '5A00000004F1E2D3C4B5A69788', 'Certificate serial number'], ['*', '8C3F2A91D0B7E45F6A2C1B0D9E8F7A6B5C4D3E2F', 'Certificate thumbprint'],
        ['*', `${fqdn};mail.contoso.com;autodiscover.contoso.com`, 'Certificate alternate names']);
      if (tls) ev.push(['*', '', tlsText(tls, 'SERVER', sep)], ['<', `EHLO ${peerName}`, ''], ['>', `250-${fqdn} Hello`, ''], ['>', '250 CHUNKING', '']);
      if (fail) ev.push(['*', '', fail]);
    }
    if (mail && !fail) {
      ev.push(['*', `${sessionId};${ts(startMs)};1`, 'receiving message'],
        ['<', `MAIL FROM:<sender@${peerName.replace(/^mail\./, '')}> SIZE=48213`, ''], ['<', `RCPT TO:<user@contoso.com>`, ''],
        ['>', '250 2.1.0 Sender OK', ''], ['>', '250 2.1.5 Recipient OK', ''], ['<', 'BDAT 48213 LAST', ''],
        ['>', `250 2.6.0 <${sessionId}@${peerName}> [InternalId=${parseInt(sessionId.slice(-6), 16)}, Hostname=${fqdn}] 49012 bytes in 0.102, 469.245 KB/sec Queued mail for delivery`, '']);
    }
    ev.push(...extra);
    if (!fail) ev.push(['<', 'QUIT', ''], ['>', '221 2.0.0 Service closing transmission channel', '']);
    ev.push(['-', '', fail ? 'Remote' : 'Local']);
  } else {
    ev.push(['*', '', 'attempting to connect'], ['+', '', ''],
      ['<', `220 ${peerName} Microsoft ESMTP MAIL Service ready at ${dateRfc(startMs)}`, ''],
      ['>', `EHLO ${fqdn}`, ''], ['<', `250-${peerName} Hello`, ''], ['<', '250-SIZE 157286400', ''], ['<', '250-PIPELINING', ''],
      ['<', '250-STARTTLS', ''], ['<', '250-8BITMIME', ''], ['<', '250 SMTPUTF8', '']);
    if (tls || fail) {
      ev.push(['>', 'STARTTLS', ''], ['<', '220 2.0.0 SMTP server ready', ''], ['*', '', 'Received certificate'],
        ['*', '1F8E2D7C6B5A49382716A5B4C3D2E1F0A9B8C7D6', 'Certificate thumbprint']);
      if (tls) ev.push(['*', '', tlsText(tls, 'CLIENT', sep)], ['>', `EHLO ${fqdn}`, ''], ['<', `250-${peerName} Hello`, '']);
      if (fail) ev.push(['*', '', fail]);
    }
    if (mail && !fail) {
      ev.push(['>', `MAIL FROM:<user@contoso.com> SIZE=48213`, ''], ['>', 'RCPT TO:<someone@partner.example>', ''],
        ['<', '250 2.1.0 Sender OK', ''], ['<', '250 2.1.5 Recipient OK', ''], ['>', 'BDAT 48213 LAST', ''],
        ['<', `250 2.6.0 <${sessionId}@contoso.com> [InternalId=1] Queued mail for delivery`, '']);
    }
    ev.push(...extra);
    if (!fail) ev.push(['>', 'QUIT', ''], ['<', '221 2.0.0 Service closing transmission channel', '']);
    ev.push(['-', '', fail ? 'Remote' : 'Local']);
  }
  return ev;
}

/** Writes one folder of hourly files from a list of sessions (each {startMs, ...sessionEvents args}). */
export function writeFolder(dir, kind, server, sessions, connectorOf, interleave = 1) {
  mkdirSync(dir, { recursive: true });
  sessions.sort((a, b) => a.startMs - b.startMs);
  const prefix = kind === 'receive' ? 'RECV' : 'SEND';
  let fd = -1, fileHour = '', seq = 0, size = 0, bytes = 0;
  const open = (ms) => {
    if (fd >= 0) closeSync(fd);
    const d = new Date(ms).toISOString();
    const hour = d.slice(0, 13).replace(/[-T]/g, '');
    seq = hour === fileHour ? seq + 1 : 1;
    fileHour = hour;
    fd = openSync(join(dir, `${prefix}${hour}-${seq}.LOG`), 'w');
    const head = `#Software: Microsoft Exchange Server\r\n#Version: 15.2.1544.4\r\n#Log-type: SMTP ${kind === 'receive' ? 'Receive' : 'Send'} Protocol Log\r\n#Date: ${d}\r\n#Fields: ${FIELDS}\r\n`;
    writeSync(fd, head);
    size = head.length;
    bytes += head.length;
  };
  let chunk = [];
  let chunkLen = 0;
  const flush = () => {
    if (chunk.length) writeSync(fd, chunk.join(''));
    chunk = [];
    chunkLen = 0;
  };
  let pending = [];
  for (const s of sessions) {
    const hour = new Date(s.startMs).toISOString().slice(0, 13).replace(/[-T]/g, '');
    if (fd < 0 || hour !== fileHour || size > MAX_FILE) { flush(); open(s.startMs); }
    const lines = sessionLines(kind, server, s, connectorOf);
    pending.push(lines);
    if (pending.length < interleave) continue;
    const text = mix(pending);
    pending = [];
    chunk.push(text);
    chunkLen += text.length;
    size += text.length;
    bytes += text.length;
    if (chunkLen > 1 << 20) flush();
  }
  if (pending.length) {
    const text = mix(pending);
    chunk.push(text);
    size += text.length;
    bytes += text.length;
  }
  flush();
  if (fd >= 0) closeSync(fd);
  return bytes;
}

function sessionLines(kind, server, s, connectorOf) {
  const ev = sessionEvents({ kind, server, ...s });
  const prefixFields = `,${csv(connectorOf(s))},${s.sessionId},`;
  const local = kind === 'receive' ? `${s.localIp}:25` : `${s.localIp}:${s.localPort}`;
  const remote = kind === 'receive' ? `${s.remoteIp}:${s.remotePort}` : `${s.remoteIp}:25`;
  return ev.map(([e, d, c], i) => `${ts(s.startMs + i * 7)}${prefixFields}${i},${local},${remote},${e},${csv(d)},${csv(c)}\r\n`);
}

// Round-robin the lines of concurrent sessions, as a busy transport service writes them.
function mix(group) {
  if (group.length === 1) return group[0].join('');
  let text = '';
  const max = Math.max(...group.map((g) => g.length));
  for (let i = 0; i < max; i++) for (const g of group) if (i < g.length) text += g[i];
  return text;
}

let idCounter = 0;
const nextId = (server) => `08DE${(server.charCodeAt(2) & 0xf).toString(16).toUpperCase()}${(++idCounter).toString(16).toUpperCase().padStart(11, '0')}`;

/** sessions spread over the 7 days before ref: count of them for one peer */
function spread(rand, ref, count, days = 7) {
  const out = [];
  for (let i = 0; i < count; i++) out.push(ref - Math.floor(rand() * days * 86400000) - 60000);
  return out;
}

const REF = Date.parse('2026-11-28T12:00:00Z');

function peerSessions(rand, server, { count, remoteIp, tls, fail, mail = true, extra, sep, localIp, peerName, connector, days }) {
  return spread(rand, REF, count, days).map((startMs) => ({
    startMs, sessionId: nextId(server), tls, fail, mail, extra, sep, localIp, peerName, connector,
    remoteIp, remotePort: 1024 + Math.floor(rand() * 60000), localPort: 1024 + Math.floor(rand() * 60000),
  }));
}

// The demo stories (issue 3 point 5), small: a few hundred KB in all.
export function writeDemo() {
  const rand = rng(20261128);
  const base = join(root, 'examples', 'demo', 'servers');
  const logs = (name, ...p) => join(base, name, 'logs', 'TransportRoles', 'Logs', ...p);
  const byConnector = (s) => s.connector;
  let total = 0;
  for (const name of ['EX01', 'EX02', 'EX03', 'EDGE01']) rmSync(join(base, name, 'logs'), { recursive: true, force: true });

  // EX01: clean - TLS 1.2 only, in and out.
  total += writeFolder(logs('EX01', 'FrontEnd', 'ProtocolLog', 'SmtpReceive'), 'receive', 'EX01', [
    ...peerSessions(rand, 'EX01', { count: 12, remoteIp: '198.51.100.10', tls: 'TLS1_2', localIp: '10.0.0.11', peerName: 'mail.fabrikam.example', connector: 'EX01\\Default Frontend EX01' }),
    ...peerSessions(rand, 'EX01', { count: 6, remoteIp: '40.107.22.51', tls: 'TLS1_2', localIp: '10.0.0.11', peerName: 'mail.protection.outlook.com', connector: 'EX01\\Default Frontend EX01' }),
  ], byConnector);
  total += writeFolder(logs('EX01', 'Hub', 'ProtocolLog', 'SmtpSend'), 'send', 'EX01',
    peerSessions(rand, 'EX01', { count: 8, remoteIp: '52.101.68.3', tls: 'TLS1_2', sep: '-', localIp: '10.0.0.11', peerName: 'contoso-com.mail.protection.outlook.com', connector: 'Outbound to Office 365' }), byConnector);

  // EX02: TLS 1.2 disabled - its send connector to Office 365 fails with SocketError.
  total += writeFolder(logs('EX02', 'Hub', 'ProtocolLog', 'SmtpSend'), 'send', 'EX02',
    peerSessions(rand, 'EX02', { count: 14, remoteIp: '52.101.68.3', fail: 'TLS negotiation failed with error SocketError', localIp: '10.0.0.12',
      peerName: 'contoso-com.mail.protection.outlook.com', connector: 'Outbound to Office 365',
      extra: [['*', '', '421 4.4.2 Connection dropped due to SocketError']] }), byConnector);
  total += writeFolder(logs('EX02', 'FrontEnd', 'ProtocolLog', 'SmtpReceive'), 'receive', 'EX02',
    peerSessions(rand, 'EX02', { count: 5, remoteIp: '198.51.100.10', tls: 'TLS1_0', localIp: '10.0.0.12', peerName: 'mail.fabrikam.example', connector: 'EX02\\Default Frontend EX02' }), byConnector);

  // EX03: a partner still on TLS 1.0 into FrontEnd receive (many sessions), an internal app on TLS 1.1.
  total += writeFolder(logs('EX03', 'FrontEnd', 'ProtocolLog', 'SmtpReceive'), 'receive', 'EX03', [
    ...peerSessions(rand, 'EX03', { count: 44, remoteIp: '203.0.113.25', tls: 'TLS1_0', localIp: '10.0.0.13', peerName: 'mail.partner.example', connector: 'EX03\\Default Frontend EX03' }),
    ...peerSessions(rand, 'EX03', { count: 8, remoteIp: '198.51.100.10', tls: 'TLS1_2', localIp: '10.0.0.13', peerName: 'mail.fabrikam.example', connector: 'EX03\\Default Frontend EX03' }),
    ...peerSessions(rand, 'EX03', { count: 16, remoteIp: '10.1.2.3', tls: 'TLS1_1', localIp: '10.0.0.13', peerName: 'app01.contoso.com', connector: 'EX03\\App Relay EX03' }),
  ], byConnector);
  total += writeFolder(logs('EX03', 'Hub', 'ProtocolLog', 'SmtpSend'), 'send', 'EX03',
    peerSessions(rand, 'EX03', { count: 6, remoteIp: '52.101.68.3', tls: 'TLS1_2', localIp: '10.0.0.13', peerName: 'contoso-com.mail.protection.outlook.com', connector: 'Outbound to Office 365' }), byConnector);

  // EDGE01: a sender that will not STARTTLS on a connector that requires it.
  total += writeFolder(logs('EDGE01', 'Edge', 'ProtocolLog', 'SmtpReceive'), 'receive', 'EDGE01', [
    ...peerSessions(rand, 'EDGE01', { count: 6, remoteIp: '192.0.2.77', mail: false, localIp: '192.168.10.5', peerName: 'smtp.oldpartner.example', connector: 'EDGE01\\Default internal receive connector EDGE01',
      extra: [['<', 'MAIL FROM:<orders@oldpartner.example>', ''], ['>', '451 5.7.3 Must issue a STARTTLS command first', '']] }),
    ...peerSessions(rand, 'EDGE01', { count: 8, remoteIp: '198.51.100.10', tls: 'TLS1_2', localIp: '192.168.10.5', peerName: 'mail.fabrikam.example', connector: 'EDGE01\\Default internal receive connector EDGE01' }),
  ], byConnector);
  return total;
}

// About `mb` megabytes for the benchmark: three folders (FrontEnd receive, Hub receive, Hub send), a few
// thousand peers, mostly TLS 1.2 with a realistic tail of TLS 1.0/1.1, clear text and failures.
export function writeBench(outDir, mb) {
  rmSync(outDir, { recursive: true, force: true });
  const rand = rng(42);
  const target = mb * 1024 * 1024;
  const folders = [
    { dir: join(outDir, 'FrontEnd', 'ProtocolLog', 'SmtpReceive'), kind: 'receive', share: 0.5, connector: 'EXB1\\Default Frontend EXB1' },
    { dir: join(outDir, 'Hub', 'ProtocolLog', 'SmtpReceive'), kind: 'receive', share: 0.3, connector: 'EXB1\\Default EXB1' },
    { dir: join(outDir, 'Hub', 'ProtocolLog', 'SmtpSend'), kind: 'send', share: 0.2, connector: 'Outbound to Office 365' },
  ];
  const peers = [];
  for (let i = 0; i < 3000; i++) {
    const r = rand();
    peers.push({
      remoteIp: i < 40 ? `10.1.${i >> 8}.${(i & 255) + 1}` : `${20 + (i % 200)}.${(i * 7) % 256}.${(i * 13) % 256}.${(i % 250) + 1}`,
      tls: r < 0.03 ? 'TLS1_0' : r < 0.05 ? 'TLS1_1' : r < 0.9 ? 'TLS1_2' : null,
      fail: r >= 0.97 ? 'TLS negotiation failed with error SocketError' : undefined,
    });
  }
  let total = 0;
  for (const f of folders) {
    const want = target * f.share;
    const sessions = [];
    let approx = 0;
    const make = () => {
      const p = peers[Math.floor(rand() * rand() * peers.length)];
      return {
        startMs: REF - Math.floor(rand() * 7 * 86400000) - 60000, sessionId: nextId('EXB1'), tls: p.tls, fail: p.fail, mail: rand() < 0.9,
        localIp: '10.0.0.21', localPort: 1024 + Math.floor(rand() * 60000), remoteIp: p.remoteIp, remotePort: 1024 + Math.floor(rand() * 60000),
        peerName: 'mail.partner.example', connector: f.connector, sep: f.kind === 'send' && rand() < 0.5 ? '-' : '_',
        extra: p.fail ? [['*', '', '421 4.4.2 Connection dropped due to SocketError']]
          : !p.tls && rand() < 0.2 ? [[f.kind === 'receive' ? '>' : '<', '451 5.7.3 Must issue a STARTTLS command first', '']] : [],
      };
    };
    // Average session size from a sample, so that the folder comes out near its share of the target.
    let sampleBytes = 0;
    for (let i = 0; i < 200; i++) sampleBytes += sessionLines(f.kind, 'EXB1', make(), (s) => s.connector).join('').length;
    const per = sampleBytes / 200;
    while (approx < want) {
      sessions.push(make());
      approx += per;
    }
    total += writeFolder(f.dir, f.kind, 'EXB1', sessions, (s) => s.connector, 16);
  }
  return total;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [mode] = process.argv.slice(2);
  const mbArg = process.argv.indexOf('--mb');
  if (mode === 'demo') {
    console.log(`wrote ${writeDemo()} bytes of demo protocol logs`);
  } else if (mode === 'bench') {
    const mb = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 1024;
    const out = join(root, 'bench', '.data', 'protocol-logs');
    console.log(`wrote ${writeBench(out, mb)} bytes to ${out}`);
  } else {
    console.error('usage: node bench/protocol-logs-gen.mjs demo | bench [--mb N]');
    process.exit(1);
  }
}
