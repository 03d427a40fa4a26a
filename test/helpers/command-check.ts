// Checks command lines against Microsoft's cmdlet reference taken as data: data/cmdlets/exchange.json
// (office-docs-powershell), windows.json (windows-powershell-docs), ps51.json (PowerShell-Docs 5.1), and the
// requirements those pages state in prose (data/cmdlets/co-requirements.json). Commands come from PowerShell's
// own parser (Get-CommandLines.ps1).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript } from '../runbooks/run-script.js';

interface RefParameter { type: string; aliases?: string[]; parameterSets?: string[]; acceptedValues?: string[]; applicable?: string[] }
interface RefCmdlet {
  file: string;
  applicable?: string[];
  commonParameters?: boolean;
  parameterSets: { name: string; parameters: { name: string; mandatory: boolean; position: number | null }[] }[];
  parameters: Record<string, RefParameter>;
}
interface Table { source: { repository: string; commit: string }; cmdlets: Record<string, RefCmdlet> }

interface Rule {
  cmdlet: string;
  kind: 'require' | 'forbid-with' | 'value-grammar';
  when: { parameter?: string; value?: string; notNull?: boolean };
  require?: { parameter: string; value?: string };
  forbid?: { parameter: string; value?: string };
  grammar?: 'fqdn';
  quote: string;
  file: string;
}

export interface ParsedArgument { text: string; value: string | null; constant: boolean }
export interface ParsedCommand {
  file: string;
  line: number;
  text: string;
  name: string | null;
  elements: { parameter: string | null; argument: ParsedArgument | null; colon: boolean }[];
  pipelinePosition: number;
  parseErrors: string[];
}

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const load = (f: string) => JSON.parse(readFileSync(join(root, 'data', 'cmdlets', f), 'utf8'));

let tables: { name: string; table: Table }[] | undefined;
let rules: Rule[] | undefined;

function reference(): { name: string; table: Table }[] {
  tables ??= ['exchange.json', 'windows.json', 'ps51.json'].map((name) => ({ name, table: load(name) as Table }));
  return tables;
}

/** The cmdlet's reference page as data, and which table it came from; undefined when no table has it. */
export function lookup(name: string): { table: string; cmdlet: RefCmdlet } | undefined {
  for (const { name: table, table: t } of reference()) {
    const hit = Object.entries(t.cmdlets).find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (hit) return { table, cmdlet: hit[1] };
  }
  return undefined;
}

/** PowerShell's common parameters and their aliases (about_CommonParameters). */
const COMMON: Record<string, string[]> = {
  Debug: ['db'], ErrorAction: ['ea'], ErrorVariable: ['ev'], InformationAction: ['infa'], InformationVariable: ['iv'], OutVariable: ['ov'],
  OutBuffer: ['ob'], PipelineVariable: ['pv'], Verbose: ['vb'], WarningAction: ['wa'], WarningVariable: ['wv'],
};

/** Binds a written parameter name as PowerShell does: exact name or alias, else a unique prefix. */
function bind(cmdlet: RefCmdlet, written: string): { name: string } | { error: string } {
  const names = new Map<string, string>();
  for (const [n, p] of Object.entries(cmdlet.parameters)) {
    names.set(n.toLowerCase(), n);
    for (const a of p.aliases ?? []) names.set(a.toLowerCase(), n);
  }
  if (cmdlet.commonParameters !== false) {
    for (const [n, aliases] of Object.entries(COMMON)) {
      names.set(n.toLowerCase(), n);
      for (const a of aliases) names.set(a, n);
    }
  }
  const w = written.toLowerCase();
  const exact = names.get(w);
  if (exact) return { name: exact };
  const prefixed = [...new Set([...names].filter(([k]) => k.startsWith(w)).map(([, v]) => v))];
  if (prefixed.length === 1) return { name: prefixed[0]! };
  if (prefixed.length > 1) return { error: `-${written} is ambiguous (${prefixed.join(', ')})` };
  return { error: `-${written} is no parameter of it` };
}

