/**
 * Client tools ⇄ the tool list the Orchids upstream sees (protocol page 7.4).
 *
 * DECISION: the old proxy sent only Read/Write/Edit/Bash/Glob/Grep/TodoWrite and dropped every other client tool.
 * We keep all of them (Agent, WebFetch, TaskCreate, MCP tools ...): Claude Code's tool loop has to work unchanged,
 * and a dropped tool silently removes a capability the user's client believes the model has. Only the names the
 * upstream is known to refuse, and Anthropic server tools it cannot run, are left out.
 */
import type { ToolDefinition } from '../anthropic/types';
import type { OrchidsTool } from './types';

type JsonObject = Record<string, unknown>;

function asRecord(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

const BLOCKED_NAMES = new Set(['web_search', 'WebSearch', 'SQL']);

/** Client names the upstream knows under its own tool name. Case-sensitive on purpose: `glob` maps, `Glob` is it. */
const FORWARD_ALIASES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    str_replace_editor: 'Edit', view: 'Read', read_file: 'Read', ReadFile: 'Read', list_dir: 'Glob', glob: 'Glob',
    find_files: 'Glob', ripgrep: 'Grep', search_code: 'Grep', execute: 'Bash', run_command: 'Bash',
    write_file: 'Write', create_file: 'Write',
  }),
);

const MAX_DESCRIPTION = 9216;

interface ClientTool {
  name: string;
  description: string;
  schema: JsonObject | undefined;
}

function readClientTool(tool: ToolDefinition): ClientTool | undefined {
  if (tool.type === 'function' && tool.function && typeof tool.function.name === 'string') {
    const f = tool.function;
    return { name: f.name, description: f.description ?? '', schema: f.parameters };
  }
  if (typeof tool.name !== 'string' || tool.name.length === 0) return undefined;
  // Anthropic server tools (web_search_20250305, code_execution_...) run on Anthropic's side and have no schema.
  if (tool.type !== undefined && tool.type !== 'custom' && tool.type !== 'function' && !tool.input_schema) return;
  return { name: tool.name, description: tool.description ?? '', schema: tool.input_schema };
}

interface ToolNaming {
  /** Client tools the upstream gets, in the client's order, each with the name the upstream sees. */
  sent: Array<{ tool: ClientTool; upstream: string }>;
  clientToUpstream: Map<string, string>;
  upstreamToClient: Map<string, string>;
  /** Every declared tool by client name (blocked ones too: the client can still run them). */
  all: ClientTool[];
}

// Within one request the same `tools` array is asked about once per history tool_use block and once per streamed
// tool call; keying on the array identity computes the naming once per request and lets it go with the request.
const namingCache = new WeakMap<ToolDefinition[], ToolNaming>();
const EMPTY_NAMING: ToolNaming = { sent: [], clientToUpstream: new Map(), upstreamToClient: new Map(), all: [] };

function namingFor(declared: ToolDefinition[] | undefined): ToolNaming {
  if (!declared || declared.length === 0) return EMPTY_NAMING;
  const cached = namingCache.get(declared);
  if (cached) return cached;

  const all: ClientTool[] = [];
  const kept: ClientTool[] = [];
  const seen = new Set<string>();
  for (const def of declared) {
    const tool = readClientTool(def);
    if (!tool || seen.has(tool.name)) continue;
    seen.add(tool.name);
    all.push(tool);
    if (!BLOCKED_NAMES.has(tool.name)) kept.push(tool);
  }

  // A tool the client declares under an Orchids name owns that name; an alias takes the Orchids name only while
  // nobody holds it and otherwise keeps its own, so the upstream never sees two tools with one name.
  const taken = new Set<string>();
  for (const tool of kept) if (!FORWARD_ALIASES.has(tool.name)) taken.add(tool.name);
  const naming: ToolNaming = { sent: [], clientToUpstream: new Map(), upstreamToClient: new Map(), all };
  for (const tool of kept) {
    let upstream = FORWARD_ALIASES.get(tool.name);
    if (upstream === undefined || taken.has(upstream)) upstream = tool.name;
    else taken.add(upstream);
    naming.sent.push({ tool, upstream });
    naming.clientToUpstream.set(tool.name, upstream);
    naming.upstreamToClient.set(upstream, tool.name);
  }
  namingCache.set(declared, naming);
  return naming;
}

export function toOrchidsTools(tools: ToolDefinition[] | undefined): OrchidsTool[] {
  const { sent } = namingFor(tools);
  const out: OrchidsTool[] = new Array(sent.length);
  for (let i = 0; i < sent.length; i++) {
    const { tool, upstream } = sent[i] as (typeof sent)[number];
    const description =
      tool.description.length > MAX_DESCRIPTION ? tool.description.slice(0, MAX_DESCRIPTION) + '...' : tool.description;
    const schema = reduceSchema(tool.schema) ?? {};
    if (schema['type'] === undefined) schema['type'] = 'object';
    out[i] = { name: upstream, description, input_schema: schema };
  }
  return out;
}

