// Errors that name the place: template (and partial), line, field, server.

export class RunbookTemplateError extends Error {
  constructor(
    message: string,
    readonly template: string,
    readonly line: number | null,
  ) {
    super(`template ${template}${line !== null ? ` line ${line}` : ''}: ${message}`);
    this.name = 'RunbookTemplateError';
  }
}

/** Thrown by the `req` helper for a field the context does not have; the renderer adds the template name. */
export class MissingFieldError extends Error {
  constructor(
    readonly field: string,
    readonly line: number | null,
  ) {
    super(`missing field "${field}"`);
    this.name = 'MissingFieldError';
  }
}

/** Marks an error with the innermost template or partial it came from (outer wrappers leave it alone). */
export function annotate(err: unknown, template: string): RunbookTemplateError {
  if (err instanceof RunbookTemplateError) return err;
  if (err instanceof MissingFieldError) return new RunbookTemplateError(err.message, template, err.line);
  const e = err as { message?: string; lineNumber?: number };
  let message = String(e?.message ?? err);
  let line: number | null = typeof e?.lineNumber === 'number' ? e.lineNumber : null;
  // Handlebars' own strict-mode message: "name" not defined in [object Object] - 12:4
  const strict = /^"(.*)" not defined in .* - (\d+):\d+$/s.exec(message);
  if (strict) {
    message = `missing field "${strict[1]}"`;
    line = Number(strict[2]);
  }
  const parse = /^Parse error on line (\d+):/.exec(message);
  if (parse) {
    line = Number(parse[1]);
    message = message.replace(/^Parse error on line \d+:\s*/, 'parse error: ').replace(/\n/g, ' ');
  }
  message = message.replace(/ - \d+:\d+$/, '');
  return new RunbookTemplateError(message, template, line);
}
