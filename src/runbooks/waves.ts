// Rollout order: waves in which no two members of one DAG (and no two Edge servers of one site, which would
// leave the site without inbound mail) are down at the same time. Blocked servers are kept out of the waves.
import { byServerName } from '../util/server-order.js';

export interface WaveCandidate {
  name: string;
  dag: string | null;
  site: string | null;
  isEdge: boolean;
  /** mail flow fails now (a critical failing-now mail-flow finding): goes into the first wave it can */
  failingNow?: boolean;
}

/** The group a server must not share a wave with, or null when it may go with anyone. */
function groupOf(c: WaveCandidate): string | null {
  if (c.dag) return `dag\u0000${c.dag.toLowerCase()}`;
  if (c.isEdge) return `edge\u0000${(c.site ?? '').toLowerCase()}`;
  return null;
}

/**
 * Greedy first fit: servers failing now first (stop the bleeding: wave 1 unless a DAG partner failing now took its
 * DAG's place), then biggest groups first so they start in wave 1 and the number of waves equals the largest group
 * (or more, when maxWaveSize caps the waves). Deterministic: ties by name.
 */
export function planWaves(candidates: readonly WaveCandidate[], maxWaveSize = 0): WaveCandidate[][] {
  const groupSize = new Map<string, number>();
  for (const c of candidates) {
    const g = groupOf(c);
    if (g) groupSize.set(g, (groupSize.get(g) ?? 0) + 1);
  }
  const ordered = [...candidates].sort((a, b) => {
    if (Boolean(a.failingNow) !== Boolean(b.failingNow)) return a.failingNow ? -1 : 1;
    const ga = groupOf(a);
    const gb = groupOf(b);
    const sa = ga ? groupSize.get(ga)! : 1;
    const sb = gb ? groupSize.get(gb)! : 1;
    if (sa !== sb) return sb - sa;
    if ((ga ?? '') !== (gb ?? '')) return (ga ?? '\uffff') < (gb ?? '\uffff') ? -1 : 1;
    return byServerName(a.name, b.name);
  });
  const waves: { members: WaveCandidate[]; groups: Set<string> }[] = [];
  for (const c of ordered) {
    const g = groupOf(c);
    let wave = waves.find((w) => (!g || !w.groups.has(g)) && (maxWaveSize <= 0 || w.members.length < maxWaveSize));
    if (!wave) {
      wave = { members: [], groups: new Set() };
      waves.push(wave);
    }
    wave.members.push(c);
    if (g) wave.groups.add(g);
  }
  return waves.map((w) => w.members.sort((a, b) => byServerName(a.name, b.name)));
}
