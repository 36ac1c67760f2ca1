/**
 * The line of text a client is sent in place of a call to a tool it did not declare (see `emitUnmapped` in
 * tool-calls.ts). Most such calls are rare and read well enough as their name and JSON input. One is not rare:
 * Generation B's agent plans with its own TodoWrite, and Claude Code 2.1 (TaskCreate instead) and Codex declare
 * none, so a person watching a long task saw the agent's whole to-do list as a JSON line every few turns.
 * That one is shown as the checklist it is. So is a plan the agent asks approval for (ExitPlanMode, Claude Code's)
 * in a client that has a plan mode of its own but no such tool (opencode's plan agent, Continue's and Cline's plan
 * modes): the plan is the whole of what the call was for, and as a JSON line it was cut at 400 characters.
 *
 * What the agent is told in each call's place is here too, in one place for the two that say it: the proxy answering
 * the call (proxy/declined-calls.ts), and a later request reading the note back as the call (orchids/shown-calls.ts).
 */
import { NO_PATCH_FORM } from '../orchids/patch-compose';
import { ONE_EDIT_A_TURN, SAME_FILE_THIS_TURN } from './multi-edit';
import { checklistLines } from '../orchids/plan-compose';
import { canonicalToolName } from '../orchids/tool-names';
import { normalizeKey } from '../orchids/tool-vocabulary';
import { offeredTools, withDeferredTools } from './deferred-tools';
import type { MessagesRequest } from './types';

/** A call shown as what it was for: its text for the user, and what the agent is told in the call's place. */
export interface ShownCall {
  text: string;
  answer: string;
  /** The answer says the call failed: the agent reads it as its tool's error. */
  isError?: true;
}

/** How much of a call's JSON input the generic line shows; the call itself is recorded whole. */
const INPUT_SHOWN = 400;
/** What ends an input the generic line shows cut. No JSON ends with it: the whole one of an object ends with `}`. */
const CUT = '…';
/** How many of the client's tool names a declined call's result lists: enough to steer the agent, not a tool list. */
const NAMES_LISTED = 40;

/**
 * The first line of each note, exactly as the client is shown it. The client sends its history back with the notes
 * in the agent's turn, so these are also what a later request is read for (orchids/shown-calls.ts): exported, the
 * two can never drift apart.
 */
export const TODO_HEADING = "The agent's plan (this client has no to-do tool to show it in):";
export const PLAN_HEADING = "The agent's plan, for your approval (this client has no tool to approve it with):";
export const CALL_NOTE_START = '[The agent called the tool "';
export const NOT_RUN = 'which this client does not provide, so it was not run';
/**
 * The last line of the plan for approval, a paragraph of its own. A client that joins a turn's texts into one (Cline,
 * a Chat Completions string) sends the agent's words after the plan in the same text, where nothing else tells them
 * from the plan's own paragraphs: read back, they went up inside the plan. A line the user sees says where the plan
 * stops; a mark they could not see (a zero-width character, an HTML comment) is the kind of thing a client trims or
 * shows raw.
 */
export const PLAN_END = '(End of the plan.)';
/** The generic line's words for an edit the client has the tool for but no patch can say (`EDIT_DECLINES`). */
export const NO_PATCH_NOT_RUN = "whose edit has no patch form for this client's apply_patch, so it was not run";
/** The generic line's words for a MultiEdit on Continue's one-edit Edit (`EDIT_DECLINES`). */
export const ONE_EDIT_NOT_RUN =
  "whose edits this client's Edit would make each on the file as the turn found it, so it was not run";
/** The generic line's words for an edit of a file an earlier call of the turn edits or writes, on Continue's tools. */
export const SAME_FILE_NOT_RUN =
  'whose file a call before it in this turn edits, which this client would have undone, so it was not run';

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

/** The parts of a request that say which tools the client has. */
export type ClientToolsSource = Pick<MessagesRequest, 'tools' | 'system' | 'messages'>;

/**
 * What the agent is told in place of the result of a call to a tool the client lacks (`name` as it called the tool),
 * by the request's tools: that the call was not run, and the tools it could call instead. Those are read at the first
 * answer, once, so a request that needs none reads nothing.
 */
export function declinedAnswers(request: ClientToolsSource): (name: string) => string {
  let offered: string | undefined;
  return (name) => {
    offered ??= offeredSentence(request);
    return `${notRunAnswer(name)} ${offered}`;
  };
}

