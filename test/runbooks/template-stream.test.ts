// Streamed rendering (template-stream.ts): loops over the context's lists rendered item by item, and partials
// without fields written as shared bytes, must give exactly what Handlebars renders as one string.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { loadTemplates, type ChunkSink } from '../../src/runbooks/templates.js';
import { findingsDoc, server, tls12Changes } from './findings-builder.js';
import { runDir } from './run-script.js';

function templateDir(files: Record<string, string>): string {
  const dir = runDir('stream');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The chunks `write` gives, joined; `shared` counts the byte chunks (partials without fields). */
function streamed(dir: string, template: string, ctx: Record<string, unknown>): { text: string; shared: number } {
  let text = '';
  let shared = 0;
  const sink: ChunkSink = {
    text: (s) => (text += s),
    bytes: (b) => {
      shared++;
      text += b.toString('utf8');
    },
  };
  loadTemplates(dir).write(template, ctx, sink, Object.values(ctx).filter(Array.isArray));
  return { text, shared };
}

const files = {
  'report.html.hbs': [
    '<h1>{{title}}</h1>',
    '{{#each rows}}<p data-i="{{@index}}" class="{{#if @first}}first{{/if}}{{#if @last}}last{{/if}}">{{name}} of {{../title}} / {{@root.title}}{{#each tags}}[{{this}}{{@index}}]{{/each}}</p>',
    '{{/each}}',
    '{{#each empty}}never{{else}}<p>none</p>{{/each}}',
    '{{#each rows as |row i|}}{{i}}={{row.name}};{{/each}}',
    '{{#if (len rows)}}{{#each rows}}<i>{{name}}</i>{{#each @root.rows}}.{{/each}}{{/each}}{{/if}}',
    '<ul>',
    '  {{> loop}}',
    '</ul>',
    '{{> loop}}',
    '<pre>',
    '    {{> fixed}}',
    '{{> fixed}}',
    '</pre>',
    '',
  ].join('\n'),
  'partials/loop.html.hbs': '{{#each rows}}\n<li>{{name}}</li>\n{{/each}}\n',
  'partials/fixed.html.hbs': '{{!-- no field in here --}}\nfirst line\nsecond line\n',
};

const ctx = {
  title: 'Fleet <&> "x"',
  rows: [
    { name: 'EX01 <b>', tags: ['a', 'b'] },
    { name: "EX02 'q'", tags: [] },
    { name: 'EX03 `=`', tags: ['c'] },
  ],
  empty: [],
};

describe('streamed rendering', () => {
  test('gives what Handlebars renders as one string: loops, @data, ../, block params, nesting, indented partials', () => {
    const dir = templateDir(files);
    const hb = Handlebars.create();
    hb.registerHelper('len', (a: unknown[]) => a.length);
    hb.registerPartial('loop', files['partials/loop.html.hbs']);
    hb.registerPartial('fixed', files['partials/fixed.html.hbs']);
    const expected = hb.compile(files['report.html.hbs'], { strict: true })(ctx);
    expect(expected).toContain('  <li>EX01 &lt;b&gt;</li>\n  <li>EX02'); // the indented partial is indented on every line

    const { text, shared } = streamed(dir, 'report.html.hbs', ctx);
    expect(text).toBe(expected);
    expect(shared).toBe(1); // the unindented {{> fixed}}; the indented one is rendered as text, as Handlebars indents it
    expect(loadTemplates(dir).render('report.html.hbs', ctx)).toBe(expected);
  });

  test('the built-in scripts share their registry layer and backup format as bytes', () => {
    const ctxFor = (name: string) => ({
      server: { name, computer: name }, tool: { version: '1' }, generatedAt: 'g', findingsCreatedAt: 'f', planJson: '{}',
      policies: [], restartRequired: false, files: { backup: 'registry-backup.json' }, blockers: [], changes: [], unchanged: [],
    });
    const { text, shared } = streamed(templateDir({}), 'rollback.ps1.hbs', ctxFor('EX01'));
    expect(shared).toBe(6); // the five of ps/shared and plan-common (the checks: no fields since the data block took the plan)
    expect(text).toContain('function New-ExTlsRegItem');
    expect(text).toContain("    Server          = 'EX01'");
  });

  test('an error while a loop streams names the template, line and field', () => {
    const dir = templateDir({ 'report.html.hbs': '<p>\n{{#each rows}}\n{{name}} {{nope}}\n{{/each}}' });
    expect(() => streamed(dir, 'report.html.hbs', ctx)).toThrow('template report.html.hbs line 3: missing field "nope"');
  });

  test('a report that fails to render leaves no report.html and no temporary file behind', async () => {
    const out = runDir('stream-out');
    const templatesDir = templateDir({ 'report.html.hbs': '<table>\n{{#each rows}}<tr>{{server}} {{nope}}</tr>\n{{/each}}</table>\n' });
    const doc = findingsDoc([server({ name: 'EX01', changes: tls12Changes() })]);
    await expect(renderRunbooks(doc, { outDir: out, templatesDir })).rejects.toThrow('template report.html.hbs line 2: missing field "nope"');
    expect(existsSync(join(out, 'EX01', 'runbook.md'))).toBe(true);
    expect(readdirSync(out).filter((f) => f.startsWith('report.html'))).toEqual([]);
  });
});
