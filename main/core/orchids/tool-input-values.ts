/**
 * Values inside an agent tool's input that the client's tool only takes from its own vocabulary. Generation B's
 * agent is never shown the client's tools, so it writes Claude Code's values; where the client refuses them, they
 * are fitted here, after the keys are reshaped (tool-input-repair.ts):
 * - the kind of sub-agent a Task names (`general-purpose`), for a client whose tool lists the kinds it has (opencode's
 *   `task`, Continue's `Subagent`, whose kinds are the sub-agent models of the user's config);
 * - the fields of each to-do item, for a client whose to-do tool requires ones Claude Code's items lack;
 * - a shell command's timeout, which the agent gives in milliseconds, for a client whose shell takes seconds;
 * - an id for each question the agent asks, for a client whose question tool requires one (Codex CLI's).
 */
import { asRecord, type JsonObject } from './client-tools';
import { wholeNumber } from './tool-input-coercion';
import { QUESTIONS, SHELL_WAIT, SUB_AGENT, TODO_ITEM_DEFAULTS, TODO_ITEM_ID } from './tool-vocabulary';

/**
 * The kinds of sub-agent a client's tool says it has, from its description: opencode's `task` writes "Available
 * agent types and the tools they have access to:" and then one `- <kind>: <what it is for>` line a kind (indented
 * lines continue one). Empty when the description lists none, as Claude Code 2.1's `Agent` does (its kinds come in
 * the conversation): then any kind is passed on as the agent wrote it.
 */
export function listedAgentKinds(description: string | undefined): string[] {
  const heading = description?.match(/available agent types[^\n]*:[ \t]*\n/i);
  if (!description || heading?.index === undefined) return [];
  const kinds: string[] = [];
  for (const line of description.slice(heading.index + heading[0].length).split('\n')) {
    const kind = /^- ([^\s:]+):\s/.exec(line)?.[1];
    if (kind !== undefined) kinds.push(kind);
    else if (!/^\s+\S/.test(line)) break;
  }
  return kinds;
}

/**
 * The kinds Continue CLI 1.5's `Subagent` lists at the end of its `subagent_name` key's description ("The type of
 * specialized agent to use for this task. Available agents: reviewer, tester"): the names of the models its config
 * gives the `subagent` role. Empty when it lists none.
 */
export function keyListedAgentKinds(prop: JsonObject | undefined): string[] {
  const description = prop?.['description'];
  const listed = typeof description === 'string' ? /available agents:[ \t]*([^\n]*)$/i.exec(description) : null;
  return (listed?.[1] ?? '')
    .split(',')
    .map((kind) => kind.trim())
    .filter((kind) => kind !== '');
}

/**
 * The listed kind the agent's choice stands for: the same name in another case (`Explore` → `explore`), or a
 * listed kind the choice begins with (`general-purpose` → opencode's `general`); a kind the client lacks (`Plan`)
 * goes to the client's general-purpose kind, since the Task's prompt says what to do and a general agent can do it,
 * where the client would otherwise refuse the call. Undefined when the choice is listed as it is or when there is
 * no list.
 */
export function clientAgentKind(kind: string, listed: readonly string[]): string | undefined {
  if (listed.length === 0 || listed.includes(kind)) return undefined;
  const lower = kind.toLowerCase();
  const same = listed.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  const prefix = listed.find((k) => lower.startsWith(k.toLowerCase()) && /^[^a-z0-9]/.test(lower.slice(k.length)));
  return prefix ?? listed.find((k) => /^general/i.test(k));
}

/**
 * The key the client's sub-agent tool names the kind under, the kinds it lists (in its description or the key's),
 * and the one any kind goes to where none fits: the only sub-agent a Continue config has, since each is a model the
 * user gave that role to, with its own instructions, and not a specialist the agent's kind would be wrong for.
 */
function agentKinds(
  props: JsonObject,
  description: string | undefined,
): { key: string; listed: string[]; only: string | undefined } | undefined {
  const key = SUB_AGENT.agent.kinds.find((k) => Object.hasOwn(props, k));
  if (key === undefined) return undefined;
  const configured = keyListedAgentKinds(asRecord(props[key]));
  const only = configured.length === 1 ? configured[0] : undefined;
  return { key, listed: [...listedAgentKinds(description), ...configured], only };
}

