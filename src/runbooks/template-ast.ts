// Checks and rewrites a parsed template before it is compiled, so escaping does not depend on the template
// author remembering it:
// - {{{ }}} and {{& }} (unescaped output) are refused in every kind;
// - every field lookup in a parameter becomes (req field "field"): Handlebars' strict mode only checks
//   {{field}} itself, not {{#if field}} or {{helper field}}; req makes a missing one an error naming it;
// - .md: a plain {{x}} or {{helper x}} is routed through the md escaper; .ps1: data may only be printed through
//   psLiteral / psComment / psInt (anything else is an error); .html: Handlebars' HTML escaping;
// - escaping helpers of another kind are refused (an md-escaped string is not HTML-safe, etc.);
// - unknown helpers and partials, partials of another kind and dynamic partials are errors at load time.
// hbs.AST: the global namespace declared by handlebars' own typings.
import { defaultEscaper, escapingHelpers, REQUIRE_HELPER, type OutputKind } from './helpers.js';

type N = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };
type Path = hbs.AST.PathExpression;
type Expr = hbs.AST.Expression;

export class TemplateCheckError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

interface CheckScope {
  kind: OutputKind;
  helpers: ReadonlySet<string>;
  /** partial name → its kind */
  partials: ReadonlyMap<string, OutputKind>;
}

const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);

const lineOf = (n: N): number | null => n.loc?.start.line ?? null;

function path(name: string, loc: hbs.AST.SourceLocation): Path {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc } as Path;
}

function isPath(e: hbs.AST.Node): e is Path {
  return e.type === 'PathExpression';
}

/** Wraps field lookups (not @data, not this) in (req field "field"), recursively through sub-expressions. */
function strictify(e: Expr, scope: CheckScope): Expr {
  if (isPath(e)) {
    if (e.data || e.original === 'this' || e.original === '.') return e;
    const loc = (e as N).loc!;
    return {
      type: 'SubExpression',
      path: path(REQUIRE_HELPER, loc),
      params: [e, { type: 'StringLiteral', value: e.original, original: e.original, loc } as hbs.AST.StringLiteral],
      hash: { type: 'Hash', pairs: [], loc },
      loc,
    } as hbs.AST.SubExpression;
  }
  if (e.type === 'SubExpression') {
    const sub = e as hbs.AST.SubExpression;
    checkHelper(sub.path, scope, sub as N, false);
    sub.params = sub.params.map((p) => strictify(p, scope));
    strictifyHash(sub.hash, scope);
  }
  return e;
}

function strictifyHash(hash: hbs.AST.Hash | undefined, scope: CheckScope): void {
  for (const pair of hash?.pairs ?? []) pair.value = strictify(pair.value, scope);
}

function checkHelper(p: Path, scope: CheckScope, node: N, block: boolean): void {
  const name = p.original;
  if (name === REQUIRE_HELPER) throw new TemplateCheckError(`"${REQUIRE_HELPER}" is reserved`, lineOf(node));
  if (!scope.helpers.has(name) && !(block && BLOCK_HELPERS.has(name))) {
    throw new TemplateCheckError(`unknown helper "${name}"`, lineOf(node));
  }
  const kinds = escapingHelpers[name];
  if (kinds && !kinds.includes(scope.kind)) {
    throw new TemplateCheckError(`helper "${name}" escapes for ${kinds.join('/')} and must not be used in a .${scope.kind} template`, lineOf(node));
  }
}

function checkMustache(m: hbs.AST.MustacheStatement, scope: CheckScope): void {
  if (!m.escaped) throw new TemplateCheckError('{{{ }}} and {{& }} print data unescaped; use {{ }}', lineOf(m as N));
  const head = isPath(m.path) ? m.path.original : null;
  const isCall = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || (head !== null && scope.helpers.has(head));
  if (isCall && head !== null) checkHelper(m.path as Path, scope, m as N, false);
  m.params = m.params.map((p) => strictify(p, scope));
  strictifyHash(m.hash, scope);
  const safeHere = head !== null && isCall && (escapingHelpers[head]?.includes(scope.kind) ?? false);
  if (safeHere) return;
  if (scope.kind === 'ps1') {
    throw new TemplateCheckError(
      `a .ps1 template may print data only through psLiteral, psComment or psInt, not {{${head ?? '...'}}}`,
      lineOf(m as N),
    );
  }
  const loc = (m as N).loc!;
  // The printed value itself: a call stays a call (as a sub-expression), a field goes through req.
  const value: Expr = isCall
    ? ({ type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc } as hbs.AST.SubExpression)
    : strictify(m.path as Expr, scope);
  const escaper = defaultEscaper[scope.kind];
  if (escaper) {
    m.path = path(escaper, loc);
    m.params = [value];
  } else if (isCall || value.type !== 'SubExpression') {
    return; // html: Handlebars escapes the helper's result, and {{this}} / {{@index}} (no field lookup to check)
  } else {
    // html field: {{req field "field"}}; the result is still HTML-escaped by Handlebars
    const sub = value as hbs.AST.SubExpression;
    m.path = sub.path;
    m.params = sub.params;
  }
  m.hash = { type: 'Hash', pairs: [], loc } as hbs.AST.Hash;
}

function visit(program: hbs.AST.Program | undefined, scope: CheckScope): void {
  for (const s of program?.body ?? []) {
    switch (s.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        break;
      case 'MustacheStatement':
        checkMustache(s as hbs.AST.MustacheStatement, scope);
        break;
      case 'BlockStatement': {
        const b = s as hbs.AST.BlockStatement;
        checkHelper(b.path, scope, b as N, true);
        if (escapingHelpers[b.path.original]) throw new TemplateCheckError(`"${b.path.original}" is not a block helper`, lineOf(b as N));
        b.params = b.params.map((p) => strictify(p, scope));
        strictifyHash(b.hash, scope);
        visit(b.program, scope);
        visit(b.inverse, scope);
        break;
      }
      case 'PartialStatement': {
        const p = s as hbs.AST.PartialStatement;
        if (!isPath(p.name)) throw new TemplateCheckError('dynamic partials are not supported', lineOf(p as N));
        const kind = scope.partials.get(p.name.original);
        if (!kind) throw new TemplateCheckError(`unknown partial "${p.name.original}"`, lineOf(p as N));
        if (kind !== scope.kind) {
          throw new TemplateCheckError(`partial "${p.name.original}" is a .${kind} partial, used in a .${scope.kind} template`, lineOf(p as N));
        }
        p.params = p.params.map((x) => strictify(x, scope));
        strictifyHash(p.hash, scope);
        break;
      }
      default:
        throw new TemplateCheckError(`${s.type} is not supported in extls templates`, lineOf(s as N));
    }
  }
}

/** Checks and rewrites `program` in place (see the file comment). Throws TemplateCheckError with the line. */
export function checkTemplate(program: hbs.AST.Program, scope: CheckScope): hbs.AST.Program {
  visit(program, scope);
  return program;
}
