/**
 * The line of text a client is sent in place of a call to a tool it did not declare (see `emitUnmapped` in
 * tool-calls.ts). Most such calls are rare and read well enough as their name and JSON input. One is not rare:
 * Generation B's agent plans with its own TodoWrite, and Claude Code 2.1 (TaskCreate instead) and Codex declare
 * none, so a person watching a long task saw the agent's whole to-do list as a JSON line every few turns.
 * That one is shown as the checklist it is. So is a plan the agent asks approval for (ExitPlanMode, Claude Code's)
 * in a client that has a plan mode of its own but no such tool (opencode's plan agent, Continue's and Cline's plan
 * modes): the plan is the whole of what the call was for, and as a JSON line it was cut at 400 characters.
 */
import { checklistLines } from '../orchids/plan-compose';
import { canonicalToolName } from '../orchids/tool-names';
import { normalizeKey } from '../orchids/tool-vocabulary';

/** A call shown as what it was for: its text for the user, and what the agent is told in the call's place. */
export interface ShownCall {
  text: string;
  answer: string;
}

/** How much of a call's JSON input the generic line shows; the call itself is recorded whole. */
const INPUT_SHOWN = 400;

/**
 * The first line of each note, exactly as the client is shown it. The client sends its history back with the notes
 * in the agent's turn, so these are also what a later request is read for (orchids/shown-calls.ts): exported, the
 * two can never drift apart.
 */
export const TODO_HEADING = "The agent's plan (this client has no to-do tool to show it in):";
export const PLAN_HEADING = "The agent's plan, for your approval (this client has no tool to approve it with):";
export const CALL_NOTE_START = '[The agent called the tool "';
export const NOT_RUN = 'which this client does not provide, so it was not run';

/** What the agent is told in place of its TodoWrite's result (`name` as it called the tool). */
export function todoAnswer(name: string): string {
  return (
    'This client has no to-do tool, so your plan was shown to the user as a checklist instead. ' +
    `Go on with the task, and call ${name} again when the plan changes.`
  );
}

/** What the agent is told in place of its ExitPlanMode's result. */
export const PLAN_ANSWER =
  'This client has no tool to approve a plan, so your plan was shown to the user as text instead. ' +
  'End your turn now: the user will answer it in their next message.';

export function unmappedCallText(name: string, input: Record<string, unknown>): string {
  return shownCall(name, input)?.text ?? callText(name, input);
}

/** The agent's to-do list as a checklist, or its plan for approval as written; undefined for any other call. */
export function shownCall(name: string, input: Record<string, unknown>): ShownCall | undefined {
  if (canonicalToolName(name) === 'TodoWrite') {
    const text = planLines(input.todos);
    // The plan reached the user, which is what the call was for: said so, the agent keeps it up to date instead of
    // looking among the client's tools for another way to plan.
    return text === undefined ? undefined : { text, answer: todoAnswer(name) };
  }
  const plan = input.plan;
  if (normalizeKey(name) !== 'exitplanmode' || typeof plan !== 'string' || plan.trim() === '') return undefined;
  // The user approves a plan by answering it; going on would start the work the client's plan mode holds back.
  return { text: `${PLAN_HEADING}\n\n${plan.trim()}`, answer: PLAN_ANSWER };
}

/** The generic line: the tool's name and its JSON input, cut at `INPUT_SHOWN` characters, as inline code. */
export function callText(name: string, input: Record<string, unknown>): string {
  let json = JSON.stringify(input);
  if (json.length > INPUT_SHOWN) json = `${json.slice(0, INPUT_SHOWN)}…`;
  return `${CALL_NOTE_START}${name}", ${NOT_RUN}. Input: ${inlineCode(json)}]`;
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
  return lines && `${TODO_HEADING}\n${lines.join('\n')}`;
}
