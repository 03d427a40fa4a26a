// Probe results (extls probe --format json) for the runbooks: the last outside view of each server's SMTP port,
// quoted in the pre-checks as the baseline and in the post-checks as what must change.
import { readFile } from 'node:fs/promises';
import type { ProbeResult } from '../probe/types.js';
import { UsageError } from '../util/errors.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import type { LastProbe } from './types.js';

const norm = (s: string | null | undefined) => (s ?? '').trim().toLowerCase().replace(/\.$/, '');

/** Finds a server's probe result by fleet name first, then by the probed host against the server's name or address. */
export class ProbeIndex {
  private readonly byServer = new Map<string, ProbeResult>();
  private readonly byHost = new Map<string, ProbeResult>();

  constructor(results: readonly ProbeResult[]) {
    for (const r of results) {
      if (r.server && !this.byServer.has(norm(r.server))) this.byServer.set(norm(r.server), r);
      if (!this.byHost.has(norm(r.host))) this.byHost.set(norm(r.host), r);
    }
  }

  lastProbe(server: string, address: string | null): LastProbe | null {
    const r = this.byServer.get(norm(server)) ?? this.byHost.get(norm(server)) ?? (address ? this.byHost.get(norm(address)) : undefined);
    return r ? lastProbeOf(r) : null;
  }
}

export function lastProbeOf(r: ProbeResult): LastProbe {
  const accepted = r.summary.acceptedVersions.map((v) => v.replace(/^TLSv/, 'TLS ').replace(/^TLS 1$/, 'TLS 1.0'));
  let display: string;
  if (r.status !== 'ok') display = `could not be probed (${r.failure?.category ?? 'error'}: ${r.failure?.message ?? 'no message'})`;
  else if (!r.starttls.offered) display = 'STARTTLS not offered';
  else if (r.starttls.accepted === false) display = `STARTTLS refused${r.starttls.refusal ? ` (${r.starttls.refusal.code} ${r.starttls.refusal.text})` : ''}`;
  else display = accepted.length ? `accepts ${accepted.join(', ')}` : 'accepts no TLS version';
  return {
    endpoint: r.endpoint,
    probedAt: r.startedAt,
    display,
    tls12Accepted: r.summary.tls12Accepted,
    legacyAccepted: r.summary.legacyAccepted,
  };
}

export async function loadProbeResults(file: string): Promise<ProbeResult[]> {
  let data: unknown;
  try {
    data = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(`cannot read probe results ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(data)) throw new UsageError(`${file}: expected the JSON array of \`extls probe --format json\``);
  const validate = validatorFor<ProbeResult>('probe-result.schema.json');
  data.forEach((r, i) => {
    if (!validate(r)) throw new UsageError(`${file}: result ${i}: ${describeErrors(validate.errors, 3).join('; ')}`);
  });
  return data as ProbeResult[];
}