const isSwitch = (p: RefParameter | undefined) => p !== undefined && /(^|\.)SwitchParameter$/.test(p.type);
const FQDN = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\.?$/;

/** The product names a runbook header's Exchange line maps to ("Exchange Server 2019 CU14 (...)" → "Exchange Server 2019"). */
export function productOf(exchange: string): string | null {
  const m = /Exchange Server (2010|2013|2016|2019|SE)\b/.exec(exchange);
  return m ? `Exchange Server ${m[1]}` : null;
}

/** Problems of one command: empty when the reference accepts it. `products`: the Exchange versions it must run on. */
export function checkCommand(c: ParsedCommand, products: readonly string[]): string[] {
  const where = `${c.file.split('/').slice(-2).join('/')}:${c.line}: ${c.text}`;
  if (c.parseErrors.length) return [`${where}: does not parse: ${c.parseErrors.join('; ')}`];
  if (c.name === null || /\.ps1$/i.test(c.name)) return []; // extls's own scripts, or a script run by path
  if (/^certutil(\.exe)?$/i.test(c.name)) return checkCertutil(c, where);
  if (c.name === 'extls') return checkExtls(c, where);
  const found = lookup(c.name);
  if (!found) return [`${where}: ${c.name} is in no cmdlet table (exchange.json, windows.json, ps51.json)`];
  const { cmdlet, table } = found;
  const problems: string[] = [];
  const given = new Map<string, ParsedArgument | null>();
  let positional = 0;
  for (let i = 0; i < c.elements.length; i++) {
    const e = c.elements[i]!;
    if (e.parameter === null) {
      positional++;
      continue;
    }
    const b = bind(cmdlet, e.parameter);
    if ('error' in b) {
      problems.push(`${where}: ${b.error} (${cmdlet.file})`);
      continue;
    }
    const ref = cmdlet.parameters[b.name];
    let arg = e.argument;
    if (!e.colon && !isSwitch(ref) && !(b.name in COMMON && ['Verbose', 'Debug'].includes(b.name))) {
      const next = c.elements[i + 1];
      if (next && next.parameter === null) {
        arg = next.argument;
        i++;
      } else if (ref) problems.push(`${where}: -${b.name} needs a value`);
    }
    given.set(b.name, arg);
    if (ref?.acceptedValues?.length && arg?.constant && arg.value !== null && !ref.acceptedValues.some((v) => v.toLowerCase() === arg!.value!.toLowerCase())) {
      problems.push(`${where}: -${b.name} ${arg.value} is not one of ${ref.acceptedValues.join(', ')}`);
    }
    for (const product of products) {
      if (ref?.applicable && !ref.applicable.includes(product)) problems.push(`${where}: -${b.name} does not apply to ${product} (applies to ${ref.applicable.join(', ')})`);
    }
  }
  for (const product of products) {
    if (cmdlet.applicable && table === 'exchange.json' && !cmdlet.applicable.includes(product)) problems.push(`${where}: ${c.name} does not apply to ${product}`);
  }
  // a parameter set holding every parameter given, whose mandatory ones are given (the first command of a pipeline:
  // later ones may bind theirs from the pipeline)
  const used = [...given.keys()].filter((n) => !(n in COMMON) && cmdlet.parameters[n]);
  const inSet = (set: RefCmdlet['parameterSets'][number], n: string) =>
    set.parameters.some((p) => p.name === n) || (cmdlet.parameters[n]?.parameterSets ?? []).some((x) => x === '(All)' || x === set.name);
  const sets = cmdlet.parameterSets.filter((s) => used.every((n) => inSet(s, n)));
  if (!sets.length) problems.push(`${where}: no parameter set of ${c.name} takes ${used.map((n) => `-${n}`).join(' ')} together`);
  else if (c.pipelinePosition === 0) {
    const complete = sets.filter((s) => s.parameters.filter((p) => p.mandatory && !given.has(p.name)).every((p) => p.position !== null && p.position < positional));
    if (!complete.length) {
      const missing = sets[0]!.parameters.filter((p) => p.mandatory && !given.has(p.name)).map((p) => `-${p.name}`);
      problems.push(`${where}: mandatory ${missing.join(', ')} missing (${cmdlet.file})`);
    }
  }
  // what the pages say in prose
  const valueIs = (a: ParsedArgument | null | undefined, v: string | undefined) =>
    v === undefined || (a != null && (a.text.toLowerCase() === v.toLowerCase() || (a.constant && a.value?.toLowerCase() === v.toLowerCase())));
  const applies = (r: Rule) =>
    r.cmdlet.toLowerCase() === c.name!.toLowerCase() &&
    (r.when.parameter === undefined || (given.has(r.when.parameter) && valueIs(given.get(r.when.parameter), r.when.value) && !(r.when.notNull && given.get(r.when.parameter)?.text === '$null')));
  for (const r of coRequirements().filter(applies)) {
    if (r.kind === 'require' && !(given.has(r.require!.parameter) && valueIs(given.get(r.require!.parameter), r.require!.value))) {
      problems.push(`${where}: needs -${r.require!.parameter}${r.require!.value ? ` ${r.require!.value}` : ''}: "${r.quote}" (${r.file})`);
    }
    if (r.kind === 'forbid-with' && given.has(r.forbid!.parameter) && valueIs(given.get(r.forbid!.parameter), r.forbid!.value)) {
      problems.push(`${where}: -${r.forbid!.parameter} must not be used here: "${r.quote}" (${r.file})`);
    }
    if (r.kind === 'value-grammar') {
      const a = given.get(r.when.parameter!);
      if (!a?.constant || a.value === null) problems.push(`${where}: -${r.when.parameter} has no value extls knows to check (${a?.text ?? 'none'})`);
      else if (r.grammar === 'fqdn' && !FQDN.test(a.value)) problems.push(`${where}: -${r.when.parameter} ${a.value} is no FQDN: "${r.quote}" (${r.file})`);
    }
  }
  return problems;
}

