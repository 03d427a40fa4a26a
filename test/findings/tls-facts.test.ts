// TLS facts as Microsoft's sources state them, each rule both ways on real-format collector output:
// explicit TLS 1.2 (and TLS 1.0/1.1 off) values, TLS 1.3 against the Exchange build, .NET v2 only for Exchange 2010,
// and cipher suites Exchange Online accepts now (data/m365-cipher-suites.csv) that the Windows build has.
import { analyzeInventory } from '../../src/findings/analyze.js';
import { loadKnowledge } from '../../src/findings/knowledge.js';
import { resolvePolicy, validatePolicy, type Policy } from '../../src/findings/policy.js';
import type { ServerAnalysis } from '../../src/findings/types.js';
import type { CollectorOutput, RegValue } from '../../src/inventory/types.js';
import { describeErrors, validatorFor } from '../../src/util/schemas.js';
import { inventory, missing, rawOutput, readyOutput, record, referenceTime, setExchange, setOs, setSchannel, valid } from './builders.js';

function analyze(o: CollectorOutput, policies: (string | Policy)[] = ['tls12-ready']): ServerAnalysis {
  const doc = analyzeInventory(inventory([record(valid(o))]), policies, { referenceTime, now: referenceTime });
  const v = validatorFor('findings.schema.json');
  if (!v(doc)) throw new Error(describeErrors(v.errors).join('\n'));
  return doc.servers[0]!;
}
const ids = (s: ServerAnalysis) => s.findings.map((f) => f.id);
const get = (s: ServerAnalysis, id: string) => {
  const f = s.findings.find((x) => x.id === id);
  if (!f) throw new Error(`${id} not in ${ids(s).join(', ')}`);
  return f;
};
const verdict = (s: ServerAnalysis, policy = 'tls12-ready') => s.verdicts.find((v) => v.policy === policy)!;

describe('explicit values, as Microsoft\'s guidance writes them', () => {
  const osDefaultTls12 = () => setSchannel(readyOutput(), 'TLS 1.2', 'both', missing, missing);

  it('TLS 1.2 on only by OS default: medium NOT-EXPLICIT per side with the explicit 1/0 pair, no restart', () => {
    const s = analyze(osDefaultTls12());
    const f = get(s, 'TLS12-SERVER-NOT-EXPLICIT');
    expect(f).toMatchObject({ severity: 'medium', restartRequired: false });
    expect(f.changes.map((c) => `${c.name}=${c.desired}`)).toEqual(['Enabled=1', 'DisabledByDefault=0']);
    expect(f.changes[0]!.path).toBe('SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server');
    expect(verdict(s)).toMatchObject({ verdict: 'fail', restartRequired: false });
    expect(verdict(s).changes).toHaveLength(4);
  });

  it('does not fire when both values are written (0xffffffff counts as written: Windows reads any non-zero as 1)', () => {
    expect(verdict(analyze(readyOutput())).verdict).toBe('pass');
    expect(ids(analyze(setSchannel(readyOutput(), 'TLS 1.2', 'both', 0xffffffff, 0)))).not.toContain('TLS12-SERVER-NOT-EXPLICIT');
  });

  it('a policy rule with "explicit": false keeps "the OS default is enough"', () => {
    const lenient = resolvePolicy(validatePolicy({
      id: 'tls12-os-default-ok', title: 'TLS 1.2 ready, OS defaults accepted', description: 'test', extends: ['tls12-ready'],
      rules: [{ rule: 'schannel-protocol', protocol: 'TLS 1.2', state: 'on', severity: 'critical', explicit: false }],
    }, 'test'), 'test');
    const s = analyze(osDefaultTls12(), [lenient]);
    expect(ids(s)).not.toContain('TLS12-SERVER-NOT-EXPLICIT');
    expect(verdict(s, 'tls12-os-default-ok').verdict).toBe('pass');
  });

  it('legacy-off writes the whole off pair for TLS 1.0/1.1 even where one value already makes it off', () => {
    const o = setSchannel(setSchannel(readyOutput(), 'TLS 1.0', 'both', 0, 1), 'TLS 1.1', 'both', 0, missing);
    for (const p of ['SSL 2.0', 'SSL 3.0']) setSchannel(o, p, 'both', 0, 1);
    const s = analyze(o, ['legacy-off']);
    expect(ids(s)).not.toContain('TLS10-CLIENT-NOT-EXPLICIT');
    const f = get(s, 'TLS11-CLIENT-NOT-EXPLICIT');
    expect(f.changes.map((c) => `${c.name}=${c.desired}`)).toEqual(['DisabledByDefault=1']);
  });
});

