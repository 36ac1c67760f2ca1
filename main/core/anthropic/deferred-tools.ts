/**
 * Tools a client holds back behind its tool search. Claude Code 2.1.3xx declares its `ToolSearch` and only a few
 * tools in `tools`; the rest (WebFetch, WebSearch, NotebookEdit, TodoWrite when its task tools are off, …) it names
 * in a system reminder, schemas left out, for the model to load before calling. Claude Code runs a call to one of
 * them without that step all the same (tried with 2.1.332: a direct WebFetch call ran). Generation B's agent is
 * shown no client tools and calls its own WebFetch or TodoWrite by name, so a tool named only there counts as one the
 * client declares: its call goes out as the client's own tool, not as text the proxy answers for it.
 *
 * Qwen Code 0.24.4 holds tools back the same way (its `web_fetch`, cron, worktree and other tools), declaring its
 * `tool_search` and `tool_call` and naming the rest in a reminder of its first user message (`- "web_fetch": "…"` a
 * line). Its `tool_call` takes `{name, arguments}` and runs the named tool; a direct call to a held-back tool makes
 * Qwen re-declare it, which its `tool_search` tells the model not to do. DECISION: such a tool is called through
 * `tool_call` (anthropic/call-route.ts wraps it), without a `tool_search` first: Qwen's bridge checks only that the
 * tool is held back and registered, not that it was searched for (its `resolveDeferredToolCall`), so the search
 * would cost a round trip and show the agent nothing it needs (it calls its own WebFetch by its own schema).
 *
 * Read only when a call names no declared tool (anthropic/tool-calls.ts), never on the way in.
 */
import type { Message, MessagesRequest, ToolDefinition } from './types';

/** The tool Claude Code loads deferred tools with: without it, no reminder is read as a list of tools. */
const TOOL_SEARCH = 'ToolSearch';

/**
 * The reminder's first line, as Claude Code writes it ("The following deferred tools are now available via
 * ToolSearch. …" and, in a shortened list, "… are available via ToolSearch. …"); the names follow it a line each.
 */
const ANNOUNCEMENT = /^The following deferred tools are (?:now )?available via ToolSearch\b/;

/** A line that is one tool's name. A shortened list's `mcp__server__* (42)` rows stand for tools it does not name. */
const TOOL_NAME_LINE = /^[A-Za-z][\w.-]{0,127}$/;

/** Qwen Code's bridge: the search and the call that runs a held-back tool by name. */
const BRIDGE_SEARCH = 'tool_search';
export const BRIDGE_CALL = 'tool_call';

/**
 * The first line of Qwen Code's reminder; each tool follows on a line of its own, `- "name": "description"`. The tools
 * of MCP servers that came up after it started (seen in `qwen -p`) it names in a reminder of its own, "The
 * following MCP tools became available after startup and are reachable through …", under `#### <server>` headings.
 */
const BRIDGE_ANNOUNCEMENT = new RegExp(
  '^The following (?:MCP )?tools (?:became available after startup and )?' +
    'are reachable through `tool_search` and `tool_call`\\.',
);
const BRIDGE_LINE = /^- "([A-Za-z][\w.-]{0,127})":/;

const REMINDER_OPEN = '<system-reminder>';
const REMINDER_CLOSE = '</system-reminder>';

export type DeferredToolSource = Pick<MessagesRequest, 'system' | 'messages'>;

/**
 * The client's tools with the ones its tool search holds back added as tools without a schema (their input goes out
 * as the agent wrote it), or `declared` itself when there are none to add.
 */
export function withDeferredTools(
  declared: ToolDefinition[] | undefined,
  source: DeferredToolSource,
): ToolDefinition[] | undefined {
  if (!declared) return declared;
  const bridge = declaresBridge(declared);
  if (!bridge && !declared.some((tool) => tool.name === TOOL_SEARCH)) return declared;
  const known = new Set(declared.map((tool) => tool.name));
  const added = deferredToolNames(source, bridge).filter((name) => !known.has(name));
  return added.length === 0 ? declared : [...declared, ...added.map((name) => ({ name }))];
}

/**
 * Whether the client declares Qwen Code's bridge: its `tool_search`, and a `tool_call` taking the tool's `name` and
 * its `arguments`. The tools withDeferredTools adds for such a client are reached only through that `tool_call`.
 */
export function declaresBridge(declared: readonly ToolDefinition[] | undefined): boolean {
  if (!declared?.some((tool) => tool.name === BRIDGE_SEARCH)) return false;
  const call = declared.find((tool) => tool.name === BRIDGE_CALL);
  const props = call?.input_schema?.['properties'] as Record<string, unknown> | undefined;
  return props?.['name'] !== undefined && props['arguments'] !== undefined;
}

/**
 * Every tool name the request's reminders announce as deferred, in order, each once: Claude Code's, or with `bridge`
 * Qwen Code's.
 */
