import type { Column } from '../util/format.js';
import { TLS_VERSIONS, TLS_VERSION_LABELS, type ProbeResult, type TlsVersion, type VersionResult } from './types.js';

function versionCell(v: VersionResult | undefined): string {
  if (!v) return '';
  switch (v.outcome) {
    case 'accepted':
      return 'accepted';
    case 'refused':
      return 'refused';
    case 'error':
      return `error (${v.step ?? '?'})`;
    case 'not-tested':
      return '-';
  }
}

function starttlsCell(r: ProbeResult): string {
  if (r.status === 'failed') return '';
  if (!r.starttls.offered) return 'not offered';
  if (r.starttls.accepted === false) return `refused ${r.starttls.refusal?.code ?? ''}`.trim();
  return 'offered';
}

function plaintextCell(r: ProbeResult): string {
  const p = r.plaintextMail;
  if (p.outcome === 'not-tested') return '';
  if (!p.reply) return p.outcome;
  return `${p.outcome} (${p.reply.code}${p.reply.enhanced ? ' ' + p.reply.enhanced : ''})`;
}

/** Why something went wrong, in one line: the endpoint's failure, else the first failed attempt's reason. */
function noteCell(r: ProbeResult): string {
  if (r.failure) return `${r.failure.category} at ${r.failure.step}: ${r.failure.message}`;
  if (r.starttls.refusal) return `STARTTLS: ${r.starttls.refusal.code} ${r.starttls.refusal.text}`;
  const err = r.versions.find((v) => v.outcome === 'error');
  return err ? `${err.version}: ${err.reason ?? ''}` : '';
}

/** Tls10 ... Tls13: the ExTls module's property names (no spaces). */
const versionHeader = (version: TlsVersion): string => `Tls${TLS_VERSION_LABELS[version].replace(/^TLS /, '').replace('.', '')}`;

const versionColumn = (version: TlsVersion): Column<ProbeResult> => ({
  header: versionHeader(version),
  value: (r) => versionCell(r.versions.find((v) => v.version === version)),
});

/**
 * Columns for --format table and csv (json/ndjson carry the whole result). Headers are the property names of the
 * ExTls module's ExTls.SmtpTlsResult, so a CSV from either reads the same.
 */
export const probeColumns: Column<ProbeResult>[] = [
  { header: 'Endpoint', value: (r) => r.endpoint },
  { header: 'Server', value: (r) => r.server },
  { header: 'Status', value: (r) => r.status },
  { header: 'StartTls', value: starttlsCell },
  ...TLS_VERSIONS.map(versionColumn),
  { header: 'PlaintextMail', value: plaintextCell },
  { header: 'CertificateCN', value: (r) => r.certificate?.subjectCN },
  { header: 'CertificateDaysToExpiry', value: (r) => r.certificate?.daysToExpiry },
  { header: 'CertificateChain', value: (r) => (r.certificate ? (r.certificate.chainValid ? 'valid' : r.certificate.chainError) : '') },
  { header: 'Message', value: noteCell },
];

/** What Exchange Online's handshake got: the suite chosen on yes, the suites the server takes instead on no. */
function exchangeOnlineSuiteCell(r: ProbeResult): string {
  const eo = r.exchangeOnline;
  if (!eo) return '';
  if (eo.canDeliver) return [eo.tls12, eo.tls13].find((v) => v.outcome === 'accepted')?.cipher?.standardName ?? '';
  if (eo.serverSuites) return `server takes: ${eo.serverSuites.suites.join(' ') || 'none found'}${eo.serverSuites.complete ? '' : ' (incomplete)'}`;
  return eo.reason ?? '';
}

/** Columns added by --as exchange-online (before `note`). */
export const exchangeOnlineColumns: Column<ProbeResult>[] = [
  {
    header: 'ExchangeOnline',
    value: (r) => (r.exchangeOnline ? (r.exchangeOnline.canDeliver === null ? 'unknown' : r.exchangeOnline.canDeliver ? 'yes' : 'no') : ''),
  },
  { header: 'ExchangeOnlineSuite', value: exchangeOnlineSuiteCell },
  {
    header: 'ExchangeOnlineCertificate',
    value: (r) => {
      const c = r.exchangeOnline?.certificate;
      if (!c) return '';
      return c.acceptable ? (c.name.ok === null ? 'ok (name not checked)' : 'ok') : c.reasons.join('; ');
    },
  },
  { header: 'CertificateThumbprint', value: (r) => r.certificate?.thumbprint },
];
