// Knowledge base loader: one CSV per kind of fact in data/, each row naming its source.
// Lookups never throw for unknown builds: they answer `known: false` and the rules turn that into a finding.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { dataDir } from '../util/paths.js';
import type { OsDefault, Side } from './types.js';

interface ExchangeBuildRow {
  product: string;
  level: string;
  update: string;
  name: string;
  release_date: string;
  build: string;
  source: string;
  note: string;
}
interface ProductRow {
  product: string;
  major: string;
  minor: string;
  first_build: string;
  end_of_support: string;
  source: string;
}
interface TlsMinimumRow {
  product: string;
  tls12_min_build: string;
  tls12_min_name: string;
  disable_legacy_min_build: string;
  disable_legacy_min_name: string;
  source: string;
}
interface WindowsRow {
  os: string;
  version: string;
  build: string;
  winhttp_default_tls12: string;
}
interface SchannelDefaultRow {
  build: string;
  os: string;
  protocol: string;
  client_default: string;
  server_default: string;
  source: string;
  note: string;
}
interface DotNetRow {
  version: string;
  release: string;
  os_scope: string;
  is_minimum_for_version: string;
  source: string;
}
/** A cipher suite Microsoft 365 (Exchange Online) accepts, from data/m365-cipher-suites.csv. */
export interface CipherSuiteRow {
  suite: string;
  tls_versions: string;
  forward_secrecy: string;
  /** accepted: in Microsoft's current list; until-tls10-deprecation: only in the list of suites accepted until TLS 1.0/1.1 were turned off */
  status: 'accepted' | 'until-tls10-deprecation';
  /** the first Windows build whose SCHANNEL has the suite */
  windows_min_build: string;
  source: string;
}

/** From which Exchange build (on which Windows build) TLS 1.3 is supported, from data/exchange-tls13-support.csv. */
interface Tls13SupportRow {
  product: string;
  min_build: string;
  min_name: string;
  windows_min_build: string;
  protocols: string;
  source: string;
}

export interface Knowledge {
  exchangeBuilds: ExchangeBuildRow[];
  products: ProductRow[];
  tlsMinimums: TlsMinimumRow[];
  windows: WindowsRow[];
  schannelDefaults: SchannelDefaultRow[];
  dotNet: DotNetRow[];
  m365CipherSuites: CipherSuiteRow[];
  tls13Support: Tls13SupportRow[];
}

function readTable<T>(dir: string, file: string, required: string[]): T[] {
  const text = readFileSync(join(dir, file), 'utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  rows.forEach((row, i) => {
    for (const col of required) {
      if (row[col] === undefined) throw new Error(`${file} row ${i + 2}: column "${col}" is missing`);
    }
    if (!row.source && !('build_source' in row)) throw new Error(`${file} row ${i + 2}: every row must name its source`);
  });
  return rows as T[];
}

const cache = new Map<string, Knowledge>();

/** Load (once per folder) every table; a malformed table is a programming error and throws. */
export function loadKnowledge(dir: string = dataDir): Knowledge {
  let k = cache.get(dir);
  if (!k) {
    k = {
      exchangeBuilds: readTable(dir, 'exchange-builds.csv', ['product', 'level', 'update', 'name', 'release_date', 'build']),
      products: readTable(dir, 'exchange-products.csv', ['product', 'major', 'minor', 'first_build', 'end_of_support']),
      tlsMinimums: readTable(dir, 'exchange-tls-minimums.csv', ['product', 'tls12_min_build', 'disable_legacy_min_build']),
      windows: readTable(dir, 'windows-server-builds.csv', ['os', 'build', 'winhttp_default_tls12']),
      schannelDefaults: readTable(dir, 'schannel-defaults.csv', ['build', 'protocol', 'client_default', 'server_default']),
      dotNet: readTable(dir, 'dotnet-releases.csv', ['version', 'release']),
      m365CipherSuites: readTable(dir, 'm365-cipher-suites.csv', ['suite', 'tls_versions', 'forward_secrecy', 'status', 'windows_min_build']),
      tls13Support: readTable(dir, 'exchange-tls13-support.csv', ['product', 'min_build', 'min_name', 'windows_min_build', 'protocols']),
    };
    cache.set(dir, k);
  }
  return k;
}

