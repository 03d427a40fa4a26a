/** TypeScript views of schemas/collector-output.schema.json and schemas/inventory-record.schema.json. */
export type RegValue =
  | { present: false }
  | {
      present: true;
      type: 'REG_DWORD' | 'REG_QWORD' | 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_MULTI_SZ' | 'REG_BINARY' | 'REG_NONE' | 'REG_OTHER';
      value: number | string | string[] | null;
    };

export interface SchannelProtocolSide {
  protocol: string;
  side: 'Client' | 'Server';
  path: string;
  keyExists: boolean;
  enabled: RegValue;
  disabledByDefault: RegValue;
}

export interface CollectorOutput {
  schemaVersion: 1;
  collector: {
    version: string;
    psVersion: string;
    psEdition: string;
    startedAt: string;
    durationMs: number;
    registrySource: 'live' | 'reg-export';
    registryFiles: string[];
  };
  computerName: string;
  schannel: {
    path: string;
    protocols: SchannelProtocolSide[];
    allowInsecureRenegoClients: RegValue;
    allowInsecureRenegoServers: RegValue;
  };
  dotNet: {
    frameworks: Array<{
      version: 'v2.0.50727' | 'v4.0.30319';
      view: 'native' | 'wow6432';
      path: string;
      keyExists: boolean;
      systemDefaultTlsVersions: RegValue;
      schUseStrongCrypto: RegValue;
    }>;
    release: { path: string; value: RegValue };
  };
  winHttp: Array<{ view: 'native' | 'wow6432'; path: string; defaultSecureProtocols: RegValue }>;
  cipherSuiteOrder: { policy: { path: string; value: RegValue }; local: { path: string; value: RegValue } };
  os: {
    path: string;
    productName: string | null;
    currentBuild: string | null;
    ubr: number | null;
    installationType: string | null;
    displayVersion?: string | null;
  };
  exchange: {
    installed: boolean;
    setupKeyPath: string | null;
    installPath: string | null;
    build: string | null;
    buildSource: 'exsetup-file' | 'setup-registry' | null;
    roles: string[];
    isEdge: boolean;
  };
  pendingReboot: {
    pending: boolean;
    reasons: Array<{ source: string; path: string; detail?: string }>;
  };
  cluster: { member: boolean; clusterName: string | null };
  /** schemas/protocol-logs.schema.json */
  protocolLogs?: unknown;
  warnings: Array<{ section: string; message: string }>;
}

export type FailureCategory = 'unreachable' | 'auth' | 'timeout' | 'collector-error' | 'invalid-output';

export interface InventoryRecord {
  schemaVersion: 1;
  server: string;
  address: string;
  transport: 'winrm' | 'ssh' | 'local' | 'file';
  groups: { dag: string | null; site: string | null; role: string | null };
  status: 'ok' | 'failed';
  failure: { category: FailureCategory; message: string } | null;
  startedAt: string;
  durationMs: number;
  data: CollectorOutput | null;
}

export interface Inventory {
  schemaVersion: 1;
  tool: { name: 'extls'; version: string };
  createdAt: string;
  source: string;
  servers: InventoryRecord[];
  summary: { total: number; ok: number; failed: number };
}
