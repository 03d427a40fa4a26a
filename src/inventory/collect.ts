import { join } from 'node:path';
import type { Fleet, FleetServer } from '../fleet/types.js';
import { streamPowerShellFile } from '../powershell/run.js';
import { collectorScript, psDir } from '../util/paths.js';
import { byServerName } from '../util/server-order.js';
import { collectLocal, type LocalJob } from './local-engine.js';
import { failedRecord, recordFromCollectorText } from './record.js';
import type { FailureCategory, InventoryRecord } from './types.js';

export const driverScript = join(psDir, 'driver', 'Invoke-ExTlsFanout.ps1');

export interface Credential {
  userName: string;
  password: string;
}

interface CollectOptions {
  pwsh: string;
  throttle?: number;
  /** overrides every server's timeout */
  timeoutSeconds?: number;
  credential?: Credential;
  onRecord: (record: InventoryRecord) => void | Promise<void>;
  /** lines the driver printed that are not records (ssh client messages): debug output */
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * What the driver reads on stdin (exported so tests can check exactly what each transport is given): the whole job, every default resolved here (ports, time-outs, WinRM options): the PowerShell driver
 * reads values and never decides one.
 */
export function buildDriverJob(fleet: Fleet, options: Pick<CollectOptions, 'throttle' | 'timeoutSeconds' | 'credential'>) {
  return {
    collectorPath: collectorScript,
    throttle: options.throttle ?? fleet.throttle,
    credential: options.credential ?? null,
    // local servers are never the driver's: they run in the control node's sessions (local-engine.ts)
    servers: fleet.servers.filter((s) => s.transport !== 'local').map((s) => {
      const timeoutSeconds = options.timeoutSeconds ?? s.timeoutSeconds;
      const useSsl = s.winrm.useSsl ?? false;
      return {
        name: s.name,
        transport: s.transport,
        address: s.address,
        port: s.transport === 'ssh' ? (s.ssh.port ?? 22) : (s.winrm.port ?? (useSsl ? 5986 : 5985)),
        timeoutSeconds,
        connectTimeoutSeconds: s.ssh.connectTimeoutSeconds ?? Math.min(30, Math.ceil(timeoutSeconds)),
        winrm: { useSsl, authentication: s.winrm.authentication ?? null, useCredential: s.winrm.useCredential ?? true },
        ssh: { userName: s.ssh.userName ?? null, keyFilePath: s.ssh.keyFilePath ?? null, options: s.ssh.options ?? {} },
        collectorOptions: { computerName: s.name, ...s.collector },
      };
    }),
  };
}

interface DriverLine {
  server: string;
  startedAt: string;
  durationMs: number;
  outcome: 'ok' | 'failed';
  category: FailureCategory | null;
  message: string | null;
  output: string | null;
}

// Every category of the record schema, as a Record so the compiler notices one added to the schema.
// true: the driver may report it; stale, duplicate and clock-skew come from drop folders (--from) only, interrupted
// from extls itself (a signal stopped the run before the server finished).
const knownCategories: Readonly<Record<FailureCategory, boolean>> = {
  unreachable: true, 'name-not-resolved': true, auth: true, timeout: true, 'collector-error': true, 'invalid-output': true, stale: false, duplicate: false,
  'clock-skew': false, interrupted: false,
};
const categories = new Set((Object.keys(knownCategories) as FailureCategory[]).filter((c) => knownCategories[c]));

/**
 * Collect every server of the fleet: `transport: local` servers through the control node's session engine
 * (local-engine.ts), WinRM and SSH servers through the PowerShell fan-out driver, both at once. Every server gets
 * exactly one record, delivered to onRecord as soon as it is known, whatever happens to the others or to the
 * driver itself.
 */
export async function collectFleet(fleet: Fleet, options: CollectOptions): Promise<void> {
  const byName = new Map<string, FleetServer>(fleet.servers.map((s) => [s.name, s]));
  const done = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  const emit = (record: InventoryRecord) => {
    done.add(record.server);
    chain = chain.then(() => options.onRecord(record));
  };
  const local = fleet.servers.filter((s) => s.transport === 'local');
  const throttle = options.throttle ?? fleet.throttle;

  const [driver] = await Promise.all([
    local.length === fleet.servers.length ? undefined : runDriver(fleet, options, byName, done, emit),
    collectLocal(local.map((s) => localJob(s, options)), { pwsh: options.pwsh, throttle, signal: options.signal, onRecord: emit }),
  ]);

  const missing = fleet.servers.filter((s) => !done.has(s.name));
  if (missing.length > 0) {
    const interrupted = options.signal?.aborted === true;
    const why = interrupted
      ? 'the run was interrupted (SIGINT/SIGTERM) before this server finished; run the inventory again for it'
      : `the fan-out driver stopped (exit code ${driver?.exitCode}) before this server finished: ${lastLine(driver?.stderr ?? '')}`;
    const now = new Date().toISOString();
    for (const s of missing) emit(failedRecord(target(s), interrupted ? 'interrupted' : 'collector-error', why, now, 0));
  }
  await chain;
}

function runDriver(fleet: Fleet, options: CollectOptions, byName: Map<string, FleetServer>, done: Set<string>, emit: (r: InventoryRecord) => void) {
  const job = JSON.stringify(buildDriverJob(fleet, options));
  return streamPowerShellFile(
    options.pwsh,
    driverScript,
    job,
    (line) => {
      const parsed = parseDriverLine(line);
      const server = parsed && byName.get(parsed.server);
      if (!parsed || !server || done.has(parsed.server)) {
        if (line.trim()) options.onLog?.(line);
        return;
      }
      emit(toRecord(server, parsed));
    },
    { signal: options.signal },
  );
}

/** A local server's run: the same options the driver would give the collector, every default resolved. */
export function localJob(s: FleetServer, options: Pick<CollectOptions, 'timeoutSeconds'>): LocalJob {
  return { target: target(s), collectorOptions: { computerName: s.name, ...s.collector }, timeoutSeconds: options.timeoutSeconds ?? s.timeoutSeconds };
}

function target(s: FleetServer) {
  return { name: s.name, address: s.address, groups: s.groups, transport: s.transport };
}

function toRecord(server: FleetServer, line: DriverLine): InventoryRecord {
  if (line.outcome === 'ok' && typeof line.output === 'string') {
    return recordFromCollectorText(target(server), line.output, line.startedAt, line.durationMs);
  }
  const category = line.category && categories.has(line.category) ? line.category : 'collector-error';
  return failedRecord(target(server), category, line.message ?? 'failed without a message', line.startedAt, line.durationMs);
}

function parseDriverLine(line: string): DriverLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as Partial<DriverLine>;
    if (typeof v.server !== 'string' || (v.outcome !== 'ok' && v.outcome !== 'failed')) return undefined;
    return {
      server: v.server,
      startedAt: typeof v.startedAt === 'string' ? v.startedAt : new Date().toISOString(),
      durationMs: typeof v.durationMs === 'number' && v.durationMs >= 0 ? v.durationMs : 0,
      outcome: v.outcome,
      category: (v.category ?? null) as FailureCategory | null,
      message: typeof v.message === 'string' ? v.message : null,
      output: typeof v.output === 'string' ? v.output : null,
    };
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/).filter(Boolean);
  return lines.at(-1) ?? 'no error output';
}

