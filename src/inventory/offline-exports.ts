import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DEFAULT_THROTTLE, DEFAULT_TIMEOUT_SECONDS, type Fleet, type FleetServer } from '../fleet/types.js';
import { UsageError } from '../util/errors.js';
import { byServerName } from '../util/server-order.js';
import { failedRecord } from './record.js';
import type { InventoryRecord } from './types.js';

async function filesUnder(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p, suffix)));
    else if (entry.name.toLowerCase().endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * Offline analysis of servers you cannot reach: <folder>/<SERVER>/**\/*.reg (their `reg export` files) and,
 * if present, <folder>/<SERVER>/logs (copied protocol logs). Each server becomes a fleet server with transport
 * local reading those files, so the fan-out driver runs them like any fleet (one engine for local PowerShell
 * work); a folder with no .reg file is a failed record at once.
 */
export async function exportsFleet(folder: string): Promise<{ fleet: Fleet; failed: InventoryRecord[] }> {
  if (!(await isDir(folder))) throw new UsageError(`--exports ${folder}: not a folder`);
  const names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort(byServerName);
  if (names.length === 0) throw new UsageError(`--exports ${folder}: expected one sub-folder per server holding its .reg files`);
  const servers: FleetServer[] = [];
  const failed: InventoryRecord[] = [];
  for (const name of names) {
    const dir = join(folder, name);
    const groups = { dag: null, site: null, role: null };
    const regs = await filesUnder(dir, '.reg');
    if (regs.length === 0) {
      const target = { name, address: name, groups, transport: 'local' as const };
      failed.push(failedRecord(target, 'collector-error', `${relative(process.cwd(), dir) || dir}: no .reg files`, new Date().toISOString(), 0));
      continue;
    }
    const logs = join(dir, 'logs');
    const collector = (await isDir(logs)) ? { registryExports: regs, protocolLogPaths: [logs] } : { registryExports: regs, scanLogs: false };
    servers.push({ name, address: name, transport: 'local', timeoutSeconds: DEFAULT_TIMEOUT_SECONDS, groups, winrm: {}, ssh: {}, collector });
  }
  return { fleet: { source: folder, throttle: DEFAULT_THROTTLE, servers }, failed };
}
