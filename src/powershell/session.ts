import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { documentReadLimits, readTextChecked } from '../util/read-file.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodePowerShell from 'node-powershell';
import { psLiteral } from '../runbooks/escape.js';
import { childEnv } from './run.js';

/** Output of one script run: the success stream as text lines, and the error records' messages. */
interface SessionResult {
  output: string;
  errors: string[];
}

// Fixed text, sent once per session: reads a request file ({file, parameters}) and writes {output, errors} to a
// response file. Only the request file's path (ours, from mkdtemp, quoted as a PowerShell literal) is in command
// text; the script, its parameters and anything they hold are data. $PID is the real PowerShell process (a pwsh
// installed as a .NET tool is a launcher with PowerShell as its child): the one a time-out must stop.
const RUNNER = [
  'function global:Invoke-ExTlsSessionRequest([string]$RequestPath, [string]$ResponsePath) {',
  '$r = Get-Content -LiteralPath $RequestPath -Raw -Encoding UTF8 | ConvertFrom-Json;',
  '$p = @{}; foreach ($x in $r.parameters.PSObject.Properties) { $p[$x.Name] = [string]$x.Value };',
  '$errs = @(); $out = @();',
  'try { $out = @(& ([string]$r.file) @p 2>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $errs += $_.ToString() } else { [string]$_ } }) }',
  'catch { $errs += $_.ToString() };',
  '@{ output = ($out -join "`n"); errors = @($errs) } | ConvertTo-Json -Compress -Depth 3 | Set-Content -LiteralPath $ResponsePath -Encoding UTF8 };',
  '"pid=$PID"',
].join(' ');

const live = new Set<PowerShellSession>();
let exitHookInstalled = false;

function kill(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * One long-lived pwsh (node-powershell) for many script runs in a row: the control node's own PowerShell work
 * (docs/decisions/local-powershell-engine.md). The collector's scanner is compiled once per session, not per
 * server. Runs one script at a time; a run that outlives its time-out ends the session (the next run starts a
 * new one), so a hung script never holds up the rest.
 */
export class PowerShellSession {
  private shell: InstanceType<typeof nodePowerShell.PowerShell> | undefined;
  private starting: Promise<void> | undefined;
  private dir: string | undefined;
  private realPid: number | undefined;
  private counter = 0;
  /** bumped by stop(): a start still under way then knows its session is gone */
  private generation = 0;

  constructor(private readonly pwsh: string) {}

  private start(): Promise<void> {
    this.starting ??= this.launch(this.generation);
    return this.starting;
  }

  private async launch(generation: number): Promise<void> {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // nothing of a session may outlive extls (a killed launcher would leave PowerShell running)
      process.once('exit', () => {
        for (const s of live) s.killNow();
      });
    }
    const dir = await mkdtemp(join(tmpdir(), 'extls-session-'));
    if (generation !== this.generation) {
      await rm(dir, { recursive: true, force: true }); // stopped while starting
      throw new Error('the session was stopped while it started');
    }
    live.add(this);
    this.dir = dir;
    // node-powershell would take NODE_POWERSHELL over the executable given; extls's choice (--pwsh, EXTLS_PWSH,
    // the project's pwsh) is the one that runs. The constructor is synchronous, so the variable is back at once.
    const override = process.env.NODE_POWERSHELL;
    delete process.env.NODE_POWERSHELL;
    let shell: InstanceType<typeof nodePowerShell.PowerShell>;
    try {
      shell = this.shell = this.spawn();
    } finally {
      if (override !== undefined) process.env.NODE_POWERSHELL = override;
    }
    const started = await shell.invoke(RUNNER);
    if (generation !== this.generation) throw new Error('the session was stopped while it started');
    const pid = /pid=(\d+)/.exec(started.stdout?.toString() ?? '')?.[1];
    this.realPid = pid === undefined ? undefined : Number(pid);
  }

  private spawn(): InstanceType<typeof nodePowerShell.PowerShell> {
    return new nodePowerShell.PowerShell({
      executable: this.pwsh,
      executableOptions: { '-NoLogo': true, '-NoProfile': true, '-NonInteractive': true },
      // TERM=dumb: with a terminal type PowerShell writes cursor-mode escapes on stdout, which can hide the end
      // marker node-powershell waits for (a run then hangs until its time-out)
      spawnOptions: { env: { ...childEnv(), TERM: 'dumb' } },
      // whatever reaches stderr (a warning, runtime noise) is not the script's failure: its errors come back
      // in the response file
      throwOnInvocationError: false,
    });
  }

  /**
   * Run a script file with named string parameters. Resolves 'timeout' when it has not finished within
   * timeoutMs (the session is then ended), 'stopped' when stop() ended the session during the run.
   */
  async run(file: string, parameters: Record<string, string>, timeoutMs = 0): Promise<SessionResult | 'timeout' | 'stopped'> {
    // the time-out counts from here: a PowerShell that starts but never answers is stopped like a hung script
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      if (timeoutMs > 0) timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let request: string | undefined;
    let response: string | undefined;
    try {
      const ready = this.start().then(() => 'ready' as const);
      ready.catch(() => undefined); // a start that fails after the time-out has nobody left to tell
      if ((await Promise.race([ready, timedOut])) === 'timeout') {
        await this.stop();
        return 'timeout';
      }
      const shell = this.shell!;
      const n = ++this.counter;
      request = join(this.dir!, `request-${n}.json`);
      response = join(this.dir!, `response-${n}.json`);
      await writeFile(request, JSON.stringify({ file, parameters }), 'utf8');
      const invoked = shell
        .invoke(`Invoke-ExTlsSessionRequest -RequestPath ${psLiteral(request)} -ResponsePath ${psLiteral(response)}`)
        .then(() => 'done' as const, () => 'stopped' as const);
      const outcome = await Promise.race([invoked, timedOut]);
      if (outcome === 'timeout') {
        await this.stop();
        return 'timeout';
      }
      shell.history.length = 0; // node-powershell keeps every invocation; a long run of servers needs none of them
      if (outcome === 'stopped' || this.shell !== shell) return 'stopped';
      const text = await readTextChecked(response, documentReadLimits).then((r) => r.text, () => undefined);
      if (text === undefined) return 'stopped';
      const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as { output: string | null; errors: string[] | null };
      return { output: parsed.output ?? '', errors: parsed.errors ?? [] };
    } finally {
      clearTimeout(timer);
      if (request) await rm(request, { force: true });
      if (response) await rm(response, { force: true });
    }
  }

  private killNow(): void {
    kill(this.realPid);
    kill((this.shell as unknown as { process?: { pid?: number } } | undefined)?.process?.pid);
  }

  /** End the session now, whatever it is running; the next run() starts a new one. */
  async stop(): Promise<void> {
    // not waiting for a start under way: it may never finish; it sees the new generation and gives up
    this.generation++;
    this.starting?.catch(() => undefined);
    const shell = this.shell;
    const dir = this.dir;
    this.killNow();
    this.shell = undefined;
    this.starting = undefined;
    this.realPid = undefined;
    this.dir = undefined;
    live.delete(this);
    await shell?.dispose('SIGKILL').catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  /**
   * End an idle session the way PowerShell ends on its own (its input closed), so the launcher reaps it; if it
   * is still there after a few seconds, stop() it.
   */
  async close(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const shell = this.shell;
    if (!shell) return this.stop();
    const exited = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000);
      shell.streams.stdout.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    shell.streams.stdin.end();
    if (!(await exited)) return this.stop();
    this.realPid = undefined; // gone: its number may belong to another process by now
    return this.stop();
  }
}
