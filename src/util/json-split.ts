import { UsageError } from './errors.js';

/**
 * What splitTopLevel finds in a JSON object, in order: its members (parsed), except the one array it is told to
 * stream, whose elements come one by one as text (parsed by the caller, so a bad element costs only itself).
 */
export type JsonPart =
  | { kind: 'member'; key: string; value: unknown }
  | { kind: 'array-start' }
  | { kind: 'element'; text: string }
  | { kind: 'array-end' };

const enum S { Start, KeyOrEnd, Key, Colon, ArrayStart, ElemOrEnd, Elem, Value, AfterValue, Done }

const QUOTE = 34, BACKSLASH = 92, COMMA = 44, COLON = 58, LBRACE = 123, RBRACE = 125, LBRACKET = 91, RBRACKET = 93;
const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
const STRING_STOP = /["\\]/g;

/**
 * Splits the top level of one JSON object read in chunks, whatever its whitespace layout. Only the structure
 * between values is checked here; each value's own text is checked by JSON.parse.
 */
export async function* splitTopLevel(chunks: AsyncIterable<string | Buffer>, arrayKey: string, file: string): AsyncGenerator<JsonPart> {
  let state: S = S.Start;
  let offset = 0; // characters before the current chunk, for error positions
  let depth = 0; // open brackets inside the value being captured
  let inString = false;
  let escaped = false;
  let key = '';
  const captured: string[] = [];
  let captureFrom = -1; // index in the current chunk where the capture continues, or -1

  const fail = (what: string, at: number): never => {
    throw new UsageError(`${file}: not valid JSON: ${what} at character ${offset + at}`);
  };

  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? raw : raw.toString('utf8');
    if (captureFrom === -2) captureFrom = 0; // a capture that spans chunks resumes at the start
    let i = 0;
    const n = chunk.length;
    const take = (end: number): string => {
      captured.push(chunk.slice(captureFrom, end));
      const text = captured.join('');
      captured.length = 0;
      captureFrom = -1;
      return text;
    };
    while (i < n) {
      // Inside a string (key or value): jump to the next quote or backslash.
      if (inString) {
        if (escaped) { escaped = false; i++; continue; }
        STRING_STOP.lastIndex = i;
        const m = STRING_STOP.exec(chunk);
        if (!m) break;
        i = m.index;
        if (chunk.charCodeAt(i) === BACKSLASH) { escaped = true; i++; continue; }
        inString = false;
        i++;
        if (state === S.Key) {
          try { key = JSON.parse(take(i)) as string; } catch { fail('a bad key', i); }
          state = S.Colon;
        }
        continue;
      }
      const c = chunk.charCodeAt(i);
      switch (state) {
        case S.Start:
          if (c === LBRACE) state = S.KeyOrEnd;
          else if (!isSpace(c)) fail('an object expected', i);
          break;
        case S.KeyOrEnd:
          if (c === QUOTE) { state = S.Key; inString = true; captureFrom = i; }
          else if (c === RBRACE) state = S.Done;
          else if (!isSpace(c)) fail('a key expected', i);
          break;
        case S.Colon:
          if (c === COLON) {
            if (key === arrayKey) state = S.ArrayStart;
            else { state = S.Value; depth = 0; captureFrom = i + 1; }
          } else if (!isSpace(c)) fail('":" expected', i);
          break;
        case S.ArrayStart:
          if (c === LBRACKET) { state = S.ElemOrEnd; yield { kind: 'array-start' }; }
          else if (!isSpace(c)) throw new UsageError(`${file}: "${arrayKey}" must be an array`);
          break;
        case S.ElemOrEnd:
          if (c === RBRACKET) { state = S.AfterValue; yield { kind: 'array-end' }; break; }
          if (isSpace(c)) break;
          state = S.Elem; depth = 0; captureFrom = i;
          continue; // the element's first character is read in S.Elem
        case S.Elem:
        case S.Value: {
          if (c === QUOTE) { inString = true; break; }
          if (c === LBRACE || c === LBRACKET) { depth++; break; }
          const closes = c === RBRACE || c === RBRACKET;
          if (closes && depth > 0) { depth--; break; }
          if (!closes && c !== COMMA) break;
          if (depth > 0) break; // a comma inside the value
          const text = take(i);
          if (state === S.Elem) {
            yield { kind: 'element', text };
            if (c === COMMA) state = S.ElemOrEnd;
            else if (c === RBRACKET) { state = S.AfterValue; yield { kind: 'array-end' }; }
            else fail('"]" expected', i);
          } else {
            let value: unknown;
            try { value = JSON.parse(text); } catch (err) { fail(`"${key}": ${(err as Error).message}`, i); }
            yield { kind: 'member', key, value };
            if (c === COMMA) state = S.KeyOrEnd;
            else if (c === RBRACE) state = S.Done;
            else fail('"}" expected', i);
          }
          break;
        }
        case S.AfterValue:
          if (c === COMMA) state = S.KeyOrEnd;
          else if (c === RBRACE) state = S.Done;
          else if (!isSpace(c)) fail('"," or "}" expected', i);
          break;
        case S.Done:
          if (!isSpace(c)) fail('text after the end', i);
          break;
        case S.Key:
          break; // unreachable: keys are read in the string branch
      }
      i++;
    }
    if (captureFrom >= 0) { captured.push(chunk.slice(captureFrom)); captureFrom = -2; }
    offset += n;
  }
  if (state === S.ElemOrEnd || state === S.Elem) throw new UsageError(`${file}: ends inside "${arrayKey}" (truncated file?)`);
  if (state !== S.Done) throw new UsageError(`${file}: not valid JSON: it ends early (truncated file?)`);
}
