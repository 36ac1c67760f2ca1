/**
 * An upstream tool call's input, reshaped toward the client tool it was mapped to: keys the client's schema lacks
 * are renamed to the synonym it has (Read's `path` → `file_path`), keys it forbids are dropped (only under
 * `additionalProperties: false`), a required key the agent's tool does not have gets a safe default, and values
 * are coerced by type. Everything else passes through unchanged.
 */
import type { ToolDefinition } from '../anthropic/types';
import { asRecord, clientTool, type JsonObject } from './client-tools';
import { composeEditList, composesEditList } from './edit-compose';
import {
  composeLineRange,
  composeSearchReplace,
  composeShellWait,
  composeSubAgentPrompt,
  composeZeroBasedOffset,
  runsInBackgroundUnlessTold,
  takesZeroBasedOffset,
} from './client-key-compose';
import { caselessSearch, foldsCase } from './grep-case';
import { digitsSearch } from './grep-ere';
import { composePatch } from './patch-compose';
import { composePlan, composesChecklist } from './plan-compose';
import { composeQuestion, composesQuestion } from './question-compose';
import { composeShellCommand, composesShellCommand } from './shell-compose';
import { composesSpawn, spawnInput } from './gen-b/sub-agent-task';
import { coerceObject, parseJson } from './tool-input-coercion';
import { fitValues, valuesMayChange } from './tool-input-values';
import { canonicalToolName } from './tool-names';
import {
  AGENT_INPUT_KEYS,
  KEY_SYNONYMS,
  KEY_SYNONYMS_BY_TOOL,
  SHELL_WAIT,
  SUB_AGENT,
  TEXT_EDITOR_COMMAND,
  TEXT_EDITOR_NAMES,
  normalizeKey,
} from './tool-vocabulary';

/** Which agent tool the input came from and which client tool it goes to; some defaults depend on both. */
export interface ToolCallRoute {
  upstreamName: string;
  clientName: string;
  /** The client tool's description, where some clients list the values a key takes (tool-input-values.ts). */
  clientDescription?: string;
  /** The call is to the agent's own tool, in its units (Generation B; see ToolCallPolicy in tool-calls.ts). */
  agentTools?: boolean;
  /** The client's apply_patch ends an added file without a newline (patch-compose.ts addsWithoutFinalNewline). */
  joinsAddedLines?: boolean;
}

function synonymsOf(groups: ReadonlyArray<readonly string[]>): ReadonlyMap<string, readonly string[]> {
  return new Map(groups.flatMap((group) => group.map((key) => [normalizeKey(key), group] as const)));
}
const SYNONYMS_OF = synonymsOf(KEY_SYNONYMS);
const SYNONYMS_BY_TOOL: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> = new Map(
  [...KEY_SYNONYMS_BY_TOOL].map(([tool, groups]) => [tool, synonymsOf(groups)] as const),
);
const SEARCHES_CWD_BY_DEFAULT = new Set(['Grep', 'Glob', 'LS']);
const PATCHED_AGENT_TOOLS = new Set(['Write', 'Edit', 'MultiEdit']);

/**
 * Turns a tool call's input into the object the client's tool expects.
 *
 * DECISION: text that is not a JSON object comes back as `{ _raw: text }`, not `{}`, and is not reshaped. The
 * client validates input against the tool's schema, so the call fails visibly and the model can retry; `{}` could
 * run a tool with default arguments, and the text would vanish from the debug log.
 */
