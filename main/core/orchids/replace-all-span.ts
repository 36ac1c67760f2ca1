/**
 * The agent's Edit with `replace_all` as one replacement, for Cline CLI 3.0.65's `editor`, which has no such switch
 * (its keys are `path`, `old_text`, `new_text`, `insert_line`) and refuses an old text found more than once ("No
 * replacement performed: multiple occurrences of text found in …"). Its other tools do not fit either: on a Claude
 * id it declares no `apply_patch`, and a command on `run_commands` would depend on the user's shell and tools, ask
 * as a command (not an edit) when approvals are on, and answer as a command's output.
 *
 * Where the conversation shows the file whole and unchanged since (./patch-widen.ts `filesShown`: Cline's
 * `read_files` of the whole file, then only calls that cannot write), the edit goes as one replacement of the text
 * from the old text's first occurrence to the end of its last, by the same text with every occurrence replaced.
 * That span stands in the file once (another place it stood would hold an occurrence after the last), so Cline
 * makes it, and the file ends as the agent's own Edit with `replace_all` leaves it: every occurrence, found left to
 * right without overlapping, replaced. Cline's answer is its usual `Edited <file>` and the changed lines.
 *
 * DECISION: made only when nothing can be wrong, else the edit goes as before and Cline refuses it (the agent told
 * to read the file first, ./gen-b/editor-results.ts). A read shows the lines, not whether the file ends in a
 * newline: the span must be the same, and stand once, with and without one. An old text found once goes as it is.
 */
import type { JsonObject } from './client-tools';
import { switchedOn } from './tool-input-coercion';

/** The Edit with `replace_all` as one replacement of a span that stands once in `lines`, or undefined. */
export function replaceAllAsOne(lines: readonly string[], input: JsonObject): JsonObject | undefined {
  const from = input['old_string'];
  const to = input['new_string'];
  if (typeof from !== 'string' || typeof to !== 'string' || from === '' || !switchedOn(input['replace_all'])) {
    return undefined;
  }
  const text = lines.join('\n');
  const span = spanOf(text, from);
  if (span === undefined || span !== spanOf(`${text}\n`, from)) return undefined;
  if (occurrences(text, span) !== 1 || occurrences(`${text}\n`, span) !== 1) return undefined;
  return { file_path: input['file_path'], old_string: span, new_string: span.split(from).join(to) };
}

/** The text from `part`'s first occurrence to the end of its last, when it occurs more than once. */
function spanOf(text: string, part: string): string | undefined {
  const first = text.indexOf(part);
  let last = first;
  for (let next = first; next !== -1; next = text.indexOf(part, next + part.length)) last = next;
  return last > first ? text.slice(first, last + part.length) : undefined;
}

/** How many times `part` occurs, counted as Cline's editor counts them. */
const occurrences = (text: string, part: string): number => text.split(part).length - 1;
