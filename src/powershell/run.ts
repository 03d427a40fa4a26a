import { execa } from 'execa';
import { createInterface } from 'node:readline';

/** Arguments every pwsh we start gets: no banner, no user profile (it could print or change behaviour), no prompts. */
const PWSH_BASE_ARGS = ['-NoLogo', '-NoProfile', '-NonInteractive'];

/**
 * The child's environment: ours minus anything that looks like a secret, so a credential the admin
 * exported for some other tool never reaches PowerShell (or the servers it talks to).
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (/pass(word)?|secret|token|credential|apikey/i.test(k)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * Process groups of the drivers still running. pwsh installed as a .NET tool is a launcher that starts the real
 * PowerShell as its own child: ending the launcher alone leaves that child running (and holding our stdout pipe)
 * until its servers time out. So each driver runs in a group of its own, and stopping it stops the group.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function trackGroup(pid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const g of liveGroups) killGroup(g, 'SIGKILL');
    });
  }
  liveGroups.add(pid);
}

interface StreamResult {
  exitCode: number;
  stderr: string;
}

/**
 * Run a PowerShell script file, feed `input` on stdin (data, never script text), and call onLine for each
 * stdout line as it arrives. Used for the fan-out driver, whose stdout is one NDJSON record per server.
 */
export async function streamPowerShellFile(
  pwsh: string,
  file: string,
  input: string,
  onLine: (line: string) => void,
  options: { signal?: AbortSignal; args?: string[] } = {},
): Promise<StreamResult> {
  const ownGroup = process.platform !== 'win32';
  const child = execa(pwsh, [...PWSH_BASE_ARGS, '-File', file, ...(options.args ?? [])], {
    input,
    detached: ownGroup,
    env: childEnv(),
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
    buffer: { stdout: false, stderr: true },
    cancelSignal: options.signal,
  });
  const pid = child.pid;
  const stop = () => pid !== undefined && killGroup(pid, 'SIGTERM');
  if (ownGroup && pid !== undefined) {
    trackGroup(pid);
    options.signal?.addEventListener('abort', stop, { once: true });
  }
  const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  lines.on('line', onLine);
  try {
    const result = await child;
    return { exitCode: result.exitCode ?? 1, stderr: String(result.stderr ?? '') };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    if (pid !== undefined && liveGroups.delete(pid)) killGroup(pid, 'SIGKILL'); // nothing of it may outlive the run
  }
}
