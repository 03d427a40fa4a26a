// Which remote SMTP hosts are Exchange Online: one peer, whatever its many addresses (issue 24 item 2).
// Name patterns from HealthChecker (CSS-Exchange commit f88378b1e7a252e413cb2e579e88411393737c11,
// Diagnostics/HealthChecker/Analyzer/Invoke-AnalyzerFrequentConfigurationIssues.ps1: $eopDomainRegExPattern,
// $serviceDomainRegExPattern, $remoteRoutingDomainRegExPattern), for every cloud HealthChecker knows: worldwide
// (outlook.com / onmicrosoft.com), GCC High and DoD (office365.us / onmicrosoft.us), 21Vianet (partner.outlook.cn /
// partner.onmschina.cn). Exchange Online's own outbound hosts ("…-obe.outbound.protection.outlook.com", the EHLO name it
// gives when it delivers to an on-premises server) are extls's addition: HealthChecker does not judge them.
import type { SendConnector } from '../inventory/types.js';
import { addressOf, isExoConnector } from './exchange-config.js';

const CLOUD = String.raw`(outlook\.com|partner\.outlook\.cn|office365\.us)`;
/** tenant.mail.protection.outlook.com and the hosts behind it (HealthChecker's EOP domain pattern) */
const EOP_HOST = new RegExp(String.raw`^[^.]+\.mail\.protection\.${CLOUD}$`, 'i');
/** mail.protection.outlook.com itself (HealthChecker's service domain pattern; Exchange Online's certificate name) */
const SERVICE_DOMAIN = new RegExp(String.raw`^(\*\.)?mail\.protection\.${CLOUD}$`, 'i');
/** tenant.mail.onmicrosoft.com (HealthChecker's remote routing domain pattern) */
const ROUTING_DOMAIN = new RegExp(String.raw`^(\*\.)?[^.]+\.mail\.(onmicrosoft\.com|partner\.onmschina\.cn|onmicrosoft\.us)$`, 'i');
/** Exchange Online's outbound hosts (extls's addition) */
const OUTBOUND_HOST = new RegExp(String.raw`^[^.]+\.outbound\.protection\.${CLOUD}$`, 'i');

export const EXCHANGE_ONLINE = 'Exchange Online';

/** A name a remote gave (EHLO/HELO, banner, EHLO answer, certificate name) that is Exchange Online's. */
export function isExchangeOnlineName(name: string | null | undefined): boolean {
  if (!name) return false;
  const n = name.trim().replace(/\.$/, '');
  return EOP_HOST.test(n) || SERVICE_DOMAIN.test(n) || OUTBOUND_HOST.test(n);
}

/** A send connector whose every remote is Exchange Online (smart host, address space, CloudServicesMailEnabled). */
export function isExchangeOnlineConnector(sc: SendConnector): boolean {
  if (isExoConnector(sc)) return true;
  const host = (h: string) => EOP_HOST.test(h.trim()) || SERVICE_DOMAIN.test(h.trim());
  return sc.smartHosts.some(host) || sc.addressSpaces.map(addressOf).some((a) => host(a) || ROUTING_DOMAIN.test(a));
}
