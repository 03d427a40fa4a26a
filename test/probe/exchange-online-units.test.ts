/** The Exchange Online check's parts without a server: suite table, names, certificate judgement, SHA-1 join. */
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execa } from 'execa';
import { judgeCertificate } from '../../src/probe/certificate-judgement.js';
import { keyAndSignature, normalizeThumbprint } from '../../src/probe/certificate.js';
import { TLS12_SUITES, ianaName, opensslName } from '../../src/probe/cipher-names.js';
import { CURRENT_SUITE_STATUS, exchangeOnlineProfile, SUITE_STATUS_COLUMN } from '../../src/probe/exchange-online.js';
import { parse } from 'csv-parse/sync';
import { attachProbeResults, probeLookup, probesByThumbprint } from '../../src/probe/join.js';
import type { CertificateInfo, ProbeResult } from '../../src/probe/types.js';
import { dataDir } from '../../src/util/paths.js';
import { loadKnowledge } from '../../src/findings/knowledge.js';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { probeEndpoint } from '../../src/probe/runner.js';
import { refusingStarttls, startFake, type FakeServer } from './fake-smtp.js';

describe('IANA and OpenSSL suite names', () => {
  it('maps both ways, with and without the curve suffix older Windows writes', () => {
    expect(opensslName('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384')).toBe('ECDHE-RSA-AES256-GCM-SHA384');
    expect(opensslName('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384')).toBe('ECDHE-RSA-AES256-SHA384');
    expect(opensslName('tls_rsa_with_aes_128_cbc_sha')).toBe('AES128-SHA');
    expect(opensslName('TLS_RSA_WITH_RC4_128_SHA')).toBeNull();
    expect(ianaName('DHE-RSA-AES256-GCM-SHA384')).toBe('TLS_DHE_RSA_WITH_AES_256_GCM_SHA384');
  });

  it('every OpenSSL name is one this Node can offer (at security level 0)', () => {
    for (const [, openssl] of TLS12_SUITES) expect(() => tls.createSecureContext({ ciphers: `${openssl}:@SECLEVEL=0` })).not.toThrow();
  });
});

describe('exchangeOnlineProfile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-kb-'));
    for (const f of await readdir(dataDir)) if (f.endsWith('.csv')) await copyFile(join(dataDir, f), join(dir, f));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('takes every TLS 1.2 row of the table that is accepted now (all of them without a status column), in order', async () => {
    const rows = parse(await readFile(join(dataDir, 'm365-cipher-suites.csv'), 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    const expected = rows
      .filter((r) => r.tls_versions!.includes('TLS 1.2') && (r[SUITE_STATUS_COLUMN] === undefined || r[SUITE_STATUS_COLUMN] === CURRENT_SUITE_STATUS))
      .map((r) => r.suite);
    const p = exchangeOnlineProfile();
    expect(p.tls12).toEqual(expected);
    expect(p.tls12.length).toBeGreaterThanOrEqual(4);
    expect(p.tls13).toEqual([]);
    // the one table: the probe offers exactly the suites the cipher-order rule counts as accepted, both CBC_SHA included
    expect(p.tls12).toEqual(loadKnowledge().m365CipherSuites.filter((r) => r.status === 'accepted').map((r) => r.suite));
    expect(p.tls12).toEqual(expect.arrayContaining(['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA']));
  });

  it('leaves out rows whose status is not current, and offers TLS 1.3 where a row says so', async () => {
    await writeFile(
      join(dir, 'm365-cipher-suites.csv'),
      [
        `suite,tls_versions,forward_secrecy,source,note,windows_min_build,${SUITE_STATUS_COLUMN}`,
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS 1.2,yes,Microsoft Learn (test),,9600,accepted',
        'TLS_RSA_WITH_AES_256_CBC_SHA,TLS 1.0; TLS 1.1; TLS 1.2,no,Microsoft Learn (test),,9600,until-tls10-deprecation',
        'TLS_AES_256_GCM_SHA384,TLS 1.3,yes,Microsoft Learn (test),,20348,accepted',
        '',
      ].join('\n'),
    );
    const p = exchangeOnlineProfile(dir);
    expect(p.tls12).toEqual(['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']);
    expect(p.tls13).toEqual(['TLS_AES_256_GCM_SHA384']);
  });
});

