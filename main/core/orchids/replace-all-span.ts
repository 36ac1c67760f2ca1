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
 * right without overlapping, replaced. Cline's answer is its usual `Edited <file>` and the changed lines. A
 * MultiEdit's edit with `replace_all` goes so too, on the file as the MultiEdit's edits before it leave it.
 *
 * DECISION: made only when nothing can be wrong, else the edit goes as before and Cline refuses it (the agent told
 * to read the file first, ./gen-b/editor-results.ts). A read shows the lines, not whether the file ends in a
 * newline: the span must be the same, and stand once, with and without one. An old text found once goes as it is.
 * In a MultiEdit, the file is followed only while each call before is known to be made or refused the same with and
 * without that newline (`madeOn`); from the first that is not, the edits go as they were.
 */
import type { JsonObject } from './client-tools';
import { switchedOn } from './tool-input-coercion';

/**
 * The agent's Edit, or its MultiEdit's edits as one Edit each (../anthropic/multi-edit.ts), as Cline's editor is sent
 * them: each with `replace_all` as one replacement of a span that stands once in the file as the calls before it left
 * it, which is `lines` for the first. Cline runs a split MultiEdit's calls in order, each on the file as the one before
 * left it, as MultiEdit makes its edits, so the file is followed from call to call as Cline changes it.
 */
export function replaceAllAsOne(lines: readonly string[], edits: readonly JsonObject[]): JsonObject[] {
  const text = lines.join('\n');
  // The file as the next edit finds it, without and with a final newline (a read does not show which), while known.
  let texts: readonly string[] | undefined = [text, `${text}\n`];
  return edits.map((edit) => {
    const sent = (texts && spanned(texts, edit)) ?? edit;
    texts = texts && madeOn(texts, sent);
    return sent;
  });
}

/** The Edit with `replace_all` as one replacement of a span that stands once in each of `texts`, or undefined. */
function spanned(texts: readonly string[], input: JsonObject): JsonObject | undefined {
  const from = input['old_string'];
  const to = input['new_string'];
  if (typeof from !== 'string' || typeof to !== 'string' || from === '' || !switchedOn(input['replace_all'])) {
    return undefined;
  }
  const span = spanOf(texts[0]!, from);
  if (span === undefined || texts.some((text) => spanOf(text, from) !== span || occurrences(text, span) !== 1)) {
    return undefined;
  }
  return { file_path: input['file_path'], old_string: span, new_string: span.split(from).join(to) };
}

/**
 * Each of `texts` as Cline's editor leaves it after the call `sent`, or undefined where that is not known. Cline
 * replaces an old text that stands once, and refuses one found more or less often, leaving the file as it was (a
 * refusal undoes no call before it and stops none after it); where the two texts differ on that, the file is unknown.
 * So is it after an empty old text, and after a carriage return in either text: Cline matches and writes those in the
 * file's line ends (a file shown has none, ./patch-widen.ts), which this does not follow.
 */
function madeOn(texts: readonly string[], sent: JsonObject): readonly string[] | undefined {
  const from = sent['old_string'];
  const to = sent['new_string'];
  if (typeof from !== 'string' || typeof to !== 'string' || from === '' || `${from}${to}`.includes('\r')) {
    return undefined;
  }
  const once = texts.map((text) => occurrences(text, from) === 1);
  if (once.every(Boolean)) return texts.map((text) => text.replace(from, () => to));
  return once.some(Boolean) ? undefined : texts;
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
