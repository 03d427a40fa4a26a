// Findings → out/<server>/{runbook.md, remediate.ps1, rollback.ps1} and out/{report.html, rollout.md, summary.csv}.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FleetAnalyzer } from '../findings/analyze.js';
import type { Policy } from '../findings/policy.js';
import type { FindingsDocument, InputError } from '../findings/types.js';
import { duplicateMessage, ServerIdentities } from '../inventory/identity.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import { toolVersion } from '../util/version.js';
import { FILES, fleetContext, serverContext, type AnalysisHead, type ServerInput } from './context.js';
import { moveSupersededFiles, type Superseded } from './stale.js';
import { RunbookDataError } from './errors.js';
import { FLEET_FILES, FolderNamer } from './folder-names.js';
import { failingNow, indexFleet } from './maintenance.js';
import { needsRunbook } from './plan.js';
import { prepareRecords, prepareServer, SharedObjects } from './prepare.js';
import { writeSummaryCsv } from './summary-csv.js';
import { ProbeIndex } from './probes.js';
import { withExchangeOnlineFinding } from '../findings/rules-probe.js';
import { countSeverities } from '../findings/server.js';
import type { ProbeResult } from '../probe/types.js';
import { TextFileWriter } from './text-writer.js';
import { sweepServerFolders, writeServerFolder } from './server-folder.js';
import { sweepStaleTemps } from '../util/atomic-write.js';
import { loadTemplates, type ChunkSink, type TemplateSet } from './templates.js';
import type { FleetContext, ServerContext, Wave } from './types.js';
import { planWaves } from './waves.js';

interface RenderOptions {
  outDir: string;
  /** a folder whose templates replace the built-ins of the same file name */
  templatesDir?: string;
  /** fixed timestamp for reproducible output (default: now) */
  generatedAt?: string;
  /** at most this many servers per rollout wave (0: no limit) */
  waveSize?: number;
  /** extls probe results: each server's runbook quotes its last probe in the pre- and post-checks */
  probes?: readonly ProbeResult[];
  /** called after each server's files are written */
  onServer?: (server: string, done: number, total: number) => void;
  /** aborted (SIGINT/SIGTERM): no further server folder is started, and the run throws RunInterrupted */
  signal?: AbortSignal;
}

/** The run was stopped by its signal: the server folders written so far are whole, no report was written. */
export class RunInterrupted extends Error {
  constructor(
    readonly written: number,
    readonly total: number,
  ) {
    super(`interrupted: ${written} of ${total} server folder(s) written (each whole); report.html, rollout.md and summary.csv not written`);
    this.name = 'RunInterrupted';
  }
}

/** Lets a pending signal be handled between servers: writing is synchronous, a signal is only seen here. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface RenderResult {
  outDir: string;
  servers: number;
  /** servers that got a runbook folder (those with changes) */
  runbooks: { server: string; folder: string; blocked: boolean }[];
  files: number;
  /** every file written, relative to outDir, '/'-separated */
  paths: string[];
  /** servers that could not be collected: in the report, no runbook */
  notCollected: string[];
  waves: number;
  /** runbook files of an earlier run into the same folder, for servers this run gives none: moved aside */
  superseded: Superseded | null;
  /** servers left out: invalid records, or analyses the findings schema rejects */
  inputErrors: InputError[];
  /** fleet findings left out because their data failed the schema */
  fleetErrors: string[];
  /** servers whose data could not be written as commands: reported as not collected, with the reason */
  unusable: { server: string; message: string }[];
}

/** Windows PowerShell 5.1 reads a script without BOM as ANSI. (CRLF comes from the templates, see templates.ts.) */
const BOM = Buffer.from('\ufeff', 'utf8');

/**
 * The findings document, checked against its schema. A server (or fleet finding) the schema rejects is left out
 * and named (inputErrors / fleetErrors), so one bad server never stops the fleet's files; errors anywhere else
 * make the whole document unusable.
 */
