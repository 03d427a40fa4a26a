import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodePowerShell from 'node-powershell';
import { psLiteral } from '../runbooks/escape.js';
import { childEnv } from './run.js';

/** Output of one script run: the success stream as text lines, and the error records' messages. */
export interface HostResult {
  output: string;
  errors: string[];
}

/**
 * Runs PowerShell script files with named parameters in one persistent pwsh (docs/decisions/persistent-powershell.md).
 * Parameters are data in a JSON request file; they are never pasted into command text.
 */
export interface PowerShellHost {
  invokeFile(file: string, parameters: Record<string, string>): Promise<HostResult>;
  close(): Promise<void>;
}

// Fixed text, sent once: reads a request file ({file, parameters}) and writes {output, errors} to a response
// file. Only the request file's path (ours, from mkdtemp, quoted as a PowerShell literal) is in command text.
const RUNNER = [
  'function global:Invoke-ExTlsHostRequest([string]$RequestPath, [string]$ResponsePath) {',
  '$r = Get-Content -LiteralPath $RequestPath -Raw -Encoding UTF8 | ConvertFrom-Json;',
  '$p = @{}; foreach ($x in $r.parameters.PSObject.Properties) { $p[$x.Name] = [string]$x.Value };',
  '$errs = @(); $out = @();',
  'try { $out = @(& ([string]$r.file) @p 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $errs += $_.ToString() } else { [string]$_ } }) }',
  'catch { $errs += $_.ToString() };',
  '@{ output = ($out -join "`n"); errors = @($errs) } | ConvertTo-Json -Compress -Depth 3 | Set-Content -LiteralPath $ResponsePath -Encoding UTF8 }',
].join(' ');

/** One long-lived pwsh for many small invocations (a folder of offline exports: one collector run per server). */
export class PersistentPowerShellHost implements PowerShellHost {
  private shell: InstanceType<typeof nodePowerShell.PowerShell> | undefined;
  private dir: string | undefined;
  private counter = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly pwsh: string) {}

  private async start(): Promise<void> {
    if (this.shell) return;
    this.dir = await mkdtemp(join(tmpdir(), 'extls-host-'));
    this.shell = new nodePowerShell.PowerShell({
      executable: this.pwsh,
      executableOptions: { '-NoProfile': true, '-NonInteractive': true },
      spawnOptions: { env: childEnv() },
    });
    await this.shell.invoke(RUNNER);
  }

  invokeFile(file: string, parameters: Record<string, string>): Promise<HostResult> {
    // node-powershell runs one command at a time; serialise callers.
    const run = this.queue.then(() => this.invokeNow(file, parameters));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async invokeNow(file: string, parameters: Record<string, string>): Promise<HostResult> {
    await this.start();
    const n = ++this.counter;
    const request = join(this.dir!, `request-${n}.json`);
    const response = join(this.dir!, `response-${n}.json`);
    await writeFile(request, JSON.stringify({ file, parameters }), 'utf8');
    try {
      await this.shell!.invoke(`Invoke-ExTlsHostRequest -RequestPath ${psLiteral(request)} -ResponsePath ${psLiteral(response)}`);
      const parsed = JSON.parse((await readFile(response, 'utf8')).replace(/^\uFEFF/, '')) as { output: string | null; errors: string[] | null };
      return { output: parsed.output ?? '', errors: parsed.errors ?? [] };
    } finally {
      await rm(request, { force: true });
      await rm(response, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.shell) await this.shell.dispose();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.shell = undefined;
  }
}
