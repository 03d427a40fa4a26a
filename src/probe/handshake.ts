import net from 'node:net';
import tls from 'node:tls';
import { certificateInfo } from './certificate.js';
import { ProbeStepError, SmtpConnection, formatReply, summarizeReply } from './smtp.js';
import { LEGACY_VERSIONS, type SmtpReplySummary, type TlsVersion, type VersionResult } from './types.js';

export interface AttemptContext {
  host: string;
  address: string;
  port: number;
  timeoutMs: number;
  ehloName: string;
  ca?: string[];
  now: () => number;
}

interface AttemptResult {
  result: VersionResult;
  /** The reply to STARTTLS when one was sent. */
  starttlsReply: SmtpReplySummary | null;
}

// Node's OpenSSL 3 refuses TLS 1.0/1.1 at the default security level (they need SHA-1 signatures);
// level 0 lets us offer them. Only used for those two versions so 1.2/1.3 are probed with normal settings.
const LEGACY_CIPHERS = 'DEFAULT@SECLEVEL=0';

/** Node / OpenSSL codes that mean this machine could not offer the version, not that the server refused it. */
const LOCAL_TLS_CODES = new Set(['ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_CIPHER_MATCH', 'ERR_SSL_NO_CIPHERS_AVAILABLE', 'ERR_TLS_INVALID_PROTOCOL_VERSION']);

function tlsReason(err: NodeJS.ErrnoException & { reason?: string }): string {
  // OpenSSL errors carry the short alert text ("tlsv1 alert protocol version") in .reason
  if (typeof err.reason === 'string' && err.reason) return err.reason;
  return err.message;
}

/**
 * What one handshake offers: exactly `version`, and when given these OpenSSL cipher/suite names (a string for the
 * `ciphers` option) and this SNI name. Without them: Node's defaults (level 0 for TLS 1.0/1.1) and the probed host.
 */
export interface HandshakeSpec {
  version: TlsVersion;
  ciphers?: string;
  servername?: string;
}

/** TLS handshake over the socket left after STARTTLS, offering exactly `spec.version`. */
function handshake(raw: net.Socket, spec: HandshakeSpec, ctx: AttemptContext): Promise<tls.TLSSocket> {
  const { version } = spec;
  const servername = spec.servername ?? (net.isIP(ctx.host) ? undefined : ctx.host);
  const ciphers = spec.ciphers ?? (LEGACY_VERSIONS.includes(version) ? LEGACY_CIPHERS : undefined);
  return new Promise((resolve, reject) => {
    const options: tls.ConnectionOptions = {
      socket: raw,
      minVersion: version,
      maxVersion: version,
      // we record whether the chain validates instead of refusing the connection
      rejectUnauthorized: false,
      // chainValid is about the chain alone: Node otherwise folds a name mismatch with the SNI name into
      // `authorized` (ERR_TLS_CERT_ALTNAME_INVALID); names are judged separately (hostnameMatches, the name check)
      checkServerIdentity: () => undefined,
      // SNI must be a host name (RFC 6066), never an IP literal
      ...(servername && !net.isIP(servername) ? { servername } : {}),
      ...(ciphers ? { ciphers } : {}),
      // --ca adds to Node's bundled roots rather than replacing them
      ...(ctx.ca?.length ? { ca: [...tls.rootCertificates, ...ctx.ca] } : {}),
    };
    let settled = false;
    let socket: tls.TLSSocket;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket?.destroy();
      raw.destroy();
      reject(new ProbeStepError('timeout', 'handshake', `TLS handshake did not finish within ${ctx.timeoutMs} ms`));
    }, ctx.timeoutMs);
    const fail = (err: NodeJS.ErrnoException & { reason?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      raw.destroy();
      const code = typeof err.code === 'string' ? err.code : null;
      reject(new ProbeStepError(code && LOCAL_TLS_CODES.has(code) ? 'error' : 'closed', 'handshake', tlsReason(err), code));
    };
    try {
      socket = tls.connect(options, () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(socket);
      });
    } catch (err) {
      fail(err as NodeJS.ErrnoException);
      return;
    }
    socket.once('error', fail);
    socket.once('close', () => fail(Object.assign(new Error('connection closed during the TLS handshake'), { code: 'ECONNRESET' })));
  });
}

