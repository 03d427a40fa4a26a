// The template contexts. Their contract is schemas/runbook-context.schema.json (documented in docs/templates.md);
// these names are views of the types generated from it (src/contracts/runbook-context.ts). Every field is always
// present (null or [] when there is nothing), so strict templates can rely on them.
import type * as C from '../contracts/runbook-context.js';

export type ServerContext = C.ServerContext;
export type FleetContext = C.FleetContext;
export type MaintenanceKind = ServerContext['maintenance']['kind'];
export type ChangeRow = C.Change;
export type BlockerRow = C.Blocker;
/** A policy whose changes are left out of the plan because it is blocked (the others go ahead). */
export type HeldBack = ServerContext['heldBack'][number];
/** A failing finding extls plans no registry change for (e.g. cipher suite order owned by a GPO): done by hand. */
export type ManualStep = ServerContext['manual'][number];
/** The last `extls probe` of the server's SMTP port (runbooks --probes), quoted in the pre- and post-checks. */
export type LastProbe = NonNullable<ServerContext['lastProbe']>;
export type MatrixCell = C.Cell;
export type FleetRow = FleetContext['rows'][number];
export type Wave = FleetContext['waves'][number];

/** What the generated scripts embed (one JSON literal) and act on. Current values are read at run time. */
export interface ChangePlan {
  format: 'extls-change-plan';
  version: 1;
  server: string;
  generatedAt: string;
  tool: string;
  policies: string[];
  restartRequired: boolean;
  blockers: BlockerRow[];
  backupFile: string;
  changes: { path: string; name: string; type: 'REG_DWORD'; desired: number }[];
}

