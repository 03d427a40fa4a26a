// Property-based tests of the escaping helpers: for any text (all of Unicode, control characters, lone
// surrogates, formula prefixes, quotes), each helper's output keeps its promise for its kind of output.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvCell, csvFile } from '../../src/util/csv.js';
import Handlebars from 'handlebars';
import { mdCode, mdText, psComment, psLiteral } from '../../src/runbooks/escape.js';
import { oneLine, stripTerminalCodes } from '../../src/util/one-line.js';
import { PWSH_TIMEOUT, runDir, runScript } from '../runbooks/run-script.js';

// text biased towards the characters that break things
const nasty = fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '\r\n', ' ', '"', "'", '\u2019', '`', '$(', '|', '<', '>', '&', '#>', '<#', '\u0000', '\u0085', '\u2028', '\u001b[31m', '\uff1d', ',', ';', '\\');
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(nasty, fc.string({ maxLength: 4 })), { maxLength: 12 }).map((a) => a.join('')),
);
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/;
const FORMULA = /^[\s\u00a0\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

describe('CSV writer', () => {
  it('any table reads back cell for cell, with no cell a spreadsheet would evaluate', () => {
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const width = rows[0]!.length;
        const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
        const header = Array.from({ length: width }, (_, i) => `c${i}`);
        const back = parse(csvFile(header, table), { bom: true }) as string[][];
        expect(back).toHaveLength(table.length + 1);
        back.slice(1).forEach((row, r) =>
          row.forEach((cell, c) => {
            expect(cell).toBe(csvCell(table[r]![c]));
            if (cell !== '-') expect(FORMULA.test(cell)).toBe(false);
            expect(cell.startsWith("'") && !table[r]![c]!.startsWith("'") ? cell.slice(1) : cell).toBe(table[r]![c]);
          }),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('Markdown, HTML, one-line messages', () => {
  it('mdText: one line, no raw HTML, no unescaped table pipe', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = mdText(s);
        expect(LINE_BREAKS.test(out)).toBe(false);
        expect(out.replace(/<br>/g, '')).not.toMatch(/[<>]/);
        expect(out.replace(/\\\\/g, '')).not.toMatch(/(?<!\\)\|/);
      }),
      { numRuns: 500 },
    );
  });

  it('mdCode: one code span (a fence longer than any backtick run inside), no line break, no table pipe', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = mdCode(s);
        expect(LINE_BREAKS.test(out)).toBe(false);
        const fence = /^`+/.exec(out)![0];
        expect(out.endsWith(fence)).toBe(true);
        const inner = out.slice(fence.length, out.length - fence.length);
        for (const run of inner.match(/`+/g) ?? []) expect(run.length).toBeLessThan(fence.length);
        expect(inner).not.toMatch(/(?<!\\)\|/);
      }),
      { numRuns: 500 },
    );
  });

  // report.html's {{ }} (templates.ts compiles with Handlebars' own escaping)
  it('{{ }} in an HTML template: no character that can open a tag, attribute or entity', () => {
    const render = Handlebars.create().compile('<td title="{{v}}">{{v}}</td>', { strict: true });
    fc.assert(
      fc.property(text, (s) => {
        const inner = render({ v: s }).slice('<td title="'.length, -'</td>'.length);
        expect(inner.replace('">', '\u0000')).not.toMatch(/[<>"'`=]|&(?!(#x?[0-9A-Fa-f]+|amp|lt|gt|quot);)/);
      }),
      { numRuns: 500 },
    );
  });

  it('psComment: one line that cannot open or close a block comment', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = psComment(s);
        expect(LINE_BREAKS.test(out)).toBe(false);
        expect(out).not.toMatch(/#>|<#/);
      }),
      { numRuns: 500 },
    );
  });

  it('oneLine: no terminal escape, no control character, no line break', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = oneLine(s);
        expect(out).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/);
        expect(stripTerminalCodes(`\u001b[1;31m${s}\u001b[0m`)).not.toContain('\u001b[1;31m');
      }),
      { numRuns: 500 },
    );
  });
});

describe('psLiteral', () => {
  it('any text is one line and PowerShell reads back exactly that text, running nothing', async () => {
    const samples = fc.sample(text, { numRuns: 400, seed: 12 }).filter((s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)); // lone surrogates have no UTF-8
    for (const s of samples) expect(LINE_BREAKS.test(psLiteral(s)) || psLiteral(s).includes('\u0000')).toBe(false);
    const dir = runDir('pslit-prop');
    const script = join(dir, 'literals.ps1');
    writeFileSync(
      script,
      `\ufeff$values = @(\r\n${samples.map((s) => `  ${psLiteral(s)}`).join(',\r\n')}\r\n)\r\nforeach ($v in $values) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes([string]$v)) }\r\n`,
    );
    const r = await runScript(script, []);
    expect(r.stderr).toBe('');
    expect(r.stdout.split(/\r?\n/).filter((l, i, all) => i < all.length - 1 || l !== '')).toEqual(samples.map((s) => Buffer.from(s, 'utf8').toString('base64')));
  }, PWSH_TIMEOUT);
});
