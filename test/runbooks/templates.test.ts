// Template loading and checking: user overrides by file name, strict fields (also in #if and helper arguments),
// escaping rules per output kind, errors that name template, line, field and server.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRunbooks } from '../../src/runbooks/render.js';
import { findingsDoc, server, tls12Changes } from './findings-builder.js';
import { runDir } from './run-script.js';

const doc = () => findingsDoc([server({ name: 'EX01', dag: 'DAG1', changes: tls12Changes() }), server({ name: 'a|b*c', changes: tls12Changes() })]);

/** A --templates folder holding `files` (relative path → text). */
function userTemplates(files: Record<string, string>): string {
  const dir = runDir('tpl');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function renderWith(files: Record<string, string>) {
  const out = runDir('tpl-out');
  await renderRunbooks(doc(), { outDir: out, templatesDir: userTemplates(files) });
  return out;
}

describe('user templates', () => {
  test('a file in --templates replaces the built-in of the same name; plain fields are Markdown-escaped', async () => {
    const out = await renderWith({ 'runbook.md.hbs': 'CHANGE {{server.name}} / {{changeCount}}\n' });
    expect(readFileSync(join(out, 'EX01', 'runbook.md'), 'utf8')).toBe('CHANGE EX01 / 7\n');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<!DOCTYPE html>'); // the rest stays built-in
    const folder = readdirSync(out).find((f) => f.startsWith('a_b_c'))!;
    expect(readFileSync(join(out, folder, 'runbook.md'), 'utf8')).toBe('CHANGE a\\|b\\*c / 7\n');
  });

  test('partials can be overridden too', async () => {
    const out = await renderWith({ 'partials/maintenance-enter.md.hbs': 'OUR OWN MAINTENANCE for {{server.name}}\n' });
    const md = readFileSync(join(out, 'EX01', 'runbook.md'), 'utf8');
    expect(md).toContain('OUR OWN MAINTENANCE for EX01');
    expect(md).not.toContain('Suspend-ClusterNode -Name $server\n# 3.');
    expect(md).toContain('Resume-ClusterNode'); // the exit partial is still the built-in
  });
});

describe('strict fields', () => {
  test('a missing field is an error naming the server, template, line and field', async () => {
    await expect(renderWith({ 'runbook.md.hbs': 'line 1\n{{server.nmae}}\n' })).rejects.toThrow(
      'server EX01: template runbook.md.hbs line 2: missing field "server.nmae"',
    );
  });

  test('also inside #if, #each and helper arguments', async () => {
    await expect(renderWith({ 'runbook.md.hbs': '{{#if server.nope}}x{{/if}}' })).rejects.toThrow('missing field "server.nope"');
    await expect(renderWith({ 'runbook.md.hbs': '{{#each nothing}}x{{/each}}' })).rejects.toThrow('missing field "nothing"');
    await expect(renderWith({ 'runbook.md.hbs': '{{join server.rolez ", "}}' })).rejects.toThrow('missing field "server.rolez"');
    await expect(renderWith({ 'report.html.hbs': '<p>{{summary.nope}}</p>' })).rejects.toThrow('template report.html.hbs line 1: missing field "summary.nope"');
  });

  test('an error inside a partial names the partial', async () => {
    await expect(renderWith({ 'partials/maintenance-exit.md.hbs': '\n\n{{maintenance.nope}}' })).rejects.toThrow(
      'server EX01: template partials/maintenance-exit.md.hbs line 3: missing field "maintenance.nope"',
    );
  });
});

describe('escaping rules are enforced at load time', () => {
  test.each([
    ['runbook.md.hbs', '{{{server.name}}}', 'line 1: {{{ }}} and {{& }} print data unescaped'],
    ['report.html.hbs', 'x\n{{& summary.servers}}', 'line 2: {{{ }}} and {{& }} print data unescaped'],
    ['remediate.ps1.hbs', '$x = "{{server.name}}"', 'line 1: a .ps1 template may print data only through psLiteral'],
    ['remediate.ps1.hbs', '$x = {{join server.roles ","}}', 'a .ps1 template may print data only through psLiteral'],
    ['report.html.hbs', '{{md server}}', 'helper "md" escapes for md and must not be used in a .html template'],
    ['report.html.hbs', '{{psLiteral generatedAt}}', 'helper "psLiteral" escapes for ps1/md and must not be used in a .html template'],
    ['runbook.md.hbs', '{{nohelper server.name}}', 'unknown helper "nohelper"'],
    ['runbook.md.hbs', '{{> nopartial}}', 'unknown partial "nopartial"'],
    ['runbook.md.hbs', '{{> shared/Registry}}', 'partial "shared/Registry" is a .ps1 partial, used in a .md template'],
    ['runbook.md.hbs', '{{#if x}}\n{{/each}}', "line 1: if doesn't match each"],
    ['runbook.md.hbs', 'ok\n{{#if }', 'runbook.md.hbs line 2: parse error'],
  ])('%s: %s', async (file, text, message) => {
    await expect(renderWith({ [file]: text })).rejects.toThrow(`template ${file} ${message.startsWith('line') ? message : ''}`.trim());
    await expect(renderWith({ [file]: text })).rejects.toThrow(message);
  });

  test('psLiteral is allowed in a .ps1 template and prints a literal', async () => {
    const out = await renderWith({ 'remediate.ps1.hbs': '$name = {{psLiteral server.name}} # {{psComment server.name}}\n' });
    expect(readFileSync(join(out, 'EX01', 'remediate.ps1'), 'utf8')).toBe("\ufeff$name = 'EX01' # EX01\r\n");
  });
});

describe('bad data names the server', () => {
  test('a server the findings schema rejects is skipped and named; the others are written', async () => {
    const bad = doc() as unknown as { servers: { server: string; verdicts: unknown }[] };
    bad.servers[1]!.verdicts = 'nope';
    const result = await renderRunbooks(bad, { outDir: runDir('bad') });
    expect(result.inputErrors).toEqual([{ server: 'a|b*c', index: 1, messages: ['findings servers/1/verdicts: must be array'] }]);
    expect(result.runbooks.map((r) => r.server)).toEqual(['EX01']);
  });

  test('findings broken outside any server are refused as a whole', async () => {
    const bad = doc() as unknown as { policies: unknown };
    bad.policies = 'nope';
    await expect(renderRunbooks(bad, { outDir: runDir('bad') })).rejects.toThrow(/^findings do not match/);
  });
});
