/**
 * Scripted TCP servers for the cases a real Postfix will not produce on demand: silence, garbage,
 * STARTTLS refused with 454, a 554 greeting, multi-line replies. Not a test file itself.
 */
import net from 'node:net';

export interface FakeServer {
  port: number;
  connections: number;
  /** Date.now() of each accepted connection. */
  connectedAt: number[];
  /** Every command line received, in order. */
  commands: string[];
  close(): Promise<void>;
}

/** onConnect writes the greeting (or nothing); onLine answers one command line. */
export interface Script {
  onConnect?(socket: net.Socket): void;
  onLine?(line: string, socket: net.Socket): void;
}

export async function startFake(script: Script, host = '127.0.0.1'): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const fake: FakeServer = {
    port: 0,
    connections: 0,
    connectedAt: [],
    commands: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    fake.connections += 1;
    fake.connectedAt.push(Date.now());
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    socket.on('data', (d) => {
      buffer += d.toString('latin1');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        fake.commands.push(line);
        script.onLine?.(line, socket);
      }
    });
    script.onConnect?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  fake.port = (server.address() as net.AddressInfo).port;
  return fake;
}

/**
 * An ESMTP server with multi-line greeting and EHLO replies that offers STARTTLS but refuses it (454),
 * and asks for STARTTLS on MAIL FROM the way Exchange does (451 5.7.3).
 */
export const refusingStarttls: Script = {
  onConnect: (s) => s.write('220-fake.extls.test ESMTP ready\r\n220-second greeting line\r\n220 last greeting line\r\n'),
  onLine: (line, s) => {
    const cmd = line.toUpperCase();
    if (cmd.startsWith('EHLO')) s.write('250-fake.extls.test Hello\r\n250-SIZE 1000000\r\n250-STARTTLS\r\n250 8BITMIME\r\n');
    else if (cmd === 'STARTTLS') s.write('454 4.7.0 TLS not available due to local problem\r\n');
    else if (cmd.startsWith('MAIL FROM')) s.write('451 5.7.3 Must issue a STARTTLS command first\r\n');
    else if (cmd === 'RSET') s.write('250 2.0.0 Ok\r\n');
    else if (cmd === 'QUIT') s.end('221 2.0.0 Bye\r\n');
    else s.write('502 5.5.2 Error: command not recognized\r\n');
  },
};

/** Accepts TCP, never says a word. */
export const silent: Script = {};

/** Speaks something that is not SMTP. */
export const garbage: Script = {
  onConnect: (s) => s.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'),
};

/** Greets with 554 (RFC 5321: no SMTP service here). */
export const rejecting: Script = {
  onConnect: (s) => s.write('554 5.7.1 fake.extls.test no service for you\r\n'),
  onLine: (line, s) => {
    if (line.toUpperCase() === 'QUIT') s.end('221 2.0.0 Bye\r\n');
    else s.write('503 5.5.1 Bad sequence\r\n');
  },
};

/** Greets, then never answers EHLO. */
export const stallsAfterBanner: Script = {
  onConnect: (s) => s.write('220 fake.extls.test ESMTP\r\n'),
};

/** Greets, then hangs up on EHLO. */
export const hangsUpOnEhlo: Script = {
  onConnect: (s) => s.write('220 fake.extls.test ESMTP\r\n'),
  onLine: (_line, s) => s.destroy(),
};

/** HELO-only server without ESMTP: EHLO gets 502, HELO 250, MAIL FROM 250. */
export const heloOnly: Script = {
  onConnect: (s) => s.write('220 old.extls.test SMTP\r\n'),
  onLine: (line, s) => {
    const cmd = line.toUpperCase();
    if (cmd.startsWith('EHLO')) s.write('502 5.5.2 Error: command not recognized\r\n');
    else if (cmd.startsWith('HELO')) s.write('250 old.extls.test\r\n');
    else if (cmd.startsWith('MAIL FROM')) s.write('250 2.1.0 Ok\r\n');
    else if (cmd === 'RSET') s.write('250 2.0.0 Ok\r\n');
    else if (cmd === 'QUIT') s.end('221 2.0.0 Bye\r\n');
  },
};
