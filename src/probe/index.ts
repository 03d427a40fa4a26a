// Public surface of the STARTTLS probe (docs/probe.md).
export * from './types.js';
export { parseEndpoint, endpointLabel, DEFAULT_SMTP_PORT } from './endpoints.js';
export { probeEndpoint, probeEndpoints, isTlsRequiredReply } from './runner.js';
export { attachProbeResults, type JoinableRecord, type RecordWithProbes } from './join.js';
export { endpointsFromFleet } from './fleet-endpoints.js';
export { probeColumns } from './columns.js';
