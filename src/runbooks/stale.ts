// Files an earlier `extls runbooks` run wrote into the same folder for servers (or phases) that this run gives no
// runbook: left in place they would contradict summary.csv ("none needed") next to a remediate.ps1 ready to run.
// They are moved, never deleted, to _superseded/<time>/<folder>/ (folder-names.ts never names a server folder so:
// a leading "_" comes only before a Windows device name).
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const SUPERSEDED_DIR = '_superseded';

export interface Superseded {
  /** where the files went, relative to the output folder */
  movedTo: string;
  folders: string[];
  files: number;
}

/** Moves the per-server files (`fileNames`) of folders this run did not write; null when there were none. */
export function moveSupersededFiles(outDir: string, written: ReadonlySet<string>, fileNames: readonly string[], generatedAt: string): Superseded | null {
  const stamp = generatedAt.replace(/[:.]/g, '-');
  const target = join(SUPERSEDED_DIR, stamp);
  const folders: string[] = [];
  let files = 0;
  for (const entry of readdirSync(outDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === SUPERSEDED_DIR || entry.name.startsWith('.') || written.has(entry.name)) continue;
    const ours = fileNames.filter((f) => existsSync(join(outDir, entry.name, f)));
    if (ours.length === 0) continue;
    const dest = join(outDir, target, entry.name);
    mkdirSync(dest, { recursive: true });
    for (const f of ours) renameSync(join(outDir, entry.name, f), join(dest, f));
    folders.push(entry.name);
    files += ours.length;
  }
  return folders.length ? { movedTo: target, folders: folders.sort(), files } : null;
}
