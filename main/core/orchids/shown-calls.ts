/**
 * The proxy's notes in the history a client sends back, turned back into what the agent did. A call to a tool the
 * client lacks is shown to it as a note of the proxy's (anthropic/unmapped-call-text.ts), and the client replays
 * that note in the agent's turn as if the agent had written it: the agent would read words it never wrote and not
 * the call it made. A note that can be read back whole (the to-do checklist; the plan for approval) goes up as the
 * call and the result the proxy gave it at the time (proxy/declined-calls.ts), the agent's words after it as its
 * next turn. So does the generic line naming any other tool, when its input is shown whole: its result is the error
 * the agent was given, less the client's tools it listed then (`notRunAnswer` says why), or, for an edit declined
 * for a reason the line gives (`EDIT_DECLINES`), the error saying how to make it instead.
 *
 * Only an assistant turn is read, and only from a note's exact first line at the start of a line: the agent's words
 * around it go up as the client sent them, less the paragraph breaks the proxy put around the note.
 */
import {
  CALL_NOTE_START,
  EDIT_DECLINES,
  NOT_RUN,
  notRunAnswer,
  PLAN_ANSWER,
  PLAN_END,
  PLAN_HEADING,
  shownInput,
  shownName,
  TODO_HEADING,
  todoAnswer,
} from '../anthropic/unmapped-call-text';
import type { ContentBlock, Message, OtherBlock } from '../anthropic/types';
import { checklistTodo } from './plan-compose';

type Block = ContentBlock | OtherBlock;

/** A note found in a text: where it starts and ends, and the call it stands for (none: dropped). */
interface Note {
  start: number;
  end: number;
  call?: { name: string; input: Record<string, unknown>; answer: string; isError?: true };
}

const BREAK = '\n\n';
const CRLF = /\r\n/g;
/**
 * Why the generic line says the call was not run: the client lacks the tool, or one of the reasons an edit of the
 * agent's was declined; with what the agent was told for each reason but the first.
 */
const TOLD: ReadonlyMap<string, string> = new Map(Object.values(EDIT_DECLINES).map(({ why, told }) => [why, told]));
const WHY_NOT_RUN = `(${[NOT_RUN, ...TOLD.keys()].map(escaped).join('|')})`;
/**
 * DECISION: a generic line whose input was cut is dropped, not kept marked as the proxy's. It cannot become the call
 * the agent made; kept in the agent's turn, marked or not, it is still text the agent reads as its own, which it then
 * writes itself in place of calls. The call was not run and the agent was told so at the time; without the line it
 * loses nothing it could act on. The fence is the backtick run that opened it (inlineCode): any run in the input is
 * shorter. The name is quoted as a JSON string (callText): no `"` in it but an escaped one.
 */
const CALL_NOTE = new RegExp(
  `${escaped(CALL_NOTE_START)}((?:[^"\\\\\\n]|\\\\[^\\n])*)", ${WHY_NOT_RUN}\\. Input: (\`+)([\\s\\S]*?)\\3\\]`,
  'y',
);
/** The plan's last line, after the paragraph break that ends the plan, and ending the text or a line. */
const PLAN_CLOSE = `${BREAK}${PLAN_END}`;

/** The conversation with each note in an assistant turn turned back into the agent's call; the same array if none. */
export function restoreShownCalls(messages: readonly Message[]): readonly Message[] {
  let out: Message[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    // A note as the conversation's last turn is a prefill, which the agent is to go on from: split, it would not be.
    const restored =
      message?.role === 'assistant' && i < messages.length - 1 && holdsNote(message.content)
        ? restoreTurn(message.content, `toolu_shown_${i}`)
        : undefined;
    if (restored === undefined) {
      out?.push(message);
      continue;
    }
    out ??= messages.slice(0, i);
    out.push(...restored.turns);
    if (restored.pending.length > 0) {
      const next = messages[i + 1]!;
      if (next?.role === 'user') {
        out.push(withResults(next, restored.pending));
        i++;
      } else out.push({ role: 'user', content: restored.pending });
    }
  }
  return out ?? messages;
}

