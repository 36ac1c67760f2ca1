/**
 * Generation A's side of the failed calls Generation B's results are flagged for (gen-b/refused-calls.ts,
 * gen-b/shell-failures.ts): a client on an OpenAI route cannot flag a result, so Qwen Code's failed edit or read, its
 * command that exited non-zero, or any client's declined call came as bare words. Generation A reads a result as an
 * error only by its `is_error="true"` (protocol page 7.1).
 *
 * DECISION: only the flag is added, the words go as the client wrote them. Generation B's other rewrites (a ranged
 * read sliced, a composed command's output unwrapped, a client's wrapper taken off) fit results to the agent's own
 * tools, which Generation A's model does not call: it calls the client's tools by the schemas it is shown, and reads
 * their words as they are.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../anthropic/types';
import { flagRefusal } from './gen-b/result-text';
import { refusableCalls } from './gen-b/refused-calls';
import { flagShellFailure, shellCalls } from './gen-b/shell-failures';

/** How the calls of one conversation are read: the client's refusals, and the calls to its shell with their failure. */
export interface FailedResults {
  refused: ReturnType<typeof refusableCalls>;
  shell: ReturnType<typeof shellCalls>;
}

/** The readings for a conversation; undefined when it has no call whose words could be a failure. */
export function failedResults(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): FailedResults | undefined {
  const refused = refusableCalls(messages, tools);
  const shell = shellCalls(messages, tools);
  return refused === undefined && shell === undefined ? undefined : { refused, shell };
}

/** Whether the client's words for the call `id` answered say it failed, though it did not flag them. */
export function failedInWords(
  failed: FailedResults | undefined,
  id: unknown,
  content: ToolResultContent | undefined,
): boolean {
  if (failed === undefined || typeof id !== 'string') return false;
  const { refused, shell } = failed;
  if (refused?.ids.has(id) === true && flagRefusal(content, refused.refusals) !== undefined) return true;
  return shell?.ids.has(id) === true && flagShellFailure(content, shell.failed) !== undefined;
}
