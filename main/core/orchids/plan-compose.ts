/**
 * The agent's to-do list as Codex CLI's plan. Generation B's agent plans with its own TodoWrite (`todos`: items of
 * `content`, `status`, `activeForm`); Codex CLI, when its config turns the tool on, declares `update_plan` (`plan`:
 * items of `step` and `status`, the same three statuses, and an optional `explanation`) and shows the plan in its
 * own list. The keys share no synonym and the list is nested, so the call is rewritten whole here. Continue's CLI
 * (`cn` 1.5) declares `Checklist` (`checklist`: one Markdown string, `- [ ]` to do and `- [x]` done) and shows it as
 * its own checklist: it gets the list as those lines.
 */
import type { JsonObject } from './client-tools';
import { asRecord } from './client-tools';
import { parseJson } from './tool-input-coercion';
import { canonicalToolName } from './tool-names';

/** The client tool that takes the plan, by name (Codex CLI's). */
const PLAN_TOOL = 'update_plan';
/** The client tool that takes the plan as one Markdown checklist, and the key it goes under (Continue's). */
const CHECKLIST_TOOL = 'checklist';
const CHECKLIST_KEY = 'checklist';
/** A plan longer than this is cut (the rest counted), so a runaway list cannot flood the client's screen. */
const PLAN_ITEMS_SHOWN = 50;
/** One item's words beyond this are cut: an item is a line of a checklist, not a document. */
const PLAN_ITEM_CHARS = 200;

const STATUSES = new Set(['pending', 'in_progress', 'completed']);

/** `update_plan`'s input for an agent TodoWrite, or undefined when the call is not one or has no step to show. */
export function composePlan(
  input: JsonObject,
  schema: JsonObject | undefined,
  upstreamName: string,
  clientName: string,
): JsonObject | undefined {
  if (composesChecklist(upstreamName, clientName, schema)) {
    const lines = checklistLines(todosOf(input));
    return lines ? { [CHECKLIST_KEY]: lines.join('\n') } : undefined;
  }
  if (clientName !== PLAN_TOOL || canonicalToolName(upstreamName) !== 'TodoWrite') return undefined;
  if (!Object.hasOwn(asRecord(schema?.['properties']) ?? {}, 'plan')) return undefined;
  const todos = todosOf(input);
  if (!Array.isArray(todos)) return undefined;
  const plan = todos.flatMap((todo: unknown) => {
    const item = typeof todo === 'string' ? { content: todo } : asRecord(todo);
    const step = item?.['content'] ?? item?.['step'] ?? item?.['activeForm'];
    if (typeof step !== 'string' || step.trim() === '') return [];
    const status = typeof item?.['status'] === 'string' ? item['status'].toLowerCase() : '';
    // Codex refuses a status it does not know; anything else the agent wrote (`cancelled`) is still to be done.
    return [{ step, status: STATUSES.has(status) ? status : 'pending' }];
  });
  return plan.length > 0 ? { plan } : undefined;
}

/**
 * Whether the call is the agent's TodoWrite going to a checklist tool that takes one Markdown string: the input is
 * then rebuilt whole, so it may not stream to the client as it arrives.
 */
export function composesChecklist(upstreamName: string, clientName: string, schema: JsonObject | undefined): boolean {
  if (clientName.toLowerCase() !== CHECKLIST_TOOL || canonicalToolName(upstreamName) !== 'TodoWrite') return false;
  return asRecord(asRecord(schema?.['properties'])?.[CHECKLIST_KEY])?.['type'] === 'string';
}

function todosOf(input: JsonObject): unknown {
  const raw = input['todos'];
  return typeof raw === 'string' ? parseJson(raw) : raw;
}

/**
 * The agent's to-do list as Markdown checklist lines, or undefined when `todos` is not a list of items with words
 * (Claude Code's `{content, status, activeForm}`; a bare string item is taken as its content).
 */
export function checklistLines(todos: unknown): string[] | undefined {
  if (!Array.isArray(todos) || todos.length === 0) return undefined;
  const lines: string[] = [];
  for (const todo of todos.slice(0, PLAN_ITEMS_SHOWN)) {
    const item = checklistItem(todo);
    if (item === undefined) return undefined;
    lines.push(item);
  }
  if (todos.length > PLAN_ITEMS_SHOWN) lines.push(`- … and ${todos.length - PLAN_ITEMS_SHOWN} more`);
  return lines;
}

/** One checklist line read back: the item's words and status (each form `checklistItem` writes). */
const CHECKLIST_LINES: ReadonlyArray<[RegExp, string]> = [
  [/^- \[x\] (.+)$/, 'completed'],
  [/^- \[ \] ~~(.+)~~ \(cancelled\)$/, 'cancelled'],
  [/^- \[ \] (.+) \(in progress\)$/, 'in_progress'],
  [/^- \[ \] (.+)$/, 'pending'],
];

/**
 * A line `checklistLines` writes, read back as the to-do item it shows; `cut` when it shows less than the agent wrote
 * (an item's words cut, or the count of items left off); undefined for any other line.
 */
export function checklistTodo(line: string): { content: string; status: string } | 'cut' | undefined {
  if (/^- … and \d+ more$/.test(line)) return 'cut';
  for (const [form, status] of CHECKLIST_LINES) {
    const content = form.exec(line)?.[1];
    if (content === undefined) continue;
    return content.length > PLAN_ITEM_CHARS && content.endsWith('…') ? 'cut' : { content, status };
  }
  return undefined;
}

function checklistItem(todo: unknown): string | undefined {
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
