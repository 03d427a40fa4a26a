import { toAsciiJson } from '../../src/util/json.js';
import { formatRows } from '../../src/util/format.js';

describe('JSON on stdout', () => {
  const value = { connector: 'Empfangsconnector für Partner', cjk: '日本', emoji: '📧', plain: 'a"b\\c' };

  it('escapes everything outside ASCII and parses back to the same value', () => {
    const text = toAsciiJson(value);
    expect(text).toMatch(/^[\x00-\x7e]*$/);
    expect(text).toContain('f\\u00fcr');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('is what json and ndjson formats print', () => {
    for (const f of ['json', 'ndjson'] as const) {
      const text = formatRows([value], [], f);
      expect(text).toMatch(/^[\x00-\x7e\n]*$/);
    }
  });

  it('csv carries a BOM and CRLF so Excel and Windows PowerShell read it as UTF-8', () => {
    const text = formatRows([value], [{ header: 'Connector', value: (r) => r.connector }], 'csv');
    expect(text.startsWith('\uFEFFConnector\r\n')).toBe(true);
  });
});