function checkFindings(raw: unknown): FindingsDocument {
  const validate = validatorFor<FindingsDocument>('findings.schema.json');
  let doc = raw;
  if (!validate(doc)) {
    const bad = { servers: new Map<number, string[]>(), fleetFindings: new Map<number, string[]>() };
    const other: string[] = [];
    for (const e of validate.errors ?? []) {
      const m = /^\/(servers|fleetFindings)\/(\d+)(\/|$)/.exec(e.instancePath);
      const line = describeErrors([e])[0]!;
      if (m) {
        const map = bad[m[1] as 'servers' | 'fleetFindings'];
        map.set(Number(m[2]), [...(map.get(Number(m[2])) ?? []), line]);
      } else other.push(line);
    }
    const d = doc as Partial<FindingsDocument>;
    if (other.length || !Array.isArray(d.servers) || !Array.isArray(d.fleetFindings)) {
      throw new RunbookDataError(null, `findings do not match schemas/findings.schema.json:\n  ${(other.length ? other : describeErrors(validate.errors)).join('\n  ')}`);
    }
    const nameOf = (x: unknown, i: number) => (typeof (x as { server?: unknown })?.server === 'string' ? (x as { server: string }).server : `servers[${i}]`);
    const inputErrors = [...(Array.isArray(d.inputErrors) ? d.inputErrors : [])];
    for (const [i, lines] of bad.servers) inputErrors.push({ server: nameOf(d.servers[i], i), index: i, messages: lines.map((l) => `findings ${l}`) });
    const fleetErrors = [...(d.fleetErrors ?? [])];
    for (const [i, lines] of bad.fleetFindings) fleetErrors.push(`findings fleetFindings/${i} left out: ${lines.join('; ')}`);
    doc = {
      ...d,
      servers: d.servers.filter((_, i) => !bad.servers.has(i)),
      fleetFindings: d.fleetFindings.filter((_, i) => !bad.fleetFindings.has(i)),
      inputErrors: inputErrors.sort((a, b) => a.index - b.index),
      ...(fleetErrors.length ? { fleetErrors } : {}),
    };
    if (!validate(doc)) throw new RunbookDataError(null, `findings do not match schemas/findings.schema.json:\n  ${describeErrors(validate.errors).join('\n  ')}`);
  }
  const checked = doc as FindingsDocument;
  // two analyses of one server would write the same folder, one over the other
  const identities = new ServerIdentities();
  checked.servers.forEach((s, i) => {
    const dup = identities.claim(s.server, `servers/${i}`);
    if (dup) throw new RunbookDataError(s.server, `findings servers/${i}: ${duplicateMessage(s.server, dup)}`);
  });
  return checked;
}

function checkContext(ctx: ServerContext | FleetContext, label: string | null): void {
  const validate = validatorFor('runbook-context.schema.json');
  if (!validate(ctx)) {
    throw new RunbookDataError(label, `template context does not match schemas/runbook-context.schema.json:\n  ${describeErrors(validate.errors).join('\n  ')}`);
  }
}

function renderInto(templates: TemplateSet, name: string, ctx: unknown, server: string | null, sink: ChunkSink, lists?: unknown[]): void {
  try {
    templates.write(name, ctx, sink, lists);
  } catch (err) {
    throw new RunbookDataError(server, (err as Error).message);
  }
}

/** One server's file as chunks: small strings, and the bytes of the partials every script shares. */
function serverFile(templates: TemplateSet, name: string, ctx: ServerContext, bom: boolean): (string | Buffer)[] {
  const chunks: (string | Buffer)[] = bom ? [BOM] : [];
  renderInto(templates, name, ctx, ctx.server.name, { text: (t) => chunks.push(t), bytes: (b) => chunks.push(b) });
  return chunks;
}

