// A probe from outside that says Exchange Online cannot deliver to a server (extls probe --as exchange-online) is a
// critical finding of that server, tied through `causes` to what in its own configuration explains it: SCHANNEL
// TLS 1.2 Server not on (the server refuses TLS 1.2), or a cipher suite order without any suite Exchange Online
// offers (the server takes TLS 1.2 but none of its suites).
import { probeLookup } from '../probe/join.js';
import type { ProbeResult } from '../probe/types.js';
import { finding } from './context.js';
import { countSeverities, sortFindings, verdictDisplay, worst } from './server.js';
import type { Evidence, Finding, ServerAnalysis } from './types.js';

export const EXO_CANNOT_DELIVER = 'EXO-CANNOT-DELIVER';

const isSchannelCause = (id: string): boolean => /^TLS12-SERVER-/.test(id) || id === 'TLS12-CLIENT-SERVER-MISMATCH' || id === 'SCHANNEL-WRONG-TYPE';
const isCipherCause = (id: string): boolean => id === 'CIPHERS-NO-M365-SUITE' || id === 'SCHANNEL-ALGORITHMS-NO-M365-SUITE';

/** The finding for one server and its probe; null when the probe does not say "cannot deliver". */
function exchangeOnlineFinding(analysis: ServerAnalysis, probe: ProbeResult): Finding | null {
  const eo = probe.exchangeOnline;
  if (!eo || eo.canDeliver !== false) return null;
  const ids = analysis.findings.map((f) => f.id);
  const schannel = ids.filter(isSchannelCause);
  const ciphers = ids.filter(isCipherCause);
  // the kind of "no" says which cause comes first; STARTTLS not offered is the receive connector or its certificate
  const causes = !probe.starttls.offered ? [] : eo.serverSuites ? [...ciphers, ...schannel] : [...schannel, ...ciphers];
  let why: string;
  if (causes.length) {
    why = `The cause on this server: ${causes.join(', ')} (see ${causes.length === 1 ? 'that finding' : 'those findings'}).`;
  } else if (analysis.status !== 'ok') {
    why = 'Its settings could not be collected, so the cause on the server is not known.';
  } else if (!probe.starttls.offered) {
    why =
      'Exchange offers STARTTLS only when a certificate valid for the receive connector\'s FQDN is enabled for SMTP: ' +
      'check the connector\'s FQDN and the certificate (Get-ExchangeCertificate, Get-ReceiveConnector).';
  } else {
    why =
      "Nothing in this server's collected SCHANNEL settings or cipher suite order explains it: look at what answers on " +
      'port 25 in front of it (load balancer, firewall with TLS inspection, another MTA) and at its certificate.';
  }
  const evidence: Evidence[] = [
    {
      kind: 'probe',
      path: null,
      name: probe.endpoint,
      raw: eo.reason,
      display: `${probe.endpoint}, probed ${probe.startedAt}: Exchange Online ${eo.display}`,
    },
  ];
  if (eo.serverSuites?.suites.length) {
    evidence.push({
      kind: 'probe',
      path: null,
      name: 'server suites',
      raw: eo.serverSuites.suites.join(' '),
      display: `suites the server takes instead: ${eo.serverSuites.suites.join(', ')}${eo.serverSuites.complete ? '' : ' (search incomplete)'}`,
    });
  }
  const f = finding({
    id: EXO_CANNOT_DELIVER,
    severity: 'critical',
    category: 'mail-flow',
    title: 'Exchange Online cannot deliver to this server over TLS',
    explanation:
      `A STARTTLS handshake made as Exchange Online makes it (TLS 1.2 with Microsoft 365's cipher suites, in its order) ` +
      `failed at ${probe.endpoint}: ${eo.reason ?? eo.display}. Mail from Exchange Online then fails with ` +
      "'421 4.4.2 Connection dropped due to SocketError' where its connector requires TLS. " +
      why,
    evidence,
    restartRequired: false,
    causes,
  });
  f.policies = analysis.verdicts.map((v) => v.policy);
  return f;
}

/** The analysis with the probe's finding added (a copy; the same analysis when there is nothing to add). */
export function withExchangeOnlineFinding(analysis: ServerAnalysis, probe: ProbeResult | undefined): ServerAnalysis {
  if (!probe || analysis.findings.some((f) => f.id === EXO_CANNOT_DELIVER)) return analysis;
  const f = exchangeOnlineFinding(analysis, probe);
  if (!f) return analysis;
  const findings = sortFindings([...analysis.findings, f]);
  const verdicts = analysis.verdicts.map((v) => {
    const findingIds = [...v.findingIds, f.id];
    if (v.verdict !== 'pass' && v.verdict !== 'fail') return { ...v, findingIds };
    // no registry change extls can plan: a manual step in the runbook
    return {
      ...v,
      verdict: 'fail' as const,
      findingIds,
      manualFindingIds: [...v.manualFindingIds, f.id],
      display: verdictDisplay('fail', findingIds.length, v.changes.length, v.blockers),
    };
  });
  return { ...analysis, findings, verdicts, counts: countSeverities(findings), worstSeverity: worst(findings) };
}

/** For each server: its probe result by probe/join.ts's order (fleet name, host, address, thumbprint). */
export function exchangeOnlineProbes(results: readonly ProbeResult[]): (server: string, address: string | null) => ProbeResult | undefined {
  const lookup = probeLookup(results);
  return (server, address) => lookup({ server, address: address ?? server });
}
