/**
 * Any call of the agent's that the user declined, or the client's permission rules refused (or, for Continue, Qwen Code
 * and pi, whose tool failed), must reach the agent as an error, as its own tools' refusals do. On an OpenAI route the
 * client cannot flag one (a Chat Completions `tool` message and a Responses `function_call_output` have no error flag),
 * so it came as bare words the agent could read as a run with an odd output. A result whose whole text is the client's
 * refusal becomes an error in the same words; each client's wordings are matched only when the request carries its tool
 * set, so no other client's result is read.
 *
 * The proxy keeps nothing between requests: every call the client replays in the conversation may be answered so.
 */
import { declaresBridge } from '../../anthropic/deferred-tools';
import type { Message, ToolDefinition } from '../../anthropic/types';
import { asRecord, clientToolSchema } from '../client-tools';
import { declaresContinueMultiEdit, declaresContinueRead } from './continue-edit-results';
import { clineEditorTool } from './editor-results';
import { opencodeEditTool } from './opencode-edit-results';
import { editsByPatch } from './patch-results';
import { replayedCalls } from './replayed-calls';

/** opencode's words for a call its permission rules refuse, before the rules it quotes. */
const RULED = /The user has specified a rule which prevents you from using this specific tool call\./;

/** Cline's words after its reason for a refused call, in JSON. */
const NOT_A_FAILURE = /-- NOT a tool or system failure\. [^"]*"\}/;

/** Whether the client declares Qwen Code's shell (`run_shell_command`, which takes `is_background`). */
export function declaresQwenShell(tools: ToolDefinition[] | undefined): boolean {
  return asRecord(clientToolSchema('run_shell_command', tools)?.['properties'])?.['is_background'] !== undefined;
}

/**
 * Whether the tool set is Qwen Code's: its shell, or its tool bridge (`tool_search` and a `tool_call` of a tool's
 * `name` and `arguments`).
 *
 * DECISION: the bridge too, not the shell alone: `qwen --approval-mode plan` declares no shell (nor edit or write),
 * and its failed `read_file` and MCP tools came unflagged there. The bridge is Qwen Code's own; no other client
 * declares it, and it is in every mode's tool set.
 */
function declaresQwenCode(tools: ToolDefinition[] | undefined): boolean {
  return declaresQwenShell(tools) || declaresBridge(tools);
}

/** Whether the client declares pi's `edit`: a list of `edits`, each an `oldText` and a `newText`. */
export function declaresPiEdit(tools: ToolDefinition[] | undefined): boolean {
  const edits = asRecord(asRecord(clientToolSchema('edit', tools)?.['properties'])?.['edits']);
  return asRecord(asRecord(edits?.['items'])?.['properties'])?.['oldText'] !== undefined;
}

