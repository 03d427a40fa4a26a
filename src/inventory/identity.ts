// Server identity: when two records are the same server. Checked once wherever records enter extls (the fleet
// file, inventory collection, collector files, reading an inventory or a findings document), so no later stage
// has two records overwrite each other's runbook folder, report row or summary line.

/**
 * The key two names of one server share. Windows computer names and DNS names are case-insensitive, and a fully
 * qualified name may end with the root's dot; Unicode is compared in its composed form.
 */
export function serverKey(name: string): string {
  return name.normalize('NFC').replace(/\.$/, '').toLowerCase();
}

interface Duplicate {
  /** the place of the earlier record of the same server, e.g. "servers/1" or a file name */
  earlier: string;
  earlierName: string;
}

/** The servers seen so far in one input, by key. */
export class ServerIdentities {
  private readonly seen = new Map<string, { where: string; name: string }>();

  /** Registers `name` found at `where`; returns the earlier record of the same server, or null for a new one. */
  claim(name: string, where: string): Duplicate | null {
    const key = serverKey(name);
    const prior = this.seen.get(key);
    if (prior) return { earlier: prior.where, earlierName: prior.name };
    this.seen.set(key, { where, name });
    return null;
  }

  get size(): number {
    return this.seen.size;
  }
}

/** "duplicate server name: EX02 is the same server as servers/1 (ex02)". */
export function duplicateMessage(name: string, dup: Duplicate): string {
  const other = dup.earlierName === name ? '' : ` (${dup.earlierName})`;
  return `duplicate server name: ${name} is the same server as ${dup.earlier}${other}; server names are compared without regard to case`;
}