/** Renders every output for `findings` into options.outDir. Throws with the server and template named. */
export async function renderRunbooks(findings: unknown, options: RenderOptions): Promise<RenderResult> {
  let doc = checkFindings(findings);
  const probes = options.probes ? new ProbeIndex(options.probes) : undefined;
  if (probes) {
    // findings analysed without these probes still get the Exchange Online finding (no-op when it is there)
    const judged = doc.servers.map((s) => withExchangeOnlineFinding(s, probes.result(s.server, s.address)));
    const bySeverity = countSeverities(judged.flatMap((s) => s.findings));
    doc = { ...doc, servers: judged, summary: { ...doc.summary, bySeverity } };
  }
  const shared = new SharedObjects();
  const servers = doc.servers.map((s) => prepareServer(s, shared, probes));
  const templates = loadTemplates(options.templatesDir);
  const run = planRun(servers, options);
  await writeServerFiles(doc, run, templates, options);
  return writeFleetFiles(doc, run, templates, options);
}

/**
 * Analyse inventory records one server at a time (the same analysis as `extls analyze`) and render everything,
 * keeping per server only what the templates and the report read (PreparedServer): memory stays flat however
 * large the fleet. The fleet checks run after the servers' files are written (only the report needs them), and
 * what they kept goes right after.
 */
export async function renderRunbooksFromRecords(
  head: FindingsDocument['inventory'],
  records: AsyncIterable<{ record: unknown; index: number }>,
  policies: (Policy | string)[],
  options: RenderOptions & { referenceTime?: Date },
): Promise<{ findings: FindingsDocument; result: RenderResult }> {
  // templates first: a broken user template should fail before minutes of analysis
  const templates = loadTemplates(options.templatesDir);
  // the analyzer lives only in analyseAndWriteServers: what the fleet checks kept per server is not needed for
  // the report and can be collected before it is written
  const { findings, run } = await analyseAndWriteServers(head, records, policies, templates, options);
  const result = writeFleetFiles(findings, run, templates, options);
  return { findings, result };
}

async function analyseAndWriteServers(
  head: FindingsDocument['inventory'],
  records: AsyncIterable<{ record: unknown; index: number }>,
  policies: (Policy | string)[],
  templates: TemplateSet,
  options: RenderOptions & { referenceTime?: Date },
): Promise<{ findings: FindingsDocument; run: Run }> {
  const analyzer = new FleetAnalyzer(policies, { referenceTime: options.referenceTime, ...(options.probes ? { probes: options.probes } : {}) });
  const servers = await prepareRecords(records, analyzer, options.probes ? new ProbeIndex(options.probes) : undefined);
  const now = new Date();
  const run = planRun(servers, options);
  await writeServerFiles({ policies: analyzer.policies, createdAt: now.toISOString() }, run, templates, options);
  return { findings: analyzer.finish(head, [], now), run };
}

interface Run {
  generatedAt: string;
  inputs: readonly ServerInput[];
  waves: Wave[];
  out: TextFileWriter;
  files: number;
  paths: string[];
}

