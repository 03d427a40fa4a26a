import net from 'node:net';
import type { FailureCategory, SmtpReplySummary, Step } from './types.js';

/** An error with the category and step the result reports. */
export class ProbeStepError extends Error {
  constructor(
    readonly category: FailureCategory,
    readonly step: Step,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ProbeStepError';
  }
}

interface SmtpReply {
  code: number;
  lines: string[];
}

// RFC 5321 allows 512-octet reply lines; be generous, but a peer streaming endless data is not SMTP.
const MAX_LINE = 4096;
const MAX_REPLY_LINES = 200;

/** Map a socket error to the result's category. */
function categorizeSocketError(err: NodeJS.ErrnoException, step: Step): ProbeStepError {
  const code = typeof err.code === 'string' ? err.code : null;
  let category: FailureCategory = 'error';
  if (code === 'ECONNREFUSED') category = 'refused';
  else if (code && ['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL'].includes(code)) category = 'unreachable';
  else if (code === 'ETIMEDOUT') category = 'timeout';
  else if (code && ['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code)) category = 'closed';
  return new ProbeStepError(category, step, err.message, code);
}

export function summarizeReply(reply: SmtpReply): SmtpReplySummary {
  const texts = reply.lines.map((l) => l.slice(4));
  const enhanced = /^([245]\.\d{1,3}\.\d{1,3})(?:\s|$)/.exec(texts[0] ?? '');
  return { code: reply.code, enhanced: enhanced ? enhanced[1]! : null, text: texts.join('\n') };
}

export function formatReply(reply: SmtpReply): string {
  return reply.lines.join(' / ');
}

/**
 * Line-oriented SMTP client over one TCP socket. Replies may span lines ("250-..." continues, "250 ..." ends).
 * Every read has its own timeout. detach() hands the bare socket over for the TLS handshake after STARTTLS.
 */
export class SmtpConnection {
  private buffer = '';
  private lines: string[] = [];
  private failure: ProbeStepError | null = null;
  private wake: (() => void) | null = null;
  private readonly onData = (chunk: Buffer): void => {
    // latin1: one char per byte, so a garbage peer cannot produce decoding errors; SMTP replies are ASCII.
    this.buffer += chunk.toString('latin1');
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      this.lines.push(this.buffer.slice(0, nl).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(nl + 1);
    }
    if (this.buffer.length > MAX_LINE) this.fail(new ProbeStepError('protocol', 'banner', `reply line longer than ${MAX_LINE} bytes`));
    this.notify();
  };
  private readonly onEnd = (): void => this.fail(new ProbeStepError('closed', 'banner', 'connection closed by the server'));
  private readonly onError = (err: Error): void => this.fail(categorizeSocketError(err, 'banner'));

  private constructor(readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  /** TCP connect with a timeout. */
  static connect(address: string, port: number, timeoutMs: number): Promise<SmtpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ProbeStepError('timeout', 'connect', `TCP connect to ${address} port ${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new SmtpConnection(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(categorizeSocketError(err, 'connect'));
      });
    });
  }

  private fail(err: ProbeStepError): void {
    if (!this.failure) this.failure = err;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Read one complete (possibly multi-line) reply. */
  async readReply(step: Step, timeoutMs: number): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    const reply: string[] = [];
    let code: string | null = null;
    for (;;) {
      const line = this.lines.shift();
      if (line === undefined) {
        if (this.failure) {
          const f = this.failure;
          throw new ProbeStepError(f.category, step, f.message + (reply.length ? ` (after "${reply.join(' / ')}")` : ''), f.code);
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new ProbeStepError('timeout', step, `no complete ${step} reply within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        continue;
      }
      const m = /^(\d{3})([ -]|$)(.*)$/.exec(line);
      if (!m || (code !== null && m[1] !== code)) {
        throw new ProbeStepError('protocol', step, `not an SMTP reply: ${JSON.stringify(line.slice(0, 200))}`);
      }
      code = m[1]!;
      reply.push(line);
      if (m[2] !== '-') return { code: Number(code), lines: reply };
      if (reply.length >= MAX_REPLY_LINES) throw new ProbeStepError('protocol', step, `reply longer than ${MAX_REPLY_LINES} lines`);
    }
  }

  /** Send a command line and read its reply. */
  async command(line: string, step: Step, timeoutMs: number): Promise<SmtpReply> {
    if (this.failure) throw new ProbeStepError(this.failure.category, step, this.failure.message, this.failure.code);
    this.socket.write(line + '\r\n');
    return this.readReply(step, timeoutMs);
  }

  /** Whether the server sent anything not yet read (after STARTTLS's 220 that would be an injection attempt). */
  hasUnreadData(): boolean {
    return this.lines.length > 0 || this.buffer.length > 0;
  }

  /** Stop reading the socket so a TLS layer can take it over. */
  detach(): net.Socket {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    return this.socket;
  }

  /** QUIT politely, wait briefly for 221, then close. Never throws. */
  async quit(timeoutMs: number): Promise<void> {
    try {
      if (!this.failure && !this.socket.destroyed) await this.command('QUIT', 'quit', Math.min(timeoutMs, 5000));
    } catch {
      // the answer to QUIT does not matter
    } finally {
      this.close();
    }
  }

  close(): void {
    this.detach();
    this.socket.on('error', () => {}); // late resets after we are done are not interesting
    this.socket.destroy();
  }
}

/** EHLO keywords from a 250 reply: every line after the greeting line, upper-cased keyword. */
export function ehloKeywords(reply: SmtpReply): string[] {
  return reply.lines.slice(1).map((l) => {
    const text = l.slice(4).trim();
    const sp = text.indexOf(' ');
    return sp < 0 ? text.toUpperCase() : text.slice(0, sp).toUpperCase() + text.slice(sp);
  });
}