export function repairToolInput(
  raw: string | Record<string, unknown>,
  schema: JsonObject | undefined,
  route?: ToolCallRoute,
): JsonObject {
  let input: JsonObject;
  if (typeof raw !== 'string') input = raw;
  else if (raw.trim().length === 0) input = {};
  else {
    const parsed = asRecord(parseJson(raw));
    if (!parsed) return { _raw: raw };
    input = parsed;
  }
  const tool = route && canonicalToolName(route.upstreamName);
  // A Task on Codex's asynchronous spawn: written whole, its Task kept for the fold (gen-b/sub-agent-task.ts).
  if (route && composesSpawn(route.upstreamName, route.clientName, tool)) {
    return spawnInput(input);
  }
  const patch = route && composePatch(input, schema, route.upstreamName, route.clientName, route.joinsAddedLines);
  if (patch) return patch;
  const plan = route && composePlan(input, schema, route.upstreamName, route.clientName);
  if (plan) return plan;
  const question = route && composeQuestion(input, schema, route.upstreamName);
  if (question) return question;
  const edits = route && composeEditList(input, schema, route.upstreamName);
  // From here the call is a MultiEdit: its path goes under the key the client's tool names.
  if (edits) return repairToolInput(edits, schema, { ...route, upstreamName: 'MultiEdit' });
  const shell = route && composeShellCommand(input, route.upstreamName, route.clientName);
  // From here the call is the agent's Bash: its `command` goes under the key the client's shell names.
  if (shell) return repairToolInput(shell, schema, { upstreamName: 'Bash', clientName: route.clientName });
  // A search the client's tool has no case switch for: its pattern is made caseless (grep-case.ts).
  if (tool === 'Grep') input = caselessSearch(input, schema);
  // Qwen Code's grep_search falls back to `git grep -E` and `grep -E`, which read `\d` as `d` (grep-ere.ts).
  if (tool === 'Grep' && route?.clientName === 'grep_search') input = digitsSearch(input);
  const listed = wrapAsList(input, schema);
  if (listed) return coerceObject(listed, schema);
  let shaped = reshapeKeys(input, schema, route, true);
  if (tool === 'MultiEdit') shaped = reshapeEditItems(shaped, schema);
  shaped = coerceObject(shaped, schema);
  return route ? fitValues(shaped, schema, tool, route) : shaped;
}

/**
 * A MultiEdit's edits in the keys of the client's item schema: pi 0.73's `edit` takes `edits` of `oldText` and
 * `newText` in a closed schema, and refuses the agent's `old_string` and `new_string` there. Only a MultiEdit's list
 * is reshaped: other lists (todos, questions) have their own fitting (tool-input-values.ts). Copy-on-write.
 */
function reshapeEditItems(input: JsonObject, schema: JsonObject | undefined): JsonObject {
  const items = asRecord(asRecord(asRecord(schema?.['properties'])?.['edits'])?.['items']);
  const edits = input['edits'];
  if (!items || !Array.isArray(edits)) return input;
  let changed = false;
  const reshaped = edits.map((edit: unknown) => {
    const record = asRecord(edit);
    const fitted = record ? reshapeKeys(record, items, undefined, false) : edit;
    changed ||= fitted !== edit;
    return fitted;
  });
  return changed ? { ...input, edits: reshaped } : input;
}

/**
 * Cline CLI 3's tools take a list where the agent's take one item: `run_commands` wants `commands: [command]`,
 * `read_files` wants `files: [{ path, start_line, end_line }]`, `search_codebase` wants `queries: [pattern]`,
 * `fetch_web_content` wants `requests: [{ url, prompt }]`. When the client's schema requires exactly one key, an
 * array the input lacks, the call becomes a list of one: the input's value for the singular key (or a synonym of
 * it) for a list of strings, the input reshaped to the item schema for a list of objects, provided the item then
 * has every key the item schema requires. Keys the list has no room for (Bash's `description`, Grep's `path` and
 * `glob`) are dropped.
 */
function wrapAsList(input: JsonObject, schema: JsonObject | undefined): JsonObject | undefined {
  const props = asRecord(schema?.['properties']);
  const required: unknown = schema?.['required'];
  if (!props || !Array.isArray(required) || required.length !== 1) return undefined;
  const key: unknown = required[0];
  if (typeof key !== 'string' || Object.hasOwn(input, key)) return undefined;
  const prop = asRecord(props[key]);
  if (prop?.['type'] !== 'array') return undefined;
  const items = asRecord(prop['items']);
  if (items?.['type'] === 'object') {
    const item = reshapeKeys(input, items, undefined, true);
    const itemRequired = Array.isArray(items['required']) ? (items['required'] as unknown[]) : [];
    const complete = itemRequired.every((k) => typeof k === 'string' && Object.hasOwn(item, k));
    return complete && Object.keys(item).length > 0 ? { [key]: [coerceObject(item, items)] } : undefined;
  }
  if (items?.['type'] !== 'string') return undefined;
  const singular = normalizeKey(key).replace(/ies$/, 'y').replace(/s$/, '');
  const names = new Set([singular, ...(SYNONYMS_OF.get(singular) ?? []).map(normalizeKey)]);
  const from = Object.keys(input).find((k) => names.has(normalizeKey(k)));
  const value = from === undefined ? undefined : input[from];
  return typeof value === 'string' ? { [key]: [value] } : undefined;
}

