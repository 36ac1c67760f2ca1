/**
 * The agent's Edit as a client's MultiEdit of one edit. Continue's CLI (`cn` 1.5) declares a MultiEdit
 * (`file_path`, `edits`: items of `old_string`, `new_string`, `replace_all`) and no Edit, while Generation B's agent
 * edits mostly with its Edit (`file_path`, `old_string`, `new_string`, `replace_all`): the replacement goes into a
 * list of one, and the rest of the call stays as it was for the usual key repair.
 */
import { asRecord, type JsonObject } from './client-tools';
import { canonicalToolName } from './tool-names';
import { normalizeKey } from './tool-vocabulary';

/** The client's key for the list of edits, and the keys of one edit (Claude Code's MultiEdit, as Continue's). */
const EDITS_KEY = 'edits';
const EDIT_KEYS: ReadonlyMap<string, string> = new Map([
  ['oldstring', 'old_string'],
  ['oldstr', 'old_string'],
  ['oldtext', 'old_string'],
  ['newstring', 'new_string'],
  ['newstr', 'new_string'],
  ['newtext', 'new_string'],
  ['replaceall', 'replace_all'],
]);

/** Whether the call is the agent's Edit going to a tool that takes a list of edits (and so is rebuilt whole). */
export function composesEditList(upstreamName: string, schema: JsonObject | undefined): boolean {
  if (canonicalToolName(upstreamName) !== 'Edit') return false;
  return asRecord(asRecord(schema?.['properties'])?.[EDITS_KEY])?.['type'] === 'array';
}

/** The MultiEdit input for an agent Edit, or undefined when the call is not one or names no replacement. */
export function composeEditList(
  input: JsonObject,
  schema: JsonObject | undefined,
  upstreamName: string,
): JsonObject | undefined {
  if (!composesEditList(upstreamName, schema) || Object.hasOwn(input, EDITS_KEY)) return undefined;
  const rest: JsonObject = {};
  const edit: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    const editKey = EDIT_KEYS.get(normalizeKey(key));
    if (editKey === undefined) rest[key] = value;
    else if (!Object.hasOwn(edit, editKey)) edit[editKey] = value;
  }
  if (!Object.hasOwn(edit, 'old_string') || !Object.hasOwn(edit, 'new_string')) return undefined;
  return { ...rest, [EDITS_KEY]: [edit] };
}
