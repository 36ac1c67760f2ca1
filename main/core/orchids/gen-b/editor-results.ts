/**
 * The agent's Write, Edit and MultiEdit, run on Cline CLI 3 as its `editor` (../tool-input-repair.ts: `path`,
 * `old_text`, `new_text`), whose results must reach the agent as its own Edit's do: words saying what was done, a
 * failure flagged an error. Cline 3.0.65 answers `editor` with JSON about the run, never flagged as an error:
 * - a failure as `{"query":"edit:/w/date.txt","result":"","error":"Editor operation failed: No replacement
 *   performed: text not found in /w/date.txt.","success":false}` (also for old text found more than once, which an
 *   Edit with `replace_all` meets where the file is not shown, a Write over an existing file, and a Write under a
 *   file: `EEXIST: … mkdir …`);
 * - a success as `{"query":"edit:/w/date.txt","result":"Edited /w/date.txt\n```diff\n-1: date = 1\n+1: date =
 *   2\n```","success":true}` (`File created successfully at: /w/fig.txt` for a new file).
 * So an edit that changed nothing reached the agent as a success it had to read the JSON to doubt, and one that
 * worked as JSON no tool of its own answers in. A failure becomes an error in Cline's words; a success becomes its
 * `result` alone, which says what was done and where (EDITED stands in should it ever be empty); a refused Write over
 * an existing file is told in the agent's tools' terms (WRITE_OVER_EXISTING), and so is an Edit of a missing file,
 * which Cline answers by creating it (EDIT_OF_MISSING).
 *
 * The proxy keeps nothing between requests, so which results to rewrite is read from the conversation: the call a
 * result answers, replayed by Cline, is a call to its editor, and the result's `query` names that call's path.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord } from '../client-tools';
import { parseJson } from '../tool-input-coercion';
import { inShapeOf, resultText } from './result-text';
import type { Unwrapped } from './shell-output';
import { editToolTaking, replayedCalls } from './replayed-calls';

/** The keys that tell Cline's `editor` from other clients' edit tools (Anthropic's text editor takes `old_str`). */
const EDITOR_KEYS = ['path', 'old_text', 'new_text'];

/** The name of Cline's `editor` among the client's tools; undefined when the client's edit tool is another's. */
export const clineEditorTool = (tools: ToolDefinition[] | undefined): string | undefined =>
  editToolTaking(EDITOR_KEYS, tools);

/** One call to Cline's `editor`: its path, and whether it replaces old text (an Edit) rather than writes a file. */
export interface ClineEditorCall {
  path: string;
  edits: boolean;
}

/**
 * Each call to Cline's `editor` in a conversation, by `tool_use` id; undefined when there is none, or when the
 * client's edit tool is not Cline's: then the conversation is not walked.
 */
export function clineEditorCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, ClineEditorCall> | undefined {
  const editor = clineEditorTool(tools);
  if (editor === undefined) return undefined;
  let calls: Map<string, ClineEditorCall> | undefined;
  for (const { id, name, input } of replayedCalls(messages)) {
    const args = name === editor ? asRecord(input) : undefined;
    const path = args?.['path'];
    // An empty old text creates a missing file, as the agent's own Edit does.
    const oldText = args?.['old_text'];
    if (typeof path === 'string')
      (calls ??= new Map()).set(id, { path, edits: typeof oldText === 'string' && oldText !== '' });
  }
  return calls;
}

/**
 * What the agent is told for a success whose `result` Cline left empty: 3.0.65 names the file in every success seen,
 * but an empty result would leave the agent with nothing, where its own Edit says which file it changed.
 */
export const EDITED = (path: string): string => `The file ${path} was edited.`;

/**
 * Cline's refusal of a Write over an existing file tells the agent to set `old_text` or `insert_line`, keys of
 * Cline's editor that no tool of the agent's takes; WRITE_OVER_EXISTING says the same in the agent's own tools.
 */
const EXISTS = /^Editor operation failed: .+ already exists, but `old_text` was omitted\./;
export const WRITE_OVER_EXISTING = (path: string): string =>
  `${path} already exists, and this client does not overwrite a file with Write: nothing was changed. Read it, ` +
  'then change it with Edit (old_string: the exact text to replace, the whole file to replace all of it; ' +
  'new_string: what replaces it), or with MultiEdit for several places.';

/**
 * Cline 3.0.65 runs an edit of a missing file by creating it from the new text alone, where the agent's own Edit
 * refuses: the agent would believe it changed a whole file that now holds a fragment, so it is told, as an error.
 */
const CREATED = /^File created successfully at: /;
export const EDIT_OF_MISSING = (path: string): string =>
  `${path} did not exist, so instead of editing it this client created it, holding only new_string. Read it to ` +
  'check, then Write the whole file, or remove it if that was not meant.';

/**
 * Cline's editor refuses an old text found more than once, and has no switch to replace every occurrence: an Edit
 * with `replace_all`, or a MultiEdit's edit with it, goes as one replacement only where the conversation shows the
 * whole file (../replace-all-span.ts), so the agent is told, after Cline's words, how to have it made (the replayed
 * call no longer says it had the switch). A MultiEdit's part also says which of its edits were made
 * (./split-edit-notes.ts), so the agent makes again only the edits not made.
 */
const SEVERAL = /^Editor operation failed: No replacement performed: multiple occurrences of text found in /;
export const ONE_OCCURRENCE =
  "This client's editor replaces one occurrence a call. To replace every occurrence, Read the whole file, then make " +
  'the edit with replace_all again, as an Edit or in a MultiEdit (it then goes as one replacement of the text from ' +
  'the first occurrence to the last); or give old_string with enough of the text around it to be unique.';

/**
 * Cline's run of `call` as the agent's own Edit answers: a failure as an error in its words, a success as its
 * `result` (or EDITED), an edit that created the file as EDIT_OF_MISSING; undefined for any other result (a rejected
 * call's words, another file's, another shape), which goes as it was.
 */
export function unwrapClineEditorResult(
  content: ToolResultContent | undefined,
  { path, edits }: ClineEditorCall,
): Unwrapped | undefined {
  const text = resultText(content);
  const run = asRecord(text?.startsWith('{') ? parseJson(text) : undefined);
  const query = run?.['query'];
  const result = run?.['result'];
  const error = run?.['error'];
  if (typeof query !== 'string' || !query.endsWith(`:${path}`) || typeof result !== 'string') return undefined;
  if (run?.['success'] === true && error === undefined) {
    if (edits && CREATED.test(result)) return { content: inShapeOf(content, EDIT_OF_MISSING(path)), isError: true };
    return { content: inShapeOf(content, result.trim() === '' ? EDITED(path) : result), isError: false };
  }
  if (run?.['success'] !== false || result !== '' || typeof error !== 'string') return undefined;
  const words = EXISTS.test(error) ? WRITE_OVER_EXISTING(path) : error;
  return { content: inShapeOf(content, SEVERAL.test(error) ? `${words}\n\n${ONE_OCCURRENCE}` : words), isError: true };
}
