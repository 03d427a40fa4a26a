#!/usr/bin/env node
// Stages the demo with its dates moved to this run (src/demo/stage.ts; examples/demo/README.md):
//   node scripts/stage-demo.mjs <demo folder> <staged folder> [--now <iso>]
// Prints the staged reference time (ISO) on stdout; `extls analyze --reference-time` takes it.
import { stageDemo } from '../dist/demo/stage.js';

const [source, target, flag, nowText] = process.argv.slice(2);
if (!source || !target || (flag !== undefined && (flag !== '--now' || !nowText))) {
  process.stderr.write('usage: stage-demo.mjs <demo folder> <staged folder> [--now <iso>]\n');
  process.exit(1);
}
const now = nowText ? new Date(nowText) : new Date();
if (Number.isNaN(now.getTime())) {
  process.stderr.write(`stage-demo: --now "${nowText}" is not a date-time\n`);
  process.exit(1);
}
const r = stageDemo(source, target, now);
process.stderr.write(`stage-demo: ${r.files} files, dates moved by ${r.days} day(s); reference time ${r.referenceTime}\n`);
process.stdout.write(`${r.referenceTime}\n`);
