/**
 * The agent's Write, Edit and MultiEdit, run on Cline CLI 3 as its `editor` (../tool-input-repair.ts: `path`,
 * `old_text`, `new_text`), whose failures must reach the agent as its own Edit's do: as errors. Cline 3.0.65 answers
 * `editor` with JSON about the run, never flagged as an error, a failure as
 * `{"query":"edit:/w/date.txt","result":"","error":"Editor operation failed: No replacement performed: text not found
 * in /w/date.txt.","success":false}` (also for old text found more than once, which an Edit with `replace_all` meets,
 * and for a Write over an existing file). So an edit that changed nothing reached the agent as a success it had to
 * read the JSON to doubt. A failure becomes an error in Cline's words; a success goes as Cline wrote it (its words,
 * `Edited …` with the changed lines, say what was done).
 *
 * The proxy keeps nothing between requests, so which results to rewrite is read from the conversation: the call a
 * result answers, replayed by Cline, is a call to its editor, and the result's `query` names that call's path.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord, clientToolSchema } from '../client-tools';
import { parseJson } from '../tool-input-coercion';
import { resolveClientToolName } from '../tool-names';
import { inShapeOf, resultText } from './result-text';
import type { Unwrapped } from './shell-output';
import { replayedCalls } from './replayed-calls';

/** The keys that tell Cline's `editor` from other clients' edit tools (Anthropic's text editor takes `old_str`). */
const EDITOR_KEYS = ['path', 'old_text', 'new_text'];

/** The name of Cline's `editor` among the client's tools; undefined when the client's edit tool is another's. */
export function clineEditorTool(tools: ToolDefinition[] | undefined): string | undefined {
  const editor = resolveClientToolName('Edit', tools);
  const props = asRecord(clientToolSchema(editor ?? '', tools)?.['properties']);
  return editor !== undefined && EDITOR_KEYS.every((key) => props?.[key] !== undefined) ? editor : undefined;
}

/**
 * The path of each call to Cline's `editor` in a conversation, by `tool_use` id; undefined when there is none, or
 * when the client's edit tool is not Cline's: then the conversation is not walked.
 */
export function clineEditorCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, string> | undefined {
  const editor = clineEditorTool(tools);
  if (editor === undefined) return undefined;
  let calls: Map<string, string> | undefined;
  for (const { id, name, input } of replayedCalls(messages)) {
    const path = name === editor ? asRecord(input)?.['path'] : undefined;
    if (typeof path === 'string') (calls ??= new Map()).set(id, path);
  }
  return calls;
}

/**
 * Cline's failed edit of `path` as an error in its words; undefined for any other result (a success, a rejected
 * call's words, another shape), which goes as it was.
 */
export function unwrapClineEditorFailure(content: ToolResultContent | undefined, path: string): Unwrapped | undefined {
  const text = resultText(content);
  const run = asRecord(text?.startsWith('{') ? parseJson(text) : undefined);
  const query = run?.['query'];
  const error = run?.['error'];
  if (run?.['success'] !== false || run['result'] !== '' || typeof error !== 'string') return undefined;
  if (typeof query !== 'string' || !query.endsWith(`:${path}`)) return undefined;
  return { content: inShapeOf(content, error), isError: true };
}
