import { Command, Option } from 'commander';
import type { ExitWith } from '../cli.js';
import { analyzeInventory } from '../findings/analyze.js';
import { loadPolicy } from '../findings/policy.js';
import { remoteLabel } from '../findings/rules-mail-flow.js';
import type { Finding, FindingsDocument, FleetFinding, ServerAnalysis } from '../findings/types.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { ExitCode, UsageError } from '../util/errors.js';
import { checkOutFile } from '../util/out-path.js';
import { formatRows, formats, parseFormat, type Column, type Format } from '../util/format.js';
import { readJsonInput } from '../util/read-json.js';
import { expectDocument } from '../util/document-kind.js';
import { toAsciiJson } from '../util/json.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import { loadProbeResults } from '../runbooks/probes.js';
import { formatForOutput, terminalText, writeHuman } from '../cli/terminal.js';

interface AnalyzeCliOptions {
  policy?: string[];
  format?: Format;
  out?: string;
  referenceTime?: string;
  probes?: string;
}

/** Table: one row per server, one verdict column per policy. */
function serverColumns(doc: FindingsDocument): Column<ServerAnalysis>[] {
  return [
    { header: 'Server', value: (s) => s.server },
    { header: 'Group', value: (s) => [s.groups.dag && `DAG ${s.groups.dag}`, s.groups.site && `site ${s.groups.site}`, s.groups.role].filter(Boolean).join(', ') },
    { header: 'Windows', value: (s) => s.host?.os.name ?? s.host?.os.display ?? '' },
    { header: 'Exchange', value: (s) => (s.host ? (s.host.exchange.buildName ?? s.host.exchange.display) : '') },
    ...doc.policies.map((p): Column<ServerAnalysis> => ({ header: p.id, value: (s) => s.verdicts.find((v) => v.policy === p.id)?.display ?? '' })),
    { header: 'Mail flow', value: mailFlowCell },
    { header: 'Findings', value: (s) => s.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity.toUpperCase()} ${f.id}`).join('\n') },
  ];
}

const failures = (s: ServerAnalysis) => s.findings.flatMap((f) => (f.category === 'mail-flow' ? f.evidence.filter((e) => e.failure).map((e) => ({ f, m: e.failure! })) : []));

/** "FAILING NOW: 14 × TLS negotiation failed ... (Outbound to Office 365) ← TLS12-CLIENT-DISABLED", one line per group */
function mailFlowCell(s: ServerAnalysis): string {
  // nothing read is not the same as nothing wrong
  if (s.status === 'ok' && failures(s).length === 0) return s.checked && !s.checked.protocolLogs ? 'not checked (no protocol logs read)' : 'no failures in the logs';
  return failures(s)
    .sort((a, b) => Number(b.m.failingNow) - Number(a.m.failingNow) || b.m.count - a.m.count)
    .map(({ f, m }) => `${m.failingNow ? 'FAILING NOW' : 'earlier'}: ${m.count} × ${m.error} (${m.connector} ${m.direction === 'receive' ? '←' : '→'} ${remoteLabel(m)})${f.causes.length ? ` ← ${f.causes.join(', ')}` : ''}`)
    .join('\n');
}

/** Servers whose mail is failing now first, then those with earlier failures, each group in the document's order. */
function failingFirst(servers: ServerAnalysis[]): ServerAnalysis[] {
  const rank = (s: ServerAnalysis) => { const l = failures(s); return l.some((x) => x.m.failingNow) ? 0 : l.length ? 1 : 2; };
  return servers.map((s, i) => ({ s, i, r: rank(s) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.s);
}

interface FindingRow { server: string; status: string; verdicts: string; finding: Finding }

/** The mail-flow facts of a finding (its protocol-log failure group), empty for other findings: the same names as
 * the ExTls.Finding properties, so a spreadsheet filters on FailingNow without digging into the evidence. */
const failureOf = (f: Finding) => f.evidence.find((e) => e.failure)?.failure;
const mailFlowColumns: Column<FindingRow>[] = [
  { header: 'FailingNow', value: (r) => { const m = failureOf(r.finding); return m ? String(m.failingNow) : ''; } },
  { header: 'FirstSeen', value: (r) => failureOf(r.finding)?.firstSeen ?? '' },
  { header: 'LastSeen', value: (r) => failureOf(r.finding)?.lastSeen ?? '' },
  { header: 'Count', value: (r) => failureOf(r.finding)?.count ?? '' },
  { header: 'Direction', value: (r) => failureOf(r.finding)?.direction ?? '' },
  { header: 'Remote', value: (r) => failureOf(r.finding)?.remote ?? '' },
  // remoteName: the peer's name where the logs tell it (newer collectors)
  { header: 'RemoteName', value: (r) => (failureOf(r.finding) as { remoteName?: string | null } | undefined)?.remoteName ?? '' },
  { header: 'Cause', value: (r) => failureOf(r.finding)?.cause ?? '' },
  { header: 'ProbableCauseId', value: (r) => (failureOf(r.finding) ? (r.finding.causes[0] ?? '') : '') },
];

/** CSV: one row per server and finding, so a spreadsheet can filter by id or severity. Headers are the property names
 * of the ExTls module's ExTls.Finding, so Import-Csv and Get-ExTlsFinding give the same columns. */
const findingColumns: Column<FindingRow>[] = [
  { header: 'Server', value: (r) => r.server },
  { header: 'Status', value: (r) => r.status },
  { header: 'Verdicts', value: (r) => r.verdicts },
  { header: 'Id', value: (r) => r.finding.id },
  { header: 'Severity', value: (r) => r.finding.severity },
  { header: 'Policies', value: (r) => r.finding.policies.join(' ') },
  { header: 'Title', value: (r) => r.finding.title },
  { header: 'Changes', value: (r) => r.finding.changes.map((c) => `${c.fullPath}\\${c.name}: ${c.currentDisplay} -> ${c.desiredDisplay}`).join('; ') },
  { header: 'RestartRequired', value: (r) => String(r.finding.restartRequired) },
  { header: 'Blockers', value: (r) => r.finding.blockers.map((b) => b.kind).join(' ') },
  { header: 'Connector', value: (r) => r.finding.connector ?? '' },
  { header: 'Causes', value: (r) => r.finding.causes.join(' ') },
  ...mailFlowColumns,
];

const fleetColumns: Column<FleetFinding>[] = [
  { header: 'Fleet finding', value: (f) => `${f.severity.toUpperCase()} ${f.id}` },
  { header: 'Group', value: (f) => `${f.group.kind} ${f.group.name}` },
  { header: 'Differences', value: (f) => f.differences.map((d) => `${d.setting}: ${d.values.map((v) => v.display).join(' | ')}`).join('\n') },
];

function renderFindings(doc: FindingsDocument, format: Format): string {
  switch (format) {
    case 'json':
      return toAsciiJson(doc, 2) + '\n';
    case 'ndjson':
      return formatRows(doc.servers, [], 'ndjson');
    case 'csv': {
      const rows: FindingRow[] = doc.servers.flatMap((s) =>
        s.findings.map((finding) => ({ server: s.server, status: s.status, verdicts: s.verdicts.map((v) => `${v.policy}=${v.verdict}`).join(' '), finding })),
      );
      return formatRows(rows, findingColumns, 'csv');
    }
    case 'table': {
      let text = formatForOutput(failingFirst(doc.servers), serverColumns(doc), 'table');
      if (doc.fleetFindings.length) text += formatForOutput(doc.fleetFindings, fleetColumns, 'table');
      text += terminalText(doc.summary.byPolicy.map((p) => p.display).join('\n')) + '\n';
      return text;
    }
  }
}


export function register(program: Command, exit: ExitWith): void {
  program
    .command('analyze')
    .description('Judge an inventory against policies: effective TLS state, findings, registry changes, blockers')
    .argument('<inventory>', 'inventory.json from `extls inventory` (- reads stdin)')
    .option('--policy <policy>', 'tls12-ready, legacy-off or a policy JSON file (schemas/policy.schema.json); repeatable (default: tls12-ready)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('--format <format>', 'stdout format (default: table on a terminal, else json)').choices([...formats]))
    .option('--out <file>', 'write the findings document (JSON, schemas/findings.schema.json) here')
    .option('--reference-time <iso>', 'judge product support as of this time (default: now)')
    .option('--probes <file>', 'results of `extls probe --as exchange-online --format json`: a server Exchange Online cannot deliver to gets a critical finding')
    .action(async (inventoryFile: string, opts: AnalyzeCliOptions) => {
      exit(await runAnalyze(inventoryFile, opts));
    });
}

export async function runAnalyze(inventoryFile: string, opts: AnalyzeCliOptions): Promise<number> {
  const format = opts.format ? parseFormat(opts.format) : process.stdout.isTTY ? 'table' : 'json';
  let referenceTime: Date | undefined;
  if (opts.referenceTime !== undefined) {
    referenceTime = new Date(opts.referenceTime);
    if (Number.isNaN(referenceTime.getTime())) throw new UsageError(`--reference-time "${opts.referenceTime}" is not a date-time`);
  }
  if (opts.out) checkOutFile(opts.out);
  const policies = (opts.policy?.length ? opts.policy : ['tls12-ready']).map(loadPolicy);
  const probes = opts.probes ? await loadProbeResults(opts.probes) : undefined;
  const input = await readJsonInput(inventoryFile, 'inventory');
  expectDocument(input, 'inventory', inventoryFile);
  const doc = analyzeInventory(input, policies, { referenceTime, ...(probes ? { probes } : {}) });
  for (const e of doc.inputErrors) {
    writeHuman(process.stderr, `extls: ${inventoryFile}: server ${e.server} (servers[${e.index}]) skipped:\n  ${e.messages.join('\n  ')}\n`);
  }
  for (const e of doc.fleetErrors ?? []) process.stderr.write(`extls: ${inventoryFile}: ${e}\n`);
  // never a document its own schema rejects (each analysis was checked; this checks what holds them together)
  const validate = validatorFor<FindingsDocument>('findings.schema.json');
  if (!validate(doc)) throw new Error(`the findings do not match schemas/findings.schema.json (nothing written):\n  ${describeErrors(validate.errors).join('\n  ')}`);
  if (opts.out) await writeFileAtomic(opts.out, JSON.stringify(doc, null, 2) + '\n');
  if (!opts.out || opts.format) process.stdout.write(renderFindings(doc, format));
  // Bad records were reported by name and the rest judged: a partial result, like a failed server.
  return doc.inputErrors.length || doc.fleetErrors?.length ? ExitCode.Partial : ExitCode.Ok;
}