/** Each client's words for a refused call, matched against a result's whole text, and how its tool set is told. */
const CLIENTS: ReadonlyArray<{ declared: (tools: ToolDefinition[] | undefined) => boolean; refusals: RegExp[] }> = [
  {
    // opencode 1.18.33: declined (`opencode run` declines every call its permission config sets to `ask`), declined
    // with the user's feedback, or refused by a rule (`deny` in its permission config, or its plan agent's rules).
    declared: (tools) => opencodeEditTool(tools) !== undefined,
    refusals: [
      /^The user rejected permission to use this specific tool call\.$/,
      /^The user rejected permission to use this specific tool call with the following feedback: /,
      new RegExp(`^${RULED.source} Here are some of the relevant rules \\[.*\\]$`, 's'),
    ],
  },
  {
    // Codex 0.171: a call declined at its approval prompt (after its wrapper's wall time, for a command), or one the
    // user interrupted; or told a plain "no" (its words for that decision, which its TUI does not offer but an
    // app-server client may send).
    declared: editsByPatch,
    refusals: [
      /^(?:Wall time: \d+(?:\.\d+)? seconds\n)?(?:command )?aborted by user(?: after \S+)?$/,
      /^(?:patch|exec command) rejected by user$/,
    ],
  },
  {
    // Cline CLI 3.0.65: a call the user rejected (its window sends the reason in JSON), or one that needs approval in
    // a run with no terminal to ask in (`--auto-approve false`), in JSON.
    declared: (tools) => clineEditorTool(tools) !== undefined,
    refusals: [
      /^This tool call was rejected by the user\.?$/,
      new RegExp(`^\\{"error":"Tool \\\\"\\w+\\\\" requires approval in a TTY session ${NOT_A_FAILURE.source}$`),
      new RegExp(`^\\{"error":"This tool call was rejected by the user and not executed\\. ${NOT_A_FAILURE.source}$`),
    ],
  },
  {
    // Continue CLI (cn 1.5.47): denied at its prompt, or by its permission policy (in headless mode, any tool it
    // would ask about); or a tool that failed, which cn words as its own and flags no more than a refusal (a missing
    // file's Read: `Error executing tool Read: File does not exist: …`; a command that exits non-zero: `Error
    // executing tool Bash: Error (exit code 2): …`), where the agent's own tools answer with an error.
    declared: (tools) => declaresContinueMultiEdit(tools) || declaresContinueRead(tools),
    refusals: [
      /^Permission denied by user$/,
      /^Command blocked by security policy$/,
      /^Error executing tool [A-Z]\w*: /,
    ],
  },
  {
    // Qwen Code 0.24.4 sends a failed call's result as its words alone on Chat Completions: its edit refusing a file
    // not read in this session, an old text found nowhere or more than once, a file it would create that exists, or
    // a throw; its read_file on a missing file. And a call it did not run: declined at its window's prompt, or
    // blocked by its auto mode (its default in the window, where the model is asked whether each call is safe), or
    // by that mode's own rules before any model is asked: a git command that discards work, an amend of a commit not
    // its own, an infrastructure destroy. Its tool_call bridge marks a held-back tool's call it cancelled or refused
    // itself (a declined one, tested, comes unmarked). And an MCP server's tool that answered `isError`, in Qwen's
    // words before the server's.
    declared: declaresQwenCode,
    refusals: [
      /^\[Operation Cancelled\] Reason: /,
      /^\[tool_call bridge (?:cancelled|refused)\] /,
      /^Blocked by auto mode policy: /,
      /^Blocked (?:destructive git command|"git commit --amend"|infrastructure destroy command): /,
      /^File .+ has not been read in this session\. Use the read_file tool first /s,
      /^Failed to edit[,.] /,
      /^Error (?:preparing|executing) edit: /,
      /^File not found: /,
      /^MCP tool '[^'\n]+' reported tool error for function call: /,
    ],
  },
  {
    // pi 0.73.1 flags a failed call on the Messages API but cannot on Chat Completions, where its words came bare: its
    // edit's old text found nowhere, more than once or empty, edits that overlap or change nothing; its read of a
    // missing or unreadable file (Node's words for the error, `ENOENT: no such file or directory, access '…'`) or past
    // the file's end; a call whose arguments its schema refuses. A command's non-zero exit: ./shell-failures.ts.
    declared: declaresPiEdit,
    refusals: [
      /^Could not find (?:the exact text|edits\[\d+\]) in .+\. The (?:old text|oldText) must match exactly /s,
      /^Found \d+ occurrences of (?:the text|edits\[\d+\]) in .+\. (?:The text|Each oldText) must be unique\. /s,
      /^(?:edits\[\d+\]\.)?oldText must not be empty in .+\.$/s,
      /^edits\[\d+\] and edits\[\d+\] overlap in /,
      /^No changes made to .+\. The replacements? produced identical content\./s,
      /^Could not edit file: /,
      /^E[A-Z]+: [^\n]+, (?:access|open|read|stat|lstat|scandir) '[^\n]*'$/,
      /^Offset \d+ is beyond end of file \(\d+ lines total\)$/,
      /^Validation failed for tool "\w+":\n/,
    ],
  },
];

/**
 * The ids of every call in a conversation, with the wordings of the client whose tool set the request carries;
 * undefined when it carries none of theirs, or the conversation has no call.
 */
export function refusableCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): { ids: Set<string>; refusals: readonly RegExp[] } | undefined {
  const client = CLIENTS.find(({ declared }) => declared(tools));
  if (client === undefined) return undefined;
  const ids = new Set([...replayedCalls(messages)].map((call) => call.id));
  return ids.size > 0 ? { ids, refusals: client.refusals } : undefined;
}
