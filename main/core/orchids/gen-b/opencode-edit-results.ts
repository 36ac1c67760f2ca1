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
