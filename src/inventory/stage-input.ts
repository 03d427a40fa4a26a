// What a later stage was given: a findings document (parsed whole: it is the analysis' output) or an inventory
// (streamed one server at a time). Told apart by the members before "servers", whatever the JSON layout.
import { UsageError } from '../util/errors.js';
import { splitTopLevel } from '../util/json-split.js';
import { readJsonInput } from '../util/read-json.js';
import { expectDocument } from '../util/document-kind.js';
import { openTextStream, readFailure } from '../util/read-file.js';
import { inventoryFromDocument, readInventoryStream, type InventoryStream } from './read.js';

type StageInput =
  | { kind: 'findings'; doc: unknown }
  | ({ kind: 'inventory' } & InventoryStream);

function kindOf(members: Record<string, unknown>): 'findings' | 'inventory' | null {
  if ('referenceTime' in members && 'inventory' in members) return 'findings';
  if ('source' in members) return 'inventory';
  return null;
}

export async function readStageInput(file: string): Promise<StageInput> {
  if (file === '-') {
    const doc = await readJsonInput(file, 'input');
    const kind = doc && typeof doc === 'object' ? kindOf(doc as Record<string, unknown>) : null;
    if (kind === 'findings') return { kind, doc };
    if (!kind) expectDocument(doc, 'inventory', file);
    return { kind: 'inventory', ...inventoryFromDocument(doc, 'stdin') };
  }
  const members: Record<string, unknown> = {};
  let input: Awaited<ReturnType<typeof openTextStream>>;
  try {
    input = await openTextStream(file);
  } catch (err) {
    throw new UsageError(readFailure('input', file, err));
  }
  try {
    for await (const part of splitTopLevel(input, 'servers', file)) {
      if (part.kind !== 'member') break;
      members[part.key] = part.value;
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw new UsageError(readFailure('input', file, err));
    throw err;
  } finally {
    input.destroy();
  }
  const kind = kindOf(members);
  if (kind === 'findings') return { kind, doc: await readJsonInput(file, 'findings') };
  if (kind === 'inventory') return { kind, ...(await readInventoryStream(file)) };
  // say what it is instead ("is probe results; give an inventory")
  expectDocument(await readJsonInput(file, 'input'), 'inventory', file);
  throw new UsageError(`${file}: neither an extls findings document nor an inventory`);
}
