#!/usr/bin/env node
// Builds data/cmdlets/ps51-type-accelerators.json: the type accelerators ([hashtable], [pscustomobject], ...) of
// Windows PowerShell 5.1, from the table in PowerShell-Docs reference/5.1/.../about_Type_Accelerators.md.
//   node scripts/cmdlet-reference/accelerators.mjs --git-dir <bare repo> --out <file.json> [--commit <rev>]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const FILE = 'reference/5.1/Microsoft.PowerShell.Core/About/about_Type_Accelerators.md';
const { values } = parseArgs({
  options: { 'git-dir': { type: 'string' }, out: { type: 'string' }, commit: { type: 'string', default: 'HEAD' } },
});
if (!values['git-dir'] || !values.out) {
  console.error('accelerators.mjs: --git-dir and --out are required');
  process.exit(1);
}
const git = (...args) => execFileSync('git', ['--git-dir', values['git-dir'], ...args], { encoding: 'utf8' });
const commit = git('rev-parse', `${values.commit}^{commit}`).trim();
const accelerators = {};
// Rows: | name | [Full.Type.Name](xref:Full.Type.Name) |
for (const line of git('show', `${commit}:${FILE}`).split('\n')) {
  const m = /^\|\s*([A-Za-z][\w.]*)\s*\|\s*\[([\w.`+[\],]+)\]\(xref:[^)]*\)\s*\|\s*$/.exec(line);
  if (m) accelerators[m[1]] = m[2];
}
if (Object.keys(accelerators).length < 50) {
  console.error(`accelerators.mjs: only ${Object.keys(accelerators).length} rows found in ${FILE}`);
  process.exit(1);
}
const table = {
  source: {
    title: 'PowerShell-Docs: about_Type_Accelerators (Windows PowerShell 5.1)',
    repository: 'https://github.com/MicrosoftDocs/PowerShell-Docs',
    commit,
    file: FILE,
    generatedBy: 'scripts/cmdlet-reference/accelerators.mjs',
  },
  accelerators,
};
writeFileSync(values.out, `${JSON.stringify(table, null, 1)}\n`);
console.error(`accelerators.mjs: ${Object.keys(accelerators).length} accelerators at ${commit} -> ${values.out}`);
