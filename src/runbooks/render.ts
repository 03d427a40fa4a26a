// Findings → out/<server>/{runbook.md, remediate.ps1, rollback.ps1} and out/{report.html, rollout.md, summary.csv}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FindingsDocument } from '../findings/types.js';
import type { InventoryRecord } from '../inventory/types.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import { toolVersion } from '../util/version.js';
import { fleetContext, serverContext, type ServerInput } from './context.js';
import { RunbookDataError } from './errors.js';
import { planFor } from './plan.js';
import { FolderNamer } from './folder-names.js';
import { indexFleet, serverFacts } from './maintenance.js';
import { summaryCsv } from './summary-csv.js';
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
  const templates = loadTemplates(options.templatesDir);
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const records = new Map((options.inventory ?? []).map((r) => [r.server.toLowerCase(), r]));

  const facts = doc.servers.map((s) => serverFacts(s, records.get(s.server.toLowerCase())));
  const namer = new FolderNamer();
  const inputs: ServerInput[] = doc.servers.map((s, i) => {
    const plan = planFor(s);
    return { analysis: s, facts: facts[i]!, folder: plan.changes.length > 0 ? namer.assign(s.server) : '', plan, wave: null };
  });

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
    for (const [file, text] of outputs) writeFileSync(join(dir, file), text, 'utf8');
    files += outputs.length;
    options.onServer?.(name, ++done, withRunbook.length);
  }

  const fleet = fleetContext(doc, inputs, waves, generatedAt, toolVersion);
  checkContext(fleet, null);
  writeFileSync(join(options.outDir, 'report.html'), renderFor(templates, 'report.html.hbs', fleet, null), 'utf8');
  writeFileSync(join(options.outDir, 'rollout.md'), renderFor(templates, 'rollout.md.hbs', fleet, null), 'utf8');
  writeFileSync(join(options.outDir, 'summary.csv'), summaryCsv(fleet), 'utf8');
  files += 3;

  return {
    outDir: options.outDir,
    servers: inputs.length,
    runbooks: withRunbook.map((i) => ({ server: i.analysis.server, folder: i.folder, blocked: i.plan.blockers.length > 0 })),
    files,
    waves: waves.length,
  };
}