export function deferredToolNames(source: DeferredToolSource, bridge = false): string[] {
  const names = new Set<string>();
  const announcement = bridge ? readBridgeAnnouncement : readAnnouncement;
  const read = (text: string): void => {
    for (const reminder of reminders(text)) announcement(reminder, names);
  };
  const { system } = source;
  if (typeof system === 'string') read(system);
  else if (Array.isArray(system)) for (const block of system) if (block.type === 'text') read(String(block.text));
  // Claude Code 2.1.332's window sends its environment as a `system` message, the list a paragraph of it with no
  // reminder around it: only the client writes a system message, so each of its paragraphs is read as a reminder.
  const readParagraphs = (text: string): void => {
    for (const paragraph of text.split(/\n\s*\n/)) announcement(paragraph, names);
  };
  for (const message of source.messages) {
    if (message.role === 'system') readMessage(message, readParagraphs);
    if (message.role !== 'assistant') readMessage(message, read);
  }
  return [...names];
}

/**
 * The tools a tool search has loaded: those a `tool_reference` in a tool result of the conversation names (Claude
 * Code's ToolSearch answers with one a tool). Claude Code declares a loaded tool from then on, still marked
 * `defer_loading`, as Anthropic's API reads that flag: held back until a reference loads it.
 */
function loadedToolNames(messages: readonly Message[]): Set<string> {
  const names = new Set<string>();
  for (const message of messages) {
    if (message.role !== 'user' || !Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block.type !== 'tool_result' || !Array.isArray(block.content)) continue;
      for (const item of block.content as Array<{ type?: unknown; tool_name?: unknown }>) {
        if (item.type === 'tool_reference' && typeof item.tool_name === 'string') names.add(item.tool_name);
      }
    }
  }
  return names;
}

/** The list last offered for a declared list, and which of its deferred tools were loaded then. */
const offeredCache = new WeakMap<ToolDefinition[], { loadedKey: string; offered: ToolDefinition[] }>();

/**
 * The client's tools as Anthropic's API shows them to the model: one marked `defer_loading` only once a tool search
 * has loaded it, so Claude Code's DeferredToolPlaceholder (declared to keep its search on, never to be called) and
 * MCP tools not yet searched for stay out of what Generation A is shown. Only where the client runs that search
 * itself (its ToolSearch): without one nothing could ever load a deferred tool, so it is offered directly, as the
 * OpenAI routes decide too.
 *
 * The declared list itself comes back when nothing is held back, and the same frozen list while the same tools are
 * loaded, so the prepared-tools cache keeps matching by identity.
 */
export function offeredTools(
  declared: ToolDefinition[] | undefined,
  messages: readonly Message[],
): ToolDefinition[] | undefined {
  if (!declared?.some((tool) => tool.defer_loading === true)) return declared;
  if (!declared.some((tool) => tool.name === TOOL_SEARCH)) return declared;
  const loaded = loadedToolNames(messages);
  const shown = (tool: ToolDefinition): boolean => tool.defer_loading !== true || loaded.has(tool.name);
  const loadedKey = declared
    .filter((tool) => tool.defer_loading === true && shown(tool))
    .map((tool) => tool.name)
    .join('\n');
  const cached = offeredCache.get(declared);
  if (cached?.loadedKey === loadedKey) return cached.offered;
  const offered = Object.freeze(declared.filter(shown)) as ToolDefinition[];
  offeredCache.set(declared, { loadedKey, offered });
  return offered;
}

function readMessage(message: Message, read: (text: string) => void): void {
  if (typeof message.content === 'string') return read(message.content);
  if (!Array.isArray(message.content)) return;
  for (const block of message.content) {
    if (block.type === 'text' && typeof block.text === 'string') read(block.text);
  }
}

/** The bodies of the text's `<system-reminder>` elements; only the client writes those, not the user's prose. */
function* reminders(text: string): Generator<string> {
  let from = text.indexOf(REMINDER_OPEN);
  while (from >= 0) {
    const start = from + REMINDER_OPEN.length;
    const end = text.indexOf(REMINDER_CLOSE, start);
    if (end < 0) return;
    yield text.slice(start, end);
    from = text.indexOf(REMINDER_OPEN, end + REMINDER_CLOSE.length);
  }
}

function readBridgeAnnouncement(reminder: string, names: Set<string>): void {
  const lines = reminder.trim().split('\n');
  if (!BRIDGE_ANNOUNCEMENT.test(lines[0] ?? '')) return;
  for (const line of lines.slice(1)) {
    const name = BRIDGE_LINE.exec(line.trim())?.[1];
    if (name !== undefined) names.add(name);
  }
}

function readAnnouncement(reminder: string, names: Set<string>): void {
  const lines = reminder.trim().split('\n');
  if (!ANNOUNCEMENT.test(lines[0] ?? '')) return;
  for (const line of lines.slice(1)) {
    const name = line.trim();
    if (TOOL_NAME_LINE.test(name)) names.add(name);
  }
}