/** Politely QUIT over TLS and close; never throws. */
async function quitTls(socket: tls.TLSSocket, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, Math.min(timeoutMs, 5000));
    socket.removeAllListeners('error');
    socket.removeAllListeners('close');
    socket.on('error', done);
    socket.on('close', done);
    // any data (the 221) ends the wait; we do not need to parse it
    socket.once('data', done);
    socket.write('QUIT\r\n');
  });
  socket.destroy();
}

/**
 * One new connection: banner, EHLO, STARTTLS, handshake offering `version` only, QUIT.
 * Never throws; the outcome is in the result.
 */
export async function attemptVersion(version: TlsVersion, ctx: AttemptContext): Promise<AttemptResult> {
  return attemptHandshake({ version }, ctx);
}

/** attemptVersion with the ciphers and SNI name of `spec` (the handshake as Exchange Online makes it). */
export async function attemptHandshake(spec: HandshakeSpec, ctx: AttemptContext): Promise<AttemptResult> {
  const { version } = spec;
  const started = Date.now();
  let conn: SmtpConnection | null = null;
  let starttlsReply: SmtpReplySummary | null = null;
  const failed = (outcome: 'refused' | 'error', err: unknown): AttemptResult => {
    const e = err instanceof ProbeStepError ? err : new ProbeStepError('error', 'handshake', String(err));
    return {
      starttlsReply,
      result: {
        version,
        outcome,
        step: e.step,
        reason: e.message,
        code: e.code,
        protocol: null,
        cipher: null,
        certificate: null,
        durationMs: Date.now() - started,
      },
    };
  };
  try {
    conn = await SmtpConnection.connect(ctx.address, ctx.port, ctx.timeoutMs);
    const banner = await conn.readReply('banner', ctx.timeoutMs);
    if (banner.code !== 220) throw new ProbeStepError('rejected', 'banner', `banner: ${formatReply(banner)}`);
    const ehlo = await conn.command(`EHLO ${ctx.ehloName}`, 'ehlo', ctx.timeoutMs);
    if (ehlo.code !== 250) throw new ProbeStepError('rejected', 'ehlo', `EHLO: ${formatReply(ehlo)}`);
    const reply = await conn.command('STARTTLS', 'starttls', ctx.timeoutMs);
    starttlsReply = summarizeReply(reply);
    if (reply.code !== 220) {
      const refusal = new ProbeStepError('rejected', 'starttls', `STARTTLS refused: ${formatReply(reply)}`);
      await conn.quit(ctx.timeoutMs);
      conn = null;
      return failed('error', refusal);
    }
    if (conn.hasUnreadData()) {
      // Data pipelined after 220 would be read as if it came over TLS (the STARTTLS injection flaw); do not go on.
      throw new ProbeStepError('protocol', 'starttls', 'server sent data after its 220 reply to STARTTLS');
    }
    const raw = conn.detach();
    conn = null;
    let secure: tls.TLSSocket;
    try {
      secure = await handshake(raw, spec, ctx);
    } catch (err) {
      const e = err as ProbeStepError;
      // an alert, reset or close during the handshake is the server saying no; timeouts and local limits are not
      return failed(e.category === 'closed' ? 'refused' : 'error', err);
    }
    const cipher = secure.getCipher();
    const result: VersionResult = {
      version,
      outcome: 'accepted',
      step: null,
      reason: null,
      code: null,
      protocol: secure.getProtocol() ?? null,
      cipher: cipher ? { name: cipher.name, standardName: cipher.standardName ?? null } : null,
      certificate: certificateInfo(secure, ctx.host, ctx.now()),
      durationMs: 0,
    };
    await quitTls(secure, ctx.timeoutMs);
    result.durationMs = Date.now() - started;
    return { result, starttlsReply };
  } catch (err) {
    if (conn && err instanceof ProbeStepError && err.category === 'rejected') await conn.quit(ctx.timeoutMs);
    conn?.close();
    return failed('error', err);
  }
}
