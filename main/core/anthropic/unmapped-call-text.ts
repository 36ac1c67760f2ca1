/**
 * The line of text a client is sent in place of a call to a tool it did not declare (see `emitUnmapped` in
 * tool-calls.ts). Most such calls are rare and read well enough as their name and JSON input. One is not rare:
 * Generation B's agent plans with its own TodoWrite, and Claude Code 2.1 (TaskCreate instead), Codex and Continue
 * declare none, so a person watching a long task saw the agent's whole to-do list as a JSON line every few turns.
 * That one is shown as the checklist it is.
 */
import { canonicalToolName } from '../orchids/tool-names';

/** How much of a call's JSON input the generic line shows; the call itself is recorded whole. */
const INPUT_SHOWN = 400;
/** A plan longer than this is cut (the rest counted), so a runaway list cannot flood the client's screen. */
const PLAN_ITEMS_SHOWN = 50;
/** One item's words beyond this are cut: an item is a line of a checklist, not a document. */
const PLAN_ITEM_CHARS = 200;

export function unmappedCallText(name: string, input: Record<string, unknown>): string {
  return planText(name, input) ?? callText(name, input);
}

/** The agent's to-do list as a checklist, when the call is one; undefined for any other call. */
export function planText(name: string, input: Record<string, unknown>): string | undefined {
  return canonicalToolName(name) === 'TodoWrite' ? planLines(input.todos) : undefined;
}

/** The generic line: the tool's name and its JSON input, cut at `INPUT_SHOWN` characters. */
export function callText(name: string, input: Record<string, unknown>): string {
  let json = JSON.stringify(input);
  if (json.length > INPUT_SHOWN) json = `${json.slice(0, INPUT_SHOWN)}…`;
  return `[The agent called the tool "${name}", which this client does not provide, so it was not run. Input: ${json}]`;
}

/**
 * The agent's to-do list as a Markdown checklist, or undefined when `todos` is not a list of items with words
 * (Claude Code's `{content, status, activeForm}`; a bare string item is taken as its content). Anything else falls
 * back to the generic line, so nothing the agent sent is hidden.
 */
function planLines(todos: unknown): string | undefined {
  if (!Array.isArray(todos) || todos.length === 0) return undefined;
  const lines: string[] = [];
  for (const todo of todos.slice(0, PLAN_ITEMS_SHOWN)) {
    const item = planItem(todo);
    if (item === undefined) return undefined;
    lines.push(item);
  }
  if (todos.length > PLAN_ITEMS_SHOWN) lines.push(`- … and ${todos.length - PLAN_ITEMS_SHOWN} more`);
  return `The agent's plan (this client has no to-do tool to show it in):\n${lines.join('\n')}`;
}

function planItem(todo: unknown): string | undefined {
  const record = typeof todo === 'string' ? { content: todo } : (todo as Record<string, unknown> | null);
  if (record === null || typeof record !== 'object') return undefined;
  const words = typeof record.content === 'string' ? record.content : record.text;
  if (typeof words !== 'string' || words.trim() === '') return undefined;
  const content = oneLine(words);
  switch (record.status) {
    case 'completed':
    case 'done':
      return `- [x] ${content}`;
    case 'in_progress':
      return `- [ ] ${content} (in progress)`;
    case 'cancelled':
      return `- [ ] ~~${content}~~ (cancelled)`;
    default:
      return `- [ ] ${content}`;
  }
}

/** An item on one line, however the agent wrapped it, and no longer than a checklist line should be. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PLAN_ITEM_CHARS ? `${flat.slice(0, PLAN_ITEM_CHARS)}…` : flat;
}