/**
 * Whether a call from `upstreamName` mapped to `clientName` may need its keys reshaped, judged before any input
 * has arrived from what the agent's tool is known to send. A call that may not be streamed to the client as it
 * arrives: a half-sent input can no longer be fixed. Coercion does not count; it repairs the model's slips, not a
 * mismatch between the two tools.
 */
export function inputRepairMayApply(
  upstreamName: string,
  clientName: string,
  declared: ToolDefinition[] | undefined,
): boolean {
  const canonical = canonicalToolName(upstreamName);
  const keys = canonical === undefined ? undefined : AGENT_INPUT_KEYS.get(canonical);
  // An agent tool we know nothing about is taken to speak the client's schema, as Generation A's agent did.
  if (!keys) return false;
  // A write or edit becomes a whole patch, and a read a whole command: neither can be sent before the input is in.
  if (clientName === 'apply_patch' && PATCHED_AGENT_TOOLS.has(canonical!)) return true;
  if (composesShellCommand(upstreamName, clientName) || composesSpawn(upstreamName, clientName, canonical)) return true;
  const tool = clientTool(clientName, declared);
  const schema = tool?.schema;
  if (composesEditList(upstreamName, schema) || composesChecklist(upstreamName, clientName, schema)) return true;
  if (composesQuestion(upstreamName, schema)) return true;
  if (valuesMayChange(canonical, schema, tool?.description)) return true;
  if (canonical === 'Grep' && foldsCase(schema)) return true;
  if (canonical === 'Read' && takesZeroBasedOffset(asRecord(schema?.['properties']))) return true;
  const route = { upstreamName, clientName };
  for (const key of keys) {
    const probe = { [key]: '' };
    if (reshapeKeys(probe, schema, route, false) !== probe) return true;
  }
  const all = Object.fromEntries(keys.map((key) => [key, '']));
  // A list of one is built whole, and may be built where the schema is open and no key is renamed or dropped.
  return wrapAsList(all, schema) !== undefined || reshapeKeys(all, schema, route, true) !== all;
}

/** Copy-on-write: returns `input` itself when nothing changes. */
function reshapeKeys(
  input: JsonObject,
  schema: JsonObject | undefined,
  route: ToolCallRoute | undefined,
  withDefaults: boolean,
): JsonObject {
  const props = asRecord(schema?.['properties']);
  const closed = schema?.['additionalProperties'] === false;
  if (!props) {
    // A closed schema without properties takes no arguments at all.
    return closed && Object.keys(input).length > 0 ? {} : input;
  }
  const keys = Object.keys(input);
  const rename = new Map<string, string>();
  const drop = new Set<string>();
  const added: Array<[string, unknown]> = [];

  const diff = composeSearchReplace(input, props);
  if (diff) {
    added.push(['diff', diff.text]);
    for (const key of diff.consumed) drop.add(key);
  }
  const source = route && canonicalToolName(route.upstreamName);
  // Only the agent's own Read counts from 1: Generation A is shown the client's read tool and its 0-based offset, and
  // gives its offset in the client's units, as it gives a Bash timeout (tool-input-values.ts).
  const zeroBased = source === 'Read' && route?.agentTools === true;
  const range = composeLineRange(input, props) ?? (zeroBased ? composeZeroBasedOffset(input, props) : undefined);
  if (range) {
    added.push(...range.added);
    for (const key of range.consumed) drop.add(key);
  }
  const instructions = source === 'Task' ? composeSubAgentPrompt(input, props) : undefined;
  if (instructions) {
    added.push([SUB_AGENT.client.instructions, instructions.text]);
    for (const key of instructions.consumed) drop.add(key);
  }
  if (source === 'Task' && runsInBackgroundUnlessTold(input, props)) added.push([SUB_AGENT.client.background, false]);
  const wait = source === 'Bash' ? composeShellWait(input, props) : undefined;
  if (wait) {
    added.push([SHELL_WAIT.client.wait, wait.ms]);
    for (const key of wait.consumed) drop.add(key);
  }

  const propByNormal = new Map(Object.keys(props).map((key) => [normalizeKey(key), key] as const));
  const present = new Set(keys.filter((key) => Object.hasOwn(props, key)));
  const toolSynonyms = source === undefined ? undefined : SYNONYMS_BY_TOOL.get(source);
  for (const key of keys) {
    if (present.has(key) || drop.has(key)) continue;
    const target = renameTarget(key, propByNormal, present, toolSynonyms);
    if (target !== undefined) {
      rename.set(key, target);
      present.add(target);
    } else if (closed) drop.add(key);
  }

  if (withDefaults) {
    const required = Array.isArray(schema?.['required']) ? (schema['required'] as unknown[]) : [];
    for (const key of required) {
      if (typeof key !== 'string' || present.has(key) || added.some(([k]) => k === key)) continue;
      const value = defaultFor(key, asRecord(props[key]), route);
      if (value !== undefined) added.push([key, value]);
    }
  }

  if (rename.size === 0 && drop.size === 0 && added.length === 0) return input;
  // fromEntries defines own properties, so a "__proto__" key stays an ordinary entry.
  const entries: Array<[string, unknown]> = [];
  for (const key of keys) if (!drop.has(key)) entries.push([rename.get(key) ?? key, input[key]]);
  return Object.fromEntries([...entries, ...added]);
}

