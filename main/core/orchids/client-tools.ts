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

// The input the model is trained to send to Anthropic's own client tools (bash_20250124, text_editor_20250728,
// memory_20250818 …). The request carries only `type` and `name`: the upstream is shown these schemas so its model
// can call the tools, and input repair reads them to know what the client will accept.
const ANTHROPIC_BASH: Omit<ClientTool, 'name'> = {
  description:
    "Run a command in a persistent bash shell on the user's machine. Set restart to true to restart the shell.",
  schema: {
    type: 'object',
    properties: { command: str, restart: { type: 'boolean' } },
    additionalProperties: false,
  },
};
const ANTHROPIC_EDITOR: Omit<ClientTool, 'name'> = {
  description:
    "View, create and edit files on the user's machine. command view shows a file (view_range [start, end] lines) " +
    'or lists a directory; create writes file_text to path; str_replace replaces old_str, which must occur exactly ' +
    'once, with new_str; insert puts insert_text after line insert_line (0 for the top).',
  schema: {
    type: 'object',
    properties: {
      command: { type: 'string', enum: ['view', 'create', 'str_replace', 'insert', 'undo_edit'] },
      path: str,
      file_text: str,
      old_str: str,
      new_str: str,
      insert_line: { type: 'integer' },
      // text_editor_20250429 and later name the inserted text insert_text; earlier versions used new_str.
      insert_text: str,
      view_range: { type: 'array', items: { type: 'integer' } },
    },
    required: ['command', 'path'],
    additionalProperties: false,
  },
};
const ANTHROPIC_MEMORY: Omit<ClientTool, 'name'> = {
  description:
    'Read and write files in the /memories directory, which persists between conversations. Commands: view ' +
    '(path, optional view_range), create (path, file_text), str_replace (path, old_str, new_str), insert (path, ' +
    'insert_line, insert_text), delete (path), rename (old_path, new_path).',
  schema: {
    type: 'object',
    properties: {
      command: { type: 'string', enum: ['view', 'create', 'str_replace', 'insert', 'delete', 'rename'] },
      path: str,
      view_range: { type: 'array', items: { type: 'integer' } },
      file_text: str,
      old_str: str,
      new_str: str,
      insert_line: { type: 'integer' },
      insert_text: str,
      old_path: str,
      new_path: str,
    },
    required: ['command'],
    additionalProperties: false,
  },
};

function anthropicDefined(type: string): Omit<ClientTool, 'name'> | undefined {
  if (type.startsWith('bash_')) return ANTHROPIC_BASH;
  if (type.startsWith('text_editor_')) return ANTHROPIC_EDITOR;
  if (type.startsWith('memory_')) return ANTHROPIC_MEMORY;
  return undefined;
}

/** A tool of a type Anthropic defines and has no schema for here, so neither the client nor Orchids can run it. */
const typedWithoutSchema = (tool: ToolDefinition): tool is ToolDefinition & { type: string } =>
  tool.type !== undefined && tool.type !== 'custom' && tool.type !== 'function' && !tool.input_schema;

/**
 * Server tools (web_search_20250305, code_execution_…, tool_search_…) run on Anthropic's side: the client cannot
 * run them and the Orchids upstream does not, so they are never offered and may not be forced.
 */
export const isServerTool = (tool: ToolDefinition): boolean =>
  typedWithoutSchema(tool) && anthropicDefined(tool.type) === undefined;

function readClientTool(tool: ToolDefinition): ClientTool | undefined {
  if (tool.type === 'function' && tool.function && typeof tool.function.name === 'string') {
    const f = tool.function;
    return { name: f.name, description: f.description ?? '', schema: f.parameters };
  }
  if (typeof tool.name !== 'string' || tool.name.length === 0) return undefined;
  if (typedWithoutSchema(tool)) {
    const known = anthropicDefined(tool.type);
    return known ? { name: tool.name, ...known } : undefined;
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
    if (!BLOCKED_NAMES.has(tool.name)) kept.push(tool);
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

/** A declared tool by its client name. */
export function clientTool(clientName: string, declared: ToolDefinition[] | undefined): ClientTool | undefined {
  return namingFor(declared).all.find((tool) => tool.name === clientName);
}

/** The client's own schema for a declared tool, for input repair. */
export function clientToolSchema(clientName: string, declared: ToolDefinition[] | undefined): JsonObject | undefined {
  return clientTool(clientName, declared)?.schema;
}
