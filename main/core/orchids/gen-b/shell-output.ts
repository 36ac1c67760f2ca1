/**
 * The output of a read or search the proxy ran for the agent on the client's shell (../shell-compose.ts), given to
 * the agent as its own tool would give it: the agent's Read returns only the numbered lines, and its Grep, Glob and
 * LS only what they found, or a line saying they found nothing. Three clients' shells say more:
 * - Codex CLI 0.171 answers every `exec_command` with a wrapper before the output (`Chunk ID: …`, `Wall time: …
 *   seconds`, `Process exited with code N`, `Original token count: N`, `Output:`).
 * - Claude Code 2.1's Bash marks a failed command `is_error` and begins it `Exit code N` (the output, if any, on the
 *   lines after), and says `(Bash completed with no output)` for a silent success; it may end any result with notes
 *   of its own (`<system-reminder>…`), which are kept. So a search that found nothing reached the agent as an error
 *   reading `Exit code 1`.
 * - Cline CLI 3's `run_commands` answers with JSON about its runs (`query`, `result`, `success`), unflagged even
 *   when the command failed.
 * - pi 0.73's `bash` ends a failed command's output with a blank line and `Command exited with code N` (flagged on
 *   the Messages API only), and says `(no output)` for a command that printed nothing.
 *
 * The proxy keeps nothing between requests, so which results to unwrap is read from the conversation: the call a
 * result answers, replayed by the client, is a shell call whose command is one the proxy composes, matched whole
 * (Codex's closed schema keeps no marker beside it). A command the agent wrote itself in its Bash keeps its shell's
 * words, whose exit code and time are part of what a command tells. A result of no shape above exactly (a command
 * still running, another client's shape) goes as it was.
 *
 * DECISION: a non-zero exit becomes `is_error` with the command's output (its stderr: `ls: cannot access …: No such
 * file or directory`, a missing folder's `Path does not exist.`), so the agent still reads a failure as one; except a
 * search's exit 1 with no output, which is how `rg` and `grep` say they found nothing, and which the agent's Grep
 * reports as no matches, not as an error. A composed Read exits with `sed`'s 0 whatever `cat` said; its `cat`
 * complaint is an error too (a missing file in the agent's Read's words), even in a shell's words for a success,
 * which pi's are.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord } from '../client-tools';
import { composedCommandTool, MISSING_FILE, shellStandsIn, type ComposedTool } from '../shell-compose';
import { canonicalToolName } from '../tool-names';
import { inShapeOf, oneClineRun, resultText } from './result-text';
import { replayedCalls } from './replayed-calls';

/** Codex 0.171's wrapper of a finished command, whole: anything else is not unwrapped. */
const WRAPPER = new RegExp(
  String.raw`^Chunk ID: [0-9a-f]+\nWall time: \d+(?:\.\d+)? seconds\nProcess exited with code (-?\d+)\n` +
    String.raw`Original token count: \d+\nOutput:\n([\s\S]*)$`,
);

/** Claude Code 2.1's Bash: a failure's first line, and what it says of a success with no output. */
const CLAUDE_CODE_FAILED = /^Exit code (-?\d+)(?:\n([\s\S]*))?$/;
const CLAUDE_CODE_SILENT = '(Bash completed with no output)';
/** Cline CLI 3's failed run: the exit code, then the output, its stderr under a `[stderr]` line. */
const CLINE_FAILED = /^\[Command exited with code (-?\d+)\]\n*(?:\[stderr\]\n)?([\s\S]*)$/;
/** pi's failed command (its output, if any, before a blank line), and what it says of a command with no output. */
export const PI_FAILED = /^(?:([\s\S]*)\n\n)?Command exited with code (-?\d+)$/;
const PI_SILENT = '(no output)';
/** Claude Code's own notes at the end of a result, kept whole after the rewrite. */
const CLAUDE_CODE_NOTES = /(?:\s*<system-reminder>[\s\S]*?<\/system-reminder>)+\s*$/;

/**
 * How `cat` begins what it says of a file it cannot read (`cat: x: No such file or directory`, `…: Is a directory`).
 * A composed Read's pipe exits with `sed`'s 0 even then, and the shells give stderr with stdout; every line `cat -n`
 * prints of a file starts with its number, so output that starts with this is the complaint.
 */
const CAT_COMPLAINT = 'cat: ';
/** `cat`'s complaint of a file that is not there, which the agent is told in its own Read's words instead. */
const CAT_MISSING = /^cat: [^\n]*: No such file or directory\n?$/;

/** A Read whose `cat` could not read its file: an error, a missing file in the agent's Read's words, else `cat`'s. */
function catFailure(output: string): { text: string; isError: true } | undefined {
  if (!output.startsWith(CAT_COMPLAINT)) return undefined;
  return { text: CAT_MISSING.test(output) ? MISSING_FILE : output.replace(/\n$/, ''), isError: true };
}

/** Keys a shell tool takes its command under (Codex's `cmd`, the agent's `command`). */
const COMMAND_KEYS = ['cmd', 'command'];