/**
 * The to-do list with each item given the required fields Claude Code's `{content, status, activeForm}` lacks
 * (TODO_ITEM_DEFAULTS, TODO_ITEM_ID): opencode 1.18's `todowrite` refuses the whole list when an item has no
 * `priority`, Qwen Code 0.24.4's `todo_write` when one has no `id`.
 * Copy-on-write: `input` itself when nothing is missing.
 */
function fillTodoItems(input: JsonObject, schema: JsonObject | undefined): JsonObject {
  const props = asRecord(schema?.['properties']);
  if (!props) return input;
  let out: JsonObject | undefined;
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (!Array.isArray(value)) continue;
    const fill = itemFill(asRecord(props[key]), value);
    if (fill.length === 0) continue;
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const record = asRecord(item);
      const missing = record ? fill.filter(([field]) => !Object.hasOwn(record, field)) : [];
      if (missing.length === 0) return;
      (copy ??= value.slice())[i] = { ...record, ...Object.fromEntries(missing.map(([field, v]) => [field, v(i)])) };
    });
    if (copy) (out ??= { ...input })[key] = copy;
  }
  return out ?? input;
}

/** A field an item lacks and the value it gets, from the item's place in the list. */
type Fill = readonly [string, (index: number) => string];

/**
 * The defaults an array property's items require and a to-do item may lack, where the item schema takes them; the
 * ids those of `items`.
 */
function itemFill(prop: JsonObject | undefined, items: unknown[] = []): Fill[] {
  if (prop?.['type'] !== 'array') return [];
  const itemSchema = asRecord(prop['items']);
  const itemProps = asRecord(itemSchema?.['properties']);
  const required = itemSchema?.['required'];
  if (!itemProps || !Array.isArray(required)) return [];
  const fill: Fill[] = [];
  for (const [field, value] of TODO_ITEM_DEFAULTS) {
    if (!required.includes(field)) continue;
    const spec = asRecord(itemProps[field]);
    const type = spec?.['type'];
    if (type !== undefined && type !== 'string') continue;
    const choices = spec?.['enum'];
    if (Array.isArray(choices) && !choices.includes(value)) continue;
    fill.push([field, () => value]);
  }
  const id = asRecord(itemProps[TODO_ITEM_ID.key]);
  if (required.includes(TODO_ITEM_ID.key) && (id?.['type'] === undefined || id['type'] === 'string')) {
    const ids = todoIds(items, wholeNumber(id?.['maxLength']));
    fill.push([TODO_ITEM_ID.key, (index) => ids[index]!]);
  }
  return fill;
}

/**
 * The id each item gets (TODO_ITEM_ID): its words, cut to the schema's `maxLength`, so it stays one item's id however
 * the agent reorders or cuts its list. Words that would give an id already taken (by an item's own id, or an item
 * before with the same words) get the item's place in the list after them.
 */
function todoIds(items: unknown[], maxLength: number | undefined): string[] {
  const taken = new Set(items.map((item) => asRecord(item)?.[TODO_ITEM_ID.key]));
  const cut = (id: string, room: number) => (maxLength === undefined ? id : id.slice(0, Math.max(0, maxLength - room)));
  return items.map((item, i) => {
    const words = asRecord(item)?.[TODO_ITEM_ID.from];
    const base = typeof words === 'string' && words.trim() !== '' ? words : String(i + 1);
    let id = cut(base, 0);
    for (let n = i + 1; taken.has(id); n += items.length) id = `${cut(base, 8)} #${n}`;
    taken.add(id);
    return id;
  });
}

/**
 * Whether the client's shell takes its `timeout` in seconds, as its description says: Continue CLI 1.5's `Bash`
 * ("Optional timeout in seconds (max 600)"), where the agent's 10,000 ms would be 10,000 s, cut to ten minutes, so
 * a command the agent meant to stop after 10 s (a server, a watcher) held the session for ten minutes.
 */
function takesSeconds(prop: JsonObject | undefined): boolean {
  const description = prop?.['description'];
  return typeof description === 'string' && /\bseconds\b/i.test(description) && !/millisecond/i.test(description);
}

