// Loads the built-in templates, lays a user folder over them by file name, checks and compiles everything once
// (strict mode) and renders with errors that name the template or partial, the line and the field.
//   <dir>/<name>.<kind>.hbs            a template (kind: md, ps1, html)
//   <dir>/partials/<name>.<kind>.hbs   a partial, used as {{> name}} from templates of the same kind
//   ps/shared/<Name>.ps1               PowerShell shared with the collector, used as {{> shared/<Name>}} from .ps1
//                                      templates: included as is (not a template), so it exists once
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readTextCheckedSync } from '../util/read-file.js';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { UsageError } from '../util/errors.js';
import { psDir, templatesDir } from '../util/paths.js';
import { registerHelpers, type OutputKind } from './helpers.js';
import { checkTemplate, TemplateCheckError } from './template-ast.js';
import { annotate, RunbookTemplateError } from './template-errors.js';
import { TemplateStreamer, type ChunkSink } from './template-stream.js';

export type { ChunkSink } from './template-stream.js';

interface TemplateSource {
  /** file name as the user sees it, e.g. runbook.md.hbs or partials/plan-common.ps1.hbs or ps/shared/Registry.ps1 */
  label: string;
  file: string;
  kind: OutputKind;
  /** true when a --templates folder replaced the built-in */
  overridden: boolean;
  /** PowerShell from ps/shared: text included as is, never read as a template */
  verbatim?: boolean;
}

export interface TemplateSet {
  /** template file name (runbook.md.hbs) → where it came from */
  templates: Map<string, TemplateSource>;
  partials: Map<string, TemplateSource>;
  render(template: string, context: unknown): string;
  /**
   * Renders into `sink` chunk by chunk (same output as `render`). Each {{#each}} over one of `lists` (arrays of
   * the context) renders one item at a time, so a large report is never one string in memory.
   */
  write(template: string, context: unknown, sink: ChunkSink, lists?: readonly unknown[]): void;
}

const FILE = /^([A-Za-z0-9_-]+)\.(md|ps1|html)\.hbs$/;

function listHbs(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort();
}

function collect(into: Map<string, TemplateSource>, dir: string, sub: '' | 'partials', overridden: boolean): void {
  for (const f of listHbs(sub ? join(dir, sub) : dir)) {
    const m = FILE.exec(f);
    const label = sub ? `${sub}/${f}` : f;
    if (!m) throw new UsageError(`template ${join(dir, label)}: name must be <name>.<md|ps1|html>.hbs`);
    const key = sub ? m[1]! : f;
    into.set(key, { label, file: join(dir, label), kind: m[2] as OutputKind, overridden });
  }
}

/** ps/shared/<Name>.ps1 as partials named shared/<Name>. */
function collectSharedPowerShell(into: Map<string, TemplateSource>): void {
  const dir = join(psDir, 'shared');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ps1')).sort()) {
    into.set(`shared/${f.slice(0, -'.ps1'.length)}`, { label: `ps/shared/${f}`, file: join(dir, f), kind: 'ps1', overridden: false, verbatim: true });
  }
}

/** The built-in templates with `userDir` laid over them (same file name wins). */
export function loadTemplates(userDir?: string): TemplateSet {
  if (userDir && !(existsSync(userDir) && statSync(userDir).isDirectory())) {
    throw new UsageError(`--templates ${userDir} is not a folder`);
  }
  const templates = new Map<string, TemplateSource>();
  const partials = new Map<string, TemplateSource>();
  collect(templates, templatesDir, '', false);
  collect(partials, templatesDir, 'partials', false);
  collectSharedPowerShell(partials);
  if (userDir) {
    collect(templates, userDir, '', true);
    collect(partials, userDir, 'partials', true);
  }

  const hb = Handlebars.create();
  registerHelpers(hb);
  const streamer = new TemplateStreamer(hb.createFrame);
  streamer.install(hb);
  const helperNames = new Set(Object.keys(hb.helpers));
  const partialKinds = new Map([...partials].map(([name, s]) => [name, s.kind] as const));

  /** Compiled, and whether it prints no field at all (then its output is the same for every context). */
  const compileOne = (src: TemplateSource): { render: Handlebars.TemplateDelegate; fixed: boolean } => {
    let ast: hbs.AST.Program;
    try {
      const text = readTextCheckedSync(src.file);
      // .ps1 output is CRLF (Windows PowerShell 5.1, Notepad); data never carries a line break there, so
      // converting the template once is enough.
      ast = Handlebars.parseWithoutProcessing(src.kind === 'ps1' ? text.replace(/\r?\n/g, '\r\n') : text);
    } catch (err) {
      throw annotate(err, src.label);
    }
    try {
      checkTemplate(ast, { kind: src.kind, helpers: helperNames, partials: partialKinds });
    } catch (err) {
      if (err instanceof TemplateCheckError) throw new RunbookTemplateError(err.message, src.label, err.line);
      throw annotate(err, src.label);
    }
    const fixed = ast.body.every((s) => s.type === 'ContentStatement' || s.type === 'CommentStatement');
    const compiled = hb.compile(ast, { strict: true, noEscape: false });
    // Errors from inside get the innermost template's name (a partial's, when it happened there).
    const render = (context: unknown, options?: Handlebars.RuntimeOptions) => {
      try {
        return compiled(context, options);
      } catch (err) {
        throw annotate(err, src.label);
      }
    };
    return { render, fixed };
  };

  for (const [name, src] of partials) {
    if (src.verbatim) {
      hb.registerPartial(name, streamer.staticPartial(readTextCheckedSync(src.file).replace(/\r?\n/g, '\r\n')));
      continue;
    }
    const { render, fixed } = compileOne(src);
    hb.registerPartial(name, fixed ? streamer.staticPartial(render({})) : streamer.partial(render));
  }
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  for (const [name, src] of templates) compiled.set(name, compileOne(src).render);

  const write = (template: string, context: unknown, sink: ChunkSink, lists: readonly unknown[] = []) => {
    const fn = compiled.get(template);
    if (!fn) throw new UsageError(`no template ${template} (looked in ${templatesDir}${userDir ? ` and ${userDir}` : ''})`);
    streamer.write(fn, context, sink, templates.get(template)!.label, lists);
  };
  return {
    templates,
    partials,
    write,
    render: (template, context) => TemplateStreamer.collect((sink) => write(template, context, sink)),
  };
}