/** Folders and rollout waves: what needs the whole fleet before any server's files can be written. */
function planRun(inputs: readonly ServerInput[], options: RenderOptions): Run {
  const namer = new FolderNamer();
  for (const i of inputs) i.folder = needsRunbook(i.plan) ? namer.assign(i.analysis.server) : '';
  const ready = inputs.filter((i) => needsRunbook(i.plan) && i.plan.blockers.length === 0);
  const waveList = planWaves(
    ready.map((i) => ({ name: i.analysis.server, dag: i.facts.dag, site: i.facts.site, isEdge: i.facts.isEdge, failingNow: failingNow(i) })),
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
  // what runs killed before they finished left here (temporary files, half-swapped server folders)
  sweepStaleTemps(options.outDir);
  sweepServerFolders(options.outDir, SERVER_FILES);
  return { generatedAt: options.generatedAt ?? new Date().toISOString(), inputs, waves, out: new TextFileWriter(), files: 0, paths: [] };
}

const SERVER_FILES: ReadonlySet<string> = new Set([FILES.runbook, FILES.remediate, FILES.rollback]);

/**
 * Each server with changes or manual steps: runbook.md, remediate.ps1, rollback.ps1 in its folder, the folder
 * written whole and swapped in (server-folder.ts). Between servers a signal can stop the run.
 */
async function writeServerFiles(head: AnalysisHead, run: Run, templates: TemplateSet, options: RenderOptions): Promise<void> {
  const withRunbook = run.inputs.filter((i) => needsRunbook(i.plan));
  const fleetIndex = indexFleet(run.inputs);
  let done = 0;
  for (const input of withRunbook) {
    if (done % 8 === 0) await nextTurn();
    if (options.signal?.aborted) throw new RunInterrupted(done, withRunbook.length);
    const name = input.analysis.server;
    const ctx = serverContext(head, input, fleetIndex, run.generatedAt, toolVersion);
    checkContext(ctx, name);
    // all three rendered before any is written: a template error leaves no half-written server folder
    const outputs: [string, (string | Buffer)[]][] = [
      [ctx.files.runbook, serverFile(templates, 'runbook.md.hbs', ctx, false)],
      [ctx.files.remediate, serverFile(templates, 'remediate.ps1.hbs', ctx, true)],
      [ctx.files.rollback, serverFile(templates, 'rollback.ps1.hbs', ctx, true)],
    ];
    writeServerFolder(options.outDir, input.folder, SERVER_FILES, (dir) => {
      for (const [file, chunks] of outputs) run.out.writeFile(join(dir, file), chunks);
    });
    run.files += outputs.length;
    for (const [file] of outputs) run.paths.push(`${input.folder}/${file}`);
    options.onServer?.(name, ++done, withRunbook.length);
  }
}

/** report.html, rollout.md, summary.csv. */
function writeFleetFiles(doc: FindingsDocument, run: Run, templates: TemplateSet, options: RenderOptions): RenderResult {
  if (options.signal?.aborted) throw new RunInterrupted(run.inputs.filter((i) => needsRunbook(i.plan)).length, run.inputs.filter((i) => needsRunbook(i.plan)).length);
  const fleet = fleetContext(doc, run.inputs, run.waves, run.generatedAt, toolVersion);
  checkContext(fleet, null);
  // The fleet files are written as they render: loops over the context's lists (rows, blockers, waves, ...) one
  // item at a time, so the report of a large fleet is never one string in memory.
  const lists = Object.values(fleet).filter(Array.isArray);
  for (const [file, template] of [[FLEET_FILES.report, 'report.html.hbs'], [FLEET_FILES.rollout, 'rollout.md.hbs']] as const) {
    run.out.writeStreamed(join(options.outDir, file), (sink) => renderInto(templates, template, fleet, null, sink, lists));
  }
  run.out.writeStreamed(join(options.outDir, FLEET_FILES.summary), (sink) => writeSummaryCsv(fleet, sink));
  const withRunbook = run.inputs.filter((i) => needsRunbook(i.plan));
  const written = new Set(withRunbook.map((i) => i.folder));
  const superseded = moveSupersededFiles(options.outDir, written, [FILES.runbook, FILES.remediate, FILES.rollback], run.generatedAt);
  return {
    outDir: options.outDir,
    servers: run.inputs.length,
    runbooks: withRunbook.map((i) => ({ server: i.analysis.server, folder: i.folder, blocked: i.plan.blockers.length > 0 })),
    files: run.files + 3,
    paths: [...run.paths, FLEET_FILES.report, FLEET_FILES.rollout, FLEET_FILES.summary],
    notCollected: run.inputs.filter((i) => i.analysis.status === 'failed').map((i) => i.analysis.server),
    waves: run.waves.length,
    superseded,
    inputErrors: doc.inputErrors,
    fleetErrors: doc.fleetErrors ?? [],
    unusable: run.inputs.filter((i) => i.unusable).map((i) => ({ server: i.analysis.server, message: i.unusable! })),
  };
}
