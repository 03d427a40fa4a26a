// .NET types and static members: does .NET Framework 4.5 (the reference assemblies of
// Microsoft.NETFramework.ReferenceAssemblies.net45) or Windows PowerShell 5.1's System.Management.Automation
// (PowerShellStandard.Library 5.1.1) have them? The index comes from net-index.ps1 (assembly metadata).
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NET45 = { id: 'microsoft.netframework.referenceassemblies.net45', version: '1.0.2', dir: 'build/.NETFramework/v4.5' };
const SMA = { id: 'powershellstandard.library', version: '5.1.1', file: 'lib/net452/System.Management.Automation.dll' };

// Namespaces that ship with Windows PowerShell 5.1 but have no reference assembly here: accepted unchecked.
export const UNCHECKED_NAMESPACES = {
  'Microsoft.Management.Infrastructure.': 'CIM client types of Windows PowerShell 5.1 (no reference assembly read)',
  'Microsoft.PowerShell.': "Windows PowerShell 5.1's own command assemblies (no reference assembly read)",
};

function globalPackages() {
  if (process.env.NUGET_PACKAGES) return process.env.NUGET_PACKAGES;
  const out = execFileSync('dotnet', ['nuget', 'locals', 'global-packages', '--list'], { encoding: 'utf8' });
  const m = /global-packages:\s*(.+)/.exec(out);
  if (!m) throw new Error(`cannot read the NuGet global packages folder from: ${out.trim()}`);
  return m[1].trim();
}

/** The reference assemblies' paths; restores scripts/nuget/ps51-references.proj when they are missing. */
export function referenceAssemblies(root) {
  const packages = globalPackages();
  const net45 = join(packages, NET45.id, NET45.version, NET45.dir);
  const sma = join(packages, SMA.id, SMA.version, SMA.file);
  if (!existsSync(net45) || !existsSync(sma)) {
    const artifacts = mkdtempSync(join(tmpdir(), 'extls-ps51-restore-'));
    try {
      const r = spawnSync('dotnet', ['restore', join(root, 'scripts/nuget/ps51-references.proj'), '--artifacts-path', artifacts], {
        encoding: 'utf8',
        env: { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      });
      if (r.status !== 0) throw new Error(`dotnet restore of the reference assemblies failed:\n${r.stdout}${r.stderr}`);
    } finally {
      rmSync(artifacts, { recursive: true, force: true });
    }
  }
  const dlls = readdirSync(net45)
    .filter((f) => f.toLowerCase().endsWith('.dll'))
    .map((f) => join(net45, f));
  return [...dlls, sma];
}

/** The type index, cached in the temp folder by the hash of the indexer and the assembly list. */
export function loadIndex(root, pwsh) {
  const assemblies = referenceAssemblies(root);
  const indexer = join(root, 'scripts/check-ps51/net-index.ps1');
  const hash = createHash('sha256').update(readFileSync(indexer)).update(JSON.stringify(assemblies)).digest('hex').slice(0, 16);
  const cacheDir = join(tmpdir(), 'extls-ps51-cache');
  const cache = join(cacheDir, `net-index-${hash}.json`);
  let text;
  if (existsSync(cache)) text = readFileSync(cache, 'utf8');
  else {
    const r = spawnSync(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', indexer], {
      input: JSON.stringify({ assemblies }),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`net-index.ps1 failed:\n${r.stderr}`);
    text = r.stdout;
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cache}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, cache); // atomic: parallel checkers never read half a cache file
  }
  const index = JSON.parse(text);
  const byLower = new Map();
  for (const name of Object.keys(index.types)) byLower.set(name.toLowerCase(), name);
  for (const name of Object.keys(index.forwarded)) if (!byLower.has(name.toLowerCase())) byLower.set(name.toLowerCase(), name);
  return { ...index, byLower };
}

/**
 * Splits a PowerShell type name (`System.Collections.Generic.List[string]`, `byte[]`, `Dictionary[string,int[]]`)
 * into the simple names to resolve: [{ name, arity }].
 */
export function typeNames(text) {
  const out = [];
  const parse = (s) => {
    s = s.trim();
    while (/\[\s*,*\s*\]$/.test(s)) s = s.replace(/\[\s*,*\s*\]$/, '').trim(); // arrays
    const open = s.indexOf('[');
    if (open < 0) {
      out.push({ name: s, arity: 0 });
      return;
    }
    const base = s.slice(0, open).trim();
    const inner = s.slice(open + 1, s.lastIndexOf(']'));
    const args = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < inner.length; i++) {
      if (inner[i] === '[') depth++;
      else if (inner[i] === ']') depth--;
      else if (inner[i] === ',' && depth === 0) {
        args.push(inner.slice(start, i));
        start = i + 1;
      }
    }
    args.push(inner.slice(start));
    out.push({ name: base, arity: args.length });
    for (const a of args) parse(a.replace(/^\s*\[(.*)\]\s*$/, '$1'));
  };
  parse(text);
  return out;
}

/** Resolves a simple type name as PowerShell would: accelerator, as written, with System., with each using namespace. */
export function resolveType(ctx, name, arity) {
  const lower = name.toLowerCase();
  if (arity === 0 && lower === 'ordered') return { ok: true };
  if (arity === 0 && ctx.accelerators.has(lower)) return { full: ctx.accelerators.get(lower), ...lookup(ctx, ctx.accelerators.get(lower)) };
  const suffix = arity > 0 ? `\`${arity}` : '';
  const tries = [name, `System.${name}`, ...ctx.usingNamespaces.map((ns) => `${ns}.${name}`)];
  for (const t of tries) {
    if (ctx.defined(t)) return { ok: true, defined: true };
    const found = lookup(ctx, t + suffix);
    if (found.ok) return { full: found.full, ...found };
  }
  return { ok: false };
}

function lookup(ctx, full) {
  for (const [prefix] of Object.entries(UNCHECKED_NAMESPACES)) {
    if (full.toLowerCase().startsWith(prefix.toLowerCase())) return { ok: true, unchecked: true };
  }
  const real = ctx.index.byLower.get(full.toLowerCase());
  return real ? { ok: true, full: real } : { ok: false };
}

/** Does `type` (full name in the index) or a base type have the static member, callable with `args` arguments? */
export function findMember(index, type, member, args) {
  const lower = member.toLowerCase();
  const ctor = lower === 'new';
  // A struct's parameterless constructor is not in metadata.
  if (ctor && args === 0 && ['System.ValueType', 'System.Enum'].includes(index.types[type]?.base)) return { ok: true };
  let sawName = false;
  for (let t = type, guard = 0; t && guard < 20; guard++) {
    const entry = index.types[t];
    if (!entry) break;
    for (const [name, value] of Object.entries(entry.members)) {
      if (ctor ? name !== '.ctor' : name.toLowerCase() !== lower) continue;
      sawName = true;
      if (!Array.isArray(value)) return { ok: true };
      if (args === null) return { ok: true };
      const fits = value.some(([count, optional, variadic]) =>
        variadic ? args >= count - 1 : args >= count - optional && args <= count,
      );
      if (fits) return { ok: true };
    }
    if (ctor) break; // constructors are not inherited
    t = entry.base;
  }
  return { ok: false, sawName };
}
