/**
 * What the agent is told after a failed part of a MultiEdit the proxy split into a client's one-edit calls
 * (../../anthropic/multi-edit.ts): Claude Code's `Edit`, Cline's `editor` and opencode's `edit` each run a part on its
 * own, in order, a failing one undoing none before it and stopping none after it (each seen with the real client),
 * where the agent's MultiEdit makes all or none. Each part's result goes back in the client's words, and the one that
 * failed says which of the MultiEdit's edits were made, so the agent does not take the file for as it was and redo
 * an edit that landed. On a patch client a MultiEdit is one patch of all its edits (../patch-compose.ts), made all or
 * none, and is not split.
 *
 * The proxy keeps nothing between requests, so the parts are found in the conversation: a call to the client's edit
 * tool and the calls under its id with its place after it (`editPartId`).
 */
import type { Message, ToolDefinition } from '../../anthropic/types';
import { editPartId } from '../../anthropic/multi-edit';
import { resolveClientToolName } from '../tool-names';
import type { ClientBlock } from './content-blocks';
import { replayedCalls } from './replayed-calls';

/**
 * The note for each failed part of a split MultiEdit in `messages`, by the part's id: `failed` says whether a part's
 * result, as the agent is to read it, is a failure (after the client's own rewrite, which flags refusals the client's
 * API could not).
 */
export function splitEditNotes(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
  failed: (id: string, block: ClientBlock) => boolean,
): Map<string, string> | undefined {
  const edit = resolveClientToolName('Edit', tools);
  if (edit === undefined) return undefined;
  const edits = new Set<string>();
  for (const call of replayedCalls(messages)) if (call.name === edit) edits.add(call.id);
  // The MultiEdits the proxy split, found first: most conversations hold none, and then no result is read or rewritten.
  const splits: string[][] = [];
  for (const first of edits) {
    if (!edits.has(editPartId(first, 2))) continue;
    const parts = [first];
    while (edits.has(editPartId(first, parts.length + 1))) parts.push(editPartId(first, parts.length + 1));
    splits.push(parts);
  }
  if (splits.length === 0) return undefined;
  const inSplit = new Set(splits.flat());
  const outcomes = new Map<string, boolean>();
  for (const message of messages) {
    if (message?.role !== 'user' || !Array.isArray(message.content)) continue;
    for (const block of message.content as Array<ClientBlock | null>) {
      const id = block?.['tool_use_id'];
      if (block?.['type'] !== 'tool_result' || typeof id !== 'string' || !inSplit.has(id)) continue;
      outcomes.set(id, failed(id, block));
    }
  }
  const notes = new Map<string, string>();
  for (const parts of splits) {
    // A part whose result the conversation lacks leaves what was made unknown: nothing is said.
    if (!parts.every((part) => outcomes.has(part))) continue;
    const made = parts.flatMap((part, i) => (outcomes.get(part) ? [] : [i + 1]));
    parts.forEach((part, i) => {
      if (outcomes.get(part)) notes.set(part, splitEditNote(i + 1, parts.length, made));
    });
  }
  return notes.size > 0 ? notes : undefined;
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
