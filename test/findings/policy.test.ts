import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicy } from '../../src/findings/policy.js';
import { analyzeInventory } from '../../src/findings/analyze.js';
import { UsageError } from '../../src/util/errors.js';
import { inventory, readyOutput, record, referenceTime, setSchannel } from './builders.js';

const dir = mkdtempSync(join(tmpdir(), 'extls-policy-'));
const write = (name: string, doc: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
};

describe('policies', () => {
  it('loads the built-ins, legacy-off extending tls12-ready', () => {
    const p1 = loadPolicy('tls12-ready');
    expect(p1).toMatchObject({ id: 'tls12-ready', phase: 1, failAt: 'medium', source: 'builtin' });
    const p2 = loadPolicy('legacy-off');
    const rules = p2.rules.map((r) => (r.rule === 'schannel-protocol' ? `${r.rule}:${r.protocol}` : r.rule));
    expect(rules).toEqual(expect.arrayContaining(['schannel-protocol:TLS 1.2', 'schannel-protocol:TLS 1.0', 'dotnet-value', 'legacy-peers']));
    // the extending policy's exchange-build rule replaces the parent's
    expect(p2.rules.filter((r) => r.rule === 'exchange-build')).toEqual([expect.objectContaining({ capability: 'disable-legacy' })]);
    expect(p2.blockers).toContain('legacy-peers');
  });

  it('takes a custom policy file validated by the schema', () => {
    const file = write('tls13.json', {
      id: 'tls13-on', title: 'TLS 1.3 on', description: 'custom',
      rules: [{ rule: 'schannel-protocol', protocol: 'TLS 1.3', state: 'on', severity: 'high' }],
    });
    const doc = analyzeInventory(inventory([record(readyOutput())]), [loadPolicy(file)], { referenceTime });
    // WS2019 does not support TLS 1.3: the custom policy fails there
    expect(doc.servers[0]!.verdicts[0]).toMatchObject({ policy: 'tls13-on', verdict: 'fail' });
    expect(doc.policies[0]!.source).toBe(file);
  });

  it('rejects a bad policy naming the place', () => {
    const file = write('bad.json', { id: 'Bad Id', title: 'x', description: 'x', rules: [{ rule: 'schannel-protocol', protocol: 'TLS 1.2', state: 'maybe', severity: 'high' }] });
    expect(() => loadPolicy(file)).toThrow(UsageError);
    expect(() => loadPolicy(file)).toThrow(/id: must match pattern/);
    expect(() => loadPolicy(write('notjson.json', '{'))).toThrow(/notjson\.json/);
    expect(() => loadPolicy('no-such-policy')).toThrow(/not a built-in policy/);
    expect(() => loadPolicy(write('ext.json', { id: 'x', title: 'x', description: 'x', extends: ['nope'], rules: [] }))).toThrow(/extends "nope"/);
  });

  it('honours failAt: a stricter custom policy fails on low findings', () => {
    const file = write('strict.json', { id: 'strict', title: 'strict', description: 'x', failAt: 'low', extends: ['tls12-ready'], rules: [] });
    const doc = analyzeInventory(inventory([record(readyOutput())]), [loadPolicy(file)], { referenceTime });
    expect(doc.servers[0]!.verdicts[0]).toMatchObject({ verdict: 'fail', findingIds: ['EXCHANGE-OUT-OF-SUPPORT'] });
    const lenient = analyzeInventory(inventory([record(setSchannel(readyOutput(), 'TLS 1.2', 'both', 0, 1))]), ['tls12-ready'], { referenceTime });
    expect(lenient.servers[0]!.verdicts[0]!.verdict).toBe('fail');
  });
});
