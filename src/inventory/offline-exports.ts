import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { offlineServer } from '../fleet/load.js';
import { DEFAULT_THROTTLE, type Fleet } from '../fleet/types.js';
import { UsageError } from '../util/errors.js';
import { defaultReadLimits } from '../util/read-file.js';
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
 * if present, <folder>/<SERVER>/logs (copied protocol logs). Each server folder becomes a fleet server with
 * transport local, collected like any other (collectFleet); a folder without .reg files is a failed record.
 */
export async function fleetFromExports(folder: string, timeoutSeconds?: number): Promise<{ fleet: Fleet; failed: InventoryRecord[] }> {
  if (!(await isDir(folder))) throw new UsageError(`--exports ${folder}: not a folder`);
  const names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort(byServerName);
  if (names.length === 0) throw new UsageError(`--exports ${folder}: expected one sub-folder per server holding its .reg files`);
  const fleet: Fleet = { source: folder, throttle: DEFAULT_THROTTLE, readLimits: defaultReadLimits, servers: [] };
  const failed: InventoryRecord[] = [];
  for (const name of names) {
    const dir = join(folder, name);
    const regs = await filesUnder(dir, '.reg');
    const logs = join(dir, 'logs');
    const hasLogs = await isDir(logs);
    const server = offlineServer(name, hasLogs ? { registryExports: regs, protocolLogPaths: [logs] } : { registryExports: regs, scanLogs: false }, timeoutSeconds);
    if (regs.length > 0) fleet.servers.push(server);
    else failed.push(failedRecord(server, 'collector-error', `${relative(process.cwd(), dir) || dir}: no .reg files`, new Date().toISOString(), 0));
  }
  return { fleet, failed };
}
