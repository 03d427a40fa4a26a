import { execa } from 'execa';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

export const extlsBin = join(packageRoot, 'bin', 'extls.js');

/** Run the built CLI (npm run build first) the way a user would: node bin/extls.js ... */
export function runCli(args: string[], options: { input?: string; cwd?: string; env?: Record<string, string> } = {}) {
  return execa(process.execPath, [extlsBin, ...args], {
    input: options.input,
    cwd: options.cwd ?? packageRoot,
    reject: false,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
  });
}
