// Stages the demo (examples/demo) so that its dates are relative to the run: every file is copied with each date moved
// by the same whole number of days, chosen so the demo's reference time (fleet.yaml defaults.collector.referenceTime)
// lands in the day before `now`. Whole days keep the time of day, so log names with an hour (RECV2026112508-1.LOG)
// still match their lines. Generic on purpose: any file added under the demo is shifted without naming it here.
//   - text (UTF-8, or UTF-16 with a BOM, as regedit and Windows PowerShell write): ISO dates yyyy-mm-dd, wherever
//     they stand (log lines, #Date headers, Clixml <DT> values, fleet.yaml's referenceTime)
//   - file and folder names: yyyymmdd (with or without an hour) and IIS's (u_)exyymmdd
//   - X.509 certificates inside Clixml byte arrays (<BA>, base64 DER, e.g. RawData): the validity dates are rewritten
//     in the DER (the signature no longer matches: demo certificates are synthetic) and every text mention of the old
//     SHA-1 thumbprint is replaced by the new one, so Thumbprint and Identity properties still agree with RawData.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const DAY_MS = 86_400_000;

export interface StageResult {
  /** whole days every date moved */
  days: number;
  /** the staged fleet's reference time (ISO) */
  referenceTime: string;
  /** new SHA-1 thumbprint (upper case) -> the one in the source, for certificates whose dates moved */
  thumbprints: Record<string, string>;
  files: number;
}

/** A date moved by whole days, null for something that is not a real date. */
function shiftDate(y: number, m: number, d: number, days: number): Date | null {
  if (y < 1990 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1) return null; // 2026-02-30
  return new Date(t.getTime() + days * DAY_MS);
}
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function shiftText(text: string, days: number): string {
  // RFC 5322 dates (SMTP banners): "Sun, 22 Nov 2026", the weekday recomputed
  const rfc = text.replace(/\b(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat), (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})\b/g, (all, d: string, mon: string, y: string) => {
    const t = shiftDate(Number(y), MONTHS.indexOf(mon) + 1, Number(d), days);
    return t ? `${WEEKDAYS[t.getUTCDay()]}, ${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}` : all;
  });
  return rfc.replace(/(?<![0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])/g, (all, y: string, m: string, d: string) => {
    const t = shiftDate(Number(y), Number(m), Number(d), days);
    return t ? `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}` : all;
  });
}

export function shiftName(name: string, days: number): string {
  const iis = /^(u_)?ex(\d{2})(\d{2})(\d{2})(?=\d{0,2}\.)/i.exec(name);
  if (iis) {
    const t = shiftDate(2000 + Number(iis[2]), Number(iis[3]), Number(iis[4]), days);
    if (t) return `${iis[1] ?? ''}${name.slice((iis[1] ?? '').length, (iis[1] ?? '').length + 2)}${pad(t.getUTCFullYear() % 100)}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}${name.slice(iis[0].length)}`;
  }
  return name.replace(/(?<![0-9])(\d{4})(\d{2})(\d{2})(?=(\d{2})?(?![0-9]))/g, (all, y: string, m: string, d: string) => {
    const t = shiftDate(Number(y), Number(m), Number(d), days);
    return t ? `${pad(t.getUTCFullYear(), 4)}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}` : all;
  });
}

// ---- DER (X.690): just enough to find and rewrite a certificate's validity (RFC 5280 section 4.1)
interface Tlv { tag: number; offset: number; start: number; end: number }

function readTlv(der: Buffer, offset: number): Tlv {
  if (offset + 2 > der.length) throw new Error('truncated');
  const tag = der[offset]!;
  let len = der[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    start += n;
  }
  if (start + len > der.length) throw new Error('truncated');
  return { tag, offset, start, end: start + len };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = parent.start; off < parent.end;) {
    const t = readTlv(der, off);
    out.push(t);
    off = t.end;
  }
  return out;
}

function encodeTlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : (() => {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  })();
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

