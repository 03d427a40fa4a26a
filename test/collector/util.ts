// Shared shapes and lookups for the collector tests (types mirror schemas/collector-output.schema.json).
import { validatorFor, describeErrors } from '../../src/util/schemas.js';

export type RegValue = { present: false } | { present: true; type: string; value: number | string | string[] | null };
export interface ProtocolEntry {
  protocol: string;
  side: 'Client' | 'Server';
  path: string;
  keyExists: boolean;
  enabled: RegValue;
  disabledByDefault: RegValue;
}
export interface CollectorOutput {
  schemaVersion: 1;
  collector: { registrySource: string; registryFiles: string[]; version: string };
  computerName: string;
  schannel: { path: string; protocols: ProtocolEntry[]; allowInsecureRenegoClients: RegValue; allowInsecureRenegoServers: RegValue };
  dotNet: {
    frameworks: { version: string; view: string; path: string; keyExists: boolean; systemDefaultTlsVersions: RegValue; schUseStrongCrypto: RegValue }[];
    release: { path: string; value: RegValue };
  };
  winHttp: { view: string; path: string; defaultSecureProtocols: RegValue }[];
  cipherSuiteOrder: { policy: { path: string; value: RegValue }; local: { path: string; value: RegValue } };
  os: { productName: string | null; currentBuild: string | null; ubr: number | null; installationType: string | null; displayVersion?: string | null };
  exchange: { installed: boolean; setupKeyPath: string | null; installPath: string | null; build: string | null; buildSource: string | null; roles: string[]; isEdge: boolean };
  pendingReboot: { pending: boolean; reasons: { source: string; path: string; detail?: string }[] };
  cluster: { member: boolean; clusterName: string | null };
  protocolLogs?: unknown;
  warnings: { section: string; message: string }[];
}

/** Asserts the document matches the schema (with readable errors) and returns it typed. */
export function expectValidOutput(json: unknown): CollectorOutput {
  const validate = validatorFor<CollectorOutput>('collector-output.schema.json');
  const ok = validate(json);
  if (!ok) throw new Error(`collector output does not match the schema:\n${describeErrors(validate.errors, 20).join('\n')}`);
  return json as CollectorOutput;
}

export function protocol(out: CollectorOutput, name: string, side: 'Client' | 'Server'): ProtocolEntry {
  const found = out.schannel.protocols.find((p) => p.protocol === name && p.side === side);
  if (!found) throw new Error(`no ${name} ${side} entry; have ${out.schannel.protocols.map((p) => `${p.protocol}/${p.side}`).join(', ')}`);
  return found;
}

export function framework(out: CollectorOutput, version: string, view: string) {
  const found = out.dotNet.frameworks.find((f) => f.version === version && f.view === view);
  if (!found) throw new Error(`no .NET ${version} ${view} entry`);
  return found;
}

export const dword = (value: number): RegValue => ({ present: true, type: 'REG_DWORD', value });
export const absent: RegValue = { present: false };

/** PowerShell 7's concise error view wraps long messages (at spaces) onto "     | " lines; join them back. */
export function unwrap(stderr: string): string {
  return stderr.replace(/\s*\r?\n\s*\|\s*/g, ' ');
}
