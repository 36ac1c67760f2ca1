/**
 * The agent's file writes and edits as a patch, for a client whose only file tool takes one: Codex CLI's `apply_patch`,
 * declared as a freeform (custom) tool whose one string carries the whole patch, or as the Responses API's typed
 * `apply_patch` tool (`type`, `path`, `diff`); or opencode's `apply_patch` (`patchText`, the same patch form), which
 * opencode 1.18 declares in place of `edit` and `write` for a model whose id holds `gpt-` (not `gpt-4`). A MultiEdit is
 * one patch of a hunk an edit (an edit of text an earlier one wrote goes in that one's hunk), which opencode applies
 * all or none, as MultiEdit itself does. Generation B's agent writes files with its own `Write` (`file_path`,
 * `content`) and `Edit` (`file_path`, `old_string`, `new_string`) tools and is shown no client tools, so without this
 * such a call reaches Codex as a line of text and nothing is written.
 *
 * The patch is the V4A form Codex applies: `*** Add File:` with every line prefixed `+` for a write, `*** Update File:`
 * with one `@@` hunk whose `-` lines are the old text and `+` lines the new for an edit. Codex finds the `-` lines in
 * the file as whole lines, each hunk after the one before it (so do opencode and Cline): an edit of part of a line, or
 * a MultiEdit whose edits are not in the file's order, fails there and the client tells the model so, which is a failed
 * tool call the model can retry, not a silent one (the proxy, which never sees the file, adds how: WHOLE_LINES,
 * gen-b/patch-results.ts). An edit that replaces every occurrence (`replace_all`), or a MultiEdit one of whose edits
 * has no old text, has no patch form: it is not composed, and the call is answered for the agent instead of reaching
 * the client (`hasNoPatchForm`, anthropic/tool-calls.ts).
 */
import type { JsonObject } from './client-tools';
import { asRecord } from './client-tools';
import { switchedOn } from './tool-input-coercion';
import { canonicalToolName } from './tool-names';

/**
 * The one string property a whole patch travels in: a custom tool's free text (openai/custom-tool.ts
 * `CUSTOM_INPUT`, Codex), or opencode's `patchText`.
 */
const FREEFORM_KEYS: ReadonlySet<string> = new Set(['input', 'patchText']);

interface FileChange {
  kind: 'add' | 'update';
  path: string;
  /** The patch body after the file header: `+` lines for an added file, `@@` hunks for an update. */
  body: string;
  /** An added file's text ends in a newline (Codex and opencode end every added line in one; Cline does not). */
  finalNewline?: boolean;
}

/**
 * Whether the client's apply_patch is Cline CLI 3's (its tool set has `read_files`): Cline joins an added file's `+`
 * lines with newlines and ends the file without one, where Codex and opencode end every line in one. Cline 3.0.65
 * declares it in place of `editor` for a model id holding `gpt` or `codex`.
 */
export function addsWithoutFinalNewline(tools: ReadonlyArray<{ name: string }> | undefined): boolean {
  return tools?.some((tool) => tool.name === 'read_files') ?? false;
}

/** An edit of the agent's that no patch can say: a patch states each change once, at one place. */
const FORMLESS = 'formless';

/**
 * What the agent is told in place of the result of an edit with no patch form (the proxy answers it: the client
 * never sees the call; or, in an older conversation, Codex refused it as an empty patch: gen-b/patch-results.ts).
 */
export const NO_PATCH_FORM =
  'The edit was not made: this client changes files only through patches (its apply_patch), and this edit has no ' +
  'patch form (an Edit with replace_all, or a MultiEdit with an empty old text). Give each occurrence with enough ' +
  'surrounding lines to be unique, as one Edit each or one MultiEdit.';

/** A patch-taking client tool's input for an agent write or edit, or undefined when neither applies. */
export function composePatch(
  input: JsonObject,
  schema: JsonObject | undefined,
  upstreamName: string,
  clientName: string,
  joinsAddedLines = false,
): JsonObject | undefined {
  const form = patchForm(schema, clientName);
  const change = form && fileChange(input, canonicalToolName(upstreamName));
  if (!change || change === FORMLESS) return undefined;
  if (form === 'typed')
    return { type: change.kind === 'add' ? 'create_file' : 'update_file', path: change.path, diff: change.body };
  const header = change.kind === 'add' ? '*** Add File: ' : '*** Update File: ';
  // An empty last line is how a client that joins the lines ends the file in the newline the agent wrote.
  const body = joinsAddedLines && change.finalNewline ? `${change.body}+\n` : change.body;
  return { [form.key]: `*** Begin Patch\n${header}${change.path}\n${body}*** End Patch\n` };
}

