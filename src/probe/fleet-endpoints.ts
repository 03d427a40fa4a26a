import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../util/errors.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import type { Endpoint } from './types.js';

interface FleetServer {
  name: string;
  address?: string;
}

/**
 * Endpoints for every server of a fleet file (YAML or JSON, schemas/fleet.schema.json): address (or name)
 * on the SMTP port, labelled with the server name so results join the inventory.
 * The fleet's own `port` is the management transport's port, not SMTP's, so it is not used here.
 * TODO: switch to src/fleet/load.ts loadFleet() once it exists (same file format; this reader is minimal).
 */
export async function endpointsFromFleet(path: string, port: number): Promise<Endpoint[]> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read fleet file ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const validate = validatorFor<{ servers: FleetServer[] }>('fleet.schema.json');
  if (!validate(doc)) {
    throw new UsageError(`fleet file ${path} is not valid:\n  ${describeErrors(validate.errors).join('\n  ')}`);
  }
  return doc.servers.map((s) => ({ host: stripBrackets(s.address ?? s.name), port, server: s.name }));
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
