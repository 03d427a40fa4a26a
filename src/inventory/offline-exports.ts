import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { PowerShellHost } from '../powershell/host.js';
import { UsageError } from '../util/errors.js';
import { collectorScript } from '../util/paths.js';
import { byServerName } from '../util/server-order.js';
import { failedRecord, recordFromCollectorText } from './record.js';
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
 * if present, <folder>/<SERVER>/logs (copied protocol logs). Many small collector runs, so they go through
 * one persistent PowerShell (node-powershell) instead of a new pwsh per server.
 */
export async function* recordsFromExports(
  folder: string,
  host: PowerShellHost,
  collectorOptions: Record<string, unknown> = {},
): AsyncGenerator<InventoryRecord> {
  if (!(await isDir(folder))) throw new UsageError(`--exports ${folder}: not a folder`);
  const servers = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort(byServerName);
  if (servers.length === 0) throw new UsageError(`--exports ${folder}: expected one sub-folder per server holding its .reg files`);
  for (const name of servers) {
    const dir = join(folder, name);
    const target = { name, address: name, groups: { dag: null, site: null, role: null }, transport: 'local' as const };
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const regs = await filesUnder(dir, '.reg');
    if (regs.length === 0) {
      yield failedRecord(target, 'collector-error', `${relative(process.cwd(), dir) || dir}: no .reg files`, startedAt, 0);
      continue;
    }
    const options: Record<string, unknown> = { ...collectorOptions, computerName: name, registryExports: regs };
    const logs = join(dir, 'logs');
    if (await isDir(logs)) options.protocolLogPaths = [logs];
    else options.scanLogs = false;
    const result = await host.invokeFile(collectorScript, { OptionsJson: JSON.stringify(options) });
    const ms = Math.round(performance.now() - started);
    yield result.errors.length > 0
      ? failedRecord(target, 'collector-error', result.errors.join('; '), startedAt, ms)
      : recordFromCollectorText(target, result.output, startedAt, ms);
  }
}
