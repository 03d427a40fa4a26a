#!/usr/bin/env node
// For the Windows CI (.github/workflows/windows.yml): checks one collector output file (ExTlsCollector.ps1 -OutFile)
// against schemas/collector-output.schema.json. With --scanned, its protocol logs must have been scanned (status
// "scanned"): proof that the scanner's C# compiled with that PowerShell's Add-Type.
//   node scripts/ci/check-collector-output.mjs [--scanned] FILE
import { readFileSync } from 'node:fs';
import { describeErrors, validatorFor } from '../../dist/util/schemas.js';

const args = process.argv.slice(2);
const scanned = args.includes('--scanned');
const file = args.find((a) => a !== '--scanned');
if (!file) {
  console.error('usage: node scripts/ci/check-collector-output.mjs [--scanned] FILE');
  process.exit(2);
}
const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
const output = JSON.parse(text);
const validate = validatorFor('collector-output.schema.json');
if (!validate(output)) {
  console.error(`${file}: not a valid collector output:\n${describeErrors(validate.errors).join('\n')}`);
  process.exit(1);
}
if (scanned && output.protocolLogs?.status !== 'scanned') {
  console.error(`${file}: protocol logs not scanned: ${JSON.stringify(output.protocolLogs?.status)} ${output.protocolLogs?.message ?? ''}`);
  process.exit(1);
}
console.log(`${file}: valid collector output${scanned ? ', protocol logs scanned' : ''}`);