/** The cheap test, before any parsing: some text of the turn holds a note's first line. */
function holdsNote(content: Message['content']): boolean {
  if (typeof content === 'string') return hasHeading(content);
  if (!Array.isArray(content)) return false;
  return content.some((block) => block?.type === 'text' && typeof block.text === 'string' && hasHeading(block.text));
}

function hasHeading(text: string): boolean {
  return text.includes(TODO_HEADING) || text.includes(PLAN_HEADING) || text.includes(CALL_NOTE_START);
}

/**
 * One assistant turn as the turns the agent wrote: each call a note stands for ends one, its result follows as a user
 * turn, and what follows the note starts the next. A call after a call of the client's, whose result comes in the
 * client's next turn, stays in the same turn, its result with that one (`pending`). Undefined when no note is there.
 */
function restoreTurn(
  content: Message['content'],
  idPrefix: string,
): { turns: Message[]; pending: ContentBlock[] } | undefined {
  const blocks: Block[] = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  const turns: Message[] = [];
  let current: Block[] = [];
  let pending: ContentBlock[] = [];
  let clientCalls = false;
  let found = 0;
  const add = (block: Block, ours = false): void => {
    if (pending.length > 0 && !clientCalls) {
      turns.push({ role: 'assistant', content: current }, { role: 'user', content: pending });
      current = [];
      pending = [];
    }
    if (block?.type === 'tool_use' && !ours) clientCalls = true;
    current.push(block);
  };
  const addText = (text: string): void => {
    if (text.trim() !== '') add({ type: 'text', text });
  };
  // The agent's words after a note start with the paragraph break the proxy put there, in the note's text or the next.
  let afterNote = false;
  for (const block of blocks) {
    if (block?.type !== 'text' || typeof block.text !== 'string') {
      afterNote = false;
      add(block);
      continue;
    }
    // The proxy wrote the turn with \n; a client may send it back with \r\n (a Windows one), and every line of a note
    // is read exactly: its plan's last line unmatched, a plan ran to the end of the text, the words after it in it.
    const sent = block.text.includes('\r\n') ? block.text.replace(CRLF, '\n') : block.text;
    let text = afterNote && sent.startsWith(BREAK) ? sent.slice(BREAK.length) : sent;
    if (!hasHeading(text)) {
      if (text.trim() !== '') afterNote = false;
      addText(text);
      continue;
    }
    for (let note = findNote(text); note !== undefined; note = findNote(text)) {
      found++;
      const before = text.slice(0, note.start);
      addText(before.endsWith(BREAK) ? before.slice(0, -BREAK.length) : before);
      if (note.call) {
        const id = `${idPrefix}_${found}`;
        add({ type: 'tool_use', id, name: note.call.name, input: note.call.input }, true);
        const result: ContentBlock = { type: 'tool_result', tool_use_id: id, content: note.call.answer };
        pending.push(note.call.isError ? { ...result, is_error: true } : result);
      }
      text = text.slice(note.end);
      if (text.startsWith(BREAK)) text = text.slice(BREAK.length);
      afterNote = true;
    }
    if (text.trim() !== '') afterNote = false;
    addText(text);
  }
  if (found === 0) return undefined;
  if (current.length > 0) turns.push({ role: 'assistant', content: current });
  return { turns, pending };
}

/** The first note in `text` whose first line starts a line there. */
function findNote(text: string): Note | undefined {
  let best: Note | undefined;
  for (const heading of [TODO_HEADING, PLAN_HEADING, CALL_NOTE_START]) {
    for (let at = text.indexOf(heading); at !== -1; at = text.indexOf(heading, at + 1)) {
      if (best !== undefined && at >= best.start) break;
      if (at > 0 && text[at - 1] !== '\n') continue;
      const note = readNote(text, at, heading);
      if (note !== undefined) {
        best = note;
        break;
      }
    }
  }
  return best;
}

