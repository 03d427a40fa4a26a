// A probe saying Exchange Online cannot deliver: a critical finding tied to its SCHANNEL or cipher-suite cause,
// and the runbook's post-check that runs the same probe (every value through psLiteral).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, jest } from '@jest/globals';
import { main } from '../../src/cli.js';
import { packageRoot } from '../../src/util/paths.js';
import { EXO_CANNOT_DELIVER, withExchangeOnlineFinding } from '../../src/findings/rules-probe.js';
import type { ServerAnalysis } from '../../src/findings/types.js';
import type { ExchangeOnlineCheck, ProbeResult, VersionResult } from '../../src/probe/types.js';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { findingsDoc, server, tls12Changes } from '../runbooks/findings-builder.js';
import { runDir } from '../runbooks/run-script.js';

const attempt = (outcome: VersionResult['outcome'], reason: string | null): VersionResult => ({
  version: 'TLSv1.2', outcome, step: outcome === 'accepted' ? null : 'handshake', reason, code: null,
  protocol: outcome === 'accepted' ? 'TLSv1.2' : null, cipher: outcome === 'accepted' ? { name: 'ECDHE-RSA-AES256-GCM-SHA384', standardName: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384' } : null,
  certificate: null, durationMs: 5,
});

function probe(serverName: string, eo: Partial<ExchangeOnlineCheck> | null, over: Partial<ProbeResult> = {}): ProbeResult {
  const check: ExchangeOnlineCheck | null = eo && {
    canDeliver: false, display: 'no: x', reason: 'x', offeredSuites: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'], offeredTls13Suites: [],
    source: 'Microsoft Learn', tls12: attempt('refused', 'sslv3 alert handshake failure'), tls13: { ...attempt('not-tested', 'n/a'), version: 'TLSv1.3' },
    serverSuites: null, certificate: null, ...eo,
  };
  const r: ProbeResult = {
    schemaVersion: 1, endpoint: `${serverName.toLowerCase()}.contoso.com:25`, host: `${serverName.toLowerCase()}.contoso.com`, port: 25, server: serverName,
    address: '192.0.2.10', status: 'ok', failure: null, startedAt: '2026-11-27T09:00:00.000Z', durationMs: 900, banner: '220 mail',
    ehloKeywords: ['STARTTLS'], starttls: { offered: true, accepted: true, refusal: null },
    plaintextMail: { outcome: 'accepted', reply: { code: 250, enhanced: '2.1.0', text: 'Sender OK' }, reason: null },
    versions: [], certificate: null,
    summary: { acceptedVersions: ['TLSv1.2'], legacyAccepted: false, tls12Accepted: true, modernAccepted: true },
    exchangeOnline: check, ...over,
  };
  const validate = validatorFor('probe-result.schema.json');
  if (!validate(r)) throw new Error(describeErrors(validate.errors).join('\n'));
  return r;
}

const exo = (s: ServerAnalysis) => s.findings.find((f) => f.id === EXO_CANNOT_DELIVER);

describe('the Exchange Online finding', () => {
  it('TLS 1.2 refused: critical, caused by TLS12-SERVER-DISABLED; the passing verdict fails with a manual step', () => {
    const s = withExchangeOnlineFinding(
      server({ name: 'EX02', changes: tls12Changes() }),
      probe('EX02', { reason: 'the server refuses TLS 1.2 (tlsv1 alert protocol version)', display: 'no: the server refuses TLS 1.2 (tlsv1 alert protocol version)' }),
    );
    const f = exo(s)!;
    expect(f.severity).toBe('critical');
    expect(f.category).toBe('mail-flow');
    expect(f.causes).toEqual(['TLS12-SERVER-DISABLED']);
    expect(f.explanation).toContain('the server refuses TLS 1.2');
    expect(f.evidence[0]).toMatchObject({ kind: 'probe', name: 'ex02.contoso.com:25' });
    expect(s.counts.critical).toBe(2);
    expect(s.verdicts[0]!.findingIds).toContain(EXO_CANNOT_DELIVER);
    findingsDoc([s]); // schema-valid
  });

  it('no suite in common: caused by CIPHERS-NO-M365-SUITE, with the suites the server takes as evidence', () => {
    const passing = server({ name: 'EX05', manual: true });
    const s = withExchangeOnlineFinding(
      passing,
      probe('EX05', { serverSuites: { suites: ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'], complete: true, attempts: 2, durationMs: 40, stoppedBy: null } }),
    );
    const f = exo(s)!;
    expect(f.causes).toEqual(['CIPHERS-NO-M365-SUITE']);
    expect(f.evidence[1]?.display).toBe('suites the server takes instead: TLS_DHE_RSA_WITH_AES_256_GCM_SHA384');
    expect(s.verdicts[0]!.manualFindingIds).toEqual(['CIPHERS-NO-M365-SUITE', EXO_CANNOT_DELIVER]);
  });

  it('no cause in the server\'s settings: says where to look instead; a pass becomes a fail', () => {
    const clean = server({ name: 'EX01' });
    expect(clean.verdicts[0]!.verdict).toBe('pass');
    const s = withExchangeOnlineFinding(clean, probe('EX01', {}));
    expect(exo(s)!.causes).toEqual([]);
    expect(exo(s)!.explanation).toMatch(/load balancer/);
    expect(s.verdicts[0]!.verdict).toBe('fail');
    expect(s.worstSeverity).toBe('critical');
  });

  it('nothing when Exchange Online can deliver, or the probe was not made as Exchange Online; never twice', () => {
    const s = server({ name: 'EX01' });
    expect(withExchangeOnlineFinding(s, probe('EX01', { canDeliver: true, reason: null, display: 'yes', tls12: attempt('accepted', null) }))).toBe(s);
    expect(withExchangeOnlineFinding(s, probe('EX01', null))).toBe(s);
    const once = withExchangeOnlineFinding(s, probe('EX01', {}));
    expect(withExchangeOnlineFinding(once, probe('EX01', {}))).toBe(once);
  });
});

describe('the runbook post-check', () => {
  it('runs this exact probe: target and expected name as PowerShell literals; the finding and its cause are listed', async () => {
    const out = join(runDir('eo-postcheck'), 'out');
    const p = probe('EX02', {
      reason: 'the server refuses TLS 1.2', display: 'no: the server refuses TLS 1.2',
      certificate: {
        expectedName: "mail.o'brien.test", expectedNameSource: 'given', acceptable: true,
        name: { ok: true, reason: null }, chain: { ok: true, reason: null }, expiry: { ok: true, reason: null },
        keySize: { ok: true, reason: null }, signatureHash: { ok: true, reason: null }, reasons: [],
      },
    });
    await renderRunbooks(findingsDoc([server({ name: 'EX02', changes: tls12Changes() })]), { outDir: out, generatedAt: '2026-11-28T08:00:00.000Z', probes: [p] });
    const runbook = readFileSync(join(out, 'EX02', 'runbook.md'), 'utf8');
    expect(runbook).toContain("extls probe --as exchange-online --expect-name 'mail.o''brien.test' -- 'ex02.contoso.com:25'");
    expect(runbook).toContain('Before the change it accepts TLS 1.2; Exchange Online: no: the server refuses TLS 1.2.');
    expect(runbook).toContain('EXO-CANNOT-DELIVER');
    // the fleet's probe column says no too, not "TLS 1.2" in green
    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').split('\r\n');
    const col = csv[0]!.split(',').indexOf('StartTlsProbe');
    expect(csv[1]!.split(',')[col]).toBe('Exchange Online: no');
  });

  it('without probe results: the probe as Exchange Online on the server name, no expected name', async () => {
    const out = join(runDir('eo-postcheck'), 'out');
    await renderRunbooks(findingsDoc([server({ name: 'EX02', changes: tls12Changes() })]), { outDir: out, generatedAt: '2026-11-28T08:00:00.000Z' });
    expect(readFileSync(join(out, 'EX02', 'runbook.md'), 'utf8')).toContain("extls probe --as exchange-online -- 'EX02:25'");
  });
});

describe('extls analyze --probes', () => {
  it('adds the finding to the server the probe joins (by fleet name), and leaves the others alone', async () => {
    const dir = runDir('eo-analyze');
    const data = JSON.parse(readFileSync(join(packageRoot, 'test', 'fixtures', 'inventory', 'collector-output-ex01.json'), 'utf8'));
    const record = (server: string) => ({
      schemaVersion: 1, server, address: `${server.toLowerCase()}.contoso.local`, transport: 'file', groups: { dag: null, site: 'HQ', role: 'mailbox' },
      status: 'ok', failure: null, startedAt: '2026-01-01T00:00:00Z', durationMs: 1, data: { ...data, computerName: server },
    });
    const inv = join(dir, 'inventory.json');
    writeFileSync(inv, JSON.stringify({ schemaVersion: 1, tool: { name: 'extls', version: 't' }, createdAt: '2026-01-01T00:00:00Z', source: 'test', servers: [record('EX01'), record('EX02')], summary: { total: 2, ok: 2, failed: 0 } }));
    const probes = join(dir, 'probes.json');
    writeFileSync(probes, JSON.stringify([probe('EX02', { reason: 'the server refuses TLS 1.2', display: 'no: the server refuses TLS 1.2' })]));
    let stdout = '';
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'extls', 'analyze', inv, '--probes', probes, '--format', 'json'])).toBe(0);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const doc = JSON.parse(stdout) as { servers: ServerAnalysis[]; summary: { bySeverity: { critical: number } } };
    const byName = Object.fromEntries(doc.servers.map((s) => [s.server, s]));
    expect(exo(byName['EX01']!)).toBeUndefined();
    expect(exo(byName['EX02']!)?.severity).toBe('critical');
    expect(doc.summary.bySeverity.critical).toBeGreaterThanOrEqual(1);
  });
});
