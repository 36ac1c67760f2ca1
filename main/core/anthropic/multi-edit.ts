/**
 * The agent's MultiEdit as the one-edit calls a client without a MultiEdit makes them. Generation B's agent is shown
 * no client tools and edits several places of a file with its own MultiEdit (`file_path`, `edits` of `old_string`,
 * `new_string`, `replace_all`); Claude Code 2.1 declares only `Edit` and Cline CLI only its one-edit `editor`, so
 * the call was declined and the agent had to spend a whole turn doing the same again edit by edit. Sent instead as
 * consecutive Edit calls of one turn, which both clients run in order, each on the file as the one before left it
 * (tested with each): what MultiEdit itself does, except that a failing edit does not undo the ones before it
 * (MultiEdit applies all or none). The client's result for each edit goes back to the agent in the client's words,
 * so it learns which edits were made; on Generation B a refusal the client's API cannot flag is flagged on the way
 * (../orchids/gen-b/result-rewrites.ts), and a failed one names the edits that were made (split-edit-notes.ts there).
 */
import type { JsonObject } from '../orchids/client-tools';
import { asRecord } from '../orchids/client-tools';
import { canonicalToolName } from '../orchids/tool-names';

/** What the agent is told for a MultiEdit on Continue's Edit, which makes a turn's edits on the file as it found it. */
export const ONE_EDIT_A_TURN =
  "The edits were not made: this client's Edit makes one edit a call, and works out all of a turn's calls on the " +
  'file as the turn found it (each writes the whole file, so the last undoes the others). Make each edit with its ' +
  'own Edit call, one call a turn.';

/**
 * The id a split MultiEdit's edit at `place` (1 for the first) goes to the client under, the first keeping the agent's
 * call's and each after it told apart by its place (`…-2`, `…-3`), so each result pairs with its edit and a result
 * rewrite can find a MultiEdit's parts in the conversation (../orchids/gen-b/split-edit-notes.ts). Never `…_2`:
 * Claude Code 2.1.332 drops the result of a call whose id is another of the turn's with `_2` after it, and sends the
 * upstream `[Tool result missing due to internal error]` in its place (seen with the real client).
 */
export const editPartId = (first: string, place: number): string => (place === 1 ? first : `${first}-${place}`);

/** At most this many edits are split out; a longer MultiEdit is declined as before, not sent as a flood of calls. */
const MAX_EDITS = 20;

/** Each edit of a MultiEdit call as an Edit call's input, or undefined when the call is not one or cannot be split. */
export function multiEditAsEdits(upstreamName: string, input: JsonObject): JsonObject[] | undefined {
  if (canonicalToolName(upstreamName) !== 'MultiEdit') return undefined;
  const file = input['file_path'] ?? input['path'];
  const edits = input['edits'];
  if (typeof file !== 'string' || file === '' || !Array.isArray(edits)) return undefined;
  if (edits.length === 0 || edits.length > MAX_EDITS) return undefined;
  const calls: JsonObject[] = [];
  for (const item of edits) {
    const edit = asRecord(item);
    if (!edit || typeof edit['old_string'] !== 'string' || typeof edit['new_string'] !== 'string') return undefined;
    const call: JsonObject = { file_path: file, old_string: edit['old_string'], new_string: edit['new_string'] };
    if (edit['replace_all'] === true) call['replace_all'] = true;
    calls.push(call);
  }
  return calls;
}

/** What the agent is told for a later edit of a file a call of the same turn already edits or writes, on Continue's. */
export const SAME_FILE_THIS_TURN =
  "The edit was not made: this client works out all of a turn's edits on the file as the turn found it, and each " +
  "writes the whole file, so it would have undone this turn's earlier edit or write of the same file. Make the " +
  'edits of one file in one MultiEdit call, or one edit a turn.';
