// `extls runbooks` end to end, in process: analysis by the findings engine, then rendering; --findings; errors.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { jest } from '@jest/globals';
import { main } from '../../src/cli.js';
import { packageRoot } from '../../src/util/paths.js';
import { runDir } from './run-script.js';

const base = JSON.parse(readFileSync(join(packageRoot, 'test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8'));

function inventoryFile(dir: string): string {
  const record = (server: string, dag: string | null, data: unknown) => ({
    schemaVersion: 1,
    server,
    address: server,
    transport: 'file',
    groups: { dag, site: 'HQ', role: 'mailbox' },
    status: data ? 'ok' : 'failed',
    failure: data ? null : { category: 'unreachable', message: 'no route' },
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1,
    data,
  });
  const servers = [
    record('EX01', 'DAG01', { ...base, computerName: 'EX01' }),
    record('EX02', 'DAG01', { ...base, computerName: 'EX02' }),
    record('EX03', null, null),
  ];
  const file = join(dir, 'inventory.json');
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, tool: { name: 'extls', version: 't' }, createdAt: '2026-01-01T00:00:00Z', source: 'test', servers, summary: { total: 3, ok: 2, failed: 1 } }));
  return file;
}

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    process.exitCode = undefined;
    const code = await main(['node', 'extls', ...args]);
    return { code, stderr };
  } finally {
    spy.mockRestore();
    out.mockRestore();
    process.exitCode = undefined;
  }
}

