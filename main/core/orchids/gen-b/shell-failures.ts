/**
 * The agent's Bash run on pi's `bash` or Qwen Code's `run_shell_command`, whose failed command must reach the agent as
 * its own Bash's does: as an error (Claude Code's Bash flags every non-zero exit). On Chat Completions a `tool` message
 * has no flag, so a command that exited non-zero came as words the agent read as a success:
 * - pi 0.73.1 (which flags it on the Messages API) ends the output with `Command exited with code N`, `Command timed
 *   out after N seconds` or `Command aborted`, after a blank line.
 * - Qwen Code 0.24.4 answers every run, failed or not, as `Command: …`, `Directory: …`, `Output: …`, `Error: …`,
 *   `Exit Code: N`, `Signal: …`, `Process Group PGID: …`, one a line (the exit code `(none)` for a run a signal
 *   ended), notes of its own after a blank line; or, for one it stopped, `Command timed out after Nms …` or `Command
 *   was cancelled by user …`. Qwen itself counts a search's exit 1 as no failure, but the agent's Bash does.
 * A result in those words of a failure becomes an error in the same words; any other goes as the client wrote it.
 *
 * The proxy keeps nothing between requests, so which results to read is found in the conversation: the call a result
 * answers, replayed by the client, is a call to its shell tool. A call the proxy composed as a command for the agent's
 * Read or search is read by ./shell-output.ts instead.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { declaresPiEdit, declaresQwenShell } from './refused-calls';
import { resultText } from './result-text';
import { PI_FAILED, type Unwrapped } from './shell-output';
import { replayedCalls } from './replayed-calls';

/**
 * pi's last line of a command it stopped, after its output and a blank line (alone when there was none); its time-out
 * is the `timeout` it was called with, in seconds, which its schema lets be a fraction (`0.5`). One that exited
 * non-zero ends as ./shell-output.ts reads it (PI_FAILED).
 */
const PI_STOPPED = /(?:^|\n\n)Command (?:timed out after \d+(?:\.\d+)? seconds|aborted)$/;

/** Qwen's words for a run it stopped, the start of the whole result. */
const QWEN_STOPPED = /^Command (?:timed out after \d+ms|was cancelled by user) before it could complete\./;
/** Qwen's lines after a finished run's output: its exit code and the signal that ended it. */
const QWEN_TRAILER = /\nExit Code: ([^\n]*)\nSignal: [^\n]*\nProcess Group PGID: [^\n]*(?:\n\n[\s\S]*)?$/;
const QWEN_EXIT = '\nExit Code: ';

type Failed = (text: string) => boolean;

/** Whether a Qwen run failed: stopped, or its exit code (the last such line: the output may hold one) is not 0. */
function qwenFailed(text: string): boolean {
  if (QWEN_STOPPED.test(text)) return true;
  if (!text.startsWith('Command: ')) return false;
  const trailer = QWEN_TRAILER.exec(text.slice(text.lastIndexOf(QWEN_EXIT)));
  return trailer !== null && trailer[1] !== '0';
}

const CLIENTS: ReadonlyArray<{
  declared: (tools: ToolDefinition[] | undefined) => boolean;
  shell: string;
  failed: Failed;
}> = [
  { declared: declaresPiEdit, shell: 'bash', failed: (text) => PI_FAILED.test(text) || PI_STOPPED.test(text) },
  { declared: declaresQwenShell, shell: 'run_shell_command', failed: qwenFailed },
];

/**
 * The ids of the calls to the client's shell tool in a conversation, with how its failure reads; undefined when there
 * is none, or the request carries neither client's tool set: then the conversation is not walked.
 */
export function shellCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): { ids: Set<string>; failed: Failed } | undefined {
  const client = CLIENTS.find(({ declared }) => declared(tools));
  if (client === undefined) return undefined;
  const ids = new Set<string>();
  for (const call of replayedCalls(messages)) if (call.name === client.shell) ids.add(call.id);
  return ids.size > 0 ? { ids, failed: client.failed } : undefined;
}

/** A failed command's result as an error in the client's words; undefined for any other, which goes as it was. */
export function flagShellFailure(content: ToolResultContent | undefined, failed: Failed): Unwrapped | undefined {
  const text = resultText(content);
  return text !== undefined && failed(text) ? { content: content as ToolResultContent, isError: true } : undefined;
}
