import net from 'node:net';
import type { Endpoint } from './types.js';

export const DEFAULT_SMTP_PORT = 25;

/**
 * Parse "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 literal ("::1", taken whole, default port).
 * Throws Error with a message fit for the user.
 */
export function parseEndpoint(text: string, defaultPort = DEFAULT_SMTP_PORT, server: string | null = null): Endpoint {
  const input = text.trim();
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(input);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
    if (net.isIPv6(host) === false) throw new Error(`"${text}": only IPv6 literals go in brackets`);
  } else if ((input.match(/:/g) ?? []).length > 1) {
    if (!net.isIPv6(input)) throw new Error(`"${text}": not a valid IPv6 literal (write [addr]:port to give a port)`);
    host = input;
  } else {
    const colon = input.indexOf(':');
    host = colon < 0 ? input : input.slice(0, colon);
    portText = colon < 0 ? undefined : input.slice(colon + 1);
  }
  if (!host) throw new Error(`"${text}": no host`);
  if (/[\s/\\@]/.test(host)) throw new Error(`"${text}": not a host name or IP address`);
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new Error(`"${text}": port must be a number from 1 to 65535`);
    }
    port = Number(portText);
  }
  return { host, port, server };
}

/** "host:port", with brackets for IPv6. */
export function endpointLabel(e: { host: string; port: number }): string {
  return net.isIPv6(e.host) ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
