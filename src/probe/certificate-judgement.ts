// The certificate as Exchange Online judges it when a connector validates it (outbound connector TlsSettings
// CertificateValidation or DomainValidation with TlsDomain): Microsoft's "Set up connectors to route mail between
// Microsoft 365 and your own email servers" asks for a certificate from a trusted public CA whose subject or SAN
// holds the name the connector expects. Microsoft's Trusted Root Program requires RSA keys of 2048 bits or more
// (EC P-256 or more), and Windows no longer trusts SHA-1 signed TLS server certificates (Microsoft's "SHA-1
// deprecation for Windows" advisory 2880823), so both are judged too.
import net from 'node:net';
import tls from 'node:tls';
import type { CertificateCheck, CertificateInfo, CertificateJudgement } from './types.js';

const yes: CertificateCheck = { ok: true, reason: null };
const no = (reason: string): CertificateCheck => ({ ok: false, reason });

const WEAK_HASHES = new Set(['MD5', 'SHA-1']);

/** Plain words for OpenSSL's verify codes that admins meet most. */
const CHAIN_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed root that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer not trusted (private CA, or the server does not send the intermediate certificate)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issuer not trusted (the server does not send the intermediate certificate)',
  CERT_HAS_EXPIRED: 'a certificate in the chain has expired',
  CERT_NOT_YET_VALID: 'a certificate in the chain is not valid yet',
};

/** Does the certificate name `expected`? RFC 6125 rules as Node applies them (SANs; the CN only without DNS SANs). */
function nameCheck(cert: CertificateInfo, expected: string | null, source: CertificateJudgement['expectedNameSource']): CertificateCheck {
  if (!expected) return { ok: null, reason: 'no expected name: give --expect-name, or smtpFqdn in the fleet file' };
  const names = cert.sans.length ? cert.sans.join(', ') : cert.subjectCN ? `CN=${cert.subjectCN}` : 'no names';
  const peer = {
    subject: cert.subjectCN ? { CN: cert.subjectCN } : {},
    subjectaltname: cert.sans.join(', '),
  } as unknown as tls.PeerCertificate;
  const err = net.isIP(expected) ? tls.checkServerIdentity(expected, peer) : tls.checkServerIdentity(expected.replace(/\.$/, ''), peer);
  if (err === undefined) return yes;
  const from = source === 'given' ? 'given' : source === 'fleet' ? 'from the fleet file' : 'the probed host';
  return no(`the certificate names ${names}, not ${expected} (${from})`);
}

export function judgeCertificate(
  cert: CertificateInfo,
  expected: string | null,
  source: CertificateJudgement['expectedNameSource'],
  now: number,
): CertificateJudgement {
  const name = nameCheck(cert, expected, source);
  const chain = cert.chainValid
    ? yes
    : no(`${CHAIN_WORDS[cert.chainError ?? ''] ?? 'does not chain to a trusted root'} (${cert.chainError ?? 'unknown'})`);
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  const expiry =
    Number.isFinite(to) && to < now
      ? no(`expired on ${cert.validTo.slice(0, 10)} (${-cert.daysToExpiry} days ago)`)
      : Number.isFinite(from) && from > now
        ? no(`not valid before ${cert.validFrom.slice(0, 10)}`)
        : yes;
  const minBits = cert.keyType === 'ec' ? 256 : 2048;
  const keySize =
    cert.keyBits === null || cert.keyBits === undefined
      ? { ok: null, reason: `key size not readable (${cert.keyType ?? 'unknown key type'})` }
      : (cert.keyType === 'rsa' || cert.keyType === 'rsa-pss' || cert.keyType === 'ec') && cert.keyBits < minBits
        ? no(`${cert.keyType.toUpperCase()} key of ${cert.keyBits} bits; at least ${minBits} needed`)
        : yes;
  const signatureHash = cert.signatureHash && WEAK_HASHES.has(cert.signatureHash)
    ? no(`signed with ${cert.signatureHash} (${cert.signatureAlgorithm}); SHA-256 or stronger needed`)
    : yes;
  const checks = { name, chain, expiry, keySize, signatureHash };
  const reasons = Object.entries(checks)
    .filter(([, c]) => c.ok === false)
    .map(([k, c]) => `${k === 'signatureHash' ? 'signature hash' : k === 'keySize' ? 'key size' : k}: ${c.reason}`);
  return { expectedName: expected, expectedNameSource: expected ? source : null, acceptable: reasons.length === 0, ...checks, reasons };
}
