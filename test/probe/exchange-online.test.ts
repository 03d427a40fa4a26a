/**
 * `--as exchange-online` against real Postfix instances on loopback (test/helpers/postfix.ts): will Exchange Online's
 * TLS 1.2 client get through, which suite, what the server takes instead, and the certificate as Exchange Online
 * judges it. Needs root and the Debian postfix + openssl packages (CI: scripts/setup.sh --system).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { main } from '../../src/cli.js';
import { exchangeOnlineProfile } from '../../src/probe/exchange-online.js';
import { probeEndpoint } from '../../src/probe/runner.js';
import type { ProbeOptions, ProbeResult } from '../../src/probe/types.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { makeCaSignedCert, makeTestCa, startPostfix, type PostfixInstance, type TestCa } from '../helpers/postfix.js';

const base: ProbeOptions = { timeoutMs: 10000, concurrency: 4, ehloName: 'probe.extls.test', exchangeOnline: true };

function expectValid(result: ProbeResult): void {
  const validate = validatorFor('probe-result.schema.json');
  if (!validate(result)) throw new Error(`probe result does not match its schema:\n${describeErrors(validate.errors).join('\n')}`);
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
const DAY = 86_400_000;

describe('probe --as exchange-online against Postfix', () => {
  let work: string;
  let ca: TestCa;
  const pf: Record<'modern' | 'aes128' | 'noSuite' | 'plain' | 'wrongName' | 'expired', PostfixInstance> = {} as never;
  const profile = exchangeOnlineProfile();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'extls-eo-'));
    ca = await makeTestCa(join(work, 'ca'));
    const now = Date.now();
    const wrongName = await makeCaSignedCert(ca, 'wrong', {
      cn: 'other.extls.test', sans: ['DNS:other.extls.test'], start: stamp(new Date(now - DAY)), end: stamp(new Date(now + 30 * DAY)),
    });
    const expired = await makeCaSignedCert(ca, 'expired', {
      cn: 'mx-expired.extls.test', sans: ['DNS:mx-expired.extls.test'], start: '20200101000000Z', end: '20200201000000Z',
    });
    const started = await Promise.allSettled([
      startPostfix({ name: 'eo-modern', tls: 'modern' }),
      // TLS 1.2 only; one of Exchange Online's suites (its second) among others
      startPostfix({ name: 'eo-aes128', tls: 'modern', protocols: '>=TLSv1.2, <=TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256' }),
      // TLS 1.2 only, with suites Exchange Online does not offer
      startPostfix({
        name: 'eo-nosuite', tls: 'modern', protocols: '>=TLSv1.2, <=TLSv1.2',
        ciphers: 'ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CAMELLIA256-SHA384',
      }),
      startPostfix({ name: 'eo-plain', tls: 'none' }),
      startPostfix({ name: 'eo-wrongname', tls: 'modern', cert: wrongName }),
      startPostfix({ name: 'eo-expired', tls: 'modern', cert: expired }),
    ]);
    const keys = ['modern', 'aes128', 'noSuite', 'plain', 'wrongName', 'expired'] as const;
    started.forEach((s, i) => {
      if (s.status === 'fulfilled') pf[keys[i]!] = s.value;
    });
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }, 120000);

  afterAll(async () => {
    await Promise.all(Object.values(pf).map((p) => p?.stop()));
    if (work) await rm(work, { recursive: true, force: true });
  }, 60000);

  const probe = (p: PostfixInstance, extra: Partial<ProbeOptions> = {}, server: string | null = null) =>
    probeEndpoint({ host: p.host, port: p.port, server }, { ...base, ...extra });

  it('offers the TLS 1.2 suites of data/m365-cipher-suites.csv, in its order, each with an OpenSSL name', () => {
    expect(profile.tls12[0]).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(profile.tls12[1]).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(profile.tls12.length).toBeGreaterThanOrEqual(4);
    expect(profile.unmapped).toEqual([]);
    expect(profile.source).toMatch(/learn\.microsoft\.com/);
  });

  it('yes: a server with Exchange Online\'s suites gets its first choice (the client\'s order wins on Postfix)', async () => {
    const r = await probe(pf.modern, { expectName: pf.modern.hostname });
    expectValid(r);
    const eo = r.exchangeOnline!;
    expect(eo.canDeliver).toBe(true);
    expect(eo.tls12.outcome).toBe('accepted');
    expect(eo.tls12.protocol).toBe('TLSv1.2');
    expect(eo.tls12.cipher?.standardName).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(eo.display).toBe('yes: TLS 1.2 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(eo.serverSuites).toBeNull();
    expect(eo.offeredSuites).toEqual(profile.tls12);
    // no TLS 1.3 rows in the table: no TLS 1.3 handshake as Exchange Online
    expect(eo.tls13.outcome).toBe('not-tested');
    // Postfix logged a TLS 1.2 session with that suite: the handshake really offered it
    expect(pf.modern.logs()).toMatch(/TLS connection established from .*TLSv1\.2 with cipher ECDHE-RSA-AES256-GCM-SHA384/);
  });

  it('yes: a TLS 1.2-only server that has one of Exchange Online\'s suites among others', async () => {
    const r = await probe(pf.aes128);
    expectValid(r);
    expect(r.summary.acceptedVersions).toEqual(['TLSv1.2']);
    expect(r.exchangeOnline?.canDeliver).toBe(true);
    expect(r.exchangeOnline?.tls12.cipher?.standardName).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  });

  it('no: accepts TLS 1.2, but only with suites Exchange Online does not offer — and lists them', async () => {
    const r = await probe(pf.noSuite);
    expectValid(r);
    expect(r.summary.tls12Accepted).toBe(true); // the plain version probe says "TLS 1.2 accepted"…
    const eo = r.exchangeOnline!;
    expect(eo.canDeliver).toBe(false); // …but Exchange Online's client does not get through
    expect(eo.tls12.outcome).toBe('refused');
    expect(eo.tls12.code).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect(eo.serverSuites?.complete).toBe(true);
    expect([...eo.serverSuites!.suites].sort()).toEqual(
      ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
    );
    expect(eo.serverSuites?.attempts).toBe(4); // three found, then the server refused the rest
    expect(eo.reason).toMatch(/^no cipher suite in common: the server takes .*TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256/);
    expect(eo.display).toBe(`no: ${eo.reason}`);
  });

  it('no: the search for the server\'s suites stops at its time budget and says so', async () => {
    const r = await probe(pf.noSuite, { suiteBudgetMs: 1 });
    const s = r.exchangeOnline!.serverSuites!;
    expect(s.complete).toBe(false);
    expect(s.stoppedBy).toBe('time budget of 0 s used up');
    expect(s.suites.length).toBeLessThan(3);
    expect(r.exchangeOnline!.reason).toMatch(/search stopped: time budget/);
  });

  it('no: a server without STARTTLS', async () => {
    const r = await probe(pf.plain);
    expectValid(r);
    const eo = r.exchangeOnline!;
    expect(eo.canDeliver).toBe(false);
    expect(eo.reason).toMatch(/^STARTTLS not offered/);
    expect(eo.tls12.outcome).toBe('not-tested');
    expect(eo.certificate).toBeNull();
  });

  it('certificate: self-signed — chain says no with its reason; name and the rest say yes', async () => {
    const r = await probe(pf.modern, { expectName: pf.modern.hostname });
    const c = r.exchangeOnline!.certificate!;
    expect(c.chain).toEqual({ ok: false, reason: 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)' });
    expect(c.name).toEqual({ ok: true, reason: null });
    expect(c.expiry.ok).toBe(true);
    expect(c.keySize.ok).toBe(true);
    expect(c.signatureHash.ok).toBe(true);
    expect(c.acceptable).toBe(false);
    expect(c.reasons).toEqual(['chain: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)']);
    expect(r.certificate?.keyBits).toBe(2048);
    expect(r.certificate?.signatureAlgorithm).toBe('sha256WithRSAEncryption');
  });

  it('certificate: wrong name — the connector\'s FQDN is not on it (chain trusted through --ca)', async () => {
    const r = await probe(pf.wrongName, { expectName: 'mail.contoso.test', ca: [ca.certPem] });
    expectValid(r);
    const c = r.exchangeOnline!.certificate!;
    expect(r.exchangeOnline!.canDeliver).toBe(true); // the handshake itself works
    expect(c.chain.ok).toBe(true);
    expect(c.expiry.ok).toBe(true);
    expect(c.name).toEqual({ ok: false, reason: 'the certificate names DNS:other.extls.test, not mail.contoso.test (given)' });
    expect(c.reasons).toEqual(['name: the certificate names DNS:other.extls.test, not mail.contoso.test (given)']);
  });

  it('certificate: the expected name comes from the fleet file when not given', async () => {
    const r = await probeEndpoint(
      { host: pf.wrongName.host, port: pf.wrongName.port, server: 'EX01', expectedName: 'other.extls.test' },
      { ...base, ca: [ca.certPem] },
    );
    const c = r.exchangeOnline!.certificate!;
    expect(c.expectedNameSource).toBe('fleet');
    expect(c.name.ok).toBe(true);
    expect(c.acceptable).toBe(true);
  });

  it('certificate: expired — with the date', async () => {
    const r = await probe(pf.expired, { expectName: 'mx-expired.extls.test', ca: [ca.certPem] });
    expectValid(r);
    const c = r.exchangeOnline!.certificate!;
    expect(c.expiry.ok).toBe(false);
    expect(c.expiry.reason).toMatch(/^expired on 2020-02-01 \(\d+ days ago\)$/);
    expect(c.chain).toEqual({ ok: false, reason: 'a certificate in the chain has expired (CERT_HAS_EXPIRED)' });
    expect(c.name.ok).toBe(true);
  });

  it('the SHA-1 thumbprint is as Exchange shows it: upper-case hex without separators, next to SHA-256', async () => {
    const r = await probe(pf.wrongName, { ca: [ca.certPem] });
    const { X509Certificate } = await import('node:crypto');
    const { readFile } = await import('node:fs/promises');
    const x = new X509Certificate(await readFile(join(ca.dir, 'wrong.pem')));
    expect(r.certificate?.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(r.certificate?.thumbprint).toBe(x.fingerprint.replace(/:/g, ''));
    expect(r.certificate?.fingerprint256).toBe(x.fingerprint256);
  });

  it('CLI: --as exchange-online adds its columns; csv/json carry the verdict and the suites offered instead', async () => {
    let stdout = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(['node', 'extls', 'probe', '--as', 'exchange-online', '--format', 'json', `127.0.0.1:${pf.noSuite.port}`, `127.0.0.1:${pf.aes128.port}`]);
      expect(code).toBe(0);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const results = JSON.parse(stdout) as ProbeResult[];
    expect(results.map((r) => r.exchangeOnline?.canDeliver)).toEqual([false, true]);
    expect(results[0]!.exchangeOnline?.serverSuites?.suites).toContain('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384');
  });

  it('CLI --fleet: the Exchange Online check is on by default, the expected name from the fleet\'s smtpFqdn', async () => {
    const fleet = join(work, 'fleet.yaml');
    await writeFile(fleet, ['servers:', '  - name: EX01', '    address: 127.0.0.1', '    smtpFqdn: mail.contoso.test', ''].join('\n'));
    let stdout = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'extls', 'probe', '--fleet', fleet, '--port', String(pf.wrongName.port), '--format', 'csv'])).toBe(0);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const [cells] = parse(stdout, { bom: true, columns: true }) as Record<string, string>[];
    if (!cells) throw new Error(`no csv row in ${stdout}`);
    expect(cells['Server']).toBe('EX01');
    expect(cells['ExchangeOnline']).toBe('yes');
    expect(cells['ExchangeOnlineCertificate']).toContain('not mail.contoso.test (from the fleet file)');
    expect(cells['CertificateThumbprint']).toMatch(/^[0-9A-F]{40}$/);
  });
});