describe('certificate facts and judgement', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'extls-cert-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function makeCert(args: string[], name: string): Promise<X509Certificate> {
    await execa('openssl', ['req', '-x509', '-nodes', '-days', '5', '-subj', `/CN=${name}`, '-out', join(dir, `${name}.pem`), ...args]);
    return new X509Certificate(await readFile(join(dir, `${name}.pem`)));
  }

  function info(over: Partial<CertificateInfo>): CertificateInfo {
    return {
      subjectCN: 'mail.contoso.com', subject: 'CN=mail.contoso.com', sans: ['DNS:mail.contoso.com', 'DNS:*.contoso.net'], issuer: 'CN=CA', issuerCN: 'CA',
      selfSigned: false, validFrom: '2026-01-01T00:00:00.000Z', validTo: '2027-01-01T00:00:00.000Z', daysToExpiry: 100, serialNumber: '01',
      fingerprint256: 'AA', thumbprint: 'A'.repeat(40), keyType: 'rsa', keyBits: 2048, signatureAlgorithm: 'sha256WithRSAEncryption',
      signatureHash: 'SHA-256', chainValid: true, chainError: null, hostnameMatches: null, ...over,
    };
  }
  const now = Date.parse('2026-06-01T00:00:00Z');

  it('reads key size and signature hash from the certificate: RSA 1024 with SHA-1, EC P-256 with SHA-384', async () => {
    const weak = await makeCert(['-newkey', 'rsa:1024', '-sha1', '-keyout', join(dir, 'weak-key.pem')], 'weak');
    expect(keyAndSignature(weak.raw)).toEqual({ keyType: 'rsa', keyBits: 1024, signatureAlgorithm: 'sha1WithRSAEncryption', signatureHash: 'SHA-1' });
    const ec = await makeCert(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-sha384', '-keyout', join(dir, 'ec-key.pem')], 'ec');
    expect(keyAndSignature(ec.raw)).toEqual({ keyType: 'ec', keyBits: 256, signatureAlgorithm: 'ecdsa-with-SHA384', signatureHash: 'SHA-384' });
  });

  it('says yes to a good certificate, matching a wildcard name', () => {
    const j = judgeCertificate(info({}), 'mx1.contoso.net', 'given', now);
    expect(j.acceptable).toBe(true);
    expect(j.reasons).toEqual([]);
  });

  it('gives the reason on each no: key size, signature hash, not yet valid', () => {
    const j = judgeCertificate(
      info({ keyBits: 1024, signatureHash: 'SHA-1', signatureAlgorithm: 'sha1WithRSAEncryption', validFrom: '2026-07-01T00:00:00.000Z' }),
      'mail.contoso.com', 'fleet', now,
    );
    expect(j.acceptable).toBe(false);
    expect(j.reasons).toEqual([
      'expiry: not valid before 2026-07-01',
      'key size: RSA key of 1024 bits; at least 2048 needed',
      'signature hash: signed with SHA-1 (sha1WithRSAEncryption); SHA-256 or stronger needed',
    ]);
  });

  it('without an expected name the name is not judged, and says how to give one', () => {
    const j = judgeCertificate(info({}), null, null, now);
    expect(j.name.ok).toBeNull();
    expect(j.name.reason).toMatch(/--expect-name/);
    expect(j.acceptable).toBe(true);
  });

  it('the CN counts only when the certificate has no DNS names', () => {
    expect(judgeCertificate(info({ sans: [] }), 'mail.contoso.com', 'given', now).name.ok).toBe(true);
    expect(judgeCertificate(info({ sans: ['DNS:other.contoso.com'] }), 'mail.contoso.com', 'given', now).name.ok).toBe(false);
  });
});

function result(over: Partial<ProbeResult>, thumbprint: string | null): ProbeResult {
  return {
    schemaVersion: 1, endpoint: 'x:25', host: 'x', port: 25, server: null, address: null, status: 'ok', failure: null,
    startedAt: '2026-01-01T00:00:00Z', durationMs: 1, banner: null, ehloKeywords: [], starttls: { offered: true, accepted: true, refusal: null },
    plaintextMail: { outcome: 'not-tested', reply: null, reason: null }, versions: [],
    certificate: thumbprint === null ? null : ({ thumbprint } as CertificateInfo),
    summary: { acceptedVersions: [], legacyAccepted: false, tls12Accepted: false, modernAccepted: false },
    ...over,
  };
}

