#!/usr/bin/env node
// For the Windows CI (.github/workflows/windows.yml): every server record of an inventory.json (extls inventory
// --out) has status "ok" and collector data that passes its schema. Prints each record's server and status.
//   node scripts/ci/check-inventory-ok.mjs FILE
import { readFileSync } from 'node:fs';
import { describeErrors, validatorFor } from '../../dist/util/schemas.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/ci/check-inventory-ok.mjs FILE');
  process.exit(2);
}
const inventory = JSON.parse(readFileSync(file, 'utf8'));
const validate = validatorFor('collector-output.schema.json');
let bad = 0;
for (const record of inventory.servers ?? []) {
  const problems = [];
  if (record.status !== 'ok') problems.push(`status ${record.status}: ${record.failure?.category} ${record.failure?.message}`);
  else if (!validate(record.data)) problems.push(describeErrors(validate.errors).join('; '));
  console.log(`${record.server} (${record.transport}): ${problems.length ? problems.join('; ') : 'ok'}`);
  if (problems.length) bad++;
}
if (!inventory.servers?.length) {
  console.error(`${file}: no server records`);
  process.exit(1);
}
process.exit(bad ? 1 : 0);