/**
 * What each server would be given, without connecting: for WinRM and SSH the Invoke-Command parameters (driver
 * -PlanOnly), for local servers the collector options the session engine would pass.
 */
export async function planFleet(fleet: Fleet, options: Pick<CollectOptions, 'pwsh' | 'throttle' | 'timeoutSeconds' | 'credential'>) {
  const plans: Array<{ server: string; plan: Record<string, unknown> }> = [];
  const errors: string[] = [];
  for (const s of fleet.servers.filter((x) => x.transport === 'local')) {
    const job = localJob(s, options);
    plans.push({ server: s.name, plan: { transport: 'local', Script: 'ExTlsCollector.ps1', OptionsJson: JSON.stringify(job.collectorOptions), TimeoutSeconds: job.timeoutSeconds } });
  }
  if (fleet.servers.some((x) => x.transport !== 'local')) {
    const job = JSON.stringify(buildDriverJob(fleet, options));
    await streamPowerShellFile(options.pwsh, driverScript, job, (line) => {
      try {
        const v = JSON.parse(line) as { server: string; outcome: string; plan?: Record<string, unknown>; message?: string };
        if (v.outcome === 'plan' && v.plan) plans.push({ server: v.server, plan: v.plan });
        else errors.push(`${v.server}: ${v.message}`);
      } catch {
        /* ssh noise: there is none in plan mode, but never let it break the parse */
      }
    }, { args: ['-PlanOnly'] });
  }
  if (errors.length > 0) throw new Error(`planning failed: ${errors.join('; ')}`);
  return plans.sort((a, b) => byServerName(a.server, b.server));
}
