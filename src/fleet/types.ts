/** Fleet file as written by the admin (schemas/fleet.schema.json). */
export type Transport = 'winrm' | 'ssh' | 'local';

export interface WinRmOptions {
  useSsl?: boolean;
  port?: number;
  authentication?: string;
  useCredential?: boolean;
}

export interface SshOptions {
  userName?: string;
  keyFilePath?: string;
  port?: number;
  connectTimeoutSeconds?: number;
  options?: Record<string, string>;
}

export interface CollectorOptions {
  registryExports?: string[];
  exchangeInstallPath?: string;
  protocolLogPaths?: string[];
  logDays?: number;
  logByteBudget?: number;
  referenceTime?: string;
  scanLogs?: boolean;
}

export interface FleetServerEntry {
  name: string;
  address?: string;
  transport?: Transport;
  port?: number;
  dag?: string;
  site?: string;
  role?: string;
  timeoutSeconds?: number;
  winrm?: WinRmOptions;
  ssh?: SshOptions;
  collector?: CollectorOptions;
}

export interface FleetFile {
  defaults?: {
    transport?: Transport;
    throttle?: number;
    timeoutSeconds?: number;
    winrm?: WinRmOptions;
    ssh?: SshOptions;
    collector?: CollectorOptions;
  };
  servers: FleetServerEntry[];
}

/** A server with the defaults applied: what the fan-out works from. */
export interface FleetServer {
  name: string;
  address: string;
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
  servers: FleetServer[];
}

export const DEFAULT_THROTTLE = 32;
export const DEFAULT_TIMEOUT_SECONDS = 300;
