/**
 * The agent's Edit and MultiEdit, run on Continue CLI's `MultiEdit` (`file_path`, `edits`), or its `Edit` (Claude
 * Code's keys) for a model cn does not count as capable (an id and config name matching none of `claude`, `gpt`,
 * `gemini`, `o<digit>`, …, such as `glm-5`; cn 1.5.47 declares one or the other), whose failures must reach
 * the agent as its own Edit's do: as errors. Continue (cn 1.5.47) sends every tool result without `is_error`, on its
 * `anthropic` provider as on its `openai` one, whose `tool` message has no flag to carry; a refused edit is only its
 * words, e.g. `Edit at index 0: string not found in file: "date = 9"` or `You must use the Read tool to read
 * /w/date.txt before editing it.`, so an edit that changed nothing reached the agent as a success. A result in the
 * words of one of Continue's refusals becomes an error in the same words; any other goes as Continue wrote it.
 *
 * The proxy keeps nothing between requests, so which results to read is found in the conversation: the call a result
 * answers, replayed by Continue, is a call to its MultiEdit or Edit. cn words its Edit's refusals as its MultiEdit's
 * (`Edit at index 0: …`: both run the same checks).
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord, clientToolSchema } from '../client-tools';
import { flagRefusal } from './result-text';
import type { Unwrapped } from './shell-output';
import { replayedCalls } from './replayed-calls';

const MULTI_EDIT = 'MultiEdit';
const EDIT = 'Edit';

/**
 * How Continue's MultiEdit words a refusal (cn 1.5.47's errors for it), each the start of the whole result. A throw
 * while writing the file (`Error executing tool MultiEdit: …`) is in cn's words for any tool of its that fails, which
 * ./refused-calls.ts flags for every call on Continue's tool set, before this is read.
 */
const REFUSALS = [
  // Each edit's check: old text not found, found more than once, empty, the same as the new text.
  /^Edit at index \d+: /,
  /^You must use the \w+ tool to read .+ before editing it\.$/s,
  /^File .+ does not exist$/s,
  /^Reading or Editing .+ is not allowed because it is a security concern\./s,
];

/** Whether the client declares a MultiEdit in Continue's keys: the mark of Continue's tool set. */
export function declaresContinueMultiEdit(tools: ToolDefinition[] | undefined): boolean {
  const props = asRecord(clientToolSchema(MULTI_EDIT, tools)?.['properties']);
  return props?.['file_path'] !== undefined && props['edits'] !== undefined;
}

/** Whether the client's Read takes Continue's `filepath`: the mark of cn's tool set, whichever edit tool it has. */
export function declaresContinueRead(tools: ToolDefinition[] | undefined): boolean {
  return asRecord(clientToolSchema('Read', tools)?.['properties'])?.['filepath'] !== undefined;
}

/** Whether the client declares Continue's one-edit Edit: its Read beside an Edit that takes a `file_path`. */
function declaresContinueEdit(tools: ToolDefinition[] | undefined): boolean {
  return (
    declaresContinueRead(tools) && asRecord(clientToolSchema(EDIT, tools)?.['properties'])?.['file_path'] !== undefined
  );
}

/**
 * The ids of the calls to Continue's MultiEdit or Edit in a conversation; undefined when there is none, or when the
 * client declares neither in Continue's keys: then the conversation is not walked.
 */
export function continueEditCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Set<string> | undefined {
  const name = declaresContinueMultiEdit(tools) ? MULTI_EDIT : declaresContinueEdit(tools) ? EDIT : undefined;
  if (name === undefined) return undefined;
  let calls: Set<string> | undefined;
  for (const call of replayedCalls(messages)) if (call.name === name) (calls ??= new Set()).add(call.id);
  return calls;
}

/** Continue's refused edit as an error in its words; undefined for any other result, which goes as it was. */
export function flagContinueEditFailure(content: ToolResultContent | undefined): Unwrapped | undefined {
  return flagRefusal(content, REFUSALS);
}
