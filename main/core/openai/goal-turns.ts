/**
 * Codex CLI's goals, seen from one request. While a goal is active, Codex's TUI starts turn after turn on its own,
 * each opened by a user message of its own (its `goals/continuation.md`, "Continue working toward the active thread
 * goal …"), until the model calls its `update_goal` tool with `complete`. Generation B's agent runs only its own
 * tools, so it can never make that call: against it the TUI would go on for ever, each turn an Orchids request paid
 * with the user's credits (93 in 15 s against the simulator). Codex sends the whole conversation every time, so the
 * request itself says how many turns Codex started in a row and whether any of them did anything.
 */
import { isObject } from './params';

/** How Codex 0.171 opens every text of the kind; `goal` is the turn it starts itself to go on with the goal. */
const CONTINUATION_OPENING = '<codex_internal_context source="goal">';

/**
 * Turns Codex started on its own in a row, answered with text alone, that Generation B still serves; the next is
 * refused. Three, because Codex's own instructions to the model count the same three before a goal may be called
 * blocked ("the same blocking condition has repeated for at least three consecutive goal turns"), and because each
 * turn costs the user an Orchids request: three bound the waste at a few requests while leaving an agent that is
 * still working (a turn with a tool call is progress and starts the count again) all the turns it needs.
 */
export const MAX_IDLE_GOAL_TURNS = 3;

/**
 * When the request is a turn Codex started itself to go on with a goal (its input ends with the continuation
 * message): how many such turns came just before it in a row with no tool call, the user's own turn not counted.
 * 0 for any other request, and for one that follows a turn that called a tool or a message of the user's.
 */
export function idleGoalTurns(input: unknown): number {
  if (!Array.isArray(input) || !isContinuation(input.at(-1))) return 0;
  let idle = 0;
  for (let i = input.length - 2; i >= 0; i--) {
    const item: unknown = input[i];
    if (isContinuation(item)) idle += 1;
    else if (!isTurnText(item)) return idle;
  }
  return idle;
}

/** The message Codex opens a turn of its own with while a goal is active. */
function isContinuation(item: unknown): boolean {
  if (!isObject(item) || item.role !== 'user') return false;
  const { content } = item;
  const first: unknown = typeof content === 'string' ? content : Array.isArray(content) ? content[0] : undefined;
  const text = typeof first === 'string' ? first : isObject(first) ? first.text : undefined;
  return typeof text === 'string' && text.trimStart().startsWith(CONTINUATION_OPENING);
}

/**
 * What a turn that only talked leaves in the conversation, and what Codex puts beside it: the answer's text and
 * reasoning, Codex's own system text, and the goal it keeps attached (an output no call asked for). A user's
 * message, a call or a call's output is not.
 */
function isTurnText(item: unknown): boolean {
  if (!isObject(item)) return false;
  if (item.type === 'reasoning') return true;
  if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
    return item.call_id === undefined || item.call_id === null;
  }
  if (item.type !== undefined && item.type !== 'message') return false;
  return item.role === 'assistant' || item.role === 'developer' || item.role === 'system';
}

/** What a refused turn tells the user, in Codex's window. */
export function goalStoppedMessage(idle: number): string {
  return (
    `Orchids Tray stopped this goal after ${idle} turns in a row that Codex started on its own with no tool call: ` +
    "Generation B's agent cannot call Codex's update_goal, so it can never mark the goal complete, and Codex would " +
    'keep starting turns, each one an Orchids request paid with your credits. /goal clear ends the goal; ' +
    `/goal resume allows ${MAX_IDLE_GOAL_TURNS} more such turns. Your own messages are answered as usual.`
  );
}
