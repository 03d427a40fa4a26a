import { loadFleet } from '../fleet/load.js';
import type { Endpoint } from './types.js';

/**
 * Endpoints for every server of a fleet file (loaded and validated by src/fleet/load.ts): the server's
 * address (defaults to its name) on the SMTP port, labelled with the server name so results join the inventory.
 * The fleet's `port` is the management transport's port (WinRM/SSH), not SMTP's, so it is not used here.
 */
export async function endpointsFromFleet(path: string, port: number): Promise<Endpoint[]> {
  const fleet = await loadFleet(path);
  return fleet.servers.map((s) => ({ host: stripBrackets(s.address), port, server: s.name, expectedName: s.smtpFqdn ?? null }));
}

// an IPv6 address may be written "[::1]" in the fleet file
function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
