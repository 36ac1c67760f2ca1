/**
 * The agent's Write, Edit and MultiEdit, run on Codex CLI's `apply_patch` as a patch (../patch-compose.ts), whose
 * failures must reach the agent as its own Edit's do: as errors. Codex 0.171 answers a patch it refuses with its
 * reason alone, `apply_patch verification failed: Failed to find expected lines in /w/date.txt:\ndate = 9` (also for
 * an Edit with `replace_all`, which has no patch form and reaches Codex as an empty patch: `… invalid patch: The last
 * line of the patch must be '*** End Patch'`), in a Responses API `function_call_output`, which has no error flag. So
 * an edit that changed nothing reached the agent as a success. A result in those words becomes an error, its words
 * kept but for the empty patch's (NO_PATCH_FORM); any other (a patch applied, in Codex's wrapper of a command's run)
 * goes as Codex wrote it.
 *
 * The proxy keeps nothing between requests, so which results to read is found in the conversation: the calls Codex
 * replays to its `apply_patch`, the tool the agent's edits land on.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { resolveClientToolName } from '../tool-names';
import { asRecord } from '../client-tools';
import { inShapeOf, resultText } from './result-text';
import type { Unwrapped } from './shell-output';
import { replayedCalls } from './replayed-calls';

const PATCH_TOOL = 'apply_patch';
const REFUSED = 'apply_patch verification failed: ';
/** The one string property Codex's freeform apply_patch carries its patch in (../patch-compose.ts). */
const FREEFORM_KEY = 'input';

/**
 * What the agent is told for an edit that reached Codex as an empty patch, in place of Codex's "invalid patch: The
 * last line of the patch must be '*** End Patch'", which names a patch the agent never wrote. Nothing was changed.
 */
export const NO_PATCH_FORM =
  'The edit was not made: this client changes files only through patches (its apply_patch), and this edit has no ' +
  'patch form (an Edit with replace_all, or a MultiEdit with an empty old text), so it reached the client empty and ' +
  'was refused. Give each occurrence with enough surrounding lines to be unique, as one Edit each or one MultiEdit.';

/**
 * The calls to Codex's `apply_patch` in a conversation, by id, each with whether the patch it was given is empty;
 * undefined when there is none, or when the client's edit tool is not `apply_patch`: then the conversation is not
 * walked.
 */
export function patchCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, { empty: boolean }> | undefined {
  if (resolveClientToolName('Edit', tools) !== PATCH_TOOL) return undefined;
  let calls: Map<string, { empty: boolean }> | undefined;
  for (const { id, name, input } of replayedCalls(messages)) {
    if (name !== PATCH_TOOL) continue;
    const patch = asRecord(input)?.[FREEFORM_KEY];
    (calls ??= new Map()).set(id, { empty: typeof patch === 'string' && patch.trim() === '' });
  }
  return calls;
}

/**
 * Codex's refused patch as an error: in its words, or for an empty patch (an edit the proxy could not compose) in
 * NO_PATCH_FORM's; undefined for any other result, which goes as it was.
 */
export function flagRefusedPatch(
  content: ToolResultContent | undefined,
  call: { empty: boolean },
): Unwrapped | undefined {
  if (content === undefined || !resultText(content)?.startsWith(REFUSED)) return undefined;
  return { content: call.empty ? inShapeOf(content, NO_PATCH_FORM) : content, isError: true };
}
