/**
 * The probe against real Postfix instances on loopback (test/helpers/postfix.ts), one per setup.
 * Needs root and the Debian postfix + openssl packages (CI: scripts/setup.sh --system).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { probeEndpoint, probeEndpoints } from '../../src/probe/runner.js';
import type { ProbeOptions, ProbeResult } from '../../src/probe/types.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { startPostfix, type PostfixInstance } from '../helpers/postfix.js';

const options: ProbeOptions = { timeoutMs: 10000, concurrency: 4, ehloName: 'probe.extls.test' };

function expectValid(result: ProbeResult): void {
  const validate = validatorFor('probe-result.schema.json');
  const ok = validate(result);
  if (!ok) throw new Error(`probe result does not match its schema:\n${describeErrors(validate.errors).join('\n')}`);
}

const outcomes = (r: ProbeResult): Record<string, string> => Object.fromEntries(r.versions.map((v) => [v.version, v.outcome]));

describe('probe against Postfix', () => {
  let modern: PostfixInstance;
  let legacy: PostfixInstance;
  let plain: PostfixInstance;
  let encrypt: PostfixInstance;
  const results = new Map<string, ProbeResult>();

  beforeAll(async () => {
    // allSettled so one failing start still lets afterAll stop the others
    const started = await Promise.allSettled([
      startPostfix({ name: 'modern', tls: 'modern' }),
      startPostfix({ name: 'legacy', tls: 'legacy' }),
      startPostfix({ name: 'plain', tls: 'none' }),
      startPostfix({ name: 'encrypt', tls: 'modern', securityLevel: 'encrypt' }),
    ]);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const instances = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as PostfixInstance[];
    [modern, legacy, plain, encrypt] = [instances[0]!, instances[1]!, instances[2]!, instances[3]!];
    if (failed) throw failed.reason;
    // all four at once under the concurrency limit, as the CLI does
    const all = await probeEndpoints(
      [modern, legacy, plain, encrypt].map((p) => ({ host: p.host, port: p.port, server: p.hostname })),
      options,
    );
    for (const r of all) results.set(r.server!, r);
  }, 120000);

  afterAll(async () => {
    await Promise.all([modern, legacy, plain, encrypt].map((p) => p?.stop()));
  }, 60000);

  const resultFor = (p: PostfixInstance): ProbeResult => {
    const r = results.get(p.hostname);
    if (!r) throw new Error(`no result for ${p.hostname}`);
    return r;
  };

  it('every result matches the schema', () => {
    expect(results.size).toBe(4);
    for (const r of results.values()) expectValid(r);
  });

  it('(a) TLS 1.2/1.3-only server: accepts exactly 1.2 and 1.3, refuses 1.0/1.1 with a protocol alert', () => {
    const r = resultFor(modern);
    expect(r.status).toBe('ok');
    expect(r.failure).toBeNull();
    expect(r.endpoint).toBe(`127.0.0.1:${modern.port}`);
    expect(r.address).toBe('127.0.0.1');
    expect(r.banner).toBe(`${modern.hostname} ESMTP Postfix`);
    expect(r.ehloKeywords).toContain('STARTTLS');
    expect(r.starttls).toEqual({ offered: true, accepted: true, refusal: null });
    expect(outcomes(r)).toEqual({ TLSv1: 'refused', 'TLSv1.1': 'refused', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
    expect(r.summary).toEqual({ acceptedVersions: ['TLSv1.2', 'TLSv1.3'], legacyAccepted: false, tls12Accepted: true, modernAccepted: true });
    for (const v of r.versions.filter((x) => x.outcome === 'refused')) {
      expect(v.step).toBe('handshake');
      expect(v.reason).toMatch(/protocol version/);
      expect(v.code).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    }
    for (const v of r.versions.filter((x) => x.outcome === 'accepted')) {
      expect(v.protocol).toBe(v.version);
      expect(v.cipher?.name).toBeTruthy();
    }
    // MAIL FROM without TLS is fine at security level "may"
    expect(r.plaintextMail.outcome).toBe('accepted');
    expect(r.plaintextMail.reply?.code).toBe(250);
  });

  it('(a) certificate: subject, SANs, issuer, expiry; self-signed chain does not validate', () => {
    const cert = resultFor(modern).certificate!;
    expect(cert.subjectCN).toBe(modern.hostname);
    expect(cert.subject).toBe(`CN=${modern.hostname}, O=extls tests`);
    expect(cert.sans).toEqual([`DNS:${modern.hostname}`, 'DNS:localhost', 'IP Address:127.0.0.1']);
    expect(cert.issuerCN).toBe(modern.hostname);
    expect(cert.selfSigned).toBe(true);
    expect(cert.daysToExpiry).toBeGreaterThanOrEqual(29);
    expect(cert.daysToExpiry).toBeLessThanOrEqual(30);
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(30 * 86_400_000);
    expect(cert.chainValid).toBe(false);
    expect(cert.chainError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(cert.hostnameMatches).toBeNull(); // probed by IP
  });

  it('(a) with the certificate trusted (--ca) the chain validates and the host name is checked', async () => {
    const r = await probeEndpoint(
      { host: 'localhost', port: modern.port, server: null },
      { ...options, ca: [modern.certPem!], versions: ['TLSv1.2'], lookup: async () => '127.0.0.1' },
    );
    expectValid(r);
    expect(r.certificate?.chainValid).toBe(true);
    expect(r.certificate?.chainError).toBeNull();
    expect(r.certificate?.hostnameMatches).toBe(true);
    expect(r.versions.map((v) => v.version)).toEqual(['TLSv1.2']);
  });

  it('(b) TLS 1.0-1.3 server: every version accepted, 1.0/1.1 at the legacy security level', () => {
    const r = resultFor(legacy);
    expect(r.status).toBe('ok');
    expect(outcomes(r)).toEqual({ TLSv1: 'accepted', 'TLSv1.1': 'accepted', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
    expect(r.versions.map((v) => v.protocol)).toEqual(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);
    expect(r.summary).toEqual({
      acceptedVersions: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
      legacyAccepted: true,
      tls12Accepted: true,
      modernAccepted: true,
    });
    for (const v of r.versions) expect(v.certificate?.subjectCN).toBe(legacy.hostname);
    expect(r.certificate?.fingerprint256).toBe(r.versions[0]!.certificate?.fingerprint256);
  });

  it('(c) no STARTTLS: reported as not offered, no handshakes attempted, plaintext mail accepted', () => {
    const r = resultFor(plain);
    expect(r.status).toBe('ok');
    expect(r.ehloKeywords).not.toContain('STARTTLS');
    expect(r.starttls).toEqual({ offered: false, accepted: null, refusal: null });
    expect(outcomes(r)).toEqual({ TLSv1: 'not-tested', 'TLSv1.1': 'not-tested', 'TLSv1.2': 'not-tested', 'TLSv1.3': 'not-tested' });
    expect(r.versions.every((v) => v.reason === 'STARTTLS not offered')).toBe(true);
    expect(r.certificate).toBeNull();
    expect(r.summary.acceptedVersions).toEqual([]);
    expect(r.plaintextMail.outcome).toBe('accepted');
  });

  it('(d) TLS required (smtpd_tls_security_level = encrypt): MAIL FROM without TLS gets 530 5.7.0', () => {
    const r = resultFor(encrypt);
    expect(r.status).toBe('ok');
    expect(r.plaintextMail.outcome).toBe('tls-required');
    expect(r.plaintextMail.reply).toEqual({ code: 530, enhanced: '5.7.0', text: '5.7.0 Must issue a STARTTLS command first' });
    expect(r.summary.acceptedVersions).toEqual(['TLSv1.2', 'TLSv1.3']);
  });

  it('Postfix logged the probe connections and their TLS sessions', () => {
    // evidence the probe really handshook with this server and quit politely
    expect(modern.logs()).toMatch(/Anonymous TLS connection established from .*TLSv1\.3/);
    expect(modern.logs()).toMatch(/disconnect from .* quit=1/);
    expect(legacy.logs()).toMatch(/TLS connection established from .*TLSv1 with cipher/);
  });
});
