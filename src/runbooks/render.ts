// Findings → out/<server>/{runbook.md, remediate.ps1, rollback.ps1} and out/{report.html, rollout.md, summary.csv}.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FleetAnalyzer } from '../findings/analyze.js';
import type { Policy } from '../findings/policy.js';
import type { FindingsDocument, ServerAnalysis } from '../findings/types.js';
import { readInventoryStream } from '../inventory/read.js';
import type { InventoryRecord } from '../inventory/types.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import { toolVersion } from '../util/version.js';
import { fleetContext, serverContext, slimAnalysis, type ServerInput } from './context.js';
import { RunbookDataError } from './errors.js';
import { planFor } from './plan.js';
import { FolderNamer } from './folder-names.js';
import { indexFleet, serverFacts } from './maintenance.js';
import { summaryCsv } from './summary-csv.js';
import { ProbeIndex } from './probes.js';
import type { ProbeResult } from '../probe/types.js';
import { TextFileWriter } from './text-writer.js';
import { loadTemplates, type TemplateSet } from './templates.js';
import type { FleetContext, ServerContext, Wave } from './types.js';
import { planWaves } from './waves.js';

export interface RenderOptions {
  outDir: string;
  /** a folder whose templates replace the built-ins of the same file name */
  templatesDir?: string;
  /** inventory records, for what the findings do not carry (cluster membership) */
  inventory?: readonly InventoryRecord[];
  /** fixed timestamp for reproducible output (default: now) */
  generatedAt?: string;
  /** at most this many servers per rollout wave (0: no limit) */
  waveSize?: number;
  /** extls probe results: each server's runbook quotes its last probe in the pre- and post-checks */
  probes?: readonly ProbeResult[];
  /** called after each server's files are written */
  onServer?: (server: string, done: number, total: number) => void;
}

export interface RenderResult {
  outDir: string;
  servers: number;
  /** servers that got a runbook folder (those with changes) */
  runbooks: { server: string; folder: string; blocked: boolean }[];
  files: number;
  waves: number;
}

const BOM = '\ufeff';
/** Windows PowerShell 5.1 reads a script without BOM as ANSI. (CRLF comes from the templates, see templates.ts.) */
const psFile = (text: string) => BOM + text;

function checkFindings(doc: unknown): FindingsDocument {
  const validate = validatorFor<FindingsDocument>('findings.schema.json');
  if (validate(doc)) return doc;
  // Name the first server the errors point at, so the admin knows where to look.
  const first = validate.errors?.find((e) => /^\/servers\/\d+/.test(e.instancePath));
  const index = first ? Number(/^\/servers\/(\d+)/.exec(first.instancePath)![1]) : -1;
  const name = (doc as { servers?: { server?: unknown }[] })?.servers?.[index]?.server;
  const server = index < 0 ? null : typeof name === 'string' ? name : `servers[${index}]`;
  throw new RunbookDataError(server, `findings do not match schemas/findings.schema.json:\n  ${describeErrors(validate.errors).join('\n  ')}`);
}

function checkContext(ctx: ServerContext | FleetContext, label: string | null): void {
  const validate = validatorFor('runbook-context.schema.json');
  if (!validate(ctx)) {
    throw new RunbookDataError(label, `template context does not match schemas/runbook-context.schema.json:\n  ${describeErrors(validate.errors).join('\n  ')}`);
  }
}

function renderFor(templates: TemplateSet, name: string, ctx: unknown, server: string | null): string {
  try {
    return templates.render(name, ctx);
  } catch (err) {
    throw new RunbookDataError(server, (err as Error).message);
  }
}

/** Renders every output for `findings` into options.outDir. Throws with the server and template named. */
export async function renderRunbooks(findings: unknown, options: RenderOptions): Promise<RenderResult> {
  const doc = checkFindings(findings);
  const records = new Map((options.inventory ?? []).map((r) => [r.server.toLowerCase(), r]));
  const probes = options.probes ? new ProbeIndex(options.probes) : undefined;
  const servers = doc.servers.map((s) => prepareServer(s, records.get(s.server.toLowerCase()), undefined, probes));
  return renderPrepared(doc, servers, options);
}

/**
 * Identical read-only objects shared between servers: across a fleet most servers plan the same registry changes
 * and carry the same findings, so keeping one copy of each is what lets thousands of servers fit in little memory.
 */
export class SharedObjects {
  private readonly seen = new Map<string, unknown>();
  share<T extends object>(value: T): T {
    // a flat key (field values tagged with their type) is several times cheaper than JSON.stringify
    let key = '';
    for (const v of Object.values(value)) key += (v !== null && typeof v === 'object' ? JSON.stringify(v) : `${typeof v}:${String(v)}`) + '\u0001';
    const prior = this.seen.get(key);
    if (prior !== undefined) return prior as T;
    this.seen.set(key, value);
    return value;
  }
}

