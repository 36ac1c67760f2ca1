/**
 * The line of text a client is sent in place of a call to a tool it did not declare (see `emitUnmapped` in
 * tool-calls.ts). Most such calls are rare and read well enough as their name and JSON input. One is not rare:
 * Generation B's agent plans with its own TodoWrite, and Claude Code 2.1 (TaskCreate instead) and Codex declare
 * none, so a person watching a long task saw the agent's whole to-do list as a JSON line every few turns.
 * That one is shown as the checklist it is.
 */
import { checklistLines } from '../orchids/plan-compose';
import { canonicalToolName } from '../orchids/tool-names';

/** How much of a call's JSON input the generic line shows; the call itself is recorded whole. */
const INPUT_SHOWN = 400;

export function unmappedCallText(name: string, input: Record<string, unknown>): string {
  return planText(name, input) ?? callText(name, input);
}

/** The agent's to-do list as a checklist, when the call is one; undefined for any other call. */
export function planText(name: string, input: Record<string, unknown>): string | undefined {
  return canonicalToolName(name) === 'TodoWrite' ? planLines(input.todos) : undefined;
}

/** The generic line: the tool's name and its JSON input, cut at `INPUT_SHOWN` characters, as inline code. */
export function callText(name: string, input: Record<string, unknown>): string {
  let json = JSON.stringify(input);
  if (json.length > INPUT_SHOWN) json = `${json.slice(0, INPUT_SHOWN)}…`;
  const why = 'which this client does not provide, so it was not run';
  return `[The agent called the tool "${name}", ${why}. Input: ${inlineCode(json)}]`;
}

/**
 * `text` as Markdown inline code, fenced by one backtick more than its longest run of them (CommonMark), so a
 * client that renders its answers as Markdown shows the JSON as written: Continue's window read the `_` pair in
 * `{"file_path":…,"old_string":…}` as italics and showed `filepath`, and pairs of `*` (a glob's) can read as
 * emphasis in any Markdown. The text is JSON of an object, cut or not, so it never begins or ends with a backtick
 * (which would need a space inside the fence).
 */
function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${text}${fence}`;
}

/** The agent's to-do list as a checklist with a line saying why it is text, or undefined (orchids/plan-compose.ts). */
function planLines(todos: unknown): string | undefined {
  const lines = checklistLines(todos);
  return lines && `The agent's plan (this client has no to-do tool to show it in):\n${lines.join('\n')}`;
}
