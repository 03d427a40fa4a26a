#!/usr/bin/env node
// Checks PowerShell scripts that run on servers against Windows PowerShell 5.1, without Windows:
//   node scripts/check-ps51.mjs [--json] FILE...
// Each file is parsed by PowerShell's own parser (scripts/check-ps51/ast.ps1, through pwsh; no file is run) and this
// reports, as FILE:LINE: message,
//   - commands 5.1 does not have and parameters its cmdlets do not have (data/cmdlets/ps51.json, from
//     PowerShell-Docs reference/5.1), resolving aliases and parameter prefixes as PowerShell does; Exchange cmdlets
//     against data/cmdlets/exchange.json (on-premises only); functions of the same file or module are known;
//   - .NET types and static members that .NET Framework 4.5's reference assemblies (and 5.1's
//     System.Management.Automation) lack;
//   - syntax of PowerShell 6/7 (?:, ??, ?., &&, ||, clean, `u{}, ...), 7-only automatic variables, and non-ASCII
//     text without a UTF-8 BOM (5.1 reads such a file as ANSI).
// A finding a script deliberately guards (e.g. a call made only on PowerShell 7) is allowed by a comment
// `ps51-check: allow <why>` on that line or the line above. Exit code: 0 clean, 1 findings, 2 the check itself failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOWED_PROGRAMS, checkCommand, loadTables } from './check-ps51/commands.mjs';
import { findMember, loadIndex, resolveType, typeNames } from './check-ps51/types.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Automatic variables that exist only in PowerShell 6/7: on 5.1 they are $null.
const SEVEN_VARIABLES = ['IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR', 'PSStyle', 'EnabledExperimentalFeatures',
  'PSNativeCommandArgumentPassing', 'PSNativeCommandUseErrorActionPreference'];

// Members PowerShell gives every object (about_Intrinsic_Members, 5.1) and the methods it adds to arrays.
const INTRINSIC_METHODS = new Set(['where', 'foreach', 'psobject', 'get_psobject']);

function findPwsh() {
  if (process.env.EXTLS_PWSH) return process.env.EXTLS_PWSH;
  const exe = process.platform === 'win32' ? 'pwsh.exe' : 'pwsh';
  const local = join(root, '.tools', 'pwsh', exe);
  if (existsSync(local)) return local;
  return exe; // from PATH
}

/** The folder of the module a file belongs to (nearest folder up with a .psd1 or .psm1), or null. */
function moduleDir(file) {
  for (let dir = dirname(file); dir.startsWith(root) && dir !== root; dir = dirname(dir)) {
    if (readdirSync(dir).some((f) => /\.ps[dm]1$/i.test(f))) return dir;
  }
  return null;
}

function scriptsUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...scriptsUnder(full));
    else if (/\.ps[m]?1$/i.test(name)) out.push(full);
  }
  return out;
}

/** ScriptMethod names of a module's *.ps1xml type files (methods PowerShell adds to its objects). */
function scriptMethodsOf(dir) {
  const names = [];
  for (const f of readdirSync(dir).filter((n) => /\.types\.ps1xml$/i.test(n))) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/<ScriptMethod>\s*<Name>([^<]+)<\/Name>/g)) names.push(m[1].trim());
  }
  return names;
}

