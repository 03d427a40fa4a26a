// Commands and parameters: what Windows PowerShell 5.1 (and an Exchange server's management shell) has, from the
// cmdlet tables in data/cmdlets/, and how PowerShell binds a parameter name (exact name or alias, else a unique prefix).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Common parameters of every cmdlet and advanced function in 5.1, with their aliases (about_CommonParameters, 5.1).
const COMMON = {
  Debug: ['db'],
  ErrorAction: ['ea'],
  ErrorVariable: ['ev'],
  InformationAction: ['infa'],
  InformationVariable: ['iv'],
  OutVariable: ['ov'],
  OutBuffer: ['ob'],
  PipelineVariable: ['pv'],
  Verbose: ['vb'],
  WarningAction: ['wa'],
  WarningVariable: ['wv'],
};
// ActionPreference in 5.1; `Break` came with PowerShell 7.
const ACTION_VALUES = ['SilentlyContinue', 'Stop', 'Continue', 'Inquire', 'Ignore', 'Suspend'];

// Programs and commands that are no cmdlet of the tables but are on every Windows Server the scripts run on. Each
// entry says why it may be called; anything else unknown is a finding.
export const ALLOWED_PROGRAMS = {
  'certutil.exe': 'Windows certificate tool (System32)',
  certutil: 'Windows certificate tool (System32)',
  'reg.exe': 'Windows registry tool (System32)',
  reg: 'Windows registry tool (System32)',
  'netsh.exe': 'Windows network shell (System32)',
  'schtasks.exe': 'Windows task scheduler tool (System32)',
  'sc.exe': 'Windows service control tool (System32)',
  'whoami.exe': 'Windows identity tool (System32)',
  'cmd.exe': 'Windows command interpreter (System32)',
};

/** Every data/cmdlets/*.json table with cmdlets, ps51 first (a name found there is what 5.1 runs). */
export function loadTables(dataDir) {
  const files = readdirSync(dataDir)
    .filter((f) => f.endsWith('.json'))
    .sort((a, b) => (a === 'ps51.json' ? -1 : b === 'ps51.json' ? 1 : a.localeCompare(b)));
  const tables = [];
  for (const f of files) {
    const table = JSON.parse(readFileSync(join(dataDir, f), 'utf8'));
    if (table.cmdlets) tables.push({ id: f.replace(/\.json$/, ''), ...table });
  }
  const commands = new Map(); // lower-case name or alias -> { name, table, entry }
  for (const table of tables) {
    for (const [name, entry] of Object.entries(table.cmdlets)) {
      const key = name.toLowerCase();
      if (!commands.has(key)) commands.set(key, { name, table: table.id, entry });
      for (const alias of entry.aliases ?? []) {
        if (!commands.has(alias.toLowerCase())) commands.set(alias.toLowerCase(), { name, table: table.id, entry });
      }
    }
  }
  return { tables, commands };
}

const onPremises = (applicable) => !applicable || applicable.some((v) => /^Exchange Server/i.test(v));

/**
 * Resolves a parameter name the way PowerShell's binder does: an exact name or alias, else the one parameter whose
 * name or alias starts with it. Returns { parameter } or { error }.
 */
export function resolveParameter(entry, given) {
  const candidates = [];
  for (const [name, p] of Object.entries(entry.parameters)) candidates.push({ name, keys: [name, ...(p.aliases ?? [])], p });
  if (entry.commonParameters) {
    for (const [name, aliases] of Object.entries(COMMON)) candidates.push({ name, keys: [name, ...aliases], p: { common: true } });
  }
  const g = given.toLowerCase();
  const exact = candidates.filter((c) => c.keys.some((k) => k.toLowerCase() === g));
  if (exact.length >= 1) return { parameter: exact[0] };
  const prefixed = candidates.filter((c) => c.keys.some((k) => k.toLowerCase().startsWith(g)));
  if (prefixed.length === 1) return { parameter: prefixed[0] };
  if (prefixed.length > 1) {
    return { error: `-${given} is ambiguous: it could be ${prefixed.map((c) => `-${c.name}`).join(', ')}` };
  }
  return { error: `has no parameter -${given}` };
}

/** Findings for one command use (from ast.ps1) whose name a table knows. */
export function checkCommand(known, use) {
  const findings = [];
  const { entry, table, name } = known;
  const where = table === 'ps51' ? 'in Windows PowerShell 5.1' : `in data/cmdlets/${table}.json`;
  if (table === 'exchange' && !onPremises(entry.applicable)) {
    findings.push({ line: use.line, message: `${name} is not available in on-premises Exchange (applies to: ${entry.applicable.join(', ')})` });
  }
  const named = [];
  for (const p of use.parameters) {
    const r = resolveParameter(entry, p.name);
    if (r.error) {
      findings.push({ line: p.line, message: `${name} ${r.error} ${where}` });
      continue;
    }
    const { p: meta, name: pname } = r.parameter;
    if (!meta.common) named.push(pname);
    if (table === 'exchange' && meta.applicable && !onPremises(meta.applicable)) {
      findings.push({ line: p.line, message: `${name} -${pname} is not available in on-premises Exchange (applies to: ${meta.applicable.join(', ')})` });
    }
    if (p.value === null || p.value === undefined) continue;
    const accepted = meta.common
      ? /Action$/.test(pname) ? ACTION_VALUES : null
      : meta.acceptedValues ?? null;
    if (!accepted) continue;
    for (const v of String(p.value).split(',').map((s) => s.trim())) {
      if (/^\d+$/.test(v)) continue;
      if (!accepted.some((a) => a.toLowerCase() === v.toLowerCase())) {
        findings.push({ line: p.line, message: `${name} -${pname} ${v}: not an accepted value ${where} (${accepted.join(', ')})` });
      }
    }
  }
  const conflict = parameterSetConflict(entry, named);
  if (conflict) findings.push({ line: use.line, message: `${name}: ${conflict} ${where}` });
  return findings;
}

/**
 * Parameters named together must share a parameter set, or PowerShell cannot bind the call ("Parameter set cannot be
 * resolved"). Judged from each parameter's documented "Parameter Sets" (its yaml block); one in "(All)" fits any set.
 */
export function parameterSetConflict(entry, names) {
  const judged = [];
  for (const n of new Set(names)) {
    const key = Object.keys(entry.parameters).find((k) => k.toLowerCase() === n.toLowerCase());
    const sets = key ? entry.parameters[key].parameterSets ?? [] : [];
    if (sets.length === 0 || sets.some((s) => /^\(All\)$/i.test(s))) continue;
    judged.push({ name: key, sets: new Set(sets.map((s) => s.toLowerCase())) });
  }
  if (judged.length < 2) return null;
  const [first, ...rest] = judged;
  if ([...first.sets].some((s) => rest.every((j) => j.sets.has(s)))) return null;
  return `${judged.map((j) => `-${j.name}`).join(', ')} are in no common parameter set`;
}