/**
 * certutil is no cmdlet: the one form the runbooks print, -repairstore my <thumbprint> (Microsoft Learn, "certutil":
 * -repairstore CertificateStoreName CertId), its thumbprint a constant of 40 hexadecimal digits.
 */
function checkCertutil(c: ParsedCommand, where: string): string[] {
  const a = c.elements.map((e) => (e.parameter !== null ? `-${e.parameter}` : e.argument?.constant ? e.argument.value : null));
  const ok = a.length === 3 && a[0] === '-repairstore' && a[1] === 'my' && typeof a[2] === 'string' && /^[0-9A-Fa-f]{40}$/.test(a[2]);
  return ok ? [] : [`${where}: certutil: not -repairstore my <40 hexadecimal digits>`];
}

/** extls: `--` before the first positional value, so a value starting with '-' is never read as an option. */
function checkExtls(c: ParsedCommand, where: string): string[] {
  const texts = c.elements.map((e) => (e.parameter !== null ? `-${e.parameter}` : e.argument?.text ?? ''));
  // PowerShell's parser reads `--` as a parameter named '-'
  const dashes = c.elements.findIndex((e) => e.parameter === '-');
  // extls <command> [--option value]... -- <values>: the first element is the command; option values follow options
  let i = 1;
  while (i < texts.length && texts[i]!.startsWith('-') && texts[i] !== '--') i += 2;
  return dashes === i ? [] : [`${where}: extls: no -- before its values`];
}

export function coRequirements(): Rule[] {
  rules ??= (load('co-requirements.json') as { rules: Rule[] }).rules;
  return rules;
}

/** Every command of the files' ```powershell blocks, as PowerShell's parser reads them. */
export async function parseCommandBlocks(files: string[]): Promise<ParsedCommand[]> {
  const r = await runScript(join(here, 'Get-CommandLines.ps1'), files);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  const parsed = JSON.parse(r.stdout) as ParsedCommand[] | ParsedCommand | null;
  return parsed === null ? [] : Array.isArray(parsed) ? parsed : [parsed];
}