function parseFiles(pwsh, files) {
  const r = spawnSync(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(root, 'scripts/check-ps51/ast.ps1')], {
    input: JSON.stringify({ files }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`cannot run ${pwsh}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`ast.ps1 failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function checkFile(facts, context) {
  const { tables, index, accelerators } = context;
  const findings = [];
  const functions = new Set([...facts.functions, ...context.moduleFunctions].map((f) => f.toLowerCase()));
  const classes = new Set([...facts.classes, ...context.moduleClasses].map((c) => c.toLowerCase()));
  const namespaces = [...new Set(facts.csharpNamespaces)];
  const typeCtx = {
    index,
    accelerators,
    usingNamespaces: facts.usingNamespaces,
    defined: (name) =>
      classes.has(name.toLowerCase()) || namespaces.some((ns) => name.toLowerCase().startsWith(`${ns.toLowerCase()}.`)),
  };

  for (const e of facts.parseErrors) findings.push({ line: e.line, message: `parse error: ${e.message}` });
  for (const s of facts.syntax) findings.push({ line: s.line, message: `${s.what}: not in Windows PowerShell 5.1` });
  if (facts.nonAsciiLine !== null && !facts.bom) {
    findings.push({ line: facts.nonAsciiLine, message: 'non-ASCII text in a file without a UTF-8 BOM: Windows PowerShell 5.1 reads it as ANSI' });
  }
  for (const v of facts.variables) {
    const hit = SEVEN_VARIABLES.find((n) => n.toLowerCase() === String(v.name).toLowerCase());
    if (hit) findings.push({ line: v.line, message: `$${hit} is an automatic variable of PowerShell 6/7 only ($null in 5.1)` });
  }

  const checkTypeName = (text, line, attribute) => {
    for (const { name, arity } of typeNames(text)) {
      let r = resolveType(typeCtx, name, arity);
      if (!r.ok && attribute) r = resolveType(typeCtx, `${name}Attribute`, arity);
      if (!r.ok) findings.push({ line, message: `.NET type [${name}${arity ? `\`${arity}` : ''}] is not in .NET Framework 4.5 or Windows PowerShell 5.1` });
    }
  };
  for (const t of facts.types) checkTypeName(t.name, t.line, t.kind === 'attribute');
  for (const s of facts.staticMembers) {
    const parts = typeNames(s.type);
    const head = parts[0];
    if (!head) continue;
    const r = resolveType(typeCtx, head.name, head.arity);
    if (!r.ok || r.defined || r.unchecked || !r.full || !index.types[r.full]) continue; // the type itself is reported above
    const m = findMember(index, r.full, s.member, s.arguments);
    if (!m.ok) {
      const call = s.arguments === null ? '' : ` with ${s.arguments} argument(s)`;
      findings.push({ line: s.line, message: `[${r.full}]::${s.member}${call} is not in .NET Framework 4.5` });
    }
  }

  // Methods PowerShell adds to every object or collection (intrinsic members), and script methods of the module's
  // types.ps1xml / Add-Member are not .NET: only a name that no .NET Framework 4.5 type has is reported.
  const known = context.methodNames;
  const own = new Set([...facts.csharpMethods, ...context.moduleScriptMethods].map((m) => m.toLowerCase()));
  for (const call of facts.instanceCalls) {
    const m = call.member.toLowerCase();
    if (known.has(m) || own.has(m) || INTRINSIC_METHODS.has(m)) continue;
    findings.push({ line: call.line, message: `.${call.member}() is a method of no .NET Framework 4.5 type` });
  }

  for (const use of facts.commands) {
    if (!use.name) continue; // & $scriptBlock, & $command: nothing to look up
    let name = use.name;
    if (/[\\/]/.test(name) && !/^[\w.]+\\[\w-]+$/.test(name)) continue; // a script path, not a command name
    if (/\.ps1$/i.test(name)) continue;
    name = name.replace(/^[\w.]+\\/, ''); // Module\Command
    const lower = name.toLowerCase();
    if (functions.has(lower)) continue;
    const known = tables.commands.get(lower);
    if (known) {
      findings.push(...checkCommand(known, use));
      if (known.name === 'New-Object' && !use.parameters.some((p) => /^c/i.test(p.name))) {
        // -TypeName's value, else the first positional argument (not the value of another parameter); -ComObject
        // names a COM class, not a .NET type.
        const typeParam = use.parameters.find((p) => /^t/i.test(p.name));
        const positional = use.arguments.filter((a) => !use.parameters.some((p) => !p.attached && p.index === a.index - 1));
        const typeText = typeParam ? typeParam.value : positional[0]?.value;
        if (typeText) checkTypeName(typeText, use.line, false);
      }
      continue;
    }
    if (ALLOWED_PROGRAMS[lower]) continue;
    findings.push({ line: use.line, message: `${name} is not a command of Windows PowerShell 5.1, of Exchange, of this file or module, nor an allowed program` });
  }

  const allowed = new Set(facts.suppressedLines);
  const kept = findings.filter((f) => !allowed.has(f.line) && !allowed.has(f.line - 1));
  kept.sort((a, b) => a.line - b.line);
  return { kept, allowed: findings.length - kept.length };
}

function main(argv) {
  const json = argv.includes('--json');
  const files = argv.filter((a) => a !== '--json').map((f) => resolve(f));
  if (files.length === 0) {
    console.error('usage: node scripts/check-ps51.mjs [--json] FILE...');
    return 2;
  }
  for (const f of files) {
    if (!existsSync(f)) {
      console.error(`check-ps51: ${f}: no such file`);
      return 2;
    }
  }
  const pwsh = findPwsh();
  const tables = loadTables(join(root, 'data/cmdlets'));
  const accelData = JSON.parse(readFileSync(join(root, 'data/cmdlets/ps51-type-accelerators.json'), 'utf8'));
  const accelerators = new Map(Object.entries(accelData.accelerators).map(([k, v]) => [k.toLowerCase(), v]));
  const index = loadIndex(root, pwsh);
  const methodNames = new Set();
  for (const t of Object.values(index.types)) {
    for (const [name, value] of Object.entries(t.members)) if (Array.isArray(value)) methodNames.add(name.toLowerCase());
  }

  // Module files are parsed too, for the functions and classes a file may call without defining them.
  const modules = new Map();
  for (const f of files) {
    const dir = moduleDir(f);
    if (dir && !modules.has(dir)) modules.set(dir, scriptsUnder(dir));
  }
  const all = [...new Set([...files, ...[...modules.values()].flat()])];
  const facts = new Map(parseFiles(pwsh, all).map((r) => [resolve(r.file), r]));

  const results = [];
  for (const f of files) {
    const dir = moduleDir(f);
    const siblings = dir ? modules.get(dir).map((m) => facts.get(resolve(m))).filter(Boolean) : [];
    const { kept, allowed } = checkFile(facts.get(f), {
      tables,
      index,
      accelerators,
      moduleFunctions: siblings.flatMap((s) => s.functions),
      moduleClasses: siblings.flatMap((s) => s.classes),
      moduleScriptMethods: dir ? scriptMethodsOf(dir) : [],
      methodNames,
    });
    results.push({ file: relative(process.cwd(), f) || f, findings: kept, allowed });
  }
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
  else {
    for (const r of results) for (const x of r.findings) console.log(`${r.file}:${x.line}: ${x.message}`);
    const total = results.reduce((n, r) => n + r.findings.length, 0);
    const allowed = results.reduce((n, r) => n + r.allowed, 0);
    console.error(`check-ps51: ${files.length} file(s), ${total} finding(s)${allowed ? `, ${allowed} allowed by ps51-check comments` : ''}`);
  }
  return results.some((r) => r.findings.length > 0) ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`check-ps51: ${err.message}`);
  process.exitCode = 2;
}