/**
 * Keeps only type, description, properties, required, enum and items (7.4). `$schema`, `additionalProperties`,
 * bounds and formats go. The result shares `required`/`enum` arrays with the client's schema: nothing mutates them.
 */
function reduceSchema(value: unknown): JsonObject | undefined {
  const schema = asRecord(value);
  if (!schema) return value === true ? {} : undefined;
  const out: JsonObject = {};
  let type = schema['type'];
  let values = Array.isArray(schema['enum']) ? schema['enum'] : 'const' in schema ? [schema['const']] : undefined;
  if (type === undefined) {
    // A union of one type (TaskUpdate.status is anyOf [enum..., const "deleted"]) folds into type + enum, so the
    // reduction does not erase what the property accepts.
    const folded = foldUnion(schema['anyOf'] ?? schema['oneOf']);
    if (folded) ({ type, values } = folded);
  }
  if (type !== undefined) out['type'] = type;
  if (typeof schema['description'] === 'string') out['description'] = schema['description'];
  const props = asRecord(schema['properties']);
  if (props) {
    const reduced: JsonObject = {};
    for (const key of Object.keys(props)) reduced[key] = reduceSchema(props[key]) ?? {};
    out['properties'] = reduced;
  }
  if (Array.isArray(schema['required'])) out['required'] = schema['required'];
  if (values) out['enum'] = values;
  const items = schema['items'];
  const reducedItems = Array.isArray(items) ? items.map((item) => reduceSchema(item) ?? {}) : reduceSchema(items);
  if (reducedItems) out['items'] = reducedItems;
  return out;
}

function foldUnion(branches: unknown): { type: string; values: unknown[] | undefined } | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  let type: string | undefined;
  let values: unknown[] | undefined = [];
  for (const raw of branches) {
    const branch = asRecord(raw);
    const t = branch?.['type'];
    if (!branch || typeof t !== 'string' || (type !== undefined && t !== type)) return undefined;
    type = t;
    if (values && Array.isArray(branch['enum'])) values.push(...(branch['enum'] as unknown[]));
    else if (values && 'const' in branch) values.push(branch['const']);
    else values = undefined;
  }
  return type === undefined ? undefined : { type, values };
}

export function upstreamToolName(clientName: string, declared: ToolDefinition[] | undefined): string {
  const naming = namingFor(declared);
  const known = naming.clientToUpstream.get(clientName);
  if (known !== undefined) return known;
  // A tool no longer declared (older history): alias it only if that cannot collide with a declared tool.
  const target = FORWARD_ALIASES.get(clientName);
  if (target !== undefined && !naming.upstreamToClient.has(target)) return target;
  return clientName;
}

/** Name groups the upstream's models use interchangeably; the first entry is the canonical Orchids/Claude name. */
const ALIAS_GROUPS: ReadonlyArray<readonly string[]> = [
  ['Grep', 'ripgrep', 'search_code'],
  ['Read', 'read_file', 'readfile', 'view'],
  ['Bash', 'run_command', 'execute_command', 'launch-process', 'execute'],
  ['TodoWrite', 'update_todo_list'],
  ['Task', 'new_task', 'agent'],
  ['WebFetch', 'web_fetch', 'fetch'],
  ['Glob', 'find_files', 'list_dir'],
  ['Edit', 'str_replace_editor'],
  ['Write', 'write_file', 'create_file'],
];
const GROUP_OF: ReadonlyMap<string, number> = new Map(
  ALIAS_GROUPS.flatMap((group, index) => group.map((name) => [name.toLowerCase(), index] as const)),
);

function findByName(name: string, naming: ToolNaming): string | undefined {
  const exact = naming.upstreamToClient.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [upstream, client] of naming.upstreamToClient) if (upstream.toLowerCase() === lower) return client;
  for (const tool of naming.all) if (tool.name.toLowerCase() === lower) return tool.name;
  return undefined;
}

function lastSegment(name: string): string {
  let i = name.length - 1;
  for (; i >= 0; i--) {
    const c = name.charCodeAt(i);
    if (c === 46 /* . */ || c === 47 /* / */ || c === 58 /* : */) break;
  }
  return i >= 0 ? name.slice(i + 1) : name;
}

function findByAlias(name: string, naming: ToolNaming): string | undefined {
  const group = GROUP_OF.get(name.toLowerCase());
  if (group === undefined) return undefined;
  const canonical = (ALIAS_GROUPS[group] as readonly string[])[0] as string;
  // Prefer the client tool we presented under the canonical name, then any declared member of the group.
  const viaCanonical = naming.upstreamToClient.get(canonical);
  if (viaCanonical !== undefined) return viaCanonical;
  for (const tool of naming.all) if (GROUP_OF.get(tool.name.toLowerCase()) === group) return tool.name;
  return undefined;
}