function shiftTime(der: Buffer, t: Tlv, days: number): Buffer {
  const s = der.subarray(t.start, t.end).toString('latin1');
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{6})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{6})Z$/.exec(s);
  if (!m) throw new Error(`time ${s}`);
  let y = Number(m[1]);
  if (t.tag === 0x17) y += y >= 50 ? 1900 : 2000;
  const d = shiftDate(y, Number(m[2]), Number(m[3]), days);
  if (!d) throw new Error(`date ${s}`);
  const ny = d.getUTCFullYear();
  const body = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${m[4]}Z`;
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050
  return ny < 2050 ? encodeTlv(0x17, Buffer.from(`${pad(ny % 100)}${body}`, 'latin1')) : encodeTlv(0x18, Buffer.from(`${pad(ny, 4)}${body}`, 'latin1'));
}

/** The certificate with its validity moved, or null when the bytes are not a certificate. */
export function shiftCertificate(der: Buffer, days: number): Buffer | null {
  try {
    const cert = readTlv(der, 0);
    if (cert.tag !== 0x30 || cert.end !== der.length) return null;
    const [tbs, ...rest] = children(der, cert);
    if (!tbs || tbs.tag !== 0x30 || rest.length !== 2) return null;
    const parts = children(der, tbs);
    const at = parts[0]?.tag === 0xa0 ? 4 : 3; // [0] version, serial, signature, issuer, validity
    const validity = parts[at];
    if (!validity || validity.tag !== 0x30) return null;
    const times = children(der, validity);
    if (times.length !== 2 || !times.every((t) => t.tag === 0x17 || t.tag === 0x18)) return null;
    const newValidity = encodeTlv(0x30, Buffer.concat(times.map((t) => shiftTime(der, t, days))));
    const raw = (t: Tlv) => der.subarray(t.offset, t.end);
    const newTbs = encodeTlv(0x30, Buffer.concat(parts.map((p, i) => (i === at ? newValidity : raw(p)))));
    return encodeTlv(0x30, Buffer.concat([newTbs, ...rest.map(raw)]));
  } catch {
    return null;
  }
}

const thumbprint = (der: Buffer) => createHash('sha1').update(der).digest('hex').toUpperCase();

// ---- files
type Encoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'binary';

function decode(bytes: Buffer): { text: string; encoding: Encoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.subarray(2).toString('utf16le'), encoding: 'utf16le' };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf8-bom' };
  const text = bytes.toString('utf8');
  if (bytes.includes(0) || !Buffer.from(text, 'utf8').equals(bytes)) return { text: '', encoding: 'binary' };
  return { text, encoding: 'utf8' };
}

function encode(text: string, encoding: Exclude<Encoding, 'binary'>): Buffer {
  if (encoding === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (encoding === 'utf8-bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  return Buffer.from(text, 'utf8');
}

function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? join(rel, name) : name;
    if (statSync(join(dir, r)).isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

const BYTE_ARRAY = /(<BA(?:\s[^>]*)?>)([A-Za-z0-9+/=\s]+)(<\/BA>)/g;

/** The demo's reference time, from its fleet.yaml (defaults.collector.referenceTime). */
export function demoReferenceTime(sourceDir: string): Date {
  const fleet = parseYaml(readFileSync(join(sourceDir, 'fleet.yaml'), 'utf8')) as { defaults?: { collector?: { referenceTime?: string } } };
  const text = fleet.defaults?.collector?.referenceTime;
  const t = text ? new Date(text) : new Date(NaN);
  if (Number.isNaN(t.getTime())) throw new Error(`${join(sourceDir, 'fleet.yaml')}: defaults.collector.referenceTime is missing or not a date-time`);
  return t;
}

/** Copies sourceDir to targetDir (replaced) with every date moved so the reference time falls in (now - 1 day, now]. */
export function stageDemo(sourceDir: string, targetDir: string, now: Date = new Date()): StageResult {
  const ref = demoReferenceTime(sourceDir);
  const days = Math.floor((now.getTime() - ref.getTime()) / DAY_MS);
  const files = walk(sourceDir).map((rel) => ({ rel, ...decode(readFileSync(join(sourceDir, rel))), bytes: readFileSync(join(sourceDir, rel)) }));
  // certificates first: their new thumbprints replace the old ones in every file
  const renamed = new Map<string, string>();
  for (const f of files) {
    if (f.encoding === 'binary') continue;
    f.text = f.text.replace(BYTE_ARRAY, (all, open: string, b64: string, close: string) => {
      const der = Buffer.from(b64.replace(/\s+/g, ''), 'base64');
      const moved = days === 0 ? null : shiftCertificate(der, days);
      if (!moved) return all;
      renamed.set(thumbprint(der), thumbprint(moved));
      return `${open}${moved.toString('base64')}${close}`;
    });
  }
  const thumbprints: Record<string, string> = {};
  for (const [from, to] of renamed) thumbprints[to] = from;
  const referenceTime = new Date(ref.getTime() + days * DAY_MS);
  rmSync(targetDir, { recursive: true, force: true });
  for (const f of files) {
    const target = join(targetDir, ...f.rel.split(/[\\/]/).map((part) => shiftName(part, days)));
    mkdirSync(join(target, '..'), { recursive: true });
    if (f.encoding === 'binary') writeFileSync(target, f.bytes);
    else {
      let text = f.text;
      for (const [from, to] of renamed) text = text.replace(new RegExp(from, 'gi'), to);
      writeFileSync(target, encode(shiftText(text, days), f.encoding));
    }
    // the log scan skips files last written before its window: a staged file was last written at the reference time
    utimesSync(target, referenceTime, referenceTime);
  }
  return { days, referenceTime: referenceTime.toISOString(), thumbprints, files: files.length };
}
