// Runs the bundled collector (dist/ExTlsCollector.ps1, `node scripts/build-collector.mjs`) with real pwsh and
// returns its protocolLogs property after checking the whole document against the schemas.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCollector, type CollectorRun } from '../helpers/collector.js';
import { validatorFor, describeErrors } from '../../src/util/schemas.js';

const here = dirname(fileURLToPath(import.meta.url));
export const minimalReg = join(here, '..', 'fixtures', 'protocol-logs', 'minimal.reg');

export interface Sample { file: string; line: number; reason?: string; text: string }
export interface Peer {
  direction: string;
  service: string;
  connector: string;
  remoteAddress: string | null;
  remoteName: string | null;
  remoteNames: string[];
  mailWithTlsLastSeen: string | null;
  sessions: number;
  mailSessions: number;
  tlsVersions: Record<string, number>;
  tlsLastSeen: Record<string, string>;
  legacyTlsSessions: number;
  noTlsSessions: number;
  starttlsWithoutHandshake: number;
  mailWithoutTls: number;
  ciphers: { tlsVersion: string; bulkCipher: string | null; bulkBits: number | null; macHash: string | null; keyExchange: string | null; keyExchangeBits: number | null; sessions: number }[];
  ciphersOmittedSessions: number;
  firstSeen: string;
  lastSeen: string;
}
export interface ErrorGroup {
  kind: string;
  code: string | null;
  signature: string;
  direction: string;
  service: string;
  connector: string;
  remoteAddress: string | null;
  remoteName: string | null;
  sessionStage: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  samples: Sample[];
}
export interface Evidence {
  schemaVersion: 1;
  status: 'scanned' | 'no-log-folders' | 'disabled' | 'error';
  message: string | null;
  window: { referenceTime: string; start: string; logDays: number };
  byteBudget: number;
  truncated: boolean;
  truncatedReason: string | null;
  folders: { path: string; source: string; service: string; exists: boolean; logFiles: number; filesScanned: number; bytesScanned: number }[];
  summary: Record<string, number> & { tlsVersions: Record<string, number> };
  stats: Record<string, number> & { badLineReasons: Record<string, number> };
  limits: Record<string, number>;
  peers: Peer[];
  errors: ErrorGroup[];
  badLineSamples: Sample[];
  fileErrors: { path: string; message: string }[];
  https?: unknown;
}

export interface EvidenceRun { evidence: Evidence; run: CollectorRun; warnings: { section: string; message: string }[] }

export async function collect(options: Record<string, unknown>): Promise<EvidenceRun> {
  const run = await runCollector({ registryExports: [minimalReg], computerName: 'TEST01', ...options });
  return check(run);
}

/** Parses and schema-checks one collector run's output. */
export function check(run: CollectorRun): EvidenceRun {
  if (run.exitCode !== 0 || run.json === undefined) {
    throw new Error(`collector failed (exit ${run.exitCode}):\n${run.stderr}\n${run.stdout.slice(0, 2000)}`);
  }
  const validate = validatorFor('collector-output.schema.json');
  if (!validate(run.json)) {
    throw new Error(`collector output does not match the schema:\n${describeErrors(validate.errors, 20).join('\n')}`);
  }
  const doc = run.json as { protocolLogs: Evidence; warnings: { section: string; message: string }[] };
  return { evidence: doc.protocolLogs, run, warnings: doc.warnings };
}

export function peer(ev: Evidence, direction: string, connector: string, remote: string | null): Peer {
  const p = ev.peers.find((x) => x.direction === direction && x.connector === connector && x.remoteAddress === remote);
  if (!p) throw new Error(`no peer ${direction} ${connector} ${remote}; have: ${ev.peers.map((x) => `${x.direction}|${x.connector}|${x.remoteAddress}`).join(', ')}`);
  return p;
}
