#!/usr/bin/env node
// Builds a cmdlet reference table (data/cmdlets/*.json) from a fetched docs repository written in platyPS markdown
// (one .md per cmdlet: a SYNTAX block per parameter set, then one yaml block per parameter under PARAMETERS).
// Reads the repository's git objects at one commit, so the table names exactly what it was built from.
//
//   node scripts/cmdlet-reference/build.mjs --git-dir <bare repo> --folder <path> [--folder <path>...]
//        --out <file.json> --title <source title> --repository <https URL> [--commit <rev>] [--note <text>]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCmdletMarkdown } from './platyps.mjs';

const { values } = parseArgs({
  options: {
    'git-dir': { type: 'string' },
    folder: { type: 'string', multiple: true },
    out: { type: 'string' },
    title: { type: 'string' },
    repository: { type: 'string' },
    commit: { type: 'string', default: 'HEAD' },
    note: { type: 'string' },
  },
});
for (const required of ['git-dir', 'folder', 'out', 'title', 'repository']) {
  if (!values[required]) {
    console.error(`build.mjs: --${required} is required`);
    process.exit(1);
  }
}

const gitDir = values['git-dir'];
const git = (...args) =>
  execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
const commit = git('rev-parse', `${values.commit}^{commit}`).trim();

const cmdlets = {};
const skipped = [];
for (const folder of values.folder) {
  const files = git('ls-tree', '-r', '--name-only', commit, '--', folder)
    .split('\n')
    .filter((f) => f.endsWith('.md') && !/\/about\//i.test(f));
  if (files.length === 0) {
    console.error(`build.mjs: no markdown files under ${folder} at ${commit}`);
    process.exit(1);
  }
  for (const file of files) {
    const text = git('show', `${commit}:${file}`);
    let parsed;
    try {
      parsed = parseCmdletMarkdown(text);
    } catch (err) {
      console.error(`build.mjs: ${file}: ${err.message}`);
      process.exit(1);
    }
    // Module landing pages and other non-cmdlet pages have no SYNTAX section.
    if (!parsed) {
      skipped.push(file);
      continue;
    }
    const { name, ...entry } = parsed;
    if (cmdlets[name]) {
      console.error(`build.mjs: ${name} is described twice: ${cmdlets[name].file} and ${file}`);
      process.exit(1);
    }
    cmdlets[name] = { file, ...entry };
  }
}

const sorted = Object.fromEntries(Object.keys(cmdlets).sort().map((k) => [k, cmdlets[k]]));
const table = {
  source: {
    title: values.title,
    repository: values.repository,
    commit,
    folder: values.folder.length === 1 ? values.folder[0] : values.folder.join(', '),
    ...(values.note ? { note: values.note } : {}),
    generatedBy: 'scripts/cmdlet-reference/build.mjs',
  },
  cmdlets: sorted,
};
mkdirSync(dirname(values.out), { recursive: true });
// One cmdlet per line: small enough to ship, and a regenerated table diffs by cmdlet.
const body = Object.entries(sorted)
  .map(([name, entry]) => `  ${JSON.stringify(name)}: ${JSON.stringify(entry)}`)
  .join(',\n');
writeFileSync(
  values.out,
  `{\n "source": ${JSON.stringify(table.source)},\n "cmdlets": {\n${body}\n }\n}\n`,
);
console.error(
  `build.mjs: ${Object.keys(sorted).length} cmdlets from ${values.folder.join(', ')} at ${commit} -> ${values.out}` +
    ` (${skipped.length} pages without SYNTAX skipped)`,
);
