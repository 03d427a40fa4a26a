// The settings fleet checks compare, taken once per server by the analysis: later stages read them from the
// findings and never look at the raw record again.
import type { InventoryRecord } from '../inventory/types.js';
import type { ServerAnalysis } from './types.js';
import { displayValue } from './registry.js';
import { standardProtocols } from './effective-state.js';

/**
 * The settings DAG and site members should share: effective SCHANNEL states (0xffffffff and 1 are the same "on"),
 * raw .NET and WinHTTP values. Extra protocol keys (PCT 1.0, Multi-Protocol Unified Hello) exist on some servers
 * only: comparing them is noise.
 */
export function tlsSettings(protocols: ServerAnalysis['protocols'], record: InventoryRecord): ServerAnalysis['settings'] {
  const out: ServerAnalysis['settings'] = [];
  for (const p of protocols) {
    if (!standardProtocols.includes(p.protocol)) continue;
    out.push({ setting: `${p.protocol} Client`, value: p.client.state }, { setting: `${p.protocol} Server`, value: p.server.state });
  }
  for (const f of record.data?.dotNet.frameworks ?? []) {
    out.push(
      { setting: `.NET ${f.version} ${f.view} SystemDefaultTlsVersions`, value: displayValue(f.systemDefaultTlsVersions) },
      { setting: `.NET ${f.version} ${f.view} SchUseStrongCrypto`, value: displayValue(f.schUseStrongCrypto) },
    );
  }
  for (const w of record.data?.winHttp ?? []) out.push({ setting: `WinHTTP ${w.view} DefaultSecureProtocols`, value: displayValue(w.defaultSecureProtocols) });
  return out;
}
