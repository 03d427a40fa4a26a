import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { SIGNATURE_ALGORITHMS, signatureAlgorithmOid } from './der.js';
import type { CertificateInfo } from './types.js';

const DAY_MS = 86_400_000;

/** "CN=a, O=b" from Node's parsed subject/issuer object (values may be arrays for repeated attributes). */
function formatName(name: Record<string, string | string[]> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}=${x}`).join(', ') : `${k}=${v}`))
    .join(', ');
}

function firstCN(name: Record<string, string | string[]> | undefined): string | null {
  const cn = name?.CN;
  if (cn === undefined) return null;
  return Array.isArray(cn) ? (cn[0] ?? null) : cn;
}

/** "DNS:a, DNS:b, IP Address:1.2.3.4" → entries. Quoted entries with commas are rare enough to split naively. */
function splitSubjectAltName(san: string | undefined): string[] {
  if (!san) return [];
  return san
    .split(/,\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function iso(dateText: string): string {
  const d = new Date(dateText);
  return Number.isNaN(d.getTime()) ? dateText : d.toISOString();
}

/** "AB:CD:…" (Node's SHA-1 fingerprint) → "ABCD…": the thumbprint as Exchange shows it (Get-ExchangeCertificate). */
export function normalizeThumbprint(text: string | null | undefined): string {
  return (text ?? '').replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}

const EC_BITS: Record<string, number> = { prime256v1: 256, 'P-256': 256, secp384r1: 384, 'P-384': 384, secp521r1: 521, 'P-521': 521 };

/** Public key type and size, and the signature algorithm, from the DER certificate. */
export function keyAndSignature(raw: Uint8Array): Pick<CertificateInfo, 'keyType' | 'keyBits' | 'signatureAlgorithm' | 'signatureHash'> {
  let keyType: string | null = null;
  let keyBits: number | null = null;
  try {
    const key = new X509Certificate(raw).publicKey;
    keyType = key.asymmetricKeyType ?? null;
    const d = key.asymmetricKeyDetails;
    if (d?.modulusLength) keyBits = d.modulusLength;
    else if (d?.namedCurve) keyBits = EC_BITS[d.namedCurve] ?? null;
    else if (keyType === 'ed25519') keyBits = 256;
    else if (keyType === 'ed448') keyBits = 456;
  } catch {
    // a key type Node cannot read: reported as unknown
  }
  const oid = signatureAlgorithmOid(raw);
  const alg = oid ? SIGNATURE_ALGORITHMS[oid] : undefined;
  return { keyType, keyBits, signatureAlgorithm: alg?.name ?? oid, signatureHash: alg?.hash ?? null };
}

/** Certificate facts from a finished handshake; null when the server sent none. */
export function certificateInfo(socket: tls.TLSSocket, host: string, now: number): CertificateInfo | null {
  const cert = socket.getPeerCertificate(false);
  if (!cert || Object.keys(cert).length === 0) return null;
  const subject = cert.subject as unknown as Record<string, string | string[]> | undefined;
  const issuer = cert.issuer as unknown as Record<string, string | string[]> | undefined;
  const validTo = new Date(cert.valid_to);
  const subjectText = formatName(subject);
  const issuerText = formatName(issuer);
  let hostnameMatches: boolean | null = null;
  if (!net.isIP(host)) hostnameMatches = tls.checkServerIdentity(host, cert) === undefined;
  const authError = socket.authorizationError as unknown;
  return {
    subjectCN: firstCN(subject),
    subject: subjectText,
    sans: splitSubjectAltName(cert.subjectaltname),
    issuer: issuerText,
    issuerCN: firstCN(issuer),
    selfSigned: subjectText === issuerText,
    validFrom: iso(cert.valid_from),
    validTo: iso(cert.valid_to),
    daysToExpiry: Number.isNaN(validTo.getTime()) ? 0 : Math.floor((validTo.getTime() - now) / DAY_MS),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    thumbprint: normalizeThumbprint(cert.fingerprint),
    ...keyAndSignature(cert.raw),
    chainValid: socket.authorized,
    // authorizationError is typed Error but is the OpenSSL code string (e.g. DEPTH_ZERO_SELF_SIGNED_CERT)
    chainError: socket.authorized ? null : authError == null ? 'unknown' : String(authError instanceof Error ? authError.message : authError),
    hostnameMatches,
  };
}
