/**
 * The client's declared tools, read once per request: what the upstream is shown (Generation A) and what the
 * upstream's tool calls may be renamed to on the way back (both generations).
 */
import type { ToolDefinition } from '../anthropic/types';

export type JsonObject = Record<string, unknown>;

export function asRecord(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export interface ClientTool {
  name: string;
  description: string;
  schema: JsonObject | undefined;
  /** An Anthropic-defined client tool (`bash_…`, `text_editor_…`): the client runs it, but declares no schema. */
  anthropicDefined?: boolean;
}

const BLOCKED_NAMES = new Set(['web_search', 'WebSearch', 'SQL']);

/** Client names the upstream knows under its own tool name. Case-sensitive on purpose: `glob` maps, `Glob` is it. */
export const FORWARD_ALIASES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    str_replace_editor: 'Edit',
    view: 'Read',
    read_file: 'Read',
    ReadFile: 'Read',
    list_dir: 'Glob',
    glob: 'Glob',
    find_files: 'Glob',
    ripgrep: 'Grep',
    search_code: 'Grep',
    execute: 'Bash',
    run_command: 'Bash',
    write_file: 'Write',
    create_file: 'Write',
  }),
);

const str = { type: 'string' };

// The input the model is trained to send to Anthropic's own client tools (bash_20250124, text_editor_20250728 …).
// The request carries only `type` and `name`, so input repair needs these to know what the client will accept.
const ANTHROPIC_BASH_SCHEMA: JsonObject = {
  type: 'object',
  properties: { command: str, restart: { type: 'boolean' } },
  additionalProperties: false,
};
const ANTHROPIC_EDITOR_SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    command: { type: 'string', enum: ['view', 'create', 'str_replace', 'insert', 'undo_edit'] },
    path: str,
    file_text: str,
    old_str: str,
    new_str: str,
    insert_line: { type: 'integer' },
    view_range: { type: 'array', items: { type: 'integer' } },
  },
  required: ['command', 'path'],
  additionalProperties: false,
};

function anthropicDefinedSchema(type: string): JsonObject | undefined {
  if (type.startsWith('bash_')) return ANTHROPIC_BASH_SCHEMA;
  if (type.startsWith('text_editor_')) return ANTHROPIC_EDITOR_SCHEMA;
  return undefined;
}

function readClientTool(tool: ToolDefinition): ClientTool | undefined {
  if (tool.type === 'function' && tool.function && typeof tool.function.name === 'string') {
    const f = tool.function;
    return { name: f.name, description: f.description ?? '', schema: f.parameters };
  }
  if (typeof tool.name !== 'string' || tool.name.length === 0) return undefined;
  if (tool.type !== undefined && tool.type !== 'custom' && tool.type !== 'function' && !tool.input_schema) {
    // Server tools (web_search_20250305, code_execution_…) run on Anthropic's side: the client cannot run them.
    const schema = anthropicDefinedSchema(tool.type);
    return schema ? { name: tool.name, description: '', schema, anthropicDefined: true } : undefined;
  }
  return { name: tool.name, description: tool.description ?? '', schema: tool.input_schema };
}

export interface ToolNaming {
  /** Client tools the upstream gets, in the client's order, each with the name the upstream sees. */
  sent: Array<{ tool: ClientTool; upstream: string }>;
  clientToUpstream: Map<string, string>;
  upstreamToClient: Map<string, string>;
  /** Every tool the client can run, by client name (blocked ones too). */
  all: ClientTool[];
  /** `all` by lower-cased name; the first declaration of a name wins. */
  byLowerName: Map<string, ClientTool>;
}

// Within one request the same `tools` array is asked about once per history tool_use block and once per streamed
// tool call; keying on the array identity computes the naming once per request and lets it go with the request.
const namingCache = new WeakMap<ToolDefinition[], ToolNaming>();
const EMPTY_NAMING: ToolNaming = {
  sent: [],
  clientToUpstream: new Map(),
  upstreamToClient: new Map(),
  all: [],
  byLowerName: new Map(),
};

export function namingFor(declared: ToolDefinition[] | undefined): ToolNaming {
  if (!declared || declared.length === 0) return EMPTY_NAMING;
  const cached = namingCache.get(declared);
  if (cached) return cached;

  const all: ClientTool[] = [];
  const kept: ClientTool[] = [];
  const byLowerName = new Map<string, ClientTool>();
  const seen = new Set<string>();
  for (const def of declared) {
    const tool = readClientTool(def);
    if (!tool || seen.has(tool.name)) continue;
    seen.add(tool.name);
    all.push(tool);
    if (!byLowerName.has(tool.name.toLowerCase())) byLowerName.set(tool.name.toLowerCase(), tool);
    // Anthropic-defined tools have no schema to show an upstream; Generation A never sent them.
    if (!BLOCKED_NAMES.has(tool.name) && !tool.anthropicDefined) kept.push(tool);
  }

  // A tool the client declares under an Orchids name owns that name; an alias takes the Orchids name only while
  // nobody holds it and otherwise keeps its own, so the upstream never sees two tools with one name.
  const taken = new Set<string>();
  for (const tool of kept) if (!FORWARD_ALIASES.has(tool.name)) taken.add(tool.name);
  const naming: ToolNaming = { sent: [], clientToUpstream: new Map(), upstreamToClient: new Map(), all, byLowerName };
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

/** The client's own schema for a declared tool, for input repair. */
export function clientToolSchema(clientName: string, declared: ToolDefinition[] | undefined): JsonObject | undefined {
  for (const tool of namingFor(declared).all) if (tool.name === clientName) return tool.schema;
  return undefined;
}
