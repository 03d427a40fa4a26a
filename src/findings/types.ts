// The analysis output. Its contract is schemas/findings.schema.json; these names are views of the types generated
// from it (src/contracts/findings.ts), so a field added to the schema reaches the code and the templates at once.
import type * as C from '../contracts/findings.js';

export type Severity = C.Severity;
/** Most severe first; every Severity appears (checked by the compiler through severityRank). */
export const severityRank: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
export const severities: readonly Severity[] = (Object.keys(severityRank) as Severity[]).sort((a, b) => severityRank[a] - severityRank[b]);

export type RegValue = C.RegValue;
export type EffectiveState = C.EffectiveState;
export type SideState = C.SideState;
export type Side = SideState['side'];
export type OsDefault = SideState['osDefault'];
export type SideFault = SideState['faults'][number];
export type ProtocolState = C.ProtocolState;
export type RegistryChange = C.Change;
export type Evidence = C.Evidence;
export type LegacyPeer = C.Peer;
/** a mail-flow failure group (evidence of category mail-flow findings) */
export type MailFlowFailure = C.MailFlowFailure;
/** tls-handshake: SocketError and other handshake breaks; credentials: UnknownCredentials/NoCredentials/454; starttls-required: 451 5.7.3 / 530 5.7.0; network: 421 4.4.2 other than SocketError */
export type MailFlowCause = MailFlowFailure['cause'];
export type Blocker = C.Blocker;
export type BlockerKind = Blocker['kind'];
export type Finding = C.Finding;
export type FindingCategory = Finding['category'];
export type PolicyVerdict = C.Verdict;
export type Verdict = PolicyVerdict['verdict'];
export type HostFacts = C.Host;
export type ServerAnalysis = C.Server;
export type SeverityCounts = C.SeverityCounts;
export type FleetFinding = C.FleetFinding;
export type FleetDifference = FleetFinding['differences'][number];
export type FindingsDocument = C.ExtlsFindings;
export type PolicySummary = FindingsDocument['summary']['byPolicy'][number];
export type InputError = FindingsDocument['inputErrors'][number];
export type ShellParameter = C.ShellParameter;
export type ShellCommand = C.ShellCommand;
export type HandStepLine = C.HandStepLine;
export type NativeCommand = C.NativeCommand;
export type HandChange = C.HandChange;
