// Writes SMTP protocol logs in Exchange's format (as seen in Exchange 2016/2019 FrontEnd/Hub/Edge logs):
// '#' header lines, CSV with a field quoted only when it holds a comma (quotes doubled), CRLF line ends.
// Lines are Buffers so a test can put bytes in that are not valid UTF-8.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const FIELDS = 'date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context';

export type Chunk = string | Buffer;

export function csv(v: string): string {
  return v.includes(',') ? `"${v.replaceAll('"', '""')}"` : v;
}

export function header(kind: 'Receive' | 'Send', date: string, fields = FIELDS): string[] {
  return [
    '#Software: Microsoft Exchange Server',
    '#Version: 15.2.1544.4',
    `#Log-type: SMTP ${kind} Protocol Log`,
    `#Date: ${date}`,
    `#Fields: ${fields}`,
  ];
}

/** One data line; every value is CSV-quoted as Exchange does. A Buffer value is written raw. */
export function row(...values: Chunk[]): Buffer {
  return Buffer.concat(values.flatMap((v, i) => [i ? Buffer.from(',') : Buffer.alloc(0), typeof v === 'string' ? Buffer.from(csv(v)) : v]));
}

export function writeLog(file: string, lines: Chunk[], opts: { finalNewline?: boolean } = {}): void {
  mkdirSync(dirname(file), { recursive: true });
  const parts: Buffer[] = [];
  lines.forEach((l, i) => {
    parts.push(typeof l === 'string' ? Buffer.from(l) : l);
    if (i < lines.length - 1 || opts.finalNewline !== false) parts.push(Buffer.from('\r\n'));
  });
  writeFileSync(file, Buffer.concat(parts));
}

export const tlsText = (proto: string, side = 'SERVER', sep = '_') =>
  `TLS protocol SP_PROT${sep}${proto}_${side} negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, ` +
  'MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits';

export interface SessionSpec {
  /** ISO start, e.g. 2026-11-27T08:00:01.000Z; each line adds 10 ms */
  start: string;
  connector: Chunk;
  id: string;
  local?: string;
  remote?: string;
  /** 'TLS1_0' ... or undefined for no TLS */
  tls?: string;
  spelling?: '_' | '-';
  starttls?: boolean;
  mail?: boolean;
  /** text of an information line after STARTTLS instead of a TLS success */
  failure?: string;
  /** extra [event, data, context] lines before the end of the session */
  extra?: [string, string, string][];
  /** close the session with a '-' line (default true) */
  close?: boolean;
}

/** One log record; render() turns records into lines for a given #Fields order. */
export interface Rec {
  'date-time': string;
  'connector-id': Chunk;
  'session-id': string;
  'sequence-number': string;
  'local-endpoint': string;
  'remote-endpoint': string;
  event: string;
  data: string;
  context: string;
  [other: string]: Chunk;
}

export function render(recs: Rec[], fields = FIELDS, trailing = ''): Buffer[] {
  const names = fields.split(',');
  return recs.map((r) => {
    const b = row(...names.map((n) => r[n] ?? ''));
    return trailing ? Buffer.concat([b, Buffer.from(trailing)]) : b;
  });
}

export function first(recs: Rec[]): string {
  return recs[0]!['date-time'];
}
export function last(recs: Rec[]): string {
  return recs[recs.length - 1]!['date-time'];
}

function at(start: string, i: number): string {
  return new Date(Date.parse(start) + i * 10).toISOString();
}

function build(s: SessionSpec, ev: [string, string, string][], local: string): Rec[] {
  return ev.map(([e, d, c], i) => ({
    'date-time': at(s.start, i),
    'connector-id': s.connector,
    'session-id': s.id,
    'sequence-number': String(i),
    'local-endpoint': local,
    'remote-endpoint': s.remote ?? '',
    event: e,
    data: d,
    context: c,
  }));
}

/** A receive session as the Front End / Hub transport logs it (client commands are '<'). */
export function receiveSession(s: SessionSpec): Rec[] {
  const ev: [string, string, string][] = [
    ['+', '', ''],
    ['*', 'SMTPSubmit SMTPAcceptAnySender SMTPAcceptAuthoritativeDomainSender AcceptRoutingHeaders', 'Set Session Permissions'],
    ['>', '220 EX03.contoso.com Microsoft ESMTP MAIL Service ready at Fri, 27 Nov 2026 08:00:01 +0000', ''],
    ['<', 'EHLO mail.partner.example', ''],
    ['>', '250-EX03.contoso.com Hello [203.0.113.25]', ''],
    ['>', '250-STARTTLS', ''],
    ['>', '250 CHUNKING', ''],
  ];
  if (s.starttls || s.tls || s.failure) {
    ev.push(['<', 'STARTTLS', ''], ['>', '220 2.0.0 SMTP server ready', ''], ['*', '', 'Sending certificate'], ['*', 'CN=EX03.contoso.com', 'Certificate subject']);
    if (s.tls) ev.push(['*', '', tlsText(s.tls, 'SERVER', s.spelling ?? '_')]);
    if (s.failure) ev.push(['*', '', s.failure]);
  }
  if (s.mail) {
    ev.push(['<', 'MAIL FROM:<a@partner.example> SIZE=2048', ''], ['*', `${s.id};${s.start};1`, 'receiving message'],
      ['<', 'RCPT TO:<b@contoso.com>', ''], ['>', '250 2.1.0 Sender OK', ''], ['<', 'BDAT 2048 LAST', ''],
      ['>', '250 2.6.0 <x@partner.example> [InternalId=1] Queued mail for delivery', '']);
  }
  ev.push(...(s.extra ?? []));
  if (s.close !== false) ev.push(['<', 'QUIT', ''], ['>', '221 2.0.0 Service closing transmission channel', ''], ['-', '', 'Local']);
  return build(s, ev, s.local ?? '10.0.0.3:25');
}

/** A send session (our commands are '>'); the remote endpoint is the next hop. */
export function sendSession(s: SessionSpec): Rec[] {
  const ev: [string, string, string][] = [
    ['+', '', ''],
    ['<', '220 mx.partner.example ESMTP ready', ''],
    ['>', 'EHLO EX02.contoso.com', ''],
    ['<', '250-STARTTLS', ''],
  ];
  if (s.starttls || s.tls || s.failure) {
    ev.push(['>', 'STARTTLS', ''], ['<', '220 2.0.0 SMTP server ready', ''], ['*', '', 'Received certificate']);
    if (s.tls) ev.push(['*', '', tlsText(s.tls, 'CLIENT', s.spelling ?? '_')]);
    if (s.failure) ev.push(['*', '', s.failure]);
  }
  if (s.mail) {
    ev.push(['>', 'MAIL FROM:<a@contoso.com> SIZE=2048', ''], ['>', 'RCPT TO:<b@partner.example>', ''],
      ['<', '250 2.1.0 Sender OK', ''], ['>', 'BDAT 2048 LAST', ''], ['<', '250 2.6.0 Queued mail for delivery', '']);
  }
  ev.push(...(s.extra ?? []));
  if (s.close !== false) ev.push(['>', 'QUIT', ''], ['-', '', 'Local']);
  return build(s, ev, s.local ?? '10.0.0.2:50123');
}
