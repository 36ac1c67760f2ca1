/**
 * The output of a read or search the proxy ran for the agent on the client's shell (../shell-compose.ts), given to
 * the agent as its own tool would give it. Codex CLI 0.171 answers every `exec_command` with a wrapper before the
 * output (`Chunk ID: …`, `Wall time: … seconds`, `Process exited with code N`, `Original token count: N`,
 * `Output:`); the agent's Read returns only the numbered lines, and its Grep, Glob and LS only what they found.
 *
 * The proxy keeps nothing between requests, so which results to unwrap is read from the conversation: the call a
 * result answers, replayed by the client, is a shell call whose command is one the proxy composes, matched whole
 * (Codex's closed schema keeps no marker beside it). A command the agent wrote itself in its Bash keeps the
 * wrapper, whose exit code and time are part of what a command tells. A result that is not that wrapper exactly (a
 * command still running, another client's shape) goes as it was.
 *
 * DECISION: a non-zero exit becomes `is_error` with the command's output (its stderr: `ls: cannot access …: No such
 * file or directory`), so the agent still reads a failure as one, and so does a Read whose `cat` could not read the
 * file (the pipe's exit is `sed`'s); except a search's exit 1 with no output, which is how
 * `rg` and `grep` say they found nothing, and which the agent's Grep reports as no matches, not as an error.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord } from '../client-tools';
import { composedCommandTool, shellStandsIn, type ComposedTool } from '../shell-compose';
import { canonicalToolName } from '../tool-names';
import { inShapeOf, resultText } from './result-text';

/** Codex 0.171's wrapper of a finished command, whole: anything else is not unwrapped. */
const WRAPPER = new RegExp(
  String.raw`^Chunk ID: [0-9a-f]+\nWall time: \d+(?:\.\d+)? seconds\nProcess exited with code (-?\d+)\n` +
    String.raw`Original token count: \d+\nOutput:\n([\s\S]*)$`,
);

/**
 * How `cat` begins what it says of a file it cannot read (`cat: x: No such file or directory`, `…: Is a directory`).
 * A composed Read exits with `sed`'s 0 even then, and Codex gives stderr with stdout; every line `cat -n` prints of a
 * file starts with its number, so output that starts with this is the complaint.
 */
const CAT_COMPLAINT = 'cat: ';

/** Keys a shell tool takes its command under (Codex's `cmd`, the agent's `command`). */
const COMMAND_KEYS = ['cmd', 'command'];

/**
 * The calls of a conversation the proxy composed as shell commands, by `tool_use` id, with the agent tool each
 * stands for. Undefined when there are none, or when no shell stands in for the agent's reads and searches on this
 * client (its own tools do them all): then its conversation is not walked at all.
 */
export function composedShellCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, ComposedTool> | undefined {
  if (!shellStandsIn(tools)) return undefined;
  let calls: Map<string, ComposedTool> | undefined;
  for (const message of messages) {
    if (message?.role !== 'assistant' || !Array.isArray(message.content)) continue;
    for (const block of message.content as Array<Record<string, unknown> | null>) {
      if (block?.['type'] !== 'tool_use' || typeof block['id'] !== 'string') continue;
      if (typeof block['name'] !== 'string' || canonicalToolName(block['name']) !== 'Bash') continue;
      const input = asRecord(block['input']);
      const command = COMMAND_KEYS.map((key) => input?.[key]).find((value) => typeof value === 'string');
      const tool = typeof command === 'string' ? composedCommandTool(command) : undefined;
      if (tool) (calls ??= new Map()).set(block['id'], tool);
    }
  }
  return calls;
}

export interface Unwrapped {
  content: ToolResultContent;
  isError: boolean;
}

/** The output alone, and whether it is an error; undefined for a result that is not Codex's wrapper exactly. */
export function unwrapShellResult(content: ToolResultContent | undefined, tool: ComposedTool): Unwrapped | undefined {
  const text = resultText(content);
  const out = text === undefined ? undefined : unwrapText(text, tool);
  return out && { content: inShapeOf(content, out.text), isError: out.isError };
}

function unwrapText(text: string, tool: ComposedTool): { text: string; isError: boolean } | undefined {
  const match = WRAPPER.exec(text);
  if (!match) return undefined;
  const code = Number(match[1]);
  // A final newline ends the last line; the agent's own tools end theirs without one.
  const output = match[2]!.replace(/\n$/, '');
  if (output === '' && (code === 0 || (code === 1 && tool === 'Grep'))) return { text: nothing(tool), isError: false };
  if (code === 0) return { text: output, isError: tool === 'Read' && output.startsWith(CAT_COMPLAINT) };
  return { text: output === '' ? `The command exited with code ${code}.` : output, isError: true };
}

/** What an empty output means for each tool. */
function nothing(tool: ComposedTool): string {
  switch (tool) {
    case 'Read':
      return 'No lines: the file is empty, or shorter than the requested offset.';
    case 'Grep':
      return 'No matches found.';
    case 'Glob':
      return 'No files found.';
    case 'LS':
      return 'No output.';
  }
}