describe('joining by SHA-1 thumbprint', () => {
  const T = '0123456789ABCDEF0123456789ABCDEF01234567';

  it('normalises the forms admins paste: lower case, colons, spaces', () => {
    expect(normalizeThumbprint('01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67')).toBe(T);
    expect(normalizeThumbprint('0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567')).toBe(T);
  });

  it('a result probed through a load balancer joins the server whose certificate it was shown', () => {
    const viaVip = result({ host: 'smtp-vip.contoso.com', address: '203.0.113.25' }, T);
    const stranger = result({ host: 'partner.example.org' }, 'F'.repeat(40));
    const records = [
      { server: 'EX01', address: 'ex01.contoso.local', thumbprints: ['ffff'] },
      { server: 'EX02', address: 'ex02.contoso.local', thumbprints: [T.toLowerCase()] },
    ];
    const { records: joined, unmatched } = attachProbeResults(records, [viaVip, stranger]);
    expect(joined.map((r) => r.probes.length)).toEqual([0, 1]);
    expect(unmatched).toEqual([stranger]);
    expect(probeLookup([viaVip, stranger])(records[1]!)).toBe(viaVip);
    // the name still wins over the certificate
    const named = result({ server: 'EX01' }, T);
    expect(probeLookup([viaVip, named])(records[0]!)).toBe(named);
  });

  it('probesByThumbprint finds the results that were shown a certificate (Get-ExchangeCertificate thumbprint)', () => {
    const a = result({ host: 'a' }, T);
    const b = result({ host: 'b' }, T);
    const none = result({ host: 'c' }, null);
    const find = probesByThumbprint([a, none, b]);
    expect(find(T.toLowerCase())).toEqual([a, b]);
    expect(find('00')).toEqual([]);
  });
});

describe('the Exchange Online check when the server does not get as far as a handshake', () => {
  const fakes: FakeServer[] = [];
  afterAll(async () => Promise.all(fakes.map((f) => f.close())));
  const options = { timeoutMs: 400, concurrency: 1, ehloName: 'probe.extls.test', exchangeOnline: true, versions: ['TLSv1.2'] as const };

  it('STARTTLS refused (454): no, with the reply', async () => {
    const f = await startFake(refusingStarttls);
    fakes.push(f);
    const r = await probeEndpoint({ host: '127.0.0.1', port: f.port, server: null }, options);
    expect(r.exchangeOnline?.canDeliver).toBe(false);
    expect(r.exchangeOnline?.reason).toBe('STARTTLS refused (454 4.7.0 TLS not available due to local problem)');
  });

  it('a handshake that times out is unknown, never a no', async () => {
    const f = await startFake({
      onConnect: (s) => s.write('220 fake ESMTP\r\n'),
      onLine: (line, s) => {
        const cmd = line.toUpperCase();
        if (cmd.startsWith('EHLO')) s.write('250-fake\r\n250 STARTTLS\r\n');
        else if (cmd === 'STARTTLS') s.write('220 2.0.0 go ahead\r\n'); // …and then silence
        else if (cmd.startsWith('MAIL')) s.write('250 2.1.0 Ok\r\n');
        else if (cmd === 'RSET') s.write('250 2.0.0 Ok\r\n');
        else if (cmd === 'QUIT') s.end('221 2.0.0 Bye\r\n');
      },
    });
    fakes.push(f);
    const r = await probeEndpoint({ host: '127.0.0.1', port: f.port, server: null }, options);
    expect(r.exchangeOnline?.canDeliver).toBeNull();
    expect(r.exchangeOnline?.display).toMatch(/^unknown: the handshake got no answer \(handshake: TLS handshake did not finish/);
    expect(r.exchangeOnline?.serverSuites).toBeNull();
  });

  it('an endpoint that cannot be probed is unknown', async () => {
    const f = await startFake({});
    const port = f.port;
    await f.close();
    const r = await probeEndpoint({ host: '127.0.0.1', port, server: null }, options);
    expect(r.status).toBe('failed');
    expect(r.exchangeOnline?.canDeliver).toBeNull();
  });
});
