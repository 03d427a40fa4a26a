// Server name → output folder name that is safe on Windows and POSIX and unique within one run.
import { createHash } from 'node:crypto';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const MAX_LENGTH = 64;

/**
 * The names the runbooks folder holds at its top level besides server folders: a server named like one of them
 * gets a folder with a hash suffix instead, so it can never take the fleet report's place (or the reverse).
 */
export const FLEET_FILES = { report: 'report.html', rollout: 'rollout.md', summary: 'summary.csv' } as const;
const RESERVED = new Set([...Object.values(FLEET_FILES), '_superseded'].map((n) => n.toLowerCase()));

/** Letters, digits, '.', '-', '_' only; no leading/trailing dots; never a Windows device name; never empty. */
export function safeFolderName(server: string): string {
  let name = server
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+|[._]+$/g, '')
    .slice(0, MAX_LENGTH);
  if (name === '' || /^\.+$/.test(name)) name = 'server';
  if (WINDOWS_RESERVED.test(name.split('.')[0]!)) name = `_${name}`;
  return name;
}

/**
 * Assigns folder names to servers, unique case-insensitively (Windows and macOS file systems are). A name that
 * had to be changed, or collides, gets a short hash of the real server name, so the folder stays the same
 * from run to run whatever the order of the inventory.
 */
export class FolderNamer {
  private readonly used = new Map<string, string>();

  assign(server: string): string {
    let name = safeFolderName(server);
    if (name !== server || RESERVED.has(name.toLowerCase()) || this.used.has(name.toLowerCase())) name = `${name.slice(0, MAX_LENGTH - 9)}-${shortHash(server)}`;
    let n = 2;
    const base = name;
    while (this.used.has(name.toLowerCase()) && this.used.get(name.toLowerCase()) !== server) name = `${base}-${n++}`;
    this.used.set(name.toLowerCase(), server);
    return name;
  }
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}
