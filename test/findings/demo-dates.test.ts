// The demo does not rot: scripts/demo.sh stages examples/demo with every date moved to the run (src/demo/stage.ts)
// and judges at the staged reference time. Run at two different "now"s, the real inventory and analysis give the same
// verdicts and findings (dates and the thumbprints of re-dated certificates aside). The control shows why: the
// unstaged demo judged at those two "now"s does not (EX06's certificate: expiring one day, expired the other).
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shiftCertificate, shiftName, shiftText, stageDemo, type StageResult } from '../../src/demo/stage.js';
import { analyzeInventory } from '../../src/findings/analyze.js';
import type { FindingsDocument } from '../../src/findings/types.js';
import { runCli } from '../helpers/cli.js';

const demo = fileURLToPath(new URL('../../examples/demo/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'extls-demo-dates-'));
const NOWS = [new Date('2026-12-07T15:00:00Z'), new Date('2033-08-30T21:45:00Z')];
const POLICIES = ['tls12-ready', 'legacy-off'];

async function inventoryOf(fleet: string, out: string): Promise<unknown> {
  const r = await runCli(['inventory', '--fleet', fleet, '--out', out, '-q']);
  expect(r.exitCode).toBe(2); // EX08 is unreachable on purpose
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** What a reader compares: per server the verdicts and each finding's id, severity, title and causes, dates masked. */
function view(doc: FindingsDocument, thumbprints: Record<string, string>): string {
  let text = JSON.stringify(doc.servers.map((s) => ({
    server: s.server,
    verdicts: s.verdicts.map((v) => `${v.policy}: ${v.verdict}`),
    findings: s.findings.map((f) => [f.id, f.severity, f.title, f.causes, f.evidence[0]?.failure?.count ?? null, f.evidence[0]?.failure?.failingNow ?? null]),
  })), null, 1);
  for (const [now, before] of Object.entries(thumbprints)) text = text.replaceAll(now, before);
  return text.replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g, 'DATE');
}

const staged: { stage: StageResult; doc: FindingsDocument }[] = [];
let control: FindingsDocument[] = [];

beforeAll(async () => {
  for (const [i, now] of NOWS.entries()) {
    const target = join(dir, `staged-${i}`);
    const stage = stageDemo(demo, target, now);
    const inv = await inventoryOf(join(target, 'fleet.yaml'), join(dir, `inventory-${i}.json`));
    staged.push({ stage, doc: analyzeInventory(inv, POLICIES, { referenceTime: new Date(stage.referenceTime) }) });
  }
  const plain = await inventoryOf(join(demo, 'fleet.yaml'), join(dir, 'inventory-plain.json'));
  control = NOWS.map((now) => analyzeInventory(plain, POLICIES, { referenceTime: now }));
}, 900_000);

describe('the demo staged at two different "now"s', () => {
  it('puts the reference time in the day before each "now"', () => {
    for (const [i, now] of NOWS.entries()) {
      const ref = new Date(staged[i]!.stage.referenceTime).getTime();
      expect(ref).toBeLessThanOrEqual(now.getTime());
      expect(now.getTime() - ref).toBeLessThan(86_400_000);
    }
  });

  it('gives the same verdicts and findings at both, every demo case still shown', () => {
    const [a, b] = staged.map((s) => view(s.doc, s.stage.thumbprints));
    expect(a).toEqual(b);
    const ex06 = staged[1]!.doc.servers.find((s) => s.server === 'EX06')!;
    expect(ex06.findings.find((f) => f.id.startsWith('CERT-EXPIRING-'))?.title).toMatch(/10 day/);
    const ex02 = staged[1]!.doc.servers.find((s) => s.server === 'EX02')!;
    expect(ex02.findings.find((f) => f.category === 'mail-flow')).toMatchObject({ severity: 'critical' });
  });

  it('control: the unstaged demo judged at those "now"s differs (why the demo is staged)', () => {
    const ex06 = control.map((d) => d.servers.find((s) => s.server === 'EX06')!.findings.map((f) => f.id).filter((id) => id.startsWith('CERT-EXP')));
    expect(ex06[0]!.some((id) => id.startsWith('CERT-EXPIRING-'))).toBe(true);
    expect(ex06[1]!.some((id) => id.startsWith('CERT-EXPIRED-'))).toBe(true);
  });
});

describe('stage mechanics (any file, no per-file rule)', () => {
  it('moves ISO dates, RFC 5322 banner dates (weekday recomputed) and dated file names by whole days', () => {
    expect(shiftText('#Date: 2026-11-28T12:00:00.000Z, 2026-02-30 stays, 6f0f2b5e-3c1d-4e8a', 4)).toBe('#Date: 2026-12-02T12:00:00.000Z, 2026-02-30 stays, 6f0f2b5e-3c1d-4e8a');
    expect(shiftText('ready at Sun, 22 Nov 2026 06:38:16 +0000', 1)).toBe('ready at Mon, 23 Nov 2026 06:38:16 +0000');
    expect(shiftName('RECV2026112508-1.LOG', 7)).toBe('RECV2026120208-1.LOG');
    expect(shiftName('SEND20261130-12.LOG', 1)).toBe('SEND20261201-12.LOG');
    expect(shiftName('u_ex261130.log', 2)).toBe('u_ex261202.log');
    expect(shiftName('u_ex26113023.log', 1)).toBe('u_ex26120123.log');
    expect(shiftName('W3SVC1', 100)).toBe('W3SVC1');
  });

  it('re-dates a certificate in DER (UTCTime, GeneralizedTime from 2050) and leaves other bytes alone', () => {
    const xml = readFileSync(join(demo, 'exchange', 'EX06-InternalTransportCertificate.xml'), 'utf8');
    const der = Buffer.from(/<BA N="RawData">([^<]+)<\/BA>/.exec(xml)![1]!, 'base64');
    const before = new X509Certificate(der);
    const later = new X509Certificate(shiftCertificate(der, 365 * 30)!);
    expect(later.subject).toBe(before.subject);
    expect(Date.parse(later.validTo) - Date.parse(before.validTo)).toBe(365 * 30 * 86_400_000);
    expect(shiftCertificate(Buffer.from('not a certificate'), 3)).toBeNull();
  });

  it('stages every file of the demo, whatever its encoding (regedit UTF-16 exports unchanged but for dates)', () => {
    const count = (d: string): number => readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(join(d, e.name)) : 1), 0);
    expect(staged[0]!.stage.files).toBe(count(demo));
    const reg = join('servers', 'EX01', 'registry');
    for (const f of readdirSync(join(demo, reg))) {
      expect(readFileSync(join(dir, 'staged-0', reg, f))).toEqual(readFileSync(join(demo, reg, f)));
    }
  });
});