/** One server's part of the run: its plan (from the full analysis) and what the templates read of it. */
export function prepareServer(
  s: ServerAnalysis,
  record: InventoryRecord | undefined,
  shared?: SharedObjects,
  probes?: ProbeIndex,
): PreparedServer {
  const analysis = slimAnalysis(s);
  const plan = planFor(s);
  if (shared) {
    analysis.findings = analysis.findings.map((f) => shared.share(f));
    plan.changes = plan.changes.map((c) => shared.share(c));
    plan.allBlockers = plan.allBlockers.map((b) => shared.share(b));
  }
  const lastProbe = probes?.lastProbe(s.server, record?.address ?? null) ?? null;
  return { analysis, facts: serverFacts(s, record), plan, lastProbe };
}

export type PreparedServer = Omit<ServerInput, 'folder' | 'wave'>;

/**
 * Analyse an inventory file one server at a time and render everything, keeping per server only what the
 * templates and the report read (PreparedServer): memory stays flat however large the fleet.
 */
export async function renderRunbooksFromInventory(
  inventoryFile: string,
  policies: (Policy | string)[],
  options: RenderOptions & { referenceTime?: Date },
): Promise<{ findings: FindingsDocument; result: RenderResult }> {
  const { head, records } = await readInventoryStream(inventoryFile);
  const analyzer = new FleetAnalyzer(policies, { referenceTime: options.referenceTime });
  // templates first: a broken user template should fail before minutes of analysis
  const templates = loadTemplates(options.templatesDir);
  const servers: PreparedServer[] = [];
  const shared = new SharedObjects();
  const probes = options.probes ? new ProbeIndex(options.probes) : undefined;
  for await (const { record, index } of records) {
    const judged = analyzer.add(record, index);
    if (judged) servers.push(prepareServer(judged.analysis, judged.record, shared, probes));
  }
  servers.sort((a, b) => a.analysis.server.localeCompare(b.analysis.server, 'en', { numeric: true }));
  const findings = analyzer.finish(head, []);
  const result = await renderPrepared(findings, servers, options, templates);
  return { findings, result };
}

async function renderPrepared(
  doc: FindingsDocument,
  servers: readonly PreparedServer[],
  options: RenderOptions,
  templates: TemplateSet = loadTemplates(options.templatesDir),
): Promise<RenderResult> {
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const facts = servers.map((s) => s.facts);
  const namer = new FolderNamer();
  const inputs: ServerInput[] = servers.map((s) => ({ ...s, folder: s.plan.changes.length > 0 ? namer.assign(s.analysis.server) : '', wave: null }));

  const ready = inputs.filter((i) => i.plan.changes.length > 0 && i.plan.blockers.length === 0);
  const waveList = planWaves(
    ready.map((i) => ({ name: i.analysis.server, dag: i.facts.dag, site: i.facts.site, isEdge: i.facts.isEdge })),
    options.waveSize ?? 0,
  );
  const byName = new Map(inputs.map((i) => [i.analysis.server, i]));
  const waves: Wave[] = waveList.map((members, n) => ({
    number: n + 1,
    size: members.length,
    servers: members.map((m) => {
      const input = byName.get(m.name)!;
      input.wave = n + 1;
      return { name: m.name, dag: m.dag, site: m.site, folder: input.folder };
    }),
  }));

  // Synchronous writes: thousands of small files go faster without a promise and a file handle per write.
  mkdirSync(options.outDir, { recursive: true });
  const out = new TextFileWriter();
  const withRunbook = inputs.filter((i) => i.plan.changes.length > 0);
  const fleetIndex = indexFleet(facts);
  let done = 0;
  let files = 0;
  for (const input of withRunbook) {
    const name = input.analysis.server;
    const ctx = serverContext(doc, input, fleetIndex, generatedAt, toolVersion);
    checkContext(ctx, name);
    const outputs: [string, string][] = [
      [ctx.files.runbook, renderFor(templates, 'runbook.md.hbs', ctx, name)],
      [ctx.files.remediate, psFile(renderFor(templates, 'remediate.ps1.hbs', ctx, name))],
      [ctx.files.rollback, psFile(renderFor(templates, 'rollback.ps1.hbs', ctx, name))],
    ];
    const dir = join(options.outDir, input.folder);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of outputs) out.write(join(dir, file), text);
    files += outputs.length;
    options.onServer?.(name, ++done, withRunbook.length);
  }

  const fleet = fleetContext(doc, inputs, waves, generatedAt, toolVersion);
  checkContext(fleet, null);
  out.write(join(options.outDir, 'report.html'), renderFor(templates, 'report.html.hbs', fleet, null));
  out.write(join(options.outDir, 'rollout.md'), renderFor(templates, 'rollout.md.hbs', fleet, null));
  out.write(join(options.outDir, 'summary.csv'), summaryCsv(fleet));
  files += 3;

  return {
    outDir: options.outDir,
    servers: inputs.length,
    runbooks: withRunbook.map((i) => ({ server: i.analysis.server, folder: i.folder, blocked: i.plan.blockers.length > 0 })),
    files,
    waves: waves.length,
  };
}
