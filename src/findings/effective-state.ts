// Effective SCHANNEL state per protocol and side: raw Enabled/DisabledByDefault + the OS default for the build.
//
// How values are read (docs/findings.md "Effective state"):
// - SCHANNEL reads DWORDs and treats any non-zero Enabled/DisabledByDefault as true, so 0xffffffff (IIS Crypto)
//   is simply "enabled": the state is on, and the odd value only earns a low finding (STIG checks want 1).
// - A value that is not a DWORD is ignored by SCHANNEL: the state comes from the OS default, fault 'wrong-type'.
// - A missing value takes the OS default for the build (data/schannel-defaults.csv). OS default "on" means
//   Enabled=1/DisabledByDefault=0, "off" means DisabledByDefault=1 (Enabled unknown), "not-supported" means off.
// - Contradictions are faulty: Enabled non-zero with DisabledByDefault non-zero (usable only by applications that
//   ask for the protocol by name), or Enabled=0 with DisabledByDefault explicitly 0.
// - Enabled=0 alone (DisabledByDefault missing) is a clean "off", as HealthChecker also counts it.
import { schannelSidePath } from './managed-keys.js';
import type { CollectorOutput, SchannelProtocolSide } from '../inventory/types.js';
import { schannelDefault, type Knowledge, loadKnowledge } from './knowledge.js';
import { displayValue, dword, isWrongType, pathBelowHklm } from './registry.js';
import type { EffectiveState, OsDefault, ProtocolState, Side, SideFault, SideState } from './types.js';

/** "TLS 1.2" → "TLS12", "Multi-Protocol Unified Hello" → "MULTIPROTOCOLUNIFIEDHELLO" (finding ids). */
function protocolCode(protocol: string): string {
  return protocol.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const defaultsFor: Record<OsDefault, { e: boolean | null; d: boolean | null }> = {
  on: { e: true, d: false },
  off: { e: null, d: true },
  'not-supported': { e: false, d: true },
  unknown: { e: null, d: null },
};

export function sideState(entry: SchannelProtocolSide, osDefault: OsDefault): SideState {
  const faults: SideFault[] = [];
  if (isWrongType(entry.enabled) || isWrongType(entry.disabledByDefault)) faults.push('wrong-type');
  const eRaw = dword(entry.enabled);
  const dRaw = dword(entry.disabledByDefault);
  const def = defaultsFor[osDefault];
  const e = eRaw !== null ? eRaw !== 0 : def.e;
  const d = dRaw !== null ? dRaw !== 0 : def.d;
  const nonStandardValues = [eRaw, dRaw].some((v) => v !== null && v !== 0 && v !== 1);
  const derivedFrom = eRaw !== null && dRaw !== null ? 'explicit' : eRaw === null && dRaw === null ? 'os-default' : 'partly-explicit';

  let state: EffectiveState;
  let why = '';
  if (eRaw === null && dRaw === null) {
    state = osDefault === 'not-supported' ? 'off' : osDefault;
    why = osDefault === 'unknown' ? 'no values and the OS default for this build is unknown' : osDefault === 'not-supported' ? 'not supported by this Windows build' : 'OS default';
  } else if (osDefault === 'not-supported' && eRaw !== null && eRaw !== 0) {
    state = 'faulty';
    faults.push('unsupported-by-os');
    why = 'Enabled is set for a protocol this Windows build does not support';
  } else if (e === false) {
    if (dRaw === 0 && eRaw !== null) {
      state = 'faulty';
      faults.push('contradictory');
      why = 'Enabled=0 but DisabledByDefault=0: contradicting values (SCHANNEL does not use it)';
    } else {
      state = 'off';
      why = eRaw === null ? 'OS default' : '';
    }
  } else if (e === true) {
    if (d === false) state = 'on';
    else if (d === true) {
      state = 'faulty';
      faults.push('contradictory');
      why = dRaw === null
        ? 'Enabled but DisabledByDefault is missing and this build disables it by default: only applications that ask for it by name can use it'
        : 'Enabled but DisabledByDefault is non-zero: only applications that ask for it by name can use it';
    } else state = 'unknown';
  } else {
    // Enabled missing and the OS default for Enabled unknown (protocol off by default, or unknown build)
    state = d === true && osDefault === 'off' ? 'off' : 'unknown';
    why = state === 'off' ? 'DisabledByDefault set, off by default on this build' : 'Enabled is missing and its OS default is not known';
  }

  const enabledDisplay = displayValue(entry.enabled);
  const dbdDisplay = displayValue(entry.disabledByDefault);
  const values = `Enabled=${enabledDisplay}, DisabledByDefault=${dbdDisplay}`;
  const display =
    state === 'faulty' ? `faulty: ${why} (${values})`
    : derivedFrom === 'os-default' ? `${state} (${why})`
    : `${state} (${values}${why ? `; ${why}` : ''})`;
  // the key is extls's own for this protocol and side: the record's path only names what was read
  const path = schannelSidePath(entry.protocol, entry.side) ?? pathBelowHklm(entry.path);
  return {
    side: entry.side,
    state,
    derivedFrom,
    osDefault,
    faults: [...new Set(faults)],
    enabled: e,
    disabledByDefault: d,
    nonStandardValues,
    registry: {
      hive: 'HKLM', path, fullPath: `HKLM\\${path}`, keyExists: entry.keyExists,
      enabled: entry.enabled, disabledByDefault: entry.disabledByDefault,
      enabledDisplay, disabledByDefaultDisplay: dbdDisplay,
    },
    display,
  };
}

function combine(client: SideState, server: SideState): { state: EffectiveState; mismatch: boolean } {
  if (client.state === 'faulty' || server.state === 'faulty') return { state: 'faulty', mismatch: client.state !== server.state };
  if (client.state === server.state) return { state: client.state, mismatch: false };
  if (client.state === 'unknown' || server.state === 'unknown') return { state: 'unknown', mismatch: false };
  return { state: 'faulty', mismatch: true };
}

/** The protocol order used everywhere (then any extra key the collector found, by name). */
export const standardProtocols = ['SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3'];

function missingSide(schannelPath: string, protocol: string, side: Side): SchannelProtocolSide {
  return { protocol, side, path: `${pathBelowHklm(schannelPath)}\\Protocols\\${protocol}\\${side}`, keyExists: false, enabled: { present: false }, disabledByDefault: { present: false } };
}

export function protocolStates(data: CollectorOutput, k: Knowledge = loadKnowledge()): ProtocolState[] {
  const build = data.os.currentBuild;
  const names = [...standardProtocols];
  for (const p of data.schannel.protocols) if (!names.includes(p.protocol)) names.push(p.protocol);
  return names.map((protocol) => {
    const find = (side: Side) =>
      data.schannel.protocols.find((p) => p.protocol === protocol && p.side === side) ?? missingSide(data.schannel.path, protocol, side);
    const client = sideState(find('Client'), schannelDefault(build, protocol, 'Client', k));
    const server = sideState(find('Server'), schannelDefault(build, protocol, 'Server', k));
    const { state, mismatch } = combine(client, server);
    const display = mismatch
      ? `faulty: Client ${client.state}, Server ${server.state}`
      : state === 'faulty' ? `faulty (Client ${client.state}, Server ${server.state})` : state;
    return { protocol, code: protocolCode(protocol), state, clientServerMismatch: mismatch, client, server, display };
  });
}