describe('TLS 1.3 and the Exchange build', () => {
  const ws2022 = (exchange: string) => setExchange(setOs(readyOutput(), '20348', 'Windows Server 2022 Standard'), exchange);

  it('Windows Server 2022, Exchange 2019 CU14, no TLS 1.3 keys: on by OS default, so a finding with the change Microsoft documents', () => {
    const s = analyze(ws2022('15.2.1544.4'));
    const f = get(s, 'TLS13-ENABLED-UNSUPPORTED');
    expect(f).toMatchObject({ severity: 'high', category: 'schannel', restartRequired: true });
    expect(f.changes.map((c) => `${c.path.split('\\').slice(-2).join('\\')} ${c.name}=${c.desired}`)).toEqual([
      'TLS 1.3\\Client Enabled=0', 'TLS 1.3\\Client DisabledByDefault=1', 'TLS 1.3\\Server Enabled=0', 'TLS 1.3\\Server DisabledByDefault=1',
    ]);
    expect(f.explanation).toMatch(/Exchange Server 2019 CU15 \/ Exchange Server SE RTM on Windows Server 2022/);
    expect(verdict(s).findingIds).toContain('TLS13-ENABLED-UNSUPPORTED');
  });

  it('the same server on CU15 (or Exchange SE) does not get it', () => {
    expect(ids(analyze(ws2022('15.2.1748.10')))).not.toContain('TLS13-ENABLED-UNSUPPORTED');
    expect(ids(analyze(ws2022('15.2.2562.17')))).not.toContain('TLS13-ENABLED-UNSUPPORTED');
  });

  it('nor does CU14 once TLS 1.3 is off, nor Windows Server 2019 where TLS 1.3 does not exist', () => {
    expect(ids(analyze(setSchannel(ws2022('15.2.1544.4'), 'TLS 1.3', 'both', 0, 1)))).not.toContain('TLS13-ENABLED-UNSUPPORTED');
    expect(ids(analyze(readyOutput()))).not.toContain('TLS13-ENABLED-UNSUPPORTED');
  });

  it('explicitly enabled on Exchange 2016 is a finding too', () => {
    expect(ids(analyze(setSchannel(ws2022('15.1.2507.6'), 'TLS 1.3', 'both', 1, 0)))).toContain('TLS13-ENABLED-UNSUPPORTED');
  });
});

describe('.NET v2 (3.5) values', () => {
  const raw2010 = () => setExchange(setOs(rawOutput(), '7601', 'Windows Server 2008 R2 Standard'), '14.3.513.0');

  it('are required for Exchange 2010', () => {
    const s = analyze(raw2010());
    expect(get(s, 'NET2-STRONGCRYPTO-MISSING').severity).toBe('high');
    expect(verdict(s).findingIds).toEqual(expect.arrayContaining(['NET2-STRONGCRYPTO-MISSING', 'NET2-SYSTEMDEFAULTTLS-MISSING']));
  });

  it('are not required for Exchange 2013 and later: a low, optional finding outside the verdict', () => {
    const o = readyOutput();
    for (const f of o.dotNet.frameworks) if (f.version === 'v2.0.50727') { f.systemDefaultTlsVersions = missing; f.schUseStrongCrypto = missing; }
    const s = analyze(o);
    expect(get(s, 'NET2-STRONGCRYPTO-MISSING').severity).toBe('low');
    expect(get(s, 'NET2-STRONGCRYPTO-MISSING').explanation).toMatch(/do not need|does not\s+require/);
    expect(verdict(s).verdict).toBe('pass');
  });
});

describe('cipher suites Exchange Online accepts', () => {
  const withOrder = (suites: string, os?: [string, string], exchange?: string) => {
    let o = readyOutput();
    if (os) o = setOs(o, os[0], os[1]);
    if (exchange) o = setExchange(o, exchange);
    o.cipherSuiteOrder.policy.value = { present: true, type: 'REG_SZ', value: suites } as RegValue;
    return o;
  };

  it('the data keeps Microsoft\'s order: the suites accepted now, then those accepted only until TLS 1.0/1.1 were deprecated', () => {
    const rows = loadKnowledge().m365CipherSuites;
    expect(rows.map((r) => r.status)).toEqual([...Array(8).fill('accepted'), ...Array(4).fill('until-tls10-deprecation')]);
    expect(rows[0]!.suite).toBe('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
    for (const r of rows) expect(r.source).toMatch(/Technical reference details about encryption.*commit [0-9a-f]{40}/);
  });

  // Microsoft's first table ("supported now") lists both ECDHE CBC_SHA suites; the second table only adds that they
  // also served TLS 1.0/1.1 until the deprecation. extls once counted them as not accepted.
  it('the ECDHE RSA CBC_SHA suites are accepted over TLS 1.2, in Microsoft\'s order after the SHA-2 CBC suites', () => {
    const accepted = loadKnowledge().m365CipherSuites.filter((r) => r.status === 'accepted').map((r) => r.suite);
    expect(accepted).toEqual([
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
      'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
      'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_128_GCM_SHA256',
    ]);
    for (const order of ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256,TLS_RSA_WITH_AES_128_CBC_SHA']) {
      expect(ids(analyze(withOrder(order)))).not.toContain('CIPHERS-NO-M365-SUITE');
    }
  });

  it('an order of suites accepted only before the deprecation fails, and says why', () => {
    const f = get(analyze(withOrder('TLS_RSA_WITH_AES_256_CBC_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA')), 'CIPHERS-NO-M365-SUITE');
    expect(f.explanation).toMatch(/TLS_RSA_WITH_AES_256_CBC_SHA256, TLS_RSA_WITH_AES_128_CBC_SHA were accepted only until TLS 1\.0\/1\.1 were deprecated/);
  });

  it('one suite accepted now passes', () => {
    expect(ids(analyze(withOrder('TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')))).not.toContain('CIPHERS-NO-M365-SUITE');
  });

  it('a suite the Windows build does not have does not count (ECDHE RSA GCM before Windows Server 2012 R2)', () => {
    const order = 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_DHE_RSA_WITH_AES_256_CBC_SHA';
    const old = get(analyze(withOrder(order, ['7601', 'Windows Server 2008 R2 Standard'], '15.0.1497.2')), 'CIPHERS-NO-M365-SUITE');
    expect(old.explanation).toMatch(/TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 is not available in this Windows build/);
    expect(ids(analyze(withOrder(order, ['9600', 'Windows Server 2012 R2 Standard'], '15.0.1497.2')))).not.toContain('CIPHERS-NO-M365-SUITE');
  });
});

