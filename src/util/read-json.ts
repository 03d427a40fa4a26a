import { UsageError } from './errors.js';
import { documentReadLimits, readFailure, readTextChecked } from './read-file.js';
import { readStdin } from './stdin.js';

/** The text of a file, or of stdin for "-", without a BOM; unreadable → UsageError naming what and where. */
async function readTextInput(file: string, what: string): Promise<string> {
  try {
    return file === '-' ? await readStdin() : (await readTextChecked(file, documentReadLimits)).text;
  } catch (err) {
    throw new UsageError(readFailure(what, file, err));
  }
}

/** JSON from text read by readTextInput; malformed → UsageError naming what and where. */
function parseJsonInput(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(`${what} ${file === '-' ? 'on stdin' : file} is not JSON: ${(err as Error).message}`);
  }
}

export async function readJsonInput(file: string, what: string): Promise<unknown> {
  return parseJsonInput(await readTextInput(file, what), file, what);
}
