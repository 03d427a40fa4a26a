/**
 * Every endpoint gets a result whatever happens: refused ports, silence, garbage, 554 greetings, hang-ups,
 * STARTTLS refused, DNS failures; and the concurrency limit holds. Scripted servers from fake-smtp.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { probeEndpoint, probeEndpoints } from '../../src/probe/runner.js';
import type { ProbeOptions, ProbeResult } from '../../src/probe/types.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { freePort } from '../helpers/postfix.js';
import {
  garbage,
  hangsUpOnEhlo,
  heloOnly,
  refusingStarttls,
  rejecting,
  silent,
  stallsAfterBanner,
  startFake,
  type FakeServer,
} from './fake-smtp.js';

const options: ProbeOptions = { timeoutMs: 800, concurrency: 4, ehloName: 'probe.extls.test' };

function expectValid(result: ProbeResult): void {
  const validate = validatorFor('probe-result.schema.json');
  if (!validate(result)) throw new Error(`schema:\n${describeErrors(validate.errors).join('\n')}`);
}

const local = (port: number) => ({ host: '127.0.0.1', port, server: null });

describe('probe failure handling', () => {
  const fakes: FakeServer[] = [];
  const start = async (...args: Parameters<typeof startFake>): Promise<FakeServer> => {
    const f = await startFake(...args);
    fakes.push(f);
    return f;
  };
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
  });

  it('refused port: failed, category refused at connect, all versions not tested', async () => {
    const port = await freePort();
    const r = await probeEndpoint(local(port), options);
    expectValid(r);
    expect(r.status).toBe('failed');
    expect(r.failure).toMatchObject({ category: 'refused', step: 'connect', code: 'ECONNREFUSED' });
    expect(r.versions.map((v) => v.outcome)).toEqual(['not-tested', 'not-tested', 'not-tested', 'not-tested']);
    expect(r.summary.acceptedVersions).toEqual([]);
  });

  it('TCP accepted but never a word: timeout at the banner, within the step timeout', async () => {
    const fake = await start(silent);
    const t0 = Date.now();
    const r = await probeEndpoint(local(fake.port), options);
    expectValid(r);
    expect(r.failure).toMatchObject({ category: 'timeout', step: 'banner' });
    expect(Date.now() - t0).toBeLessThan(options.timeoutMs + 1000);
  });

  it('greeting then silence: timeout at EHLO', async () => {
    const fake = await start(stallsAfterBanner);
    const r = await probeEndpoint(local(fake.port), options);
    expectValid(r);
    expect(r.failure).toMatchObject({ category: 'timeout', step: 'ehlo' });
  });

  it('hang-up after the greeting: closed at EHLO', async () => {
    const fake = await start(hangsUpOnEhlo);
    const r = await probeEndpoint(local(fake.port), options);
    expectValid(r);
    expect(r.status).toBe('failed');
    expect(r.failure).toMatchObject({ category: 'closed', step: 'ehlo' });
  });

  it('not SMTP (an HTTP answer): protocol error at the banner', async () => {
    const fake = await start(garbage);
    const r = await probeEndpoint(local(fake.port), options);
    expectValid(r);
    expect(r.failure?.category).toBe('protocol');
    expect(r.failure?.step).toBe('banner');
    expect(r.failure?.message).toContain('HTTP/1.1 400');
  });

  it('554 greeting: rejected, and still QUIT politely', async () => {
    const fake = await start(rejecting);
    const r = await probeEndpoint(local(fake.port), options);
    expectValid(r);
    expect(r.failure).toMatchObject({ category: 'rejected', step: 'banner' });
    expect(r.failure?.message).toContain('554 5.7.1');
    expect(fake.commands).toEqual(['QUIT']);
  });

  it('STARTTLS offered but refused with 454; 451 5.7.3 for MAIL FROM without TLS; multi-line replies', async () => {
    const fake = await start(refusingStarttls);
    const r = await probeEndpoint(local(fake.port), options);
    expectValid(r);
    expect(r.status).toBe('ok');
    expect(r.banner).toBe('fake.extls.test ESMTP ready\nsecond greeting line\nlast greeting line');
    expect(r.ehloKeywords).toEqual(['SIZE 1000000', 'STARTTLS', '8BITMIME']);
    expect(r.starttls).toEqual({
      offered: true,
      accepted: false,
      refusal: { code: 454, enhanced: '4.7.0', text: '4.7.0 TLS not available due to local problem' },
    });
    for (const v of r.versions) {
      expect(v).toMatchObject({ outcome: 'error', step: 'starttls' });
      expect(v.reason).toContain('454 4.7.0');
    }
    expect(r.plaintextMail).toEqual({
      outcome: 'tls-required',
      reply: { code: 451, enhanced: '5.7.3', text: '5.7.3 Must issue a STARTTLS command first' },
      reason: null,
    });
    // one plaintext connection and one per version, each ended with QUIT; no RSET after a refused MAIL
    expect(fake.connections).toBe(5);
    expect(fake.commands.filter((c) => c === 'QUIT')).toHaveLength(5);
    expect(fake.commands.filter((c) => c === 'STARTTLS')).toHaveLength(4);
    expect(fake.commands).not.toContain('RSET');
    expect(fake.commands[0]).toBe('EHLO probe.extls.test');
  });

  it('HELO-only server: no STARTTLS, plaintext MAIL accepted then RSET', async () => {
    const fake = await start(heloOnly);
    const r = await probeEndpoint(local(fake.port), options);
    expectValid(r);
    expect(r.status).toBe('ok');
    expect(r.starttls.offered).toBe(false);
    expect(r.ehloKeywords).toEqual([]);
    expect(r.plaintextMail.outcome).toBe('accepted');
    expect(fake.commands).toEqual(['EHLO probe.extls.test', 'HELO probe.extls.test', 'MAIL FROM:<>', 'RSET', 'QUIT']);
  });

  it('IPv6 literal endpoint', async () => {
    const fake = await start(heloOnly, '::1');
    const r = await probeEndpoint({ host: '::1', port: fake.port, server: null }, options);
    expectValid(r);
    expect(r.endpoint).toBe(`[::1]:${fake.port}`);
    expect(r.address).toBe('::1');
    expect(r.status).toBe('ok');
  });

  it('name that does not resolve: failed, category dns; a hanging resolver: timeout at dns', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND mx.nowhere.invalid'), { code: 'ENOTFOUND' });
    const r = await probeEndpoint({ host: 'mx.nowhere.invalid', port: 25, server: 'EX09' }, {
      ...options,
      lookup: async () => {
        throw notFound;
      },
    });
    expectValid(r);
    expect(r).toMatchObject({ status: 'failed', address: null, server: 'EX09', failure: { category: 'dns', step: 'dns', code: 'ENOTFOUND' } });

    const hung = await probeEndpoint({ host: 'mx.slow.invalid', port: 25, server: null }, {
      ...options,
      timeoutMs: 200,
      lookup: () => new Promise<string>(() => {}),
    });
    expect(hung.failure).toMatchObject({ category: 'timeout', step: 'dns' });
  });

  describe('many endpoints', () => {
    let slow: FakeServer;
    beforeAll(async () => {
      slow = await start(silent);
    });

    it('never more connections at once than the limit; a result for each, in input order', async () => {
      const refused = await freePort();
      const endpoints = [
        ...Array.from({ length: 6 }, (_, i) => ({ host: '127.0.0.1', port: slow.port, server: `S${i}` })),
        { host: '127.0.0.1', port: refused, server: 'R' },
      ];
      const progress: number[] = [];
      const results = await probeEndpoints(endpoints, {
        ...options,
        timeoutMs: 300,
        concurrency: 2,
        onResult: (_r, done, total) => {
          expect(total).toBe(7);
          progress.push(done);
        },
      });
      expect(results.map((r) => r.server)).toEqual(['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'R']);
      expect(results.slice(0, 6).every((r) => r.failure?.category === 'timeout')).toBe(true);
      expect(results[6]!.failure?.category).toBe('refused');
      expect(slow.connections).toBe(6);
      // with 2 slots, connection i+2 can only start once connection i timed out (300 ms); the server's own
      // count of open sockets lags the client's close, so judge by start times
      const t = [...slow.connectedAt].sort((a, b) => a - b);
      for (let i = 0; i + 2 < t.length; i++) expect(t[i + 2]! - t[i]!).toBeGreaterThanOrEqual(250);
      expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });
  });
});