function readNote(text: string, start: number, heading: string): Note | undefined {
  if (heading === TODO_HEADING) return readChecklist(text, start);
  if (heading === PLAN_HEADING) return readPlan(text, start);
  CALL_NOTE.lastIndex = start;
  const match = CALL_NOTE.exec(text);
  const name = match === null ? undefined : shownName(match[1]!);
  if (match === null || name === undefined) return undefined;
  const end = start + match[0].length;
  const input = shownInput(match[4]!);
  if (input === undefined) return { start, end };
  const answer = TOLD.get(match[2]!) ?? notRunAnswer(name);
  return { start, end, call: { name, input, answer, isError: true } };
}

/**
 * The plan under its heading, up to its last line (`PLAN_END`): the first one that is a line of its own after a
 * paragraph break. DECISION: with no such line (a note shown before the proxy wrote one) the plan runs to the end of
 * the text, the agent's words after it in a joined text with it: nothing tells them from the plan's own paragraphs, and
 * a plan cut short would be a call the agent never made; the agent was told to end its turn there, so there are seldom
 * any. A plan that holds that line itself is cut there: the agent is sent its call, never the line, so has no cause
 * to write it.
 */
function readPlan(text: string, start: number): Note | undefined {
  const from = start + PLAN_HEADING.length;
  if (!text.startsWith(BREAK, from) || text.slice(from).trim() === '') return undefined;
  let close = text.indexOf(PLAN_CLOSE, from);
  for (; close !== -1; close = text.indexOf(PLAN_CLOSE, close + 1)) {
    const after = close + PLAN_CLOSE.length;
    if (after === text.length || text[after] === '\n') break;
  }
  const end = close === -1 ? text.length : close + PLAN_CLOSE.length;
  const plan = text.slice(from + BREAK.length, close === -1 ? text.length : close).trimEnd();
  if (plan.trim() === '') return undefined;
  return { start, end, call: { name: 'ExitPlanMode', input: { plan }, answer: PLAN_ANSWER } };
}

/**
 * The checklist under its heading, line by line up to the first line that is not one of its items. A list that
 * shows less than the agent wrote (an item cut, items left off) cannot be the call it made, so it is dropped, as the
 * generic line is.
 *
 * DECISION: each item comes back as its words and status, without the `activeForm` the agent wrote (Claude Code's
 * TodoWrite item; the words a to-do tool's spinner shows while the item runs). The agent's call never reached the
 * client, only this checklist, so nothing the client sends back holds it, and a request is read from itself alone (no
 * state between requests; the debug record is not read on the way in). Writing it into the checklist so it could be
 * read back would show the user every item twice (or, as a hidden Markdown comment, print it raw where a client shows
 * text as it is: `qwen -p`, Cline); made up from the words, it would be words the agent never wrote. Left off, the
 * agent sees its call less one field it needs nothing from: it writes its whole list again on each call, and where the
 * list goes back up as this checklist no tool wants the field; and the upstream is sent no schema that requires it
 * (Generation A is shown none for its TodoWrite where the client declares no to-do tool; Generation B is sent no tool
 * definitions at all).
 */
function readChecklist(text: string, start: number): Note | undefined {
  let at = start + TODO_HEADING.length;
  if (text[at] !== '\n') return undefined;
  const todos: Array<{ content: string; status: string }> = [];
  let cut = false;
  let end = at;
  while (text[at] === '\n') {
    const lineEnd = text.indexOf('\n', at + 1);
    const line = text.slice(at + 1, lineEnd === -1 ? text.length : lineEnd);
    const todo = checklistTodo(line);
    if (todo === undefined) break;
    if (todo === 'cut') cut = true;
    else todos.push(todo);
    end = at = lineEnd === -1 ? text.length : lineEnd;
  }
  if (end === start + TODO_HEADING.length) return undefined;
  if (cut) return { start, end };
  return { start, end, call: { name: 'TodoWrite', input: { todos }, answer: todoAnswer('TodoWrite') } };
}

/** The client's turn after the agent's, with the results of the agent's calls first, where results go. */
function withResults(message: Message, results: ContentBlock[]): Message {
  const content: Block[] =
    typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [...message.content];
  const first = content.findIndex((block) => block?.type !== 'tool_result');
  content.splice(first === -1 ? content.length : first, 0, ...results);
  return { ...message, content };
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
