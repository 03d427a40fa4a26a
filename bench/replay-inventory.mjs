// Child of bench/fanout.mjs: builds an inventory of <count> servers from a replayed driver stream (fakePwsh
// prints it) through the real Node pipeline (parse, ajv validation, streaming writer) and prints its own peak RSS.
import { statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [fakePwsh, countText, out] = process.argv.slice(2);
const count = Number(countText);
const { parseFleet } = await import(join(root, 'dist/fleet/load.js'));
const { collectFleet } = await import(join(root, 'dist/inventory/collect.js'));
const { InventoryWriter } = await import(join(root, 'dist/inventory/writer.js'));

// ssh: the driver's servers (local ones run in the control node's sessions, not through a driver stream)
const servers = Array.from({ length: count }, (_, i) => ({ name: `EX${String(i).padStart(5, '0')}`, transport: 'ssh' }));
const fleet = parseFleet(JSON.stringify({ servers }), 'replay', root);
const writer = await InventoryWriter.open(out, 'replay');
const t = performance.now();
await collectFleet(fleet, { pwsh: fakePwsh, onRecord: (r) => writer.add(r), onLog: () => undefined });
await writer.commit();
const ms = performance.now() - t;
console.log(JSON.stringify({
  ms,
  maxRss: process.resourceUsage().maxRSS * 1024,
  summary: writer.summary,
  inventoryBytes: statSync(out).size,
  streamBytes: statSync(fakePwsh.replace(/replay-pwsh$/, 'replay.ndjson')).size,
}));
