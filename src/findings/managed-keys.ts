// The registry values extls manages: the only ones a finding may propose to change and a runbook may write.
// Paths and names come from this list, never from collected or analysed data: a record only selects among them,
// so a crafted collector file or findings document cannot steer remediate.ps1 or rollback.ps1 to another key.
// Keys from Microsoft's "Transport Layer Security (TLS) registry settings" and "Exchange Server TLS guidance".

const SCHANNEL_PROTOCOLS = 'SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols';
/** Every protocol key SCHANNEL reads (the collector also reports any other key present; those are not changed). */
const PROTOCOLS = ['SSL 2.0', 'SSL 3.0', 'TLS 1.0', 'TLS 1.1', 'TLS 1.2', 'TLS 1.3', 'PCT 1.0', 'Multi-Protocol Unified Hello', 'DTLS 1.0', 'DTLS 1.2', 'DTLS 1.3'];
const SIDES = ['Client', 'Server'];
const VIEWS = ['SOFTWARE\\Microsoft', 'SOFTWARE\\Wow6432Node\\Microsoft'];
const DOTNET_VERSIONS = ['v2.0.50727', 'v4.0.30319'];

interface ManagedValue {
  /** below HKLM, as extls spells it */
  path: string;
  name: string;
}

const MANAGED: ManagedValue[] = [
  ...PROTOCOLS.flatMap((p) => SIDES.flatMap((side) => ['Enabled', 'DisabledByDefault'].map((name) => ({ path: `${SCHANNEL_PROTOCOLS}\\${p}\\${side}`, name })))),
  ...VIEWS.flatMap((v) => DOTNET_VERSIONS.flatMap((ver) => ['SystemDefaultTlsVersions', 'SchUseStrongCrypto'].map((name) => ({ path: `${v}\\.NETFramework\\${ver}`, name })))),
  ...VIEWS.map((v) => ({ path: `${v}\\Windows\\CurrentVersion\\Internet Settings\\WinHttp`, name: 'DefaultSecureProtocols' })),
];

const keyOf = (path: string, name: string) => `${path.toLowerCase()}\u0000${name.toLowerCase()}`;
const byKey = new Map(MANAGED.map((m) => [keyOf(m.path, m.name), Object.freeze(m)]));

/**
 * extls's own spelling of the value that `pathBelowHklm`\`name` names (compared without regard to case, as the
 * registry does), or null when extls does not manage that value.
 */
export function managedValue(pathBelowHklm: string, name: string): ManagedValue | null {
  return byKey.get(keyOf(pathBelowHklm, name)) ?? null;
}

const knownProtocol = new Map(PROTOCOLS.map((p) => [p.toLowerCase(), p]));

/** The SCHANNEL key of a protocol's side, as extls spells it; null for a protocol extls does not manage. */
export function schannelSidePath(protocol: string, side: string): string | null {
  const p = knownProtocol.get(protocol.toLowerCase());
  const s = SIDES.find((x) => x.toLowerCase() === side.toLowerCase());
  return p && s ? `${SCHANNEL_PROTOCOLS}\\${p}\\${s}` : null;
}

/** The .NET Framework key of a version in the native or 32-bit (WOW6432Node) view. */
export function dotNetKeyPath(version: string, view: 'native' | 'wow6432'): string | null {
  return DOTNET_VERSIONS.includes(version) ? `${VIEWS[view === 'native' ? 0 : 1]}\\.NETFramework\\${version}` : null;
}

/** The WinHTTP key in the native or 32-bit (WOW6432Node) view. */
export function winHttpKeyPath(view: 'native' | 'wow6432'): string {
  return `${VIEWS[view === 'native' ? 0 : 1]}\\Windows\\CurrentVersion\\Internet Settings\\WinHttp`;
}
