// Real-format inputs for findings tests. The base is genuine collector output: dist/ExTlsCollector.ps1 run with
// registryExports=[test/fixtures/inventory/server-ok.reg] (WS2019 17763, Exchange 2019 CU14 15.2.1544.4, DAG01),
// with startedAt/durationMs pinned and roles written as the schema's string array. Every builder result is
// checked against schemas/collector-output.schema.json by `valid()`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectorOutput, Inventory, InventoryRecord, RegValue } from '../../src/inventory/types.js';
import { packageRoot } from '../../src/util/paths.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';

const base: CollectorOutput = JSON.parse(readFileSync(join(packageRoot, 'test', 'findings', 'collector-output.base.json'), 'utf8'));

export const dw = (value: number): RegValue => ({ present: true, type: 'REG_DWORD', value });
export const missing: RegValue = { present: false };

export function valid<T extends CollectorOutput | InventoryRecord | Inventory>(doc: T, schema = 'collector-output.schema.json'): T {
  const v = validatorFor(schema);
  if (!v(doc)) throw new Error(`test input does not match ${schema}:\n${describeErrors(v.errors).join('\n')}`);
  return doc;
}

/** The raw collector output, as collected (TLS 1.2 explicit on, nothing else set). */
export function rawOutput(): CollectorOutput {
  return structuredClone(base);
}

/** A server that passes tls12-ready: the base plus .NET 4.8 and every .NET value at 1. */
export function readyOutput(): CollectorOutput {
  const o = rawOutput();
  for (const f of o.dotNet.frameworks) {
    f.keyExists = true;
    f.systemDefaultTlsVersions = dw(1);
    f.schUseStrongCrypto = dw(1);
  }
  o.dotNet.release.value = dw(528049);
  return o;
}

export function setSchannel(o: CollectorOutput, protocol: string, side: 'Client' | 'Server' | 'both', enabled: RegValue | number, dbd: RegValue | number): CollectorOutput {
  const v = (x: RegValue | number) => (typeof x === 'number' ? dw(x) : x);
  for (const p of o.schannel.protocols) {
    if (p.protocol === protocol && (side === 'both' || p.side === side)) {
      p.enabled = v(enabled);
      p.disabledByDefault = v(dbd);
      p.keyExists = p.enabled.present || p.disabledByDefault.present || p.keyExists;
    }
  }
  return o;
}

/** Turn TLS 1.0/1.1 and SSL 2.0/3.0 explicitly off on both sides (a server ready for legacy-off). */
export function legacyOff(o: CollectorOutput): CollectorOutput {
  for (const p of ['SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1']) setSchannel(o, p, 'both', 0, 1);
  return o;
}

export function setOs(o: CollectorOutput, build: string, productName: string): CollectorOutput {
  o.os.currentBuild = build;
  o.os.productName = productName;
  return o;
}

export function setExchange(o: CollectorOutput, build: string | null, installed = true): CollectorOutput {
  o.exchange.installed = installed;
  o.exchange.build = build;
  if (!installed) Object.assign(o.exchange, { setupKeyPath: null, installPath: null, buildSource: null, roles: [] });
  return o;
}

export function record(o: CollectorOutput | null, server = 'EX01', groups: Partial<InventoryRecord['groups']> = {}): InventoryRecord {
  const r: InventoryRecord = {
    schemaVersion: 1,
    server,
    address: server.toLowerCase(),
    transport: 'file',
    groups: { dag: null, site: null, role: null, ...groups },
    status: o ? 'ok' : 'failed',
    failure: o ? null : { category: 'unreachable', message: `${server}: WinRM cannot complete the operation` },
    startedAt: '2026-01-15T10:00:00Z',
    durationMs: 1000,
    data: o ? { ...o, computerName: server } : null,
  };
  return valid(r, 'inventory-record.schema.json');
}

export function inventory(records: InventoryRecord[]): Inventory {
  const ok = records.filter((r) => r.status === 'ok').length;
  return {
    schemaVersion: 1,
    tool: { name: 'extls', version: '0.1.0' },
    createdAt: '2026-01-15T10:00:00Z',
    source: 'test',
    servers: records,
    summary: { total: records.length, ok, failed: records.length - ok },
  };
}

/** Fixed reference time so support-status findings do not change with the calendar. */
export const referenceTime = new Date('2026-01-15T00:00:00Z');