/** The agent's timeout in whole seconds, at least one; `input` itself when it gave none, or no whole number. */
function timeoutInSeconds(input: JsonObject, props: JsonObject): JsonObject {
  const key = SHELL_WAIT.agent.timeout;
  const ms = wholeNumber(input[key]);
  if (ms === undefined || ms <= 0 || !takesSeconds(asRecord(props[key]))) return input;
  return { ...input, [key]: Math.max(1, Math.ceil(ms / 1000)) };
}

/** Whether the client's question tool requires an id of each question (QUESTIONS). */
export function requiresQuestionIds(schema: JsonObject | undefined): boolean {
  const list = asRecord(asRecord(schema?.['properties'])?.[QUESTIONS.list]);
  const required = asRecord(list?.['items'])?.['required'];
  return Array.isArray(required) && required.includes(QUESTIONS.id);
}

/**
 * Each question without an id given one: its header (else its text) in snake_case, cut at 40 characters, made
 * unique within the call with `_2`, `_3` …; `question_<n>` where neither has a letter or digit. The ids only map
 * the client's answers back to the questions. Copy-on-write: `input` itself when every question has one.
 */
function fillQuestionIds(input: JsonObject, schema: JsonObject | undefined): JsonObject {
  const list = input[QUESTIONS.list];
  if (!Array.isArray(list) || !requiresQuestionIds(schema)) return input;
  const used = new Set(list.map((q) => asRecord(q)?.[QUESTIONS.id]).filter((id) => typeof id === 'string'));
  let copy: unknown[] | undefined;
  list.forEach((item: unknown, i) => {
    const question = asRecord(item);
    if (!question || typeof question[QUESTIONS.id] === 'string') return;
    const from = QUESTIONS.idFrom.map((key) => question[key]).find((v) => typeof v === 'string' && /\w/.test(v));
    const base = typeof from === 'string' ? snakeCase(from) : `question_${i + 1}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    (copy ??= list.slice())[i] = { [QUESTIONS.id]: id, ...question };
  });
  return copy ? { ...input, [QUESTIONS.list]: copy } : input;
}

function snakeCase(text: string): string {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return (words || 'question').slice(0, 40).replace(/_+$/, '');
}

/** Whether a call of this agent tool may have values fitted for this client tool: it may not stream as it arrives. */
export function valuesMayChange(
  canonical: string | undefined,
  schema: JsonObject | undefined,
  description: string | undefined,
): boolean {
  const props = asRecord(schema?.['properties']);
  if (!props) return false;
  if (canonical === 'Task') return (agentKinds(props, description)?.listed.length ?? 0) > 0;
  if (canonical === 'TodoWrite') return Object.values(props).some((prop) => itemFill(asRecord(prop)).length > 0);
  if (canonical === 'Bash') return takesSeconds(asRecord(props[SHELL_WAIT.agent.timeout]));
  if (canonical === 'AskUserQuestion') return requiresQuestionIds(schema);
  return false;
}

/** The input with its values fitted (see above); `input` itself when nothing changes. */
export function fitValues(
  input: JsonObject,
  schema: JsonObject | undefined,
  canonical: string | undefined,
  { clientDescription: description, agentTools }: { clientDescription?: string; agentTools?: boolean },
): JsonObject {
  if (canonical === 'TodoWrite') return fillTodoItems(input, schema);
  if (canonical === 'AskUserQuestion') return fillQuestionIds(input, schema);
  // Generation A's model reads the client's schema and gives seconds already.
  if (canonical === 'Bash') return agentTools ? timeoutInSeconds(input, asRecord(schema?.['properties']) ?? {}) : input;
  if (canonical !== 'Task') return input;
  const kinds = agentKinds(asRecord(schema?.['properties']) ?? {}, description);
  if (!kinds) return input;
  const kind = input[kinds.key];
  // A Task that names no kind (Continue requires one) gets the only one the client has.
  if (kind === undefined && kinds.only !== undefined) return { ...input, [kinds.key]: kinds.only };
  if (typeof kind !== 'string' || kinds.listed.includes(kind)) return input;
  const listed = clientAgentKind(kind, kinds.listed) ?? kinds.only;
  return listed === undefined ? input : { ...input, [kinds.key]: listed };
}
