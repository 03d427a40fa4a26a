import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../util/paths.js';
import { UsageError } from '../util/errors.js';

interface PowerShellLocation {
  path: string;
  /** how it was found, for --verbose and error messages */
  source: 'option' | 'env' | 'project' | 'path' | 'windows';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(names: string[], envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Find PowerShell in this order: explicit option, EXTLS_PWSH, the project-local pwsh (scripts/setup.sh),
 * pwsh on PATH, powershell.exe on Windows.
 */
export function locatePowerShell(explicit?: string, env: NodeJS.ProcessEnv = process.env): PowerShellLocation {
  if (explicit) {
    if (!isExecutable(explicit)) throw new UsageError(`PowerShell not found at --pwsh ${explicit}`);
    return { path: explicit, source: 'option' };
  }
  if (env.EXTLS_PWSH) {
    if (!isExecutable(env.EXTLS_PWSH)) throw new UsageError(`PowerShell not found at EXTLS_PWSH=${env.EXTLS_PWSH}`);
    return { path: env.EXTLS_PWSH, source: 'env' };
  }
  const exe = process.platform === 'win32' ? 'pwsh.exe' : 'pwsh';
  const project = join(packageRoot, '.tools', 'pwsh', exe);
  if (isExecutable(project)) return { path: project, source: 'project' };
  const fromPath = onPath(process.platform === 'win32' ? ['pwsh.exe'] : ['pwsh'], env.PATH);
  if (fromPath) return { path: fromPath, source: 'path' };
  if (process.platform === 'win32') {
    const winPs = onPath(['powershell.exe'], env.PATH);
    if (winPs) return { path: winPs, source: 'windows' };
  }
  throw new UsageError(
    'PowerShell was not found. Run `npm run setup` (installs pwsh 7.6.9 into .tools/pwsh with ' +
      '`dotnet tool install PowerShell --version 7.6.9 --tool-path .tools/pwsh`), install PowerShell 7 ' +
      '(https://aka.ms/powershell), or point --pwsh / EXTLS_PWSH at it.',
  );
}
