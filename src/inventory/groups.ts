// What a server is within the fleet: one rule, applied when a record is made and again by the analysis (for
// records of older inventories and hand-made ones), so every stage reads the same DAG, role and Edge.
import type { CollectorOutput, InventoryRecord } from './types.js';

interface ServerGroups {
  dag: string | null;
  site: string | null;
  role: string | null;
  edge: boolean;
}

/**
 * The fleet file's DAG, site and role win; else the collector's view: an Edge server (Exchange roles, or the role
 * the fleet file gives) has no DAG; another server in a Windows cluster is in the DAG of that name (a DAG is a
 * cluster); the role is Edge or Mailbox when Exchange is installed.
 */
export function serverGroups(given: InventoryRecord['groups'], data: CollectorOutput | null): ServerGroups {
  const exchange = data?.exchange;
  const cluster = data?.cluster;
  const edge = Boolean(exchange?.isEdge || exchange?.roles.some((r) => /edge/i.test(r)) || /^edge$/i.test(given.role ?? ''));
  const dag = edge ? null : (given.dag ?? (cluster?.member && cluster.clusterName ? cluster.clusterName : null));
  const role = given.role ?? (exchange?.installed ? (edge ? 'Edge' : 'Mailbox') : null);
  return { dag, site: given.site, role, edge };
}

