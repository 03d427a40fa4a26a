// A small, independent .reg reader/writer for the tests (the scripts under test have their own, in PowerShell):
// writes regedit's format (UTF-16LE with BOM, CRLF) and reads it back into comparable values.
import { readFileSync, writeFileSync } from 'node:fs';

export type RegData = { type: 'REG_DWORD'; value: number } | { type: 'REG_SZ'; value: string } | { type: 'REG_MULTI_SZ'; value: string[] } | { type: 'hex'; value: string };
/** key path as written (HKEY_LOCAL_MACHINE\...) → value name → data; insertion order kept */
export type RegModel = Map<string, Map<string, RegData>>;

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const utf16Hex = (s: string) => [...Buffer.from(s, 'utf16le')].map((b) => b.toString(16).padStart(2, '0')).join(',');

function formatData(d: RegData): string {
  switch (d.type) {
    case 'REG_DWORD':
      return `dword:${d.value.toString(16).padStart(8, '0')}`;
    case 'REG_SZ':
      return quote(d.value);
    case 'REG_MULTI_SZ':
      return `hex(7):${utf16Hex(d.value.map((s) => `${s}\0`).join('') + '\0')}`;
    case 'hex':
      return d.value;
  }
}

/** The exact bytes remediate.ps1/rollback.ps1 write for the same model, so a round trip can be compared byte for byte. */
export function regText(model: RegModel): string {
  let text = 'Windows Registry Editor Version 5.00\r\n';
  for (const [key, values] of model) {
    text += `\r\n[${key}]\r\n`;
    for (const [name, data] of values) text += `${name === '' ? '@' : quote(name)}=${formatData(data)}\r\n`;
  }
  return `${text}\r\n`;
}

export function writeReg(file: string, model: RegModel): void {
  writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(regText(model), 'utf16le')]));
}

function unquote(text: string, start: number): { text: string; end: number } {
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      out += text[++i];
      continue;
    }
    if (c === '"') return { text: out, end: i };
    out += c;
  }
  throw new Error(`unterminated string in ${text}`);
}

/** Reads a UTF-16LE (BOM) or UTF-8 .reg file; keys compared case-sensitively as written, values by name. */
export function readReg(file: string): RegModel {
  const bytes = readFileSync(file);
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString('utf8').replace(/^\ufeff/, '');
  const model: RegModel = new Map();
  let current: Map<string, RegData> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('Windows Registry Editor') || line === 'REGEDIT4') continue;
    if (line.startsWith('[')) {
      current = new Map();
      model.set(line.slice(1, -1), current);
      continue;
    }
    while (line.endsWith('\\') && /=hex/i.test(line)) line = line.slice(0, -1) + lines[++i]!.trim();
    let name: string;
    let rest: string;
    if (line.startsWith('@')) {
      name = '';
      rest = line.slice(1);
    } else {
      const q = unquote(line, 0);
      name = q.text;
      rest = line.slice(q.end + 1);
    }
    const data = rest.replace(/^\s*=\s*/, '');
    let parsed: RegData;
    if (/^dword:/i.test(data)) parsed = { type: 'REG_DWORD', value: parseInt(data.slice(6), 16) };
    else if (data.startsWith('"')) parsed = { type: 'REG_SZ', value: unquote(data, 0).text };
    else if (/^hex\(7\):/i.test(data)) {
      const bytes = Buffer.from(data.slice(7).split(',').filter(Boolean).map((h) => parseInt(h, 16)));
      parsed = { type: 'REG_MULTI_SZ', value: bytes.toString('utf16le').replace(/\0+$/, '').split('\0') };
    } else parsed = { type: 'hex', value: data.toLowerCase() };
    current!.set(name, parsed);
  }
  return model;
}

/** Plain object view for toEqual: { key: { name: data } } */
export function regObject(model: RegModel): Record<string, Record<string, RegData>> {
  return Object.fromEntries([...model].map(([k, v]) => [k, Object.fromEntries(v)]));
}
