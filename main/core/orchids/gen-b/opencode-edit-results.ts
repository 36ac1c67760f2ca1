/**
 * The agent's Edit and MultiEdit, run on opencode's `edit` (`filePath`, `oldString`, `newString`, `replaceAll`; a
 * MultiEdit as one `edit` an edit, ../../anthropic/multi-edit.ts), whose failures must reach the agent as its own
 * Edit's do: as errors. opencode 1.18.33 flags a refused edit on its Anthropic provider, but through its
 * OpenAI-compatible one (Chat Completions) the `tool` message has no flag to carry, so only its words came, e.g.
 * `Could not find oldString in the file. It must match exactly, including whitespace, indentation, and line endings.`,
 * and an edit that changed nothing reached the agent as a success. A result in the words of one of opencode's
 * refusals becomes an error in the same words; any other (`Edit applied successfully.`) goes as opencode wrote it.
 *
 * The proxy keeps nothing between requests, so which results to read is found in the conversation: the call a result
 * answers, replayed by opencode, is a call to its edit tool.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { flagRefusal } from './result-text';
import type { Unwrapped } from './shell-output';
import { editToolTaking, replayedCalls } from './replayed-calls';

/** The keys that tell opencode's `edit` from other clients' edit tools. */
const EDIT_KEYS = ['filePath', 'oldString', 'newString'];

/** How opencode's `edit` words a refusal (1.18.33's errors for it), each the start of the whole result. */
const REFUSALS = [
  /^Could not find oldString in the file\. /,
  /^Found multiple matches for oldString\. /,
  /^No changes to apply: oldString and newString are identical\.$/,
  /^oldString cannot be empty when editing an existing file\. /,
  /^Refusing replacement because the matched span is much larger than oldString\. /,
  /^File .+ not found$/s,
  /^Path is a directory, not a file: /,
];

/** The name of opencode's edit tool among the client's tools; undefined when the client's edit tool is another's. */
export const opencodeEditTool = (tools: ToolDefinition[] | undefined): string | undefined =>
  editToolTaking(EDIT_KEYS, tools);

/**
 * The ids of the calls to opencode's edit tool in a conversation; undefined when there is none, or when the client's
 * edit tool is not opencode's: then the conversation is not walked.
 */
export function opencodeEditCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Set<string> | undefined {
  const edit = opencodeEditTool(tools);
  if (edit === undefined) return undefined;
  let calls: Set<string> | undefined;
  for (const call of replayedCalls(messages)) if (call.name === edit) (calls ??= new Set()).add(call.id);
  return calls;
}

/** opencode's refused edit as an error in its words; undefined for any other result, which goes as it was. */
export function flagOpencodeEditFailure(content: ToolResultContent | undefined): Unwrapped | undefined {
  return flagRefusal(content, REFUSALS);
}

/**
 * What the agent is told, after opencode's words, for each part of a split MultiEdit that was not made, by the part's
 * id. The proxy sends a MultiEdit to opencode's one-edit `edit` as one call an edit, the first under the agent's id
 * and the others under it with `_2`, `_3`… (../../anthropic/multi-edit.ts), and opencode runs each on its own: a
 * failing edit undoes none before it and stops none after it, where the agent's MultiEdit makes all or none. Each
 * part's result goes back as its own, and the one that failed says which of the MultiEdit's edits were made, so the
 * agent does not take the file for as it was. On a `gpt-` id opencode has `apply_patch`, and a MultiEdit is one patch
 * of all its edits (../patch-compose.ts), made all or none.
 */
export function splitEditNotes(messages: readonly Message[], calls: ReadonlySet<string>): Map<string, string> {
  const failed = new Map<string, boolean>();
  for (const message of messages) {
    if (message?.role !== 'user' || !Array.isArray(message.content)) continue;
    for (const block of message.content as Array<Record<string, unknown> | null>) {
      const id = block?.['tool_use_id'];
      if (block?.['type'] !== 'tool_result' || typeof id !== 'string' || !calls.has(id)) continue;
      const content = block['content'] as ToolResultContent | undefined;
      failed.set(id, block['is_error'] === true || flagOpencodeEditFailure(content) !== undefined);
    }
  }
  const notes = new Map<string, string>();
  for (const first of calls) {
    const parts = [first];
    while (calls.has(`${first}_${parts.length + 1}`)) parts.push(`${first}_${parts.length + 1}`);
    // A part whose result the conversation lacks leaves what was made unknown: nothing is said.
    if (parts.length < 2 || !parts.every((part) => failed.has(part))) continue;
    const made = parts.flatMap((part, i) => (failed.get(part) ? [] : [i + 1]));
    parts.forEach((part, i) => {
      if (failed.get(part)) notes.set(part, splitEditNote(i + 1, parts.length, made));
    });
  }
  return notes;
}

function splitEditNote(place: number, count: number, made: number[]): string {
  const words = made.map(String);
  const list = words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;
  const outcome =
    made.length === 0
      ? 'none of them was made'
      : `${made.length === 1 ? 'edit' : 'edits'} ${list} ${made.length === 1 ? 'was' : 'were'} made, the others not`;
  return (
    `This was edit ${place} of the ${count} of a MultiEdit, which this client makes as one edit call an edit, in ` +
    `order, a failing one undoing none of the others: ${outcome}.`
  );
}
