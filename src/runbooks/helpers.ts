// Handlebars helpers. Escaping helpers return SafeString and are allowed only in the output kinds they escape
// for (template-ast.ts enforces it); the generic ones return plain values that the kind's escaping still applies to.
import type Handlebars from 'handlebars';
import { isBuiltCommand } from './commands.js';
import { htmlText, mdCode, mdText, psComment, psInt, psLiteral } from './escape.js';
import { MissingFieldError } from './template-errors.js';

export type OutputKind = 'md' | 'ps1' | 'html';

/** Escaping helpers and the kinds whose templates may print them. */
export const escapingHelpers: Record<string, readonly OutputKind[]> = {
  psLiteral: ['ps1', 'md'], // one line, so also safe inside a Markdown code block
  psComment: ['ps1'],
  psInt: ['ps1', 'md'],
  md: ['md'],
  mdCode: ['md'],
  html: ['html'],
  commandLine: ['md'],
};

/** The default escaping helper a plain {{field}} is routed through, per kind (null: none, the kind allows no plain field). */
export const defaultEscaper: Record<OutputKind, string | null> = { md: 'md', ps1: null, html: 'html' };

/** Internal: wraps every field lookup so a missing field is an error (Handlebars' strict mode skips parameters). */
export const REQUIRE_HELPER = 'req';

type Options = Handlebars.HelperOptions & { loc?: { start: { line: number } } };
const lineOf = (o: unknown): number | null => (o as Options)?.loc?.start?.line ?? null;
/** Handlebars passes its options object last; helpers take the real arguments before it. */
const args = (all: unknown[]): unknown[] => all.slice(0, -1);

export function registerHelpers(hb: typeof Handlebars): void {
  const safe = (s: string) => new hb.SafeString(s);
  hb.registerHelper(REQUIRE_HELPER, (value: unknown, field: string, options: unknown) => {
    if (value === undefined) throw new MissingFieldError(field, lineOf(options));
    return value;
  });
  hb.registerHelper('psLiteral', (v: unknown) => safe(psLiteral(v)));
  hb.registerHelper('psComment', (v: unknown) => safe(psComment(v)));
  hb.registerHelper('psInt', (v: unknown) => safe(psInt(v)));
  hb.registerHelper('md', (v: unknown) => safe(mdText(v)));
  hb.registerHelper('mdCode', (v: unknown) => safe(mdCode(v)));
  /** A command line from src/runbooks/commands.ts, as built; anything else (data, text) is refused. */
  hb.registerHelper('commandLine', (v: unknown, options: unknown) => {
    if (!isBuiltCommand(v)) throw new Error(`commandLine: line ${lineOf(options) ?? '?'}: the value is not a command built by extls (src/runbooks/commands.ts)`);
    return safe(v.line);
  });
  hb.registerHelper('html', (v: unknown) => safe(htmlText(v, hb.escapeExpression)));

  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  hb.registerHelper('not', (a: unknown) => !a);
  hb.registerHelper('and', (...all: unknown[]) => args(all).every(Boolean));
  hb.registerHelper('or', (...all: unknown[]) => args(all).some(Boolean));
  hb.registerHelper('gt', (a: number, b: number) => a > b);
  hb.registerHelper('len', (a: unknown) => (Array.isArray(a) ? a.length : typeof a === 'string' ? a.length : 0));
  hb.registerHelper('join', (a: unknown, sep: unknown) => (Array.isArray(a) ? a.join(typeof sep === 'string' ? sep : ', ') : String(a)));
  /** {{plural n "change"}} → "1 change" / "3 changes" */
  hb.registerHelper('plural', (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`);
  hb.registerHelper('inc', (n: number) => n + 1);
}
