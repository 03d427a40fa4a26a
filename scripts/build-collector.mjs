// Bundles ps/collector/*.ps1 (in name order) into one self-contained script, dist/ExTlsCollector.ps1,
// the file that is sent to servers or dropped on them (GPO, SCCM, scheduled task). Same idea as
// CSS-Exchange's HealthChecker build: many small source files, one shipped script.
//
// PowerShell shared with the generated scripts lives in ps/shared: a part dot-sources it with the line
// `. (Join-Path $PSScriptRoot '../shared/<File>.ps1')   # extls:inline` (so the parts also run unbundled), and the
// bundle gets the file's text in place of that line.
// C# that a part compiles with Add-Type lives in real .cs files beside the parts (so the compiler sees it in the
// tests): a part names a folder of them with the line `// extls:include-csharp <folder>` inside a single-quoted
// here-string, and the bundle gets the folder's files there, their using directives gathered at the top.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'ps', 'collector');
const outFile = join(root, 'dist', 'ExTlsCollector.ps1');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const read = (path) => readFileSync(path, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');

/** One compilation unit from the .cs files of `folder`: their using directives once, first; then each file. */
function csharpUnit(folder) {
  const files = readdirSync(folder).filter((f) => f.endsWith('.cs')).sort();
  if (files.length === 0) throw new Error(`${folder}: no .cs files`);
  const usings = new Set();
  const bodies = [];
  for (const file of files) {
    const lines = read(join(folder, file)).split('\n');
    const body = [];
    let head = true;   // leading comments, using directives and blank lines, up to the first declaration
    for (const line of lines) {
      if (head && /^using [\w.]+;\s*$/.test(line)) usings.add(line.trim());
      else {
        if (head && !/^\s*(\/\/.*)?$/.test(line)) head = false;
        body.push(line);
      }
    }
    bodies.push(`// ---- ${file} ----\n${body.join('\n').trim()}\n`);
  }
  const text = `${[...usings].sort((a, b) => a.replace(';', '').localeCompare(b.replace(';', ''))).join('\n')}\n\n${bodies.join('\n')}`;
  // The unit goes into a single-quoted here-string, which a line starting with '@ would end.
  const bad = text.split('\n').findIndex((l) => l.startsWith("'@"));
  if (bad >= 0) throw new Error(`${folder}: a line starting with '@ would end the here-string (line ${bad + 1} of the unit)`);
  return text.trimEnd();
}

function inlineCsharp(part, body) {
  return body.replace(/^\/\/ extls:include-csharp (\S+)[ \t]*$/gm, (_, name) => {
    if (!/^[\w-]+$/.test(name)) throw new Error(`${part}: include-csharp names a folder beside the parts, not ${name}`);
    return csharpUnit(join(srcDir, name));
  });
}

function inlinePowerShell(part, body) {
  return body.replace(/^\. \(Join-Path \$PSScriptRoot '([^']+)'\)[ \t]*# extls:inline[ \t]*$/gm, (_, rel) => {
    const file = join(srcDir, rel);
    if (!/^\.\.\/shared\/[\w-]+\.ps1$/.test(rel)) throw new Error(`${part}: extls:inline takes ../shared/<File>.ps1, not ${rel}`);
    return `# ---- ps/shared/${rel.slice('../shared/'.length)} ----\n${read(file).trimEnd()}`;
  });
}

const parts = readdirSync(srcDir).filter((f) => f.endsWith('.ps1')).sort();
let text = '';
for (const part of parts) {
  let body = inlineCsharp(part, inlinePowerShell(part, read(join(srcDir, part))));
  const left = /^.*extls:(inline|include-csharp).*$/m.exec(body);
  if (left) throw new Error(`${part}: a line the build could not inline: ${left[0]}`);
  body = body.replaceAll('__EXTLS_VERSION__', version);
  text += `# ---- ${part} ----\r\n${body.replace(/\r?\n/g, '\r\n').trimEnd()}\r\n\r\n`;
}
mkdirSync(dirname(outFile), { recursive: true });
// UTF-8 with BOM: Windows PowerShell 5.1 reads BOM-less files as ANSI.
writeFileSync(outFile, '\uFEFF' + text, 'utf8');
console.log(`built ${outFile} from ${parts.length} parts`);
