import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { failedRecord, okRecord, parseCollectorOutput } from './record.js';
import type { InventoryRecord } from './types.js';

const noGroups = { dag: null, site: null, role: null };

/**
 * Build records from collector JSON files dropped in a folder or share (collector run with -OutFile by GPO,
 * SCCM, Ansible or a scheduled task). Each file is validated like remote output; a bad file becomes a
 * failed record naming the file, and the others still count.
 */
export async function* recordsFromFolder(folder: string): AsyncGenerator<InventoryRecord> {
  let entries: string[];
  try {
    entries = (await readdir(folder)).filter((f) => f.toLowerCase().endsWith('.json')).sort();
  } catch (err) {
    throw new UsageError(`cannot read folder ${folder}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (entries.length === 0) throw new UsageError(`${folder}: no collector .json files found`);
  for (const file of entries) {
    const path = join(folder, file);
    const fallbackName = basename(file, '.json');
    const info = await stat(path);
    const startedAt = info.mtime.toISOString();
    const target = { name: fallbackName, address: fallbackName, groups: noGroups, transport: 'file' as const };
    const parsed = parseCollectorOutput((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
    if ('error' in parsed) {
      yield failedRecord(target, 'invalid-output', `${path}: ${parsed.error}`, startedAt, 0);
      continue;
    }
    const name = parsed.data.computerName;
    yield okRecord({ ...target, name, address: name }, parsed.data, parsed.data.collector.startedAt, parsed.data.collector.durationMs);
  }
}