function findBySchema(input: JsonObject, naming: ToolNaming): string | undefined {
  const keys = Object.keys(input);
  // With no keys every tool fits equally; picking one would be a guess dressed up as a match.
  if (keys.length === 0) return undefined;
  let best: string | undefined;
  let bestExtra = Infinity;
  for (const tool of naming.all) {
    const props = asRecord(tool.schema?.['properties']);
    if (!props) continue;
    if (!keys.every((key) => Object.hasOwn(props, key))) continue;
    const extra = Object.keys(props).length - keys.length;
    if (extra < bestExtra) {
      best = tool.name;
      bestExtra = extra;
    }
  }
  return best;
}

/** Maps a tool name the upstream emitted back to a tool the client declared (7.4 reverse mapping, steps 1–5). */
export function resolveClientToolName(
  upstreamName: string,
  declared: ToolDefinition[] | undefined,
  input?: Record<string, unknown>,
): string {
  const naming = namingFor(declared);
  if (naming.all.length === 0) return upstreamName;
  const segment = lastSegment(upstreamName);
  return (
    findByName(upstreamName, naming) ??
    (segment !== upstreamName ? findByName(segment, naming) : undefined) ??
    findByAlias(segment, naming) ??
    (input ? findBySchema(input, naming) : undefined) ??
    upstreamName
  );
}

/** The client's own schema for a declared tool, for input repair. */
export function clientToolSchema(clientName: string, declared: ToolDefinition[] | undefined): JsonObject | undefined {
  for (const tool of namingFor(declared).all) if (tool.name === clientName) return tool.schema;
  return undefined;
}

/**
 * Turns a streamed tool call's input into the object the client's tool expects.
 *
 * DECISION: text that is not a JSON object comes back as `{ _raw: text }`, not `{}`. The client validates input
 * against the tool's schema, so the call fails visibly and the model can retry; `{}` could run a tool with default
 * arguments, and the text would vanish from the debug log.
 *
 * Coercion happens only where the tool's own schema names a non-string type: models sometimes quote booleans,
 * numbers and nested JSON, but a property declared `string` (or not described at all) is the model's to fill.
 */
export function repairToolInput(raw: string | Record<string, unknown>, schema: JsonObject | undefined): JsonObject {
  if (typeof raw !== 'string') return coerceObject(raw, schema);
  if (raw.trim().length === 0) return {};
  const parsed = asRecord(parseJson(raw));
  return parsed ? coerceObject(parsed, schema) : { _raw: raw };
}

/** Copy-on-write: the caller's object is returned untouched when nothing needs fixing. */
function coerceObject(input: JsonObject, schema: JsonObject | undefined): JsonObject {
  const props = asRecord(schema?.['properties']);
  if (!props) return input;
  let out: JsonObject | undefined;
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(props, key)) continue;
    const value = input[key];
    const fixed = coerceValue(value, asRecord(props[key]));
    if (fixed !== value) (out ??= { ...input })[key] = fixed;
  }
  return out ?? input;
}

function coerceValue(value: unknown, schema: JsonObject | undefined): unknown {
  if (!schema) return value;
  const declared = schema['type'];
  const types = typeof declared === 'string' ? [declared] : Array.isArray(declared) ? declared : [];
  let v = value;
  if (typeof v === 'string' && types.length > 0 && !types.includes('string')) v = coerceString(v, types);
  if (Array.isArray(v)) {
    const items = asRecord(schema['items']);
    if (!items || !asRecord(items['properties'])) return v;
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const el = asRecord(v[i]);
      const fixed = el ? coerceObject(el, items) : v[i];
      if (fixed !== v[i]) (copy ??= v.slice())[i] = fixed;
    }
    return copy ?? v;
  }
  const obj = asRecord(v);
  return obj ? coerceObject(obj, schema) : v;
}

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function coerceString(s: string, types: unknown[]): unknown {
  const t = s.trim();
  for (const type of types) {
    if (type === 'boolean') {
      const lower = t.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
    } else if (type === 'number' || type === 'integer') {
      if (t.length > 0 && t.length < 64 && NUMERIC.test(t)) {
        const n = Number(t);
        if (Number.isFinite(n) && (type === 'number' || Number.isInteger(n))) return n;
      }
    } else if (type === 'array' || type === 'object') {
      if (t.charCodeAt(0) !== (type === 'array' ? 91 /* [ */ : 123) /* { */) continue;
      const parsed = parseJson(t);
      if (type === 'array' ? Array.isArray(parsed) : asRecord(parsed)) return parsed;
    }
  }
  return s;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
