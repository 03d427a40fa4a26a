// Public surface of the STARTTLS probe (docs/probe.md).
export * from './types.js';
export { parseEndpoint, endpointLabel, DEFAULT_SMTP_PORT } from './endpoints.js';
export { probeEndpoint, probeEndpoints, isTlsRequiredReply } from './runner.js';
export { attachProbeResults, probeLookup, probesByThumbprint, type JoinableRecord, type RecordWithProbes } from './join.js';
export { normalizeThumbprint } from './certificate.js';
export { exchangeOnlineProfile } from './exchange-online.js';
export { judgeCertificate } from './certificate-judgement.js';
export { endpointsFromFleet } from './fleet-endpoints.js';
export { probeColumns, exchangeOnlineColumns } from './columns.js';