/**
 * The start of `declinedAnswers`' words, without the client's tools: what a call read back from a later request's
 * history is answered with (orchids/shown-calls.ts). The tools the agent was offered then are the earlier request's,
 * which the later one does not carry (a tool search may have loaded more since, a plan mode switched them); listed
 * from the later request's, the answer would be words the agent was never given, and would change with each request's
 * tools. The agent is shown the tools it has now in the request itself.
 */
export function notRunAnswer(name: string): string {
  return `This client has no tool named "${name}", so the call was not run.`;
}

function offeredSentence(request: ClientToolsSource): string {
  // The tools a tool search holds back are the client's as much as those it declares whole. Of those it declares
  // marked as deferred, the ones its search loaded are offered (Claude Code declares a loaded MCP tool so), the
  // placeholder it declares only to keep that search on, never loaded, is not: the tools Generation A is shown.
  const names = (withDeferredTools(offeredTools(request.tools, request.messages), request) ?? [])
    .map((tool) => tool.name)
    .filter((name) => typeof name === 'string');
  if (names.length === 0) return 'It has no tools: answer in text.';
  const listed = `${names.slice(0, NAMES_LISTED).join(', ')}${names.length > NAMES_LISTED ? ', …' : ''}`;
  return `Its tools are: ${listed}. Use one of those, or go on without it.`;
}

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
  return { text: `${PLAN_HEADING}\n\n${plan.trim()}\n\n${PLAN_END}`, answer: PLAN_ANSWER };
}

/**
 * Why an edit of the agent's, for a client that has the tool, was declined (anthropic/tool-calls.ts says why each is):
 * the words the generic line shows the user, and what the agent is told as its edit's error. One table for the two
 * that say them: the proxy answering the call, and a later request reading the line back (orchids/shown-calls.ts).
 * - `noPatchForm`: an edit Codex's apply_patch cannot say (orchids/patch-compose.ts `hasNoPatchForm`); sent, it was an
 *   empty patch Codex refused, a failed call in the user's window and a request spent on it.
 * - `oneEditATurn`: a MultiEdit on Continue's one-edit Edit.
 * - `sameFile`: a later edit of a file one of the turn's calls already edits or writes, on Continue's tools.
 */
export const EDIT_DECLINES = {
  noPatchForm: { why: NO_PATCH_NOT_RUN, told: NO_PATCH_FORM },
  oneEditATurn: { why: ONE_EDIT_NOT_RUN, told: ONE_EDIT_A_TURN },
  sameFile: { why: SAME_FILE_NOT_RUN, told: SAME_FILE_THIS_TURN },
} as const;

/** The agent's edit declined for `reason`: the line the user is shown, the error the agent is told. */
export function declinedEdit(
  name: string,
  input: Record<string, unknown>,
  reason: keyof typeof EDIT_DECLINES,
): ShownCall {
  const { why, told } = EDIT_DECLINES[reason];
  return { text: callText(name, input, why), answer: told, isError: true };
}

/**
 * The generic line: the tool's name, quoted as a JSON string is (a plain word shows as itself), why it was not run,
 * and its JSON input, cut at `INPUT_SHOWN` characters, as inline code. Quoted so, the name reads back whole whatever
 * it holds (`shownName`): a `"` or a line break in it, written raw, ended the name early or the line.
 */
export function callText(name: string, input: Record<string, unknown>, why = NOT_RUN): string {
  let json = JSON.stringify(input);
  if (json.length > INPUT_SHOWN) json = `${json.slice(0, INPUT_SHOWN)}${CUT}`;
  return `${CALL_NOTE_START}${JSON.stringify(name).slice(1, -1)}", ${why}. Input: ${inlineCode(json)}]`;
}

/** The name the generic line shows (between its quotes), read back; undefined if `callText` never writes it so. */
export function shownName(quoted: string): string | undefined {
  try {
    const name: unknown = JSON.parse(`"${quoted}"`);
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The input the generic line shows (the text inside its inline code), read back as the object the agent wrote.
 * Undefined when it was cut, which the mark at its end says, or is not what `callText` writes whole (longer than it
 * shows, not an object's JSON): only the input the agent wrote can go back as its call.
 */
export function shownInput(code: string): Record<string, unknown> | undefined {
  if (code.endsWith(CUT) || code.length > INPUT_SHOWN) return undefined;
  let input: unknown;
  try {
    input = JSON.parse(code);
  } catch {
    return undefined;
  }
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : undefined;
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