/**
 * Whether the agent's call is a write or edit for a patch-taking client tool that has no patch form: sent, it would
 * reach the client as an empty patch, which Codex refuses ("invalid patch").
 */
export function hasNoPatchForm(
  input: JsonObject,
  schema: JsonObject | undefined,
  upstreamName: string,
  clientName: string,
): boolean {
  return patchForm(schema, clientName) !== undefined && fileChange(input, canonicalToolName(upstreamName)) === FORMLESS;
}

/**
 * Which patch the client's tool takes: one free string (under the key it names), or the Responses API's typed
 * operation; else none.
 */
function patchForm(schema: JsonObject | undefined, clientName: string): { key: string } | 'typed' | undefined {
  if (clientName !== 'apply_patch') return undefined;
  const props = asRecord(schema?.['properties']);
  if (!props) return undefined;
  const keys = Object.keys(props);
  if (keys.length === 1 && FREEFORM_KEYS.has(keys[0]!)) return { key: keys[0]! };
  if (Object.hasOwn(props, 'type') && Object.hasOwn(props, 'path') && Object.hasOwn(props, 'diff')) return 'typed';
  return undefined;
}

function fileChange(input: JsonObject, agentTool: string | undefined): FileChange | typeof FORMLESS | undefined {
  const path = input['file_path'] ?? input['path'];
  if (typeof path !== 'string' || path === '') return undefined;
  if (agentTool === 'Write') {
    const content = input['content'];
    return typeof content === 'string' ? added(path, content) : undefined;
  }
  if (agentTool === 'Edit') {
    const edit = oneEdit(input);
    if (edit === FORMLESS || !edit) return edit;
    // An edit with no old text writes the file anew, as the agent's Edit does for a file that does not exist.
    if (edit.old === '') return added(path, edit.new);
    return { kind: 'update', path, body: hunk(edit) };
  }
  if (agentTool === 'MultiEdit' && Array.isArray(input['edits'])) {
    const edits = input['edits'].map((item) => oneEdit(asRecord(item) ?? {}));
    if (edits.length === 0 || edits.includes(undefined)) return undefined;
    const hunks: Array<{ old: string; new: string }> = [];
    for (const edit of edits) {
      // An empty old text has no lines for a hunk to find: as an edit of its own it writes the file anew, not here.
      if (edit === undefined || edit === FORMLESS || edit.old === '') return FORMLESS;
      // A MultiEdit's edit works on the file as the edits before it left it, a hunk on the file as it was: an edit of
      // text an earlier edit wrote (a second change to one line) is made in that edit's hunk, or no patch finds it.
      const earlier = hunks.find((h) => h.new.includes(edit.old));
      if (earlier) earlier.new = earlier.new.replace(edit.old, () => edit.new);
      else hunks.push({ ...edit });
    }
    return { kind: 'update', path, body: hunks.map(hunk).join('') };
  }
  return undefined;
}

const added = (path: string, text: string): FileChange => ({
  kind: 'add',
  path,
  body: prefixed('+', text),
  finalNewline: text.endsWith('\n'),
});

function oneEdit(input: JsonObject): { old: string; new: string } | typeof FORMLESS | undefined {
  const before = input['old_string'];
  const after = input['new_string'];
  if (typeof before !== 'string' || typeof after !== 'string') return undefined;
  return switchedOn(input['replace_all']) ? FORMLESS : { old: before, new: after };
}

const hunk = (edit: { old: string; new: string }): string => `@@\n${prefixed('-', edit.old)}${prefixed('+', edit.new)}`;

/** Each line of `text` after `mark`, each ending in a newline; a final newline adds no empty line. */
function prefixed(mark: '+' | '-', text: string): string {
  if (text === '') return '';
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  return lines.map((line) => `${mark}${line}\n`).join('');
}