/** "15.2.1544.4" → [15,2,1544,4]; also accepts the zero-padded form "15.02.1544.004". null when not a.b.c(.d). */
export function parseBuild(build: string | null | undefined): number[] | null {
  if (!build) return null;
  const m = /^\s*(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(build);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
}

export function compareBuilds(a: number[], b: number[]): number {
  for (let i = 0; i < 4; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export interface ExchangeBuildInfo {
  build: string | null;
  parsed: number[] | null;
  /** product line from the version numbers even when the exact build is not in the table */
  product: string | null;
  /** exact row from data/exchange-builds.csv */
  row: ExchangeBuildRow | null;
  known: boolean;
  /** newer than every build the table knows for this product (the table is just out of date) */
  newerThanKnown: boolean;
  endOfSupport: string | null;
  supportStatus: 'supported' | 'out-of-support' | 'unknown';
  tls12Capable: boolean | null;
  canDisableLegacy: boolean | null;
  tls12Minimum: string | null;
  disableLegacyMinimum: string | null;
  display: string;
}

const parsedRows = new WeakMap<Knowledge, { row: ExchangeBuildRow; parsed: number[] }[]>();

/** The build table parsed once per knowledge base (5,000 servers must not re-parse 350 rows each). */
function parsedBuilds(k: Knowledge): { row: ExchangeBuildRow; parsed: number[] }[] {
  let list = parsedRows.get(k);
  if (!list) {
    list = k.exchangeBuilds.flatMap((row) => { const parsed = parseBuild(row.build); return parsed ? [{ row, parsed }] : []; });
    parsedRows.set(k, list);
  }
  return list;
}

function productFor(k: Knowledge, v: number[]): ProductRow | null {
  const matches = k.products.filter(
    (p) => Number(p.major) === v[0] && (p.minor === '*' || Number(p.minor) === v[1]) && (v[2] ?? 0) >= Number(p.first_build),
  );
  // SE and 2019 share 15.2: the row with the highest first_build that still applies wins
  matches.sort((a, b) => Number(b.first_build) - Number(a.first_build));
  return matches[0] ?? null;
}

const buildInfos = new WeakMap<Knowledge, Map<string, ExchangeBuildInfo>>();

/**
 * What the knowledge base says about an Exchange build, worked out once per build and reference time: a fleet runs
 * a handful of builds, and each lookup scans the build table. The result is shared: treat it as read-only.
 */
export function exchangeBuildInfo(build: string | null, referenceTime: Date, k: Knowledge = loadKnowledge()): ExchangeBuildInfo {
  let cache = buildInfos.get(k);
  if (!cache) buildInfos.set(k, (cache = new Map()));
  const key = build === null ? `${referenceTime.getTime()} none` : `${referenceTime.getTime()} build ${build}`;
  let info = cache.get(key);
  if (!info) {
    if (cache.size >= 1000) cache.clear();
    cache.set(key, (info = lookUpExchangeBuild(build, referenceTime, k)));
  }
  return info;
}

function lookUpExchangeBuild(build: string | null, referenceTime: Date, k: Knowledge): ExchangeBuildInfo {
  const parsed = parseBuild(build);
  const none: ExchangeBuildInfo = {
    build, parsed, product: null, row: null, known: false, newerThanKnown: false, endOfSupport: null,
    supportStatus: 'unknown', tls12Capable: null, canDisableLegacy: null, tls12Minimum: null, disableLegacyMinimum: null,
    display: build ? `${build} (unknown build)` : 'build unknown',
  };
  if (!parsed) return none;
  const product = productFor(k, parsed);
  if (!product) return none;
  // first row wins: the table lists a CU before an SU alias that shares its number
  const table = parsedBuilds(k);
  const row = table.find((r) => compareBuilds(r.parsed, parsed) === 0)?.row ?? null;
  const sameProduct = table.filter((r) => r.row.product === product.product).map((r) => r.parsed);
  const newest = sameProduct.reduce<number[] | null>((m, p) => (m === null || compareBuilds(p, m) > 0 ? p : m), null);
  const newerThanKnown = row === null && newest !== null && compareBuilds(parsed, newest) > 0;
  const min = k.tlsMinimums.find((m) => m.product === product.product);
  const tls12Min = parseBuild(min?.tls12_min_build);
  const legacyMin = parseBuild(min?.disable_legacy_min_build);
  const eos = product.end_of_support || null;
  const supportStatus = eos === null ? 'supported' : referenceTime.getTime() > Date.parse(`${eos}T23:59:59Z`) ? 'out-of-support' : 'supported';
  const name = row ? row.name : `${product.product} ${build}${newerThanKnown ? ' (newer than the knowledge base)' : ' (not in the knowledge base)'}`;
  return {
    build, parsed, product: product.product, row, known: row !== null, newerThanKnown,
    endOfSupport: eos, supportStatus,
    tls12Capable: tls12Min ? compareBuilds(parsed, tls12Min) >= 0 : null,
    canDisableLegacy: legacyMin ? compareBuilds(parsed, legacyMin) >= 0 : null,
    tls12Minimum: min ? `${min.tls12_min_name} (${min.tls12_min_build})` : null,
    disableLegacyMinimum: min ? `${min.disable_legacy_min_name} (${min.disable_legacy_min_build})` : null,
    display: row ? `${row.name} (${build})` : name,
  };
}

export interface WindowsBuildInfo {
  build: string | null;
  known: boolean;
  name: string | null;
  /** WinHTTP's default protocol set includes TLS 1.2 when DefaultSecureProtocols is missing */
  winHttpDefaultTls12: boolean | null;
}

export function windowsBuildInfo(currentBuild: string | null, k: Knowledge = loadKnowledge()): WindowsBuildInfo {
  const row = currentBuild ? k.windows.find((w) => w.build === currentBuild.trim()) : undefined;
  if (!row) return { build: currentBuild, known: false, name: null, winHttpDefaultTls12: null };
  const wh = row.winhttp_default_tls12 === 'yes' ? true : row.winhttp_default_tls12 === 'no' ? false : null;
  return { build: currentBuild, known: true, name: row.os, winHttpDefaultTls12: wh };
}

const osDefaults = new Set<OsDefault>(['on', 'off', 'not-supported', 'unknown']);

/** The OS default for one protocol and side; 'unknown' for unknown builds, unverified rows and protocols not in the table. */
export function schannelDefault(currentBuild: string | null, protocol: string, side: Side, k: Knowledge = loadKnowledge()): OsDefault {
  const row = currentBuild ? k.schannelDefaults.find((r) => r.build === currentBuild.trim() && r.protocol === protocol) : undefined;
  if (!row) return 'unknown';
  const v = (side === 'Client' ? row.client_default : row.server_default) as OsDefault;
  return osDefaults.has(v) ? v : 'unknown';
}

export interface DotNetInfo {
  release: number | null;
  /** highest version whose minimum Release value is <= the installed one; null when below 4.5 or missing */
  version: string | null;
  display: string;
}

export function dotNetInfo(release: number | null, k: Knowledge = loadKnowledge()): DotNetInfo {
  if (release === null) return { release, version: null, display: '.NET 4.5 or later not found' };
  let best: { version: string; release: number } | null = null;
  for (const r of k.dotNet) {
    const rel = Number(r.release);
    if (rel <= release && (best === null || rel > best.release)) best = { version: r.version, release: rel };
  }
  if (!best) return { release, version: null, display: `Release ${release} (older than .NET 4.5)` };
  return { release, version: best.version, display: `.NET ${best.version} (Release ${release})` };
}

/** Smallest Release value of a .NET version ("4.7.1" → 461308), for policy minimums. */
export function dotNetMinimumRelease(version: string, k: Knowledge = loadKnowledge()): number | null {
  const rels = k.dotNet.filter((r) => r.version === version).map((r) => Number(r.release));
  return rels.length ? Math.min(...rels) : null;
}
