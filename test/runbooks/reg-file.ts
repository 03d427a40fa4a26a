// .reg files for the tests: an independent writer of regedit's format (UTF-16LE with BOM, CRLF), the bytes the
// scripts under test must write back, and the product's own reader (ps/shared/RegFile.ps1) to read them.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locatePowerShell } from '../../src/powershell/locate.js';
import { psDir } from '../../src/util/paths.js';

const reader = fileURLToPath(new URL('../helpers/Read-RegFile.ps1', import.meta.url));
const sharedDir = join(psDir, 'shared');

/** Values as the reader reports them; `hex` only for writing (the data part as is, e.g. hex(b):...). */
export type RegData =
  | { type: 'REG_DWORD'; value: number }
  | { type: 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_QWORD' | 'REG_BINARY' | 'REG_NONE' | 'REG_OTHER'; value: string }
  | { type: 'REG_MULTI_SZ'; value: string[] }
  | { type: 'hex'; value: string };
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
    default:
      throw new Error(`write ${d.type} as { type: 'hex', value: '<data part>' }`);
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

/**
 * Reads a .reg file with the product's reader (ps/shared/RegFile.ps1, through pwsh): keys as they would be written
 * back (HKEY_LOCAL_MACHINE\...), values by name, file order kept.
 */
export function readReg(file: string): RegModel {
  const stdout = execFileSync(locatePowerShell().path, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', reader, '-SharedDir', sharedDir, '-Path', file], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const keys = JSON.parse(stdout) as [string, [string, RegData][]][];
  return new Map(keys.map(([key, values]) => [key, new Map(values)]));
}

/** Plain object view for toEqual: { key: { name: data } } */
export function regObject(model: RegModel): Record<string, Record<string, RegData>> {
  return Object.fromEntries([...model].map(([k, v]) => [k, Object.fromEntries(v)]));
}
