import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { dotNetInfo, dotNetMinimumRelease, exchangeBuildInfo, loadKnowledge, parseBuild, schannelDefault, windowsBuildInfo } from '../../src/findings/knowledge.js';
import { dataDir } from '../../src/util/paths.js';

const now = new Date('2026-01-15T00:00:00Z');

describe('knowledge base tables', () => {
  it('every row of every table names its source', () => {
    for (const file of readdirSync(dataDir).filter((f) => f.endsWith('.csv'))) {
      const rows = parse(readFileSync(join(dataDir, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
      expect(rows.length).toBeGreaterThan(0);
      rows.forEach((r, i) => expect([file, i, (r.source ?? r.build_source ?? '').length > 0]).toEqual([file, i, true]));
    }
  });

  it('covers Exchange 2010 to Exchange SE', () => {
    const products = new Set(loadKnowledge().exchangeBuilds.map((r) => r.product));
    expect([...products].sort()).toEqual(['Exchange Server 2010', 'Exchange Server 2013', 'Exchange Server 2016', 'Exchange Server 2019', 'Exchange Server SE']);
  });
});

describe('exchangeBuildInfo', () => {
  it('names CU/SU builds and their TLS capability', () => {
    expect(exchangeBuildInfo('15.2.1544.4', now)).toMatchObject({ known: true, product: 'Exchange Server 2019', tls12Capable: true, canDisableLegacy: true, supportStatus: 'out-of-support' });
    expect(exchangeBuildInfo('15.2.1544.4', now).row!.name).toBe('Exchange Server 2019 CU14');
    expect(exchangeBuildInfo('15.02.1544.004', now).known).toBe(true); // zero-padded AdminDisplayVersion form
    expect(exchangeBuildInfo('15.0.1263.5', now)).toMatchObject({ product: 'Exchange Server 2013', tls12Capable: false, canDisableLegacy: false });
    expect(exchangeBuildInfo('15.0.1365.1', now)).toMatchObject({ tls12Capable: true, canDisableLegacy: false }); // 2013 CU19
    expect(exchangeBuildInfo('15.1.1415.2', now)).toMatchObject({ tls12Capable: true, canDisableLegacy: false }); // 2016 CU8
    expect(exchangeBuildInfo('14.3.382.0', now)).toMatchObject({ product: 'Exchange Server 2010', tls12Capable: true, canDisableLegacy: false }); // SP3 RU19
  });

  it('tells Exchange SE from 2019 by build and keeps it supported', () => {
    expect(exchangeBuildInfo('15.2.2562.17', now)).toMatchObject({ product: 'Exchange Server SE', supportStatus: 'supported', known: true });
    expect(exchangeBuildInfo('15.2.1748.10', now).product).toBe('Exchange Server 2019');
  });

  it('judges support against the reference time', () => {
    expect(exchangeBuildInfo('15.2.1748.10', new Date('2025-10-14T12:00:00Z')).supportStatus).toBe('supported');
    expect(exchangeBuildInfo('15.2.1748.10', new Date('2025-10-15T00:00:01Z')).supportStatus).toBe('out-of-support');
  });

  it('keeps both conflicting 2016 March 2021 SU rows resolvable', () => {
    expect(exchangeBuildInfo('15.1.1415.10', now).row!.name).toBe('Exchange Server 2016 CU8 Mar21SU');
    expect(exchangeBuildInfo('15.1.1415.8', now).row!.name).toBe('Exchange Server 2016 CU8 Mar21SU');
  });

  it('answers unknown builds without throwing', () => {
    expect(exchangeBuildInfo('garbage', now)).toMatchObject({ known: false, product: null, tls12Capable: null });
    expect(exchangeBuildInfo(null, now)).toMatchObject({ known: false, display: 'build unknown' });
    expect(exchangeBuildInfo('8.3.0.0', now)).toMatchObject({ product: null, tls12Capable: null });
    expect(exchangeBuildInfo('15.1.2507.999', now)).toMatchObject({ known: false, newerThanKnown: true, product: 'Exchange Server 2016', tls12Capable: true });
    expect(parseBuild('15.2')).toBeNull();
  });
});

describe('Windows and .NET', () => {
  it('knows the server builds and their defaults', () => {
    expect(windowsBuildInfo('17763')).toMatchObject({ known: true, name: 'Windows Server 2019', winHttpDefaultTls12: true });
    expect(windowsBuildInfo('9200')).toMatchObject({ winHttpDefaultTls12: false });
    expect(windowsBuildInfo('12345')).toMatchObject({ known: false, name: null });
    expect(schannelDefault('20348', 'TLS 1.3', 'Server')).toBe('on');
    expect(schannelDefault('17763', 'TLS 1.3', 'Server')).toBe('not-supported');
    expect(schannelDefault('26100', 'TLS 1.0', 'Client')).toBe('unknown');
    expect(schannelDefault('9600', 'SSL 3.0', 'Server')).toBe('on');
    expect(schannelDefault('7601', 'TLS 1.2', 'Client')).toBe('off');
    expect(schannelDefault('17763', 'PCT 1.0', 'Server')).toBe('unknown');
  });

  it('maps .NET Release values to versions', () => {
    expect(dotNetInfo(528049).version).toBe('4.8');
    expect(dotNetInfo(533325).version).toBe('4.8.1');
    expect(dotNetInfo(600000).version).toBe('4.8.1'); // newer than the table: the newest known it is at least
    expect(dotNetInfo(378000)).toMatchObject({ version: null });
    expect(dotNetInfo(null).version).toBeNull();
    expect(dotNetMinimumRelease('4.7.1')).toBe(461308);
  });
});
