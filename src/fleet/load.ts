import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { duplicateMessage, ServerIdentities } from '../inventory/identity.js';
import { UsageError } from '../util/errors.js';
import { readFailure, readLimitsOf, readTextChecked } from '../util/read-file.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import { DEFAULT_THROTTLE, DEFAULT_TIMEOUT_SECONDS, type Fleet, type FleetFile, type FleetServer } from './types.js';

/** Parse fleet text (YAML is a superset of JSON, so one parser reads both). */
export function parseFleet(text: string, source: string, baseDir: string): Fleet {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new UsageError(`${source}${where}: not valid YAML/JSON: ${e.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    // aliases expanded at most 100 times over: a "billion laughs" file is refused, not expanded until memory runs out
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new UsageError(`${source}: not a usable fleet file: ${(err as Error).message}`);
  }
  const validate = validatorFor<FleetFile>('fleet.schema.json');
  if (!validate(data)) {
    const lines = describeErrors(validate.errors).map((line) => `  ${withServerName(line, data)}`);
    throw new UsageError(`${source}: invalid fleet file:\n${lines.join('\n')}`);
  }
  const identities = new ServerIdentities();
  data.servers.forEach((s, i) => {
    const dup = identities.claim(s.name, `servers/${i}`);
    if (dup) throw new UsageError(`${source}: servers/${i} (${s.name}): ${duplicateMessage(s.name, dup)}`);
  });
  return {
    source,
    throttle: data.defaults?.throttle ?? DEFAULT_THROTTLE,
    readLimits: readLimitsOf(data.defaults),
    servers: data.servers.map((entry) => resolveServer(entry, data.defaults, baseDir)),
  };
}

/** "servers/2/transport: ..." → "servers/2 (EX03) transport: ..." so the admin sees which server. */
function withServerName(line: string, data: unknown): string {
  const m = /^servers\/(\d+)(\/|:)/.exec(line);
  if (!m) return line;
  const entry = (data as { servers?: Array<{ name?: unknown }> }).servers?.[Number(m[1])];
  const name = typeof entry?.name === 'string' ? ` (${entry.name})` : '';
  return line.replace(/^servers\/(\d+)/, `servers/$1${name}`);
}

function resolveServer(entry: FleetFile['servers'][number], defaults: FleetFile['defaults'], baseDir: string): FleetServer {
  const d = defaults ?? {};
  const transport = entry.transport ?? d.transport ?? 'winrm';
  const collector = { ...d.collector, ...entry.collector };
  // .reg exports and log folders of a local (offline) server live beside the fleet file.
  if (transport === 'local') {
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
    if (collector.registryExports) collector.registryExports = collector.registryExports.map(abs).flatMap(expandRegFolder);
    if (collector.protocolLogPaths) collector.protocolLogPaths = collector.protocolLogPaths.map(abs);
    if (collector.iisLogPaths) collector.iisLogPaths = collector.iisLogPaths.map(abs);
    const ex = collector.exchangeConfigExports;
    if (ex) {
      collector.exchangeConfigExports = Object.fromEntries(
        Object.entries(ex).map(([k, files]) => [k, (files as string[]).map(abs)]),
      ) as typeof ex;
    }
  }
  const ssh = { ...d.ssh, ...entry.ssh };
  const winrm = { ...d.winrm, ...entry.winrm };
  if (entry.port !== undefined) {
    if (transport === 'ssh') ssh.port ??= entry.port;
    if (transport === 'winrm') winrm.port ??= entry.port;
  }
  return {
    name: entry.name,
    address: entry.address ?? entry.name,
    smtpFqdn: entry.smtpFqdn ?? null,
    transport,
    timeoutSeconds: entry.timeoutSeconds ?? d.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    groups: { dag: entry.dag ?? null, site: entry.site ?? null, role: entry.role ?? null },
    winrm,
    ssh,
    collector,
  };
}

export async function loadFleet(path: string, stdinText?: () => Promise<string>): Promise<Fleet> {
  if (path === '-') {
    if (!stdinText) throw new UsageError('--fleet - needs the fleet on stdin');
    return parseFleet(await stdinText(), 'stdin', process.cwd());
  }
  let text: string;
  try {
    // the fleet's own read limits are not known before it is read: the defaults apply to it
    text = (await readTextChecked(path)).text;
  } catch (err) {
    throw new UsageError(readFailure('fleet file', path, err));
  }
  return parseFleet(text, path, dirname(resolve(path)));
}

/**
 * A server known only from files on this computer (`extls inventory --exports`): a fleet server with transport
 * local, resolved like one from a fleet file, so it runs through the same engine with the same defaults.
 */
export function offlineServer(name: string, collector: NonNullable<FleetFile['defaults']>['collector'], timeoutSeconds?: number): FleetServer {
  return resolveServer({ name, collector, timeoutSeconds }, { transport: 'local' }, process.cwd());
}

/** A folder in registryExports stands for the .reg files in it, in name order (the order regedit would import them). */
function expandRegFolder(path: string): string[] {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info?.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.toLowerCase().endsWith('.reg'))
    .sort()
    .map((f) => join(path, f));
}
