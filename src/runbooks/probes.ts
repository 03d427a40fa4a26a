// Probe results (extls probe --format json) for the runbooks: the last outside view of each server's SMTP port,
// quoted in the pre-checks as the baseline and in the post-checks as what must change.
import { probeLookup } from '../probe/join.js';
import { TLS_VERSION_LABELS, type ProbeResult } from '../probe/types.js';
import { UsageError } from '../util/errors.js';
import { readJsonInput } from '../util/read-json.js';
import { expectDocument } from '../util/document-kind.js';
import { describeErrors, validatorFor } from '../util/schemas.js';
import type { LastProbe } from './types.js';

/** The runbook's view of each server's last probe, found by probe/join.ts's matching order. */
export class ProbeIndex {
  private readonly lookup: ReturnType<typeof probeLookup>;
  constructor(results: readonly ProbeResult[]) {
    this.lookup = probeLookup(results);
  }
  lastProbe(server: string, address: string | null): LastProbe | null {
    const r = this.result(server, address);
    return r ? lastProbeOf(r) : null;
  }
  /** The whole result (for the Exchange Online finding). */
  result(server: string, address: string | null): ProbeResult | undefined {
    return this.lookup({ server, address: address ?? server });
  }
}

function lastProbeOf(r: ProbeResult): LastProbe {
  const accepted = r.summary.acceptedVersions.map((v) => TLS_VERSION_LABELS[v]);
  let display: string;
  if (r.status !== 'ok') display = `could not be probed (${r.failure?.category ?? 'error'}: ${r.failure?.message ?? 'no message'})`;
  else if (!r.starttls.offered) display = 'STARTTLS not offered';
  else if (r.starttls.accepted === false) display = `STARTTLS refused${r.starttls.refusal ? ` (${r.starttls.refusal.code} ${r.starttls.refusal.text})` : ''}`;
  else display = accepted.length ? `accepts ${accepted.join(', ')}` : 'accepts no TLS version';
  return {
    endpoint: r.endpoint,
    probedAt: r.startedAt,
    display,
    reached: r.status === 'ok',
    tls12Accepted: r.summary.tls12Accepted,
    legacyAccepted: r.summary.legacyAccepted,
    exchangeOnline: r.exchangeOnline
      ? {
          canDeliver: r.exchangeOnline.canDeliver,
          display: r.exchangeOnline.display,
          // the name the probe checked, unless it was only the host probed (the post-check probes the same host)
          expectName: r.exchangeOnline.certificate?.expectedNameSource === 'host' ? null : (r.exchangeOnline.certificate?.expectedName ?? null),
        }
      : null,
  };
}

export async function loadProbeResults(file: string): Promise<ProbeResult[]> {
  const data = await readJsonInput(file, 'probe results');
  if (!(Array.isArray(data) && data.length === 0)) expectDocument(data, 'probe results', file);
  if (!Array.isArray(data)) throw new UsageError(`${file}: expected the JSON array of \`extls probe --format json\``);
  const validate = validatorFor<ProbeResult>('probe-result.schema.json');
  data.forEach((r, i) => {
    if (!validate(r)) throw new UsageError(`${file}: result ${i}: ${describeErrors(validate.errors, 3).join('; ')}`);
  });
  return data as ProbeResult[];
}
