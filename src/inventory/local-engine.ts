import { availableParallelism } from 'node:os';
import { PowerShellSession } from '../powershell/session.js';
import { collectorScript } from '../util/paths.js';
import { failedRecord, recordFromCollectorText, type RecordTarget } from './record.js';
import type { InventoryRecord } from './types.js';

/** One collector run on the control node: a fleet server with `transport: local`, or a folder of `--exports`. */
export interface LocalJob {
  target: RecordTarget;
  /** the collector's options (computerName, registryExports, protocolLogPaths...), passed to it as JSON data */
  collectorOptions: Record<string, unknown>;
  timeoutSeconds: number;
}

interface LocalEngineOptions {
  pwsh: string;
  throttle: number;
  onRecord: (record: InventoryRecord) => void;
  signal?: AbortSignal;
  /** the collector script; tests give a stand-in */
  collectorPath?: string;
}

/**
 * The control node's one engine for its own collector runs (docs/decisions/local-powershell-engine.md):
 * persistent PowerShell sessions, as many as the throttle allows and the CPUs can use (local collection is CPU
 * work: more sessions than cores only add memory), each taking the next job when it is free; the scanner is
 * compiled once per session, not per server. Every job gets one
 * record, except those the signal cuts short: the caller marks them interrupted.
 */
export async function collectLocal(jobs: readonly LocalJob[], options: LocalEngineOptions): Promise<void> {
  if (jobs.length === 0) return;
  const max = Math.max(1, Math.min(options.throttle, availableParallelism(), jobs.length));
  const sessions: PowerShellSession[] = [];
  const stopAll = () => void Promise.all(sessions.map((s) => s.stop()));
  options.signal?.addEventListener('abort', stopAll, { once: true });
  let next = 0;
  const workers: Promise<void>[] = [];
  // A session's first run starts PowerShell and compiles the collector's scanner: seconds of CPU, where a warm
  // run takes a fraction of one. So sessions are added one at a time, each only when the work left would take
  // the running sessions longer than two such starts.
  let startMs = 0;
  let warmMs = 0;
  let warmRuns = 0;
  const grow = () => {
    if (sessions.length >= max || warmRuns === 0 || options.signal?.aborted) return;
    if (((jobs.length - next) * (warmMs / warmRuns)) / sessions.length < 2 * startMs) return;
    const session = new PowerShellSession(options.pwsh);
    sessions.push(session);
    workers.push(work(session));
  };
  const work = async (session: PowerShellSession) => {
    let first = true;
    while (next < jobs.length && !options.signal?.aborted) {
      const job = jobs[next++]!;
      const record = await runJob(session, job, options.collectorPath ?? collectorScript);
      if (options.signal?.aborted) break;
      if (first) startMs = Math.max(startMs, record.durationMs);
      else {
        warmMs += record.durationMs;
        warmRuns++;
      }
      first = false;
      options.onRecord(record);
      grow();
    }
  };
  try {
    const first = new PowerShellSession(options.pwsh);
    sessions.push(first);
    workers.push(work(first));
    // workers may be added while we wait
    for (let i = 0; i < workers.length; i++) await workers[i];
  } finally {
    options.signal?.removeEventListener('abort', stopAll);
    await Promise.all(sessions.map((s) => (options.signal?.aborted ? s.stop() : s.close())));
  }
}

async function runJob(session: PowerShellSession, job: LocalJob, collector: string): Promise<InventoryRecord> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const result = await session.run(collector, { OptionsJson: JSON.stringify(job.collectorOptions) }, job.timeoutSeconds * 1000);
    if (result === 'stopped') {
      // PowerShell died under the collector (or the run is being interrupted: then the record is dropped)
      await session.stop();
      return failedRecord(job.target, 'collector-error', 'PowerShell stopped before the collector finished', startedAt, ms());
    }
    if (result === 'timeout') {
      return failedRecord(job.target, 'timeout', `no result within ${job.timeoutSeconds} s; the collection was stopped`, startedAt, ms());
    }
    if (result.errors.length > 0) return failedRecord(job.target, 'collector-error', result.errors.join('; '), startedAt, ms());
    return recordFromCollectorText(job.target, result.output, startedAt, ms());
  } catch (err) {
    // the session itself failed (PowerShell could not start or died): this server fails, the next gets a new one
    await session.stop();
    return failedRecord(job.target, 'collector-error', `PowerShell failed: ${err instanceof Error ? err.message : String(err)}`, startedAt, ms());
  }
}
