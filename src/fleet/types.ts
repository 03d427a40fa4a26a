// The fleet file's contract is schemas/fleet.schema.json; these names are views of the types generated from it.
import type * as C from '../contracts/fleet.js';
import type { ReadLimits } from '../util/read-file.js';

export type Transport = C.Transport;
type WinRmOptions = C.Winrm;
type SshOptions = C.Ssh;
type CollectorOptions = C.Collector;
export type FleetFile = C.ExtlsFleetFile;

/** A server with the defaults applied: what the fan-out works from. */
export interface FleetServer {
  name: string;
  address: string;
  /** fleet `smtpFqdn`: the name Exchange Online's connector expects on the SMTP certificate */
  smtpFqdn?: string | null;
  transport: Transport;
  timeoutSeconds: number;
  groups: { dag: string | null; site: string | null; role: string | null };
  winrm: WinRmOptions;
  ssh: SshOptions;
  collector: CollectorOptions;
}

export interface Fleet {
  source: string;
  throttle: number;
  /** defaults.maxFileMB and defaults.readTimeoutSeconds, for the files the run reads (drop folder) */
  readLimits: ReadLimits;
  servers: FleetServer[];
}

export const DEFAULT_THROTTLE = 32;
export const DEFAULT_TIMEOUT_SECONDS = 300;