function renameTarget(
  key: string,
  propByNormal: Map<string, string>,
  taken: Set<string>,
  toolSynonyms: ReadonlyMap<string, readonly string[]> | undefined,
): string | undefined {
  const normal = normalizeKey(key);
  const spelled = propByNormal.get(normal);
  if (spelled !== undefined) return taken.has(spelled) ? undefined : spelled;
  const synonyms = [...(SYNONYMS_OF.get(normal) ?? []), ...(toolSynonyms?.get(normal) ?? [])];
  for (const synonym of synonyms) {
    const target = propByNormal.get(normalizeKey(synonym));
    if (target !== undefined && !taken.has(target)) return target;
  }
  return undefined;
}

/**
 * A value for a required key the call lacks, only where one value is safe:
 * - `pattern` "*" for a Glob-like tool (a listing lands on one only for a client with no shell): the agent's `ls`/
 *   `list_dir` has no pattern, and "*" lists one directory level, which is what a listing is; "**\/*" would walk
 *   node_modules and flood the context.
 * - `requires_approval` true (Cline's execute_command): the agent cannot judge it, so the user is asked.
 * - `command` for Anthropic's text editor, from what the agent's tool did (Read → view, Write → create …).
 * - `format` "markdown" (opencode's webfetch), the format it defaults to itself.
 * - `path` (`dirpath`, `directory`) "." for a search or listing (Cline and Continue require it): the agent's Grep,
 *   Glob and LS search the working directory when they name none.
 */
function defaultFor(key: string, prop: JsonObject | undefined, route: ToolCallRoute | undefined): unknown {
  const type = prop?.['type'];
  const accepts = (t: string): boolean => type === undefined || type === t || (Array.isArray(type) && type.includes(t));
  const allowed = (value: unknown): boolean =>
    !Array.isArray(prop?.['enum']) || (prop['enum'] as unknown[]).includes(value);
  switch (key) {
    case 'pattern':
      return route && canonicalToolName(route.clientName) === 'Glob' && accepts('string') ? '*' : undefined;
    case 'requires_approval':
      return accepts('boolean') ? true : accepts('string') ? 'true' : undefined;
    case 'command': {
      if (!route || !TEXT_EDITOR_NAMES.has(route.clientName)) return undefined;
      const source = canonicalToolName(route.upstreamName);
      const command = source === undefined ? undefined : TEXT_EDITOR_COMMAND.get(source);
      return command !== undefined && allowed(command) ? command : undefined;
    }
    case 'path':
    case 'dirpath':
    case 'directory': {
      const source = route && canonicalToolName(route.upstreamName);
      return source && SEARCHES_CWD_BY_DEFAULT.has(source) && accepts('string') ? '.' : undefined;
    }
    case 'format':
      return allowed('markdown') && Array.isArray(prop?.['enum']) ? 'markdown' : undefined;
    default:
      return undefined;
  }
}
