/**
 * Upstream tool call → the client tool it becomes (protocol 7.4 reverse mapping; gen-b 7.2). Generation B never
 * shows the agent the client's tools, so every call names one of the agent's own tools and has to land on
 * whatever the client declared, or on nothing: a client aborts on a tool_use naming a tool it never declared.
 */
import type { ToolDefinition } from '../anthropic/types';
import { asRecord, namingFor, type ClientTool, type ToolNaming } from './client-tools';
import { ALIAS_GROUPS, GROUP_FALLBACKS } from './tool-vocabulary';

const GROUP_OF: ReadonlyMap<string, number> = new Map(
  ALIAS_GROUPS.flatMap((group, index) => group.map((name) => [name.toLowerCase(), index] as const)),
);
const GROUP_INDEX_BY_CANONICAL: ReadonlyMap<string, number> = new Map(
  ALIAS_GROUPS.map((group, index) => [group[0] as string, index] as const),
);

/** The canonical (Claude Code) name of the group a tool name belongs to, looking past `functions.`-style prefixes. */
export function canonicalToolName(name: string): string | undefined {
  const group = GROUP_OF.get(name.toLowerCase()) ?? GROUP_OF.get(lastSegment(name).toLowerCase());
  return group === undefined ? undefined : ALIAS_GROUPS[group]?.[0];
}

/** How a call found its client tool: by name (safe to stream as it comes) or by guessing from its input keys. */
export type ToolMatch = { name: string; by: 'name' | 'alias' | 'schema' };

function findByName(name: string, naming: ToolNaming): string | undefined {
  const exact = naming.upstreamToClient.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [upstream, client] of naming.upstreamToClient) if (upstream.toLowerCase() === lower) return client;
  return naming.byLowerName.get(lower)?.name;
}

function lastSegment(name: string): string {
  let i = name.length - 1;
  for (; i >= 0; i--) {
    const c = name.charCodeAt(i);
    if (c === 46 /* . */ || c === 47 /* / */ || c === 58 /* : */) break;
  }
  return i >= 0 ? name.slice(i + 1) : name;
}

function declaredMember(group: number, naming: ToolNaming): string | undefined {
  const members = ALIAS_GROUPS[group] as readonly string[];
  // Prefer the client tool Generation A presented under the canonical name, then members in preference order.
  const viaCanonical = naming.upstreamToClient.get(members[0] as string);
  if (viaCanonical !== undefined) return viaCanonical;
  for (const member of members) {
    const tool = naming.byLowerName.get(member.toLowerCase());
    if (tool) return tool.name;
  }
  return undefined;
}

function findByAlias(name: string, naming: ToolNaming): string | undefined {
  const group = GROUP_OF.get(name.toLowerCase());
  if (group === undefined) return undefined;
  const own = declaredMember(group, naming);
  if (own !== undefined) return own;
  for (const fallback of GROUP_FALLBACKS.get(ALIAS_GROUPS[group]?.[0] as string) ?? []) {
    const fallbackGroup = GROUP_INDEX_BY_CANONICAL.get(fallback);
    const found =
      fallbackGroup !== undefined
        ? declaredMember(fallbackGroup, naming)
        : naming.byLowerName.get(fallback.toLowerCase())?.name;
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Words that, in a client tool's name, mark a tool that changes the client itself rather than the user's files: its
 * goals, threads, sub-agents, worktrees, plan, to-dos, modes, or the end of its task. Codex declares `update_goal`
 * (`{status}`), `create_goal` (`{objective}`) and `mcp__codex_tui__create_thread` (`{prompt}`), Claude Code
 * `EnterWorktree` and `Agent`, Cline `new_task` and `attempt_completion` (`{result}`): an unknown agent tool whose
 * input happens to have those keys must not mark a goal complete, start a thread or end the task. Such a tool is
 * reached by name or alias only, never guessed from input keys.
 */
const CLIENT_STATE_WORDS: ReadonlySet<string> = new Set([
  'goal',
  'goals',
  'thread',
  'threads',
  'agent',
  'agents',
  'worktree',
  'worktrees',
  'task',
  'tasks',
  'plan',
  'todo',
  'todos',
  'mode',
  'completion',
]);

/** Whether a client tool's own name (past any namespace) says it acts on the client's state (CLIENT_STATE_WORDS). */
function changesClientState(name: string): boolean {
  const namespaced = name.lastIndexOf('__');
  const own = lastSegment(namespaced < 0 ? name : name.slice(namespaced + 2));
  const words = own
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => CLIENT_STATE_WORDS.has(word));
}

/**
 * The declared tool whose schema holds every input key, with the fewest extra properties, and whose required keys
 * the input all has: a call that would fail the client's validation is no match. A tool that changes the client's
 * own state is never a guess (see CLIENT_STATE_WORDS).
 */
function findBySchema(input: Record<string, unknown>, tools: ClientTool[]): string | undefined {
  const keys = Object.keys(input);
  // With no keys every tool fits equally; picking one would be a guess dressed up as a match.
  if (keys.length === 0) return undefined;
  let best: string | undefined;
  let bestExtra = Infinity;
  for (const tool of tools) {
    if (changesClientState(tool.name)) continue;
    const props = asRecord(tool.schema?.['properties']);
    if (!props) continue;
    if (!keys.every((key) => Object.hasOwn(props, key))) continue;
    const required = tool.schema?.['required'];
    if (Array.isArray(required) && !required.every((key) => Object.hasOwn(input, key as string))) continue;
    const extra = Object.keys(props).length - keys.length;
    if (extra < bestExtra) {
      best = tool.name;
      bestExtra = extra;
    }
  }
  return best;
}

/**
 * Finds the client tool for an upstream call: exact or case-insensitive name, the name's last segment, an alias,
 * and only for a name we know nothing about, the declared schema that fits the input keys. A known agent tool
 * (LS, Grep …) is never guessed onto an unrelated tool that merely shares a key such as `path`.
 */
export function matchClientTool(
  upstreamName: string,
  declared: ToolDefinition[] | undefined,
  input?: Record<string, unknown>,
): ToolMatch | undefined {
  const naming = namingFor(declared);
  if (naming.all.length === 0) return undefined;
  const segment = lastSegment(upstreamName);
  const byName =
    findByName(upstreamName, naming) ?? (segment !== upstreamName ? findByName(segment, naming) : undefined);
  if (byName !== undefined) return { name: byName, by: 'name' };
  const byAlias = findByAlias(segment, naming);
  if (byAlias !== undefined) return { name: byAlias, by: 'alias' };
  if (!input || GROUP_OF.has(segment.toLowerCase())) return undefined;
  const bySchema = findBySchema(input, naming.all);
  return bySchema === undefined ? undefined : { name: bySchema, by: 'schema' };
}

/** The client tool name for an upstream call, or undefined when the client declared nothing that fits. */
export function resolveClientToolName(
  upstreamName: string,
  declared: ToolDefinition[] | undefined,
  input?: Record<string, unknown>,
): string | undefined {
  return matchClientTool(upstreamName, declared, input)?.name;
}