/** The command of a shell call: under one of COMMAND_KEYS, or Cline CLI's list of commands when it holds one. */
function commandOf(input: Record<string, unknown> | undefined): string | undefined {
  const command = COMMAND_KEYS.map((key) => input?.[key]).find((value) => typeof value === 'string');
  if (typeof command === 'string') return command;
  const list = input?.['commands'];
  return Array.isArray(list) && list.length === 1 && typeof list[0] === 'string' ? list[0] : undefined;
}

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
  for (const { id, name, input } of replayedCalls(messages)) {
    const command = canonicalToolName(name) === 'Bash' ? commandOf(asRecord(input)) : undefined;
    const tool = command === undefined ? undefined : composedCommandTool(command);
    if (tool) (calls ??= new Map()).set(id, tool);
  }
  return calls;
}

export interface Unwrapped {
  content: ToolResultContent;
  isError: boolean;
}

/**
 * The output alone, and whether it is an error, for a result the client flagged as an error or not (`flagged`);
 * undefined for a result in none of the shells' words above exactly.
 */
export function unwrapShellResult(
  content: ToolResultContent | undefined,
  tool: ComposedTool,
  flagged: boolean,
): Unwrapped | undefined {
  const text = resultText(content);
  const out =
    text === undefined
      ? undefined
      : (codexRun(text, flagged) ?? claudeCodeRun(text, flagged) ?? clineRun(text) ?? piRun(text));
  if (out === undefined) {
    // pi's word for a success is the output alone, so its Read's `cat` complaint comes as that.
    const failure = tool === 'Read' && !flagged && text !== undefined ? catFailure(text) : undefined;
    return failure && { content: inShapeOf(content, failure.text), isError: true };
  }
  const told = tell(out, tool);
  return { content: inShapeOf(content, told.text + out.notes), isError: told.isError || out.failed };
}

/** A finished command as a shell reported it: its exit code, its output, and what the result is to keep. */
interface ShellRun {
  code: number;
  output: string;
  /** The client's own notes after the output, kept as they were. */
  notes: string;
  /** The client flagged the result an error for a reason other than the exit code read here. */
  failed: boolean;
}

export function codexRun(text: string, flagged = false): ShellRun | undefined {
  const match = WRAPPER.exec(text);
  return match ? { code: Number(match[1]), output: match[2]!, notes: '', failed: flagged } : undefined;
}

function claudeCodeRun(text: string, flagged: boolean): ShellRun | undefined {
  // The notes are looked for only where a result ends with one: most results are not read twice.
  const notes = text.trimEnd().endsWith('</system-reminder>') ? (CLAUDE_CODE_NOTES.exec(text)?.[0] ?? '') : '';
  const body = text.slice(0, text.length - notes.length);
  if (!flagged) return body === CLAUDE_CODE_SILENT ? { code: 0, output: '', notes, failed: false } : undefined;
  // Claude Code's flag is the exit code itself: it is read here, not kept.
  const match = CLAUDE_CODE_FAILED.exec(body);
  return match ? { code: Number(match[1]), output: match[2] ?? '', notes, failed: false } : undefined;
}

/**
 * Cline CLI 3's `run_commands` answers with its runs as JSON, `[{"query", "result", "success", "error"?}]`, and never
 * flags the result: a failed run's `result` begins `[Command exited with code N]`, its stderr after a `[stderr]` line.
 */
function clineRun(text: string): ShellRun | undefined {
  const run = oneClineRun(text);
  if (run === undefined) return undefined;
  if (run.success) return { code: 0, output: run.result, notes: '', failed: false };
  const match = CLINE_FAILED.exec(run.result);
  return match ? { code: Number(match[1]), output: match[2]!, notes: '', failed: false } : undefined;
}

/** The run told as the agent's tool tells it. */
function tell(run: ShellRun, tool: ComposedTool): { text: string; isError: boolean } {
  const { code } = run;
  // A final newline ends the last line; the agent's own tools end theirs without one.
  const output = run.output.replace(/\n$/, '');
  if (output === '' && (code === 0 || (code === 1 && tool === 'Grep'))) return { text: nothing(tool), isError: false };
  if (code === 0) return (tool === 'Read' && catFailure(output)) || { text: output, isError: false };
  return { text: output === '' ? `The command exited with code ${code}.` : output, isError: true };
}

/** What the agent's Read is told of a read with no lines. */
export const NO_LINES = 'No lines: the file is empty, or shorter than the requested offset.';

/** What an empty output means for each tool. */
function nothing(tool: ComposedTool): string {
  switch (tool) {
    case 'Read':
      return NO_LINES;
    case 'Grep':
      return 'No matches found.';
    case 'Glob':
      return 'No files found.';
    case 'LS':
      return 'No output.';
  }
}

/** pi's `bash`, whose flag (on the Messages API only) is the exit code read here: a failure's last line says it. */
function piRun(text: string): ShellRun | undefined {
  if (text === PI_SILENT) return { code: 0, output: '', notes: '', failed: false };
  const match = PI_FAILED.exec(text);
  if (match === null) return undefined;
  const output = match[1] === undefined || match[1] === PI_SILENT ? '' : match[1];
  return { code: Number(match[2]), output, notes: '', failed: false };
}
