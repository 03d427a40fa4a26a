// --out checks made before a run starts: a wrong path should cost a second, not the whole collection or analysis.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

const kind = (p: string) => {
  const info = statSync(p, { throwIfNoEntry: false });
  return info === undefined ? 'missing' : info.isDirectory() ? 'folder' : 'file';
};

/** `--out <file>`: its folder exists, and the path is not a folder. */
export function checkOutFile(file: string, flag = '--out'): void {
  if (kind(file) === 'folder') throw new UsageError(`${flag} ${file}: is a folder; give a file name`);
  const dir = dirname(resolve(file));
  const d = kind(dir);
  if (d === 'missing') throw new UsageError(`${flag} ${file}: the folder ${dir} does not exist`);
  if (d === 'file') throw new UsageError(`${flag} ${file}: ${dir} is a file, not a folder`);
}

/** `--out <folder>`: an existing folder, or one that can be created (no file in the way, on itself or above). */
export function checkOutFolder(folder: string, flag = '--out'): void {
  let p = resolve(folder);
  for (;;) {
    const k = kind(p);
    if (k === 'folder') return;
    if (k === 'file') throw new UsageError(p === resolve(folder) ? `${flag} ${folder}: is a file; a folder is needed` : `${flag} ${folder}: ${p} is a file, not a folder`);
    const up = dirname(p);
    if (up === p) return;
    p = up;
  }
}
