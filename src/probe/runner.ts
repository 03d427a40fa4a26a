import dns from 'node:dns/promises';
import net from 'node:net';
import pLimit from 'p-limit';
import { endpointLabel } from './endpoints.js';
import { checkExchangeOnline, exchangeOnlineProfile, type ExchangeOnlineProfile } from './exchange-online.js';
import { attemptVersion, type AttemptContext } from './handshake.js';
import { ProbeStepError, SmtpConnection, ehloKeywords, formatReply, summarizeReply } from './smtp.js';
import {
  LEGACY_VERSIONS,
  TLS_VERSIONS,
  type CertificateInfo,
  type Endpoint,
  type PlaintextMailCheck,
  type ProbeOptions,
  type ProbeResult,
  type SmtpReplySummary,
  type StarttlsInfo,
  type TlsVersion,
  type VersionResult,
} from './types.js';

async function defaultLookup(host: string): Promise<string> {
  return (await dns.lookup(host)).address;
}

async function resolve(host: string, options: ProbeOptions): Promise<string> {
  if (net.isIP(host)) return host;
  const lookup = options.lookup ?? defaultLookup;
  let timer: NodeJS.Timeout | undefined;
  // dns.lookup cannot be cancelled; the race only stops us waiting for it
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProbeStepError('timeout', 'dns', `resolving ${host} took longer than ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
  });
  try {
    return await Promise.race([lookup(host), timeout]);
  } catch (err) {
    if (err instanceof ProbeStepError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new ProbeStepError('dns', 'dns', `cannot resolve ${host}: ${e.message}`, typeof e.code === 'string' ? e.code : null);
  } finally {
    clearTimeout(timer);
  }
}

/** 530 (RFC 3207) or 451 5.7.3 (Exchange) or any reply that asks for STARTTLS first. */
export function isTlsRequiredReply(reply: SmtpReplySummary): boolean {
  if (reply.code === 530) return true;
  if (reply.enhanced === '5.7.3' || reply.enhanced === '5.7.0') return /TLS/i.test(reply.text) || reply.code === 451;
  return /STARTTLS/i.test(reply.text) && reply.code >= 400;
}

interface Discovery {
  banner: string;
  keywords: string[];
  plaintextMail: PlaintextMailCheck;
}

/**
 * The plaintext connection: banner, EHLO (HELO if EHLO is refused), MAIL FROM:<> without TLS, RSET, QUIT.
 * Throws ProbeStepError when the endpoint cannot be probed at all.
 */
async function discover(address: string, port: number, options: ProbeOptions): Promise<Discovery> {
  const t = options.timeoutMs;
  const conn = await SmtpConnection.connect(address, port, t);
  try {
    const banner = await conn.readReply('banner', t);
    if (banner.code !== 220) throw new ProbeStepError('rejected', 'banner', `server greeting is not 220: ${formatReply(banner)}`);
    let keywords: string[] = [];
    const ehlo = await conn.command(`EHLO ${options.ehloName}`, 'ehlo', t);
    if (ehlo.code === 250) {
      keywords = ehloKeywords(ehlo);
    } else {
      // a server without ESMTP cannot offer STARTTLS, but HELO still lets us test MAIL FROM
      const helo = await conn.command(`HELO ${options.ehloName}`, 'ehlo', t);
      if (helo.code !== 250) throw new ProbeStepError('rejected', 'ehlo', `EHLO and HELO refused: ${formatReply(ehlo)}; ${formatReply(helo)}`);
    }
    let plaintextMail: PlaintextMailCheck;
    try {
      const mail = summarizeReply(await conn.command('MAIL FROM:<>', 'mail', t));
      if (mail.code === 250) {
        plaintextMail = { outcome: 'accepted', reply: mail, reason: null };
        await conn.command('RSET', 'mail', t).catch(() => undefined);
      } else {
        plaintextMail = { outcome: isTlsRequiredReply(mail) ? 'tls-required' : 'rejected', reply: mail, reason: null };
      }
    } catch (err) {
      // the endpoint was still probed; the plaintext check just has no answer
      plaintextMail = { outcome: 'error', reply: null, reason: err instanceof Error ? err.message : String(err) };
    }
    await conn.quit(t);
    return { banner: banner.lines.map((l) => l.slice(4)).join('\n'), keywords, plaintextMail };
  } catch (err) {
    // a server that answered but refused us still gets its QUIT; silent or broken peers are just dropped
    if (err instanceof ProbeStepError && err.category === 'rejected') await conn.quit(t);
    throw err;
  } finally {
    conn.close();
  }
}

function notTested(version: TlsVersion, reason: string): VersionResult {
  return {
    version,
    outcome: 'not-tested',
    step: null,
    reason,
    code: null,
    protocol: null,
    cipher: null,
    certificate: null,
    durationMs: 0,
  };
}

function summarize(versions: VersionResult[]): ProbeResult['summary'] {
  const acceptedVersions = versions.filter((v) => v.outcome === 'accepted').map((v) => v.version);
  return {
    acceptedVersions,
    legacyAccepted: acceptedVersions.some((v) => LEGACY_VERSIONS.includes(v)),
    tls12Accepted: acceptedVersions.includes('TLSv1.2'),
    modernAccepted: acceptedVersions.includes('TLSv1.2') || acceptedVersions.includes('TLSv1.3'),
  };
}

/** Probe one endpoint. Never throws: every outcome is a result. */
export async function probeEndpoint(endpoint: Endpoint, options: ProbeOptions, profile?: ExchangeOnlineProfile): Promise<ProbeResult> {
  const started = Date.now();
  const result: ProbeResult = {
    schemaVersion: 1,
    endpoint: endpointLabel(endpoint),
    host: endpoint.host,
    port: endpoint.port,
    server: endpoint.server,
    address: null,
    status: 'failed',
    failure: null,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    banner: null,
    ehloKeywords: [],
    starttls: { offered: false, accepted: null, refusal: null },
    plaintextMail: { outcome: 'not-tested', reply: null, reason: null },
    versions: [],
    certificate: null,
    summary: summarize([]),
    exchangeOnline: null,
  };
  const versions = options.versions ?? TLS_VERSIONS;
  let ctx: AttemptContext | null = null;
  try {
    result.address = await resolve(endpoint.host, options);
    const found = await discover(result.address, endpoint.port, options);
    result.status = 'ok';
    result.banner = found.banner;
    result.ehloKeywords = found.keywords;
    result.plaintextMail = found.plaintextMail;
    const starttls: StarttlsInfo = { offered: found.keywords.some((k) => k.split(' ')[0] === 'STARTTLS'), accepted: null, refusal: null };
    result.starttls = starttls;
    if (!starttls.offered) {
      result.versions = versions.map((v) => notTested(v, 'STARTTLS not offered'));
    } else {
      ctx = {
        host: endpoint.host,
        address: result.address,
        port: endpoint.port,
        timeoutMs: options.timeoutMs,
        ehloName: options.ehloName,
        ...(options.ca ? { ca: options.ca } : {}),
        now: options.now ?? Date.now,
      };
      // one version after the other: servers rate-limit connections per client (Postfix anvil, Exchange throttling)
      for (const version of versions) {
        const { result: v, starttlsReply } = await attemptVersion(version, ctx);
        if (starttlsReply) {
          if (starttlsReply.code === 220) starttls.accepted = true;
          else {
            starttls.accepted ??= false;
            starttls.refusal ??= starttlsReply;
          }
        }
        result.versions.push(v);
      }
    }
  } catch (err) {
    const e = err instanceof ProbeStepError ? err : new ProbeStepError('error', 'connect', err instanceof Error ? err.message : String(err));
    result.status = 'failed';
    result.failure = { category: e.category, step: e.step, message: e.message, code: e.code };
    if (result.versions.length === 0) result.versions = versions.map((v) => notTested(v, 'endpoint could not be probed'));
  }
  result.summary = summarize(result.versions);
  let best: CertificateInfo | null = null;
  for (const v of result.versions) if (v.outcome === 'accepted' && v.certificate) best = v.certificate;
  result.certificate = best;
  if (options.exchangeOnline) {
    const eoCtx: AttemptContext = ctx ?? {
      host: endpoint.host,
      address: result.address ?? endpoint.host,
      port: endpoint.port,
      timeoutMs: options.timeoutMs,
      ehloName: options.ehloName,
      ...(options.ca ? { ca: options.ca } : {}),
      now: options.now ?? Date.now,
    };
    result.exchangeOnline = await checkExchangeOnline(endpoint, result, eoCtx, options, profile ?? exchangeOnlineProfile(options.dataDir));
  }
  result.durationMs = Date.now() - started;
  return result;
}

/** Probe many endpoints, at most options.concurrency at a time. Results come back in input order. */
export async function probeEndpoints(endpoints: Endpoint[], options: ProbeOptions): Promise<ProbeResult[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const profile = options.exchangeOnline ? exchangeOnlineProfile(options.dataDir) : undefined;
  let done = 0;
  return Promise.all(
    endpoints.map((e) =>
      limit(async () => {
        const r = await probeEndpoint(e, options, profile);
        done += 1;
        options.onResult?.(r, done, endpoints.length);
        return r;
      }),
    ),
  );
}
