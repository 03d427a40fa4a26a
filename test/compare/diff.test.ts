// extls diff / Compare-ExTlsInventory: what changed per server between two inventories, judged the same way.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffInventories } from '../../src/compare/diff.js';
import { loadPolicy } from '../../src/findings/policy.js';
import { inventory, legacyOff, rawOutput, readyOutput, record, referenceTime, setExchange } from '../findings/builders.js';
import { packageRoot } from '../../src/util/paths.js';
import { at as day, cert, send, withConfig } from '../findings/exchange-builders.js';
import { runCli } from '../helpers/cli.js';

const at = new Date('2026-01-15T12:00:00Z');
const files = { reference: 'before.json', difference: 'after.json' };

describe('diffInventories', () => {
  it('shows the proof of a change window: verdicts, settings and findings that changed, per server', () => {
    const before = inventory([record(rawOutput(), 'EX01'), record(readyOutput(), 'EX02')]);
    const after = inventory([record(readyOutput(), 'EX01'), record(readyOutput(), 'EX02')]);
    const { diff } = diffInventories(before, after, [loadPolicy('tls12-ready')], files, at);
    expect(diff.summary).toMatchObject({ added: 0, removed: 0, changed: 1, unchanged: 1, invalid: 0 });
    const ex01 = diff.servers.find((s) => s.server === 'EX01')!;
    expect(ex01.change).toBe('changed');
    expect(ex01.changes).toContainEqual(expect.objectContaining({ kind: 'verdict', item: 'tls12-ready', state: 'changed', before: 'blocked', after: 'pass' }));
    expect(ex01.changes.filter((c) => c.kind === 'finding' && c.state === 'resolved').map((c) => c.item)).toContain('NET4-STRONGCRYPTO-MISSING');
    expect(diff.servers.find((s) => s.server === 'EX02')!.changes.filter((c) => c.state !== 'unchanged')).toEqual([]);
  });

  it('reports SCHANNEL values, builds, failures, and servers added or removed', () => {
    const before = inventory([record(readyOutput(), 'EX01'), record(readyOutput(), 'EX02'), record(readyOutput(), 'EX03')]);
    const after = inventory([record(legacyOff(readyOutput()), 'EX01'), record(null, 'EX02'), record(setExchange(readyOutput(), '15.2.1748.10'), 'EX03'), record(readyOutput(), 'EX04')]);
    const { diff } = diffInventories(before, after, [loadPolicy('legacy-off')], files, at);
    const by = Object.fromEntries(diff.servers.map((s) => [s.server, s]));
    expect(by.EX01!.changes.map((c) => c.item)).toEqual(expect.arrayContaining(['TLS 1.0 Client', 'TLS 1.0 Server', 'legacy-off']));
    expect(by.EX02!.changes).toContainEqual(expect.objectContaining({ kind: 'status', item: 'Status', before: 'ok', after: 'failed (unreachable)' }));
    expect(by.EX03!.changes).toContainEqual(expect.objectContaining({ kind: 'build', item: 'Exchange build', state: 'changed', before: '15.2.1544.4', after: '15.2.1748.10' }));
    expect(by.EX04!.change).toBe('added');
    expect(diff.summary.added).toBe(1);
  });

  it('an Office 365 connector made weaker and a renewed certificate both show, counted under their categories', () => {
    const old = cert({ thumbprint: 'A1'.padEnd(40, '0'), subject: 'CN=mail.contoso.com', notAfter: day(10) });
    const renewed = cert({ thumbprint: 'B2'.padEnd(40, '0'), subject: 'CN=mail.contoso.com', notBefore: day(-1), notAfter: day(375) });
    const before = inventory([record(withConfig({ certificates: [old], sendConnectors: [send()] }), 'EX01')]);
    const after = inventory([record(withConfig({ certificates: [renewed], sendConnectors: [send({ requireTls: false, tlsAuthLevel: null, tlsDomain: null })] }), 'EX01')]);
    const { diff } = diffInventories(before, after, [loadPolicy('tls12-ready')], files, at);
    const ex01 = diff.servers.find((s) => s.server === 'EX01')!;
    expect(ex01.change).toBe('changed');
    const connector = ex01.changes.find((c) => c.item === 'Send connector Outbound to Office 365')!;
    expect(connector).toMatchObject({ kind: 'connector', category: 'connector', state: 'changed' });
    expect(connector.before).toContain('RequireTLS true, TlsAuthLevel DomainValidation');
    expect(connector.after).toContain('RequireTLS false, TlsAuthLevel -');
    const certificate = ex01.changes.find((c) => c.item === 'Certificate CN=mail.contoso.com')!;
    expect(certificate).toMatchObject({ kind: 'certificate', category: 'certificate', state: 'changed' });
    expect(certificate.before).toContain(old.thumbprint);
    expect(certificate.after).toContain(renewed.thumbprint);
    expect(diff.summary.byCategory.connector.changed).toBeGreaterThanOrEqual(1);
    expect(diff.summary.byCategory.certificate.changed).toBeGreaterThanOrEqual(1);
  });

  it('a finding that is gone is resolved (never "changed" with an empty After); one still open is unchanged', () => {
    const before = inventory([record(rawOutput(), 'EX01')]);
    const after = inventory([record(readyOutput(), 'EX01')]);
    const { diff } = diffInventories(before, after, [loadPolicy('tls12-ready')], files, at);
    const findings = diff.servers[0]!.changes.filter((c) => c.kind === 'finding');
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      if (f.after === null) expect(f.state).toBe('resolved');
      if (f.state === 'changed') expect(f.after).not.toBeNull();
    }
    const same = diffInventories(before, before, [loadPolicy('tls12-ready')], files, at).diff;
    expect(same.servers[0]!.change).toBe('unchanged');
    expect(same.servers[0]!.changes.filter((c) => c.kind === 'finding').every((c) => c.state === 'unchanged')).toBe(true);
    expect(same.summary.byCategory.dotnet.unchanged).toBeGreaterThan(0);
  });

  it('fleet findings are compared too: DAG drift that appears is new', () => {
    const before = inventory([record(readyOutput(), 'EX01', { dag: 'DAG01' }), record(readyOutput(), 'EX02', { dag: 'DAG01' })]);
    const after = inventory([record(readyOutput(), 'EX01', { dag: 'DAG01' }), record(setExchange(readyOutput(), '15.2.1748.10'), 'EX02', { dag: 'DAG01' })]);
    const { diff } = diffInventories(before, after, [loadPolicy('tls12-ready')], files, at);
    expect(diff.fleet).toContainEqual(expect.objectContaining({ kind: 'fleet', category: 'fleet', state: 'new', item: 'FLEET-DAG-MIXED-BUILDS dag DAG01' }));
    expect(diff.summary.byCategory.fleet.new).toBe(1);
  });

  it('mail-flow failures that stop are resolved, counted under mail-flow', () => {
    const logs = readyOutput();
    logs.protocolLogs = JSON.parse(readFileSync(join(packageRoot, 'test', 'findings', 'mail-flow.scanned.json'), 'utf8'));
    // after: the same logs read again, the failing sessions gone (logs not read would be "not checked", not resolved)
    const clean = readyOutput();
    clean.protocolLogs = { ...logs.protocolLogs!, errors: [], peers: [] };
    const { diff } = diffInventories(inventory([record(logs, 'EX01')]), inventory([record(clean, 'EX01')]), [loadPolicy('tls12-ready')], files, referenceTime);
    const flow = diff.servers[0]!.changes.filter((c) => c.category === 'mail-flow');
    expect(flow.length).toBeGreaterThan(0);
    expect(flow.every((c) => c.state === 'resolved' && c.kind === 'finding' && c.after === null)).toBe(true);
    expect(flow.some((c) => /failing now|earlier/.test(c.before ?? ''))).toBe(true);
    expect(diff.summary.byCategory['mail-flow'].resolved).toBe(flow.length);
  });

  it('an invalid record is reported as invalid, not as a removed server', () => {
    const before = inventory([record(readyOutput(), 'EX01'), record(readyOutput(), 'EX02')]);
    const after = inventory([record(readyOutput(), 'EX01'), record(readyOutput(), 'EX02')]);
    (after.servers[1] as unknown as { status: string }).status = 'sideways';
    const { diff, inputErrors } = diffInventories(before, after, [loadPolicy('tls12-ready')], files, at);
    expect(inputErrors.map((e) => e.server)).toEqual(['EX02']);
    const ex02 = diff.servers.find((s) => s.server === 'EX02')!;
    expect(ex02.change).toBe('invalid');
    expect(ex02.changes[0]!.after).toMatch(/^invalid in after\.json: /);
    expect(diff.summary).toMatchObject({ removed: 0, invalid: 1 });
  });
});

describe('extls diff', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'extls-diff-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify(inventory([record(rawOutput(), 'EX01'), record(rawOutput(), 'EX02')])));
    writeFileSync(join(dir, 'new.json'), JSON.stringify(inventory([record(readyOutput(), 'EX01')])));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the comparison as JSON and as CSV with the module\'s property names', async () => {
    const json = await runCli(['diff', join(dir, 'old.json'), join(dir, 'new.json'), '--format', 'json', '--reference-time', at.toISOString()]);
    expect(json.exitCode).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.summary).toMatchObject({ added: 0, removed: 1, changed: 1, unchanged: 0, invalid: 0 });
    const csv = await runCli(['diff', join(dir, 'old.json'), join(dir, 'new.json'), '--format', 'csv']);
    expect(csv.stdout.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('Server,Change,Category,Kind,Item,State,Before,After');
  });

  it('exits 1 with a message for a file that is not there', async () => {
    const r = await runCli(['diff', join(dir, 'old.json'), join(dir, 'nope.json')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('nope.json');
  });
});
