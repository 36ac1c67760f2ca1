/**
 * The agent's Write, Edit and MultiEdit, run on Codex CLI's `apply_patch` as a patch (../patch-compose.ts), whose
 * failures must reach the agent as its own Edit's do: as errors. Codex 0.171 answers a patch it refuses with its
 * reason alone, `apply_patch verification failed: Failed to find expected lines in /w/date.txt:\ndate = 9` (also for
 * an Edit with `replace_all`, which has no patch form and reaches Codex as an empty patch: `… invalid patch: The last
 * line of the patch must be '*** End Patch'`), in a Responses API `function_call_output`, which has no error flag. So
 * an edit that changed nothing reached the agent as a success. A result in those words becomes an error, its words
 * kept; any other (a patch applied, in Codex's wrapper of a command's run) goes as Codex wrote it.
 *
 * The proxy keeps nothing between requests, so which results to read is found in the conversation: the calls Codex
 * replays to its `apply_patch`, the tool the agent's edits land on.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { resolveClientToolName } from '../tool-names';
import { resultText } from './result-text';
import type { Unwrapped } from './shell-output';
import { replayedCalls } from './replayed-calls';

const PATCH_TOOL = 'apply_patch';
const REFUSED = 'apply_patch verification failed: ';

/**
 * The ids of the calls to Codex's `apply_patch` in a conversation; undefined when there is none, or when the
 * client's edit tool is not `apply_patch`: then the conversation is not walked.
 */
export function patchCalls(messages: readonly Message[], tools: ToolDefinition[] | undefined): Set<string> | undefined {
  if (resolveClientToolName('Edit', tools) !== PATCH_TOOL) return undefined;
  let calls: Set<string> | undefined;
  for (const call of replayedCalls(messages)) if (call.name === PATCH_TOOL) (calls ??= new Set()).add(call.id);
  return calls;
}

/** Codex's refused patch as an error in its words; undefined for any other result, which goes as it was. */
export function flagRefusedPatch(content: ToolResultContent | undefined): Unwrapped | undefined {
  return content !== undefined && resultText(content)?.startsWith(REFUSED) ? { content, isError: true } : undefined;
}
