// Command lines for the runbooks, built here and only here: the findings carry commands as data (cmdlet,
// parameters, values; schemas/findings.schema.json shellCommand / nativeCommand), this turns each into one line of
// PowerShell where every value is a literal from psLiteral, after checking each value for its type. Templates
// print the result with {{commandLine x}}, which accepts nothing but what these functions built.
import type { HandChange, HandStepLine, ShellCommand, ShellParameter } from '../findings/types.js';
import type * as C from '../contracts/runbook-context.js';
import { UNSAFE_CHAR } from '../util/unsafe-chars.js';
import { RunbookDataError } from './errors.js';
import { psLiteral } from './escape.js';

/** A built command line (schemas/runbook-context.schema.json builtCommand). */
export type BuiltCommand = C.BuiltCommand;
/** A step of a change by hand as the templates read it: its text and, if any, its built command. */
export type HandLines = C.HandChangeLines;

/** Every object psCommand/nativeCommand returned: the {{commandLine}} helper prints only these. */
const built = new WeakSet<object>();

export const isBuiltCommand = (v: unknown): v is BuiltCommand => typeof v === 'object' && v !== null && built.has(v);

/** A value that does not fit its parameter: the server it came from fails, never the fleet (see prepare.ts). */
export class CommandValueError extends Error {}

