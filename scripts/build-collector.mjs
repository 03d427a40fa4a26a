// Bundles ps/collector/*.ps1 (in name order) into one self-contained script, dist/ExTlsCollector.ps1,
// the file that is sent to servers or dropped on them (GPO, SCCM, scheduled task). Same idea as
// CSS-Exchange's HealthChecker build: many small source files, one shipped script.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'ps', 'collector');
const outFile = join(root, 'dist', 'ExTlsCollector.ps1');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const parts = readdirSync(srcDir).filter((f) => f.endsWith('.ps1')).sort();
let text = '';
for (const part of parts) {
  let body = readFileSync(join(srcDir, part), 'utf8').replace(/^\uFEFF/, '');
  body = body.replaceAll('__EXTLS_VERSION__', version);
  text += `# ---- ${part} ----\r\n${body.replace(/\r?\n/g, '\r\n').trimEnd()}\r\n\r\n`;
}
mkdirSync(dirname(outFile), { recursive: true });
// UTF-8 with BOM: Windows PowerShell 5.1 reads BOM-less files as ANSI.
writeFileSync(outFile, '\uFEFF' + text, 'utf8');
console.log(`built ${outFile} from ${parts.length} parts`);