describe('extls runbooks', () => {
  test('analyses the inventory and writes runbooks, scripts, report, rollout and summary', async () => {
    const dir = runDir('cli');
    const out = join(dir, 'out');
    const r = await run(['runbooks', inventoryFile(dir), '--out', out, '--policy', 'tls12-ready', '--policy', 'legacy-off']);
    expect(r.stderr).toContain('runbooks: 3 server(s)');
    expect(r.stderr).toContain('1 server(s) not collected');
    expect(r.code).toBe(0);
    for (const f of ['report.html', 'rollout.md', 'summary.csv']) expect(existsSync(join(out, f))).toBe(true);
    const summary = readFileSync(join(out, 'summary.csv'), 'utf8');
    expect(summary).toContain('EX03,not collected: unreachable');
    // whether the fixture server needs changes is the findings engine's call; if it does, both get all three files
    for (const s of ['EX01', 'EX02']) {
      if (existsSync(join(out, s))) for (const f of ['runbook.md', 'remediate.ps1', 'rollback.ps1']) expect(existsSync(join(out, s, f))).toBe(true);
    }
    expect(readFileSync(join(out, 'rollout.md'), 'utf8')).toContain('## Not collected');
  });

  test('--findings renders a saved analysis; bad templates and bad findings are usage errors that name the place', async () => {
    const dir = runDir('cli');
    const inv = inventoryFile(dir);
    const findings = join(dir, 'findings.json');
    expect((await run(['analyze', inv, '--policy', 'legacy-off', '--format', 'json', '--out', findings])).code).toBe(0);
    const ok = await run(['runbooks', inv, '--findings', findings, '--out', join(dir, 'a')]);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(dir, 'a', 'report.html'), 'utf8')).toContain('legacy');

    const templates = join(dir, 'tpl');
    (await import('node:fs')).mkdirSync(templates);
    writeFileSync(join(templates, 'report.html.hbs'), '<p>\n{{summary.nope}}</p>');
    const bad = await run(['runbooks', inv, '--findings', findings, '--out', join(dir, 'b'), '--templates', templates]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('template report.html.hbs line 2: missing field "summary.nope"');

    const doc = JSON.parse(readFileSync(findings, 'utf8'));
    doc.servers[0].verdicts[0].verdict = 'maybe';
    writeFileSync(findings, JSON.stringify(doc));
    const broken = await run(['runbooks', inv, '--findings', findings, '--out', join(dir, 'c')]);
    // that server is skipped and named; the others are still written (exit 2)
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`server ${doc.servers[0].server} (servers[0]) skipped: findings servers/0/verdicts/0/verdict`);
  });

  test('a findings document alone renders the same files as the run from the inventory', async () => {
    const dir = runDir('cli');
    const inv = inventoryFile(dir);
    const findings = join(dir, 'findings.json');
    const policies = ['--policy', 'tls12-ready', '--policy', 'legacy-off'];
    expect((await run(['analyze', inv, ...policies, '--format', 'json', '--out', findings])).code).toBe(0);
    expect((await run(['runbooks', inv, ...policies, '--out', join(dir, 'from-inventory')])).code).toBe(0);
    const alone = await run(['runbooks', findings, '--out', join(dir, 'from-findings')]);
    expect(alone.stderr).not.toContain('extls:');
    expect(alone.code).toBe(0);
    const files = (root: string): string[] =>
      readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))).sort();
    const a = files(join(dir, 'from-inventory'));
    expect(files(join(dir, 'from-findings'))).toEqual(a);
    expect(a).toEqual(expect.arrayContaining(['report.html', 'summary.csv', join('EX01', 'remediate.ps1')]));
    const timeless = (f: string) => readFileSync(f, 'utf8').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
    for (const f of a) expect([f, timeless(join(dir, 'from-findings', f))]).toEqual([f, timeless(join(dir, 'from-inventory', f))]);
  });

  test('--probes quotes each server\'s last STARTTLS probe in its pre- and post-checks', async () => {
    const dir = runDir('cli');
    const inv = inventoryFile(dir);
    const probe = (server: string, accepted: string[]) => ({
      schemaVersion: 1, endpoint: `${server.toLowerCase()}.contoso.com:25`, host: `${server.toLowerCase()}.contoso.com`, port: 25, server,
      address: '192.0.2.10', status: 'ok', failure: null, startedAt: '2026-11-27T09:00:00.000Z', durationMs: 900,
      banner: '220 mail', ehloKeywords: ['STARTTLS'], starttls: { offered: true, accepted: true, refusal: null },
      plaintextMail: { outcome: 'accepted', reply: { code: 250, enhanced: '2.1.0', text: 'Sender OK' }, reason: null },
      versions: [], certificate: null,
      summary: { acceptedVersions: accepted, legacyAccepted: accepted.includes('TLSv1'), tls12Accepted: accepted.includes('TLSv1.2'), modernAccepted: true },
    });
    const probes = join(dir, 'probes.json');
    writeFileSync(probes, JSON.stringify([probe('EX01', ['TLSv1', 'TLSv1.2']), probe('EX02', ['TLSv1.2'])]));
    const out = join(dir, 'out');
    const r = await run(['runbooks', inv, '--out', out, '--policy', 'legacy-off', '--probes', probes]);
    expect(r.stderr).not.toContain('extls:');
    expect(r.code).toBe(0);
    const runbook = readFileSync(join(out, 'EX01', 'runbook.md'), 'utf8');
    expect(runbook).toContain("`extls probe -- 'ex01.contoso.com:25'`");
    expect(runbook).toContain('Last probe (2026-11-27T09:00:00.000Z): accepts TLS 1.0, TLS 1.2.');
    expect(runbook).toContain('Before the change it accepts TLS 1.0, TLS 1.2.');
    // the fleet report and summary.csv get a "STARTTLS probe" column; a server without a probe shows '–'
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report).toContain('data-check="probe:starttls">STARTTLS probe</th>');
    const row = (server: string) => report.slice(report.indexOf(`data-server="${server}"`), report.indexOf('</tr>', report.indexOf(`data-server="${server}"`)));
    // the last of the check cells
    expect(row('EX01')).toMatch(/<td class="c-warn" data-sort="3">TLS 1\.2 \+ legacy<\/td>\r?\n/);
    expect(row('EX02')).toMatch(/<td class="c-ok" data-sort="2">TLS 1\.2<\/td>\r?\n/);
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').split('\r\n');
    const col = csv[0]!.split(',').indexOf('StartTlsProbe');
    expect(col).toBeGreaterThan(0);
    expect(csv.filter((l) => l.startsWith('EX')).map((l) => [l.split(',')[0], l.split(',')[col]])).toEqual([
      ['EX01', 'TLS 1.2 + legacy'],
      ['EX02', 'TLS 1.2'],
      ['EX03', '–'],
    ]);

    writeFileSync(probes, JSON.stringify([{ endpoint: 'x' }]));
    const bad = await run(['runbooks', inv, '--out', join(dir, 'bad'), '--probes', probes]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('probes.json: result 0:');
  });
});