const CMDLET = /^[A-Za-z]+-[A-Za-z0-9]+$/;
const PARAMETER = /^[A-Za-z]+$/;
/** SHA-1 thumbprint as Exchange and certutil show it. */
export const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;
/** A placeholder the admin replaces, e.g. <thumbprint of the renewed certificate>: words only. */
const PLACEHOLDER = /^<[A-Za-z][A-Za-z0-9 .,'"-]*>$/;
/** A DNS host name (RFC 1123 labels), optionally with a leading wildcard label. */
export const HOST_NAME = /^(?=.{1,253}$)(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
/** A fully qualified host name: at least two labels. */
export const FQDN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\.?$/;

/**
 * Parameters whose values have a grammar of their own, checked before they go into a command (every other value
 * is free text, made safe by psLiteral alone).
 */
const VALUE_GRAMMAR: Record<string, { test: (v: string) => boolean; what: string }> = {
  Thumbprint: { test: (v) => THUMBPRINT.test(v) || PLACEHOLDER.test(v), what: 'a thumbprint (40 hexadecimal digits)' },
  TlsDomain: { test: (v) => HOST_NAME.test(v), what: 'a domain name' },
  Target: { test: (v) => FQDN.test(v) || PLACEHOLDER.test(v), what: 'a fully qualified domain name' },
  Fqdn: { test: (v) => HOST_NAME.test(v), what: 'a host name' },
};

function checkValue(cmdlet: string, name: string, value: string): void {
  if (UNSAFE_CHAR.test(value) && name in VALUE_GRAMMAR) throw new CommandValueError(`${cmdlet} -${name}: the value holds control characters`);
  const g = VALUE_GRAMMAR[name];
  if (g && !g.test(value)) throw new CommandValueError(`${cmdlet} -${name}: the value is not ${g.what}`);
}

function parameterText(cmdlet: string, p: ShellParameter): string {
  if (!PARAMETER.test(p.name)) throw new CommandValueError(`${cmdlet}: "${p.name}" is not a parameter name`);
  let out = ` -${p.name}`;
  if (p.text !== null) {
    checkValue(cmdlet, p.name, p.text);
    out += ` ${psLiteral(p.text)}`;
  }
  if (p.list !== null) {
    for (const v of p.list) checkValue(cmdlet, p.name, v);
    out += ` ${p.list.map((v) => psLiteral(v)).join(', ')}`;
  }
  if (p.flag !== null) out += p.flag ? ' $true' : ' $false';
  if (p.setNull) out += ' $null';
  return out;
}

function cmdletText(cmdlet: string, parameters: ShellParameter[]): string {
  if (!CMDLET.test(cmdlet)) throw new CommandValueError(`"${cmdlet}" is not a cmdlet name`);
  return cmdlet + parameters.map((p) => parameterText(cmdlet, p)).join('');
}

function seal(line: string): BuiltCommand {
  const b: BuiltCommand = { line };
  built.add(b);
  return b;
}

/** One PowerShell command line (with its pipeline) from a shellCommand of the findings. */
export function psCommand(c: ShellCommand): BuiltCommand {
  let line = cmdletText(c.cmdlet, c.parameters);
  if (c.pipeTo) line += ` | ${cmdletText(c.pipeTo.cmdlet, c.pipeTo.parameters)}`;
  return seal(line);
}

/**
 * An extls command line to paste into PowerShell: options as written here, every value a literal, and `--` before
 * the positional values, so a value that starts with '-' is never read as an option.
 */
export function extlsCommand(command: string, options: [string, string | null][], positional: string[]): BuiltCommand {
  const parts = ['extls', command];
  for (const [name, value] of options) {
    if (!/^--[a-z][a-z-]*$/.test(name)) throw new CommandValueError(`extls ${command}: "${name}" is not an option`);
    parts.push(name);
    // a lower-case word (exchange-online) needs no quotes in PowerShell or any shell; anything else is a literal
    if (value !== null) parts.push(/^[a-z][a-z0-9-]*$/.test(value) ? value : psLiteral(value));
  }
  parts.push('--', ...positional.map((v) => psLiteral(v)));
  return seal(parts.join(' '));
}

type Native = Extract<NonNullable<HandStepLine['command']>, { program: string }>;

/**
 * Native programs are no cmdlets: no reference data checks them, so each form they may take is listed here.
 * certutil -repairstore my <thumbprint> (Microsoft Learn, "certutil": -repairstore CertificateStoreName CertId).
 */
const NATIVE_FORMS: Record<Native['program'], (args: Native['arguments']) => boolean> = {
  'certutil.exe': (a) =>
    a.length === 3 && a[0]!.kind === 'option' && a[0]!.text === '-repairstore' && a[1]!.kind === 'word' && a[1]!.text === 'my' && a[2]!.kind === 'thumbprint',
};

/** One PowerShell line running a native program: options and words as written, data values as literals. */
export function nativeCommand(c: Native): BuiltCommand {
  const form = NATIVE_FORMS[c.program];
  if (!form || !form(c.arguments)) throw new CommandValueError(`${c.program}: these arguments are not a form extls writes`);
  const parts: string[] = [c.program];
  for (const a of c.arguments) {
    if (a.kind === 'thumbprint') {
      if (!THUMBPRINT.test(a.text)) throw new CommandValueError(`${c.program}: the certificate's thumbprint is not 40 hexadecimal digits`);
      parts.push(psLiteral(a.text));
    } else {
      if (!/^-?[A-Za-z]+$/.test(a.text)) throw new CommandValueError(`${c.program}: "${a.text}" is not an option or keyword`);
      parts.push(a.text);
    }
  }
  return seal(parts.join(' '));
}

/**
 * Cmdlets that change the organisation rather than one server (Active Directory objects every server shares): a step
 * using one is done once, from rollout.md, never from each server's runbook.
 */
const ORG_WIDE = new Set(['set-sendconnector', 'new-sendconnector', 'remove-sendconnector', 'set-hybridconfiguration', 'set-transportconfig', 'set-organizationconfig', 'set-accepteddomain', 'set-remotedomain']);

/** Whether a change by hand changes the organisation (any of its steps runs an organisation-wide cmdlet). */
export function isOrgWide(h: HandChange): boolean {
  return h.steps.some((l) => l.command !== null && 'cmdlet' in l.command && ORG_WIDE.has(l.command.cmdlet.toLowerCase()));
}

const isNative = (c: NonNullable<HandStepLine['command']>): c is Native => 'program' in c;

function lineOf(l: HandStepLine): HandLines['steps'][number] {
  const c = l.command;
  return { text: l.text, command: c === null ? null : isNative(c) ? nativeCommand(c) : psCommand(c) };
}

/**
 * A change by hand with every command built. A value that fails its check throws RunbookDataError naming the
 * server (or the organisation's finding), never a half-built runbook.
 */
export function handLines(h: HandChange, where: string | null): HandLines {
  try {
    return { steps: h.steps.map(lineOf), check: h.check.map(lineOf), undo: h.undo.map(lineOf) };
  } catch (err) {
    if (err instanceof CommandValueError) throw new RunbookDataError(where, `a command cannot be written from this data: ${err.message}`);
    throw err;
  }
}
