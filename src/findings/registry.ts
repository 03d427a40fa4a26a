// Raw registry values → display strings, paths below HKLM, change records.
import { managedValue } from './managed-keys.js';
import type { Evidence, RegValue, RegistryChange } from './types.js';

/**
 * Each distinct path once: a fleet's servers report the same few dozen keys, and the analysis asks for every one
 * of them per server, recomputing costs time and a copy of each string (docs/decisions/registry-path-cache.md).
 */
const belowHklm = new Map<string, string>();
const full = new Map<string, string>();
const MAX_PATHS = 10_000;

function remember(cache: Map<string, string>, key: string, value: string): string {
  if (cache.size >= MAX_PATHS) cache.clear();
  cache.set(key, value);
  return value;
}

/** The collector may write "HKLM:\X", "HKLM\X", "HKEY_LOCAL_MACHINE\X" or just "X": changes always carry the path below the hive. */
export function pathBelowHklm(path: string): string {
  const known = belowHklm.get(path);
  if (known !== undefined) return known;
  let below = path.replace(/^(HKLM:?|HKEY_LOCAL_MACHINE|Registry::HKEY_LOCAL_MACHINE)\\+/i, '');
  let end = below.length;
  while (end > 0 && below.charCodeAt(end - 1) === 0x5c) end--; // trailing backslashes (no /\\+$/: it retries at every position)
  below = below.slice(0, end);
  return remember(belowHklm, path, below);
}

export function fullPath(path: string): string {
  return full.get(path) ?? remember(full, path, `HKLM\\${pathBelowHklm(path)}`);
}

export function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** The DWORD number when the value is a present REG_DWORD, else null. */
export function dword(v: RegValue): number | null {
  return v.present && v.type === 'REG_DWORD' && typeof v.value === 'number' ? v.value : null;
}

export function isWrongType(v: RegValue): boolean {
  return v.present && (v.type !== 'REG_DWORD' || typeof v.value !== 'number');
}

/** "missing", "1", "0xffffffff (4294967295)", "REG_SZ '1'" */
export function displayValue(v: RegValue): string {
  if (!v.present) return 'missing';
  if (v.type === 'REG_DWORD' && typeof v.value === 'number') {
    return v.value === 0 || v.value === 1 ? String(v.value) : `${hex(v.value)} (${v.value})`;
  }
  const shown = Array.isArray(v.value) ? `[${v.value.map((s) => `'${s}'`).join(', ')}]` : v.value === null ? 'null' : `'${v.value}'`;
  return `${v.type} ${shown}`;
}

function rawOf(v: RegValue): number | string | string[] | null {
  return v.present ? v.value : null;
}

export function registryEvidence(path: string, name: string, value: RegValue): Evidence {
  return {
    kind: 'registry',
    path: pathBelowHklm(path),
    name,
    raw: value,
    display: `${fullPath(path)}\\${name} = ${displayValue(value)}`,
  };
}

/**
 * A REG_DWORD change, or null when the value already is exactly the desired DWORD (so a re-run plans nothing) or
 * is not one extls manages (the path came from the collected record: it only selects among extls's own keys).
 */
export function dwordChange(path: string, name: string, current: RegValue, desired: number): RegistryChange | null {
  if (dword(current) === desired) return null;
  const managed = managedValue(pathBelowHklm(path), name);
  if (!managed) return null;
  return {
    hive: 'HKLM',
    path: managed.path,
    fullPath: `HKLM\\${managed.path}`,
    name: managed.name,
    type: 'REG_DWORD',
    current: rawOf(current),
    currentType: current.present ? current.type : null,
    desired,
    currentDisplay: displayValue(current),
    desiredDisplay: desired === 0 || desired === 1 ? String(desired) : `${hex(desired)} (${desired})`,
  };
}

export function changeKey(c: RegistryChange): string {
  return `${c.path.toLowerCase()}\u0000${c.name.toLowerCase()}`;
}
