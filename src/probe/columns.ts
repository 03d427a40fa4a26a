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

const versionColumn = (version: TlsVersion): Column<ProbeResult> => ({
  header: TLS_VERSION_LABELS[version],
  value: (r) => versionCell(r.versions.find((v) => v.version === version)),
});

/** Columns for --format table and csv (json/ndjson carry the whole result). */
export const probeColumns: Column<ProbeResult>[] = [
  { header: 'endpoint', value: (r) => r.endpoint },
  { header: 'server', value: (r) => r.server },
  { header: 'status', value: (r) => r.status },
  { header: 'STARTTLS', value: starttlsCell },
  ...TLS_VERSIONS.map(versionColumn),
  { header: 'plaintext MAIL', value: plaintextCell },
  { header: 'cert CN', value: (r) => r.certificate?.subjectCN },
  { header: 'expires in days', value: (r) => r.certificate?.daysToExpiry },
  { header: 'chain', value: (r) => (r.certificate ? (r.certificate.chainValid ? 'valid' : r.certificate.chainError) : '') },
  { header: 'note', value: noteCell },
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
    header: 'Exchange Online',
    value: (r) => (r.exchangeOnline ? (r.exchangeOnline.canDeliver === null ? 'unknown' : r.exchangeOnline.canDeliver ? 'yes' : 'no') : ''),
  },
  { header: 'EXO suite', value: exchangeOnlineSuiteCell },
  {
    header: 'cert for EXO',
    value: (r) => {
      const c = r.exchangeOnline?.certificate;
      if (!c) return '';
      return c.acceptable ? (c.name.ok === null ? 'ok (name not checked)' : 'ok') : c.reasons.join('; ');
    },
  },
  { header: 'thumbprint', value: (r) => r.certificate?.thumbprint },
];
