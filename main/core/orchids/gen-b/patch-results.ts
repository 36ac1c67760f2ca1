/**
 * The agent's Write, Edit and MultiEdit, run on Codex CLI's `apply_patch` as a patch (../patch-compose.ts), whose
 * results must reach the agent as its own Edit's do. Codex 0.171 answers in a Responses API `function_call_output`,
 * which has no error flag, in one of three shapes, all seen from the real Codex:
 * - a patch it refuses before running it, its reason alone: `apply_patch verification failed: Failed to find expected
 *   lines in /w/date.txt:\ndate = 9` (also for an empty patch: `… invalid patch: The last line of the patch must be
 *   '*** End Patch'`, which an Edit with `replace_all` became before the proxy answered such an edit itself, and
 *   which a conversation from then still holds), or, from its sandbox with approvals off (`codex exec`), `patch
 *   rejected: writing outside of the project; rejected by user approval settings` (`… writing is blocked by
 *   read-only sandbox; …` in a read-only one); the user's decline when asked
 *   (`aborted by user after 1.0s`, its TUI's `on-request`) is any call's, flagged before this (./refused-calls.ts);
 * - a patch it ran, in its wrapper of a command's run: `Exit code: 0\nWall time: 0 seconds\nOutput:\n` before
 *   `Success. Updated the following files:\nM /w/date.txt\n`, or exit 1 before `Failed to write file /w/x/y.txt`.
 * So an edit that changed nothing reached the agent as a success. A refusal becomes an error, its words kept but for
 * the empty patch's (NO_PATCH_FORM), lines not found followed by how a patch finds them (WHOLE_LINES; opencode
 * 1.18.33's `apply_patch` refuses in the same words, `Error: ` before the reason); a run becomes its output alone, as
 * the agent's own Edit answers, an error when its exit code is not 0. A result of any other shape goes as Codex wrote
 * it.
 *
 * Cline CLI 3.0.65's `apply_patch` (declared for a `gpt` or `codex` model id) answers as it answers its `editor`
 * (./editor-results.ts), never flagged: `{"query":"apply_patch","result":"Successfully applied patch to the
 * following files:\n/w/x.txt","success":true}`, or `"result":""`, `"success":false` and `"error":"apply_patch
 * failed: …"`, a Write over an existing file among those (`Add File Error: File already exists: /w/x.txt`). A
 * success becomes its `result`, a failure an error in Cline's words, the Write over a file as WRITE_OVER_EXISTING.
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
import { NO_PATCH_FORM } from '../patch-compose';
import { WRITE_OVER_EXISTING } from './editor-results';
import { parseJson } from '../tool-input-coercion';

const PATCH_TOOL = 'apply_patch';
/** How Codex's refusals begin: its check of the patch, then its sandbox's. */
const REFUSALS = ['apply_patch verification failed: ', 'patch rejected: '];
/** Codex 0.171's wrapper of a patch it ran, whole: its exit code, then the output. */
const RAN = /^Exit code: (-?\d+)\nWall time: \d+(?:\.\d+)? seconds\nOutput:\n([\s\S]*)$/;
/** The one string property Codex's freeform apply_patch carries its patch in (../patch-compose.ts). */
const FREEFORM_KEY = 'input';

/** Whether the client's edit tool is Codex's `apply_patch`: the mark of Codex's tool set. */
export function editsByPatch(tools: ToolDefinition[] | undefined): boolean {
  return resolveClientToolName('Edit', tools) === PATCH_TOOL;
}

/**
 * The calls to Codex's `apply_patch` in a conversation, by id, each with whether the patch it was given is empty;
 * undefined when there is none, or when the client's edit tool is not `apply_patch`: then the conversation is not
 * walked.
 */
export function patchCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, { empty: boolean }> | undefined {
  if (!editsByPatch(tools)) return undefined;
  let calls: Map<string, { empty: boolean }> | undefined;
  for (const { id, name, input } of replayedCalls(messages)) {
    if (name !== PATCH_TOOL) continue;
    const patch = asRecord(input)?.[FREEFORM_KEY];
    (calls ??= new Map()).set(id, { empty: typeof patch === 'string' && patch.trim() === '' });
  }
  return calls;
}

/**
 * Codex's result as the agent's Edit would give it: a refusal as an error, in Codex's words, or for an empty patch
 * (an edit the proxy could not compose) in NO_PATCH_FORM's; a patch run as its output alone, an error unless it
 * exited 0; undefined for any other result, which goes as it was.
 */
export function patchResult(content: ToolResultContent | undefined, call: { empty: boolean }): Unwrapped | undefined {
  const text = resultText(content);
  if (content === undefined || text === undefined) return undefined;
  const cline = clinePatchRun(text);
  if (cline) {
    const exists = cline.success ? null : ADD_OVER_EXISTING.exec(cline.told);
    // A success is "Successfully applied patch …", which no refusal's words match.
    const told = exists ? WRITE_OVER_EXISTING(exists[1]!) : withHowLinesAreFound(cline.told);
    return { content: inShapeOf(content, told), isError: !cline.success };
  }
  if (REFUSALS.some((start) => text.startsWith(start))) {
    if (call.empty) return { content: inShapeOf(content, NO_PATCH_FORM), isError: true };
    const told = withHowLinesAreFound(text);
    return { content: told === text ? content : inShapeOf(content, told), isError: true };
  }
  const ran = RAN.exec(text);
  if (!ran) return undefined;
  const code = Number(ran[1]);
  // A final newline ends Codex's last line; the agent's own tools end theirs without one.
  const output = ran[2]!.replace(/\n$/, '');
  const told = output === '' && code !== 0 ? `apply_patch exited with code ${code}.` : output;
  return { content: inShapeOf(content, told), isError: code !== 0 };
}

/**
 * How each patch client refuses a hunk whose `-` lines it does not find: Codex and opencode (which puts `Error: `
 * before it), and Cline (the count of hunks, then each hunk's path, number and closest context).
 */
const NOT_FOUND = [
  /^apply_patch verification failed: (?:Error: )?Failed to find expected lines in /,
  /^apply_patch failed: Patch could not be applied because \d+ hunks? did not match /,
];

/** A refusal's words, followed by WHOLE_LINES when they say a hunk's lines were not found. */
function withHowLinesAreFound(told: string): string {
  return NOT_FOUND.some((refusal) => refusal.test(told)) ? `${told}\n\n${WHOLE_LINES}` : told;
}

/**
 * What follows that refusal for the agent, whose Edit replaces any unique text and whose MultiEdit makes each edit on
 * the text the one before it left, where a patch finds its `-` lines only as whole lines, each hunk after the one
 * before it: the edit of part of a line, or a MultiEdit out of the file's order, refused for text the file holds.
 */
export const WHOLE_LINES =
  "This client's apply_patch finds old text only as whole lines, and a MultiEdit's edits each after the one before " +
  "it: give old_string as the whole lines it stands in, and a MultiEdit's edits in the order they stand in the file.";

/** How Cline's patch refuses an added file that exists: the path follows. */
const ADD_OVER_EXISTING = /^apply_patch failed: Add File Error: File already exists: (.+)$/;

/** Cline's answer to its `apply_patch`: whether it was applied, and its words (the result, else the error). */
function clinePatchRun(text: string): { success: boolean; told: string } | undefined {
  const run = asRecord(text.startsWith('{') ? parseJson(text) : undefined);
  const { query, result, success, error } = run ?? {};
  if (query !== PATCH_TOOL || typeof result !== 'string' || typeof success !== 'boolean') return undefined;
  if (success) return { success, told: result };
  return typeof error === 'string' ? { success, told: error } : undefined;
}
