/**
 * OpenAI's function tools, `tool_choice` and tool-call ids, converted to the Messages API's tools and tool_choice
 * (Chat Completions and Responses spell them slightly differently; `nested` says which).
 */
import { compileSchema, SchemaError } from '../anthropic/structured/json-schema';
import type { ToolDefinition } from '../anthropic/types';
import { digest24 } from '../util/ids';
import { parseNestedJson } from '../server/json-body';
import { customTool } from './custom-tool';
import { OpenAIRequestError } from './errors';
import { NamespaceNames } from './namespaces';
import { isTypedTool, TYPED_TOOLS, typedTool, type TypedTool } from './typed-tools';
import {
  invalidType,
  invalidValue,
  isObject,
  missing,
  optionalBoolean,
  optionalObject,
  optionalString,
  requireArray,
  requireName,
  requireString,
  unsupported,
  type Json,
} from './params';

/** A function tool as the Messages API declares one. `strict` is not needed: forced calls are always checked. */
function functionTool(name: string, description: unknown, parameters: unknown, param: string): ToolDefinition {
  if (description !== undefined && description !== null && typeof description !== 'string') {
    invalidType(`${param}.description`, 'a string', description);
  }
  if (parameters !== undefined && parameters !== null && !isObject(parameters)) {
    invalidType(`${param}.parameters`, 'an object', parameters);
  }
  return {
    name,
    description: typeof description === 'string' ? description : '',
    input_schema: isObject(parameters) ? parameters : { type: 'object', properties: {} },
  };
}

/**
 * The kind of tool a client declared under a name, which decides how a call to it is written back: a function
 * call, a custom (freeform) tool call whose input is one string, or one of Responses' typed client tools' calls
 * (declared by type alone: the type is the name).
 */
export type ToolKind = 'function' | 'custom' | TypedTool;
export type ToolKinds = ReadonlyMap<string, ToolKind>;

/** The tools offered upstream, each declared name's kind, and the tools declared inside a `namespace`. */
export interface DeclaredTools {
  tools: ToolDefinition[] | undefined;
  /** By upstream name: a namespaced tool's is its joined name. */
  kinds: ToolKinds;
  namespaces: NamespaceNames;
}

/**
 * Responses' tool types that neither the client nor the Orchids upstream can run here: OpenAI's hosted tools (they
 * need OpenAI's servers) and `tool_search` (the upstream has no deferred tools to find, and its model has no way to
 * ask for one). Like Anthropic's server tools on /v1/messages they are accepted and left out, so a client that
 * declares them by default (Codex CLI declares `web_search`, and `tool_search` for a model its catalog says can
 * search) still works; forcing or allowing one stays a 400, since its call could never come.
 */
const LEFT_OUT_TYPES: ReadonlySet<unknown> = new Set([
  'web_search',
  'web_search_2025_08_26',
  'web_search_preview',
  'web_search_preview_2025_03_11',
  'file_search',
  'code_interpreter',
  'computer',
  'computer_use_preview',
  'image_generation',
  'mcp',
  'programmatic_tool_calling',
  'tool_search',
]);

/** Only tools the client runs can be offered, forced or allowed. Chat Completions (`nested`) has no typed ones. */
function onlyClientRun(
  type: unknown,
  param: string,
  verb: 'offered' | 'allowed',
  nested: boolean,
): asserts type is ToolKind {
  if (type === 'function' || type === 'custom' || (!nested && isTypedTool(type))) return;
  const runs = nested
    ? "'function' and 'custom'"
    : "'function', 'custom', " + TYPED_TOOLS.map((t) => `'${t}'`).join(', ');
  unsupported(
    param,
    `'${String(type)}' tools cannot be ${verb}: the Orchids upstream runs no hosted tools, ` +
      `so only tools the client runs (${runs}) are supported.`,
  );
}

/**
 * A request without tools, the commonest: one declaration shared by all of them, read-only past readTools (kinds is a
 * ReadonlyMap; a NamespaceNames is only assigned names inside readTools, and only for declared namespaces), which
 * spares two Maps, a Set and a NamespaceNames (two Maps more) a request.
 */
const NO_TOOLS: DeclaredTools = {
  tools: undefined,
  kinds: new Map<string, ToolKind>(),
  namespaces: new NamespaceNames(new Set<string>()),
};

/**
 * Chat Completions nests a tool's fields in `function` or `custom`; Responses puts them on the tool. A name
 * declared twice with different kinds is refused: a call to it could not be written back as either.
 *
 * A Responses `namespace`'s function and custom tools are offered like top-level ones, each under a name joining the
 * namespace and the tool (`namespaces.ts`), which is handed out once every top-level name is known, so a top-level
 * tool always keeps its own name. DECISION: a tool marked `defer_loading` (meant to be found by `tool_search`, which
 * is left out) is offered directly: the upstream has no tool search, so a deferred tool would otherwise never be
 * reachable, and offering it costs only prompt space.
 */
export function readTools(value: unknown, nested: boolean): DeclaredTools {
  if (value === undefined || value === null) return NO_TOOLS;
  const kinds = new Map<string, ToolKind>();
  const taken = new Set<string>();
  const namespaces = new NamespaceNames(taken);
  if (!Array.isArray(value)) invalidType('tools', 'an array', value);
  // A namespace's slot is filled once every top-level name is taken, keeping the tools in the client's order.
  const slots: Array<ToolDefinition | (() => ToolDefinition[])> = [];
  value.forEach((tool: unknown, i) => {
    const param = `tools[${i}]`;
    if (!isObject(tool)) invalidType(param, 'an object', tool);
    const kind = tool.type;
    if (!nested && LEFT_OUT_TYPES.has(kind)) return;
    if (!nested && kind === 'namespace') {
      slots.push(() => readNamespace(tool, param, kinds, namespaces));
      return;
    }
    onlyClientRun(kind, `${param}.type`, 'offered', nested);
    const read = readTool(tool, kind, param, kinds, nested);
    taken.add(read.name);
    slots.push(read);
  });
  const tools = slots.flatMap((slot) => (typeof slot === 'function' ? slot() : [slot]));
  return { tools: tools.length > 0 || value.length === 0 ? tools : undefined, kinds, namespaces };
}

/** The longest part of a namespace's description each of its tools carries: it is repeated in every one. */
const NAMESPACE_NOTE = 300;

function readNamespace(tool: Json, param: string, kinds: Map<string, ToolKind>, names: NamespaceNames) {
  const namespace = requireName(tool, 'name', `${param}.name`);
  const about = optionalString(tool, 'description', `${param}.description`)?.trim() ?? '';
  const brief = about.length > NAMESPACE_NOTE ? about.slice(0, NAMESPACE_NOTE) + '…' : about;
  const note = (name: string) => `(Tool '${name}' of the '${namespace}' namespace${brief ? `: ${brief}` : ''})`;
  const members = requireArray(tool, 'tools', `${param}.tools`);
  return members.map((member: unknown, j) => {
    const where = `${param}.tools[${j}]`;
    if (!isObject(member)) invalidType(where, 'an object', member);
    const kind = member.type;
    if (kind !== 'function' && kind !== 'custom') invalidValue(`${where}.type`, kind, ['function', 'custom']);
    const name = requireName(member, 'name', `${where}.name`);
    const upstream = names.assign(namespace, name, `${where}.name`);
    declare(kinds, upstream, kind, `${where}.name`);
    const read =
      kind === 'custom'
        ? customTool(upstream, member.description, member.format, where, false)
        : functionTool(upstream, member.description, member.parameters, where);
    return { ...read, description: [read.description, note(name)].filter(Boolean).join('\n\n') };
  });
}

function readTool(tool: Json, kind: ToolKind, param: string, kinds: Map<string, ToolKind>, nested: boolean) {
  if (isTypedTool(kind)) {
    declare(kinds, kind, kind, `${param}.type`);
    return typedTool(kind, tool, param);
  }
  const spec = nested ? optionalObject(tool, kind, `${param}.${kind}`) : tool;
  if (!spec) throw new OpenAIRequestError(`Missing required parameter: '${param}.${kind}'.`, `${param}.${kind}`);
  const where = nested ? `${param}.${kind}` : param;
  const name = requireName(spec, 'name', `${where}.name`);
  declare(kinds, name, kind, `${where}.name`);
  return kind === 'custom'
    ? customTool(name, spec.description, spec.format, where, nested)
    : functionTool(name, spec.description, spec.parameters, where);
}

function declare(kinds: Map<string, ToolKind>, name: string, kind: ToolKind, param: string): void {
  const known = kinds.get(name);
  if (known !== undefined && known !== kind) {
    throw new OpenAIRequestError(
      `Invalid '${param}': '${name}' is already the name of a ${known} tool.`,
      param,
      'invalid_value',
    );
  }
  kinds.set(name, kind);
}

/** The tools offered upstream and the Messages API's tool_choice, from OpenAI's `tools` and `tool_choice`. */
export interface ToolSelection {
  tools: ToolDefinition[] | undefined;
  toolChoice: Record<string, unknown> | undefined;
}

/**
 * `tool_choice` and `parallel_tool_calls` as the Messages API's tool_choice: required → any, a named function or
 * custom tool → tool, parallel_tool_calls false → disable_parallel_tool_use. The forced ones are then honoured and
 * checked by the shared structured-output path. `nested` is Chat Completions' shape (`{function: {name}}`,
 * `{custom: {name}}`), where Responses puts the name on the choice itself. A named choice must name a tool of its
 * own kind.
 */
export function readToolChoice(body: Json, declared: DeclaredTools, nested: boolean): ToolSelection {
  const { tools, kinds } = declared;
  const choice = body.tool_choice;
  const parallel = optionalBoolean(body, 'parallel_tool_calls', 'parallel_tool_calls');
  const serial = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null) {
    return { tools, toolChoice: parallel === false ? { type: 'auto', ...serial } : undefined };
  }
  if (typeof choice === 'string') {
    if (choice === 'none') return { tools, toolChoice: { type: 'none' } };
    if (choice === 'auto') return { tools, toolChoice: { type: 'auto', ...serial } };
    if (choice === 'required') return { tools, toolChoice: requiredChoice(tools, serial) };
    invalidValue('tool_choice', choice, ['none', 'auto', 'required']);
  }
  if (!isObject(choice)) invalidType('tool_choice', 'a string or an object', choice);
  if (choice.type === 'allowed_tools') return allowedTools(choice, declared, nested, serial);
  const kind = choice.type;
  if (!nested && (kind === 'shell' || kind === 'apply_patch')) {
    if (kinds.get(kind) !== kind) {
      throw new OpenAIRequestError(`Tool choice '${kind}' not found in 'tools' parameter.`, 'tool_choice');
    }
    return { tools, toolChoice: { type: 'tool', name: kind, ...serial } };
  }
  if (kind !== 'function' && kind !== 'custom') {
    const forced = nested ? "'function' and 'custom'" : "'function', 'custom', 'shell' and 'apply_patch'";
    unsupported('tool_choice.type', `'${String(kind)}': only ${forced} tools can be forced here.`);
  }
  const name = nested ? (isObject(choice[kind]) ? choice[kind].name : missing(`tool_choice.${kind}`)) : choice.name;
  const namePath = nested ? `tool_choice.${kind}.name` : 'tool_choice.name';
  if (name === undefined || name === null) missing(namePath);
  if (typeof name !== 'string') invalidType(namePath, 'a string', name);
  const namespace = nested ? undefined : optionalString(choice, 'namespace', 'tool_choice.namespace');
  const upstream = upstreamOf(declared, kind, name, namespace);
  if (upstream === undefined) {
    const what = kind === 'function' ? 'function' : 'custom tool';
    const within = namespace === undefined ? '' : ` in namespace '${namespace}'`;
    throw new OpenAIRequestError(
      `Invalid value for 'tool_choice': no ${what} named '${name}'${within} is among the tools.`,
      'tool_choice',
      'invalid_value',
    );
  }
  return { tools, toolChoice: { type: 'tool', name: upstream, ...serial } };
}

/**
 * The upstream name of a declared tool of this kind, or undefined. OpenAI's `ToolChoiceFunction` and
 * `ToolChoiceCustom` have no namespace field: a choice names a namespaced tool with `namespace` beside `name`, as the
 * call items do, and a choice without one names only a top-level tool, never a namespaced tool by its joined name.
 */
function upstreamOf(declared: DeclaredTools, kind: ToolKind, name: string, namespace: string | undefined) {
  const upstream = namespace === undefined ? name : declared.namespaces.find(namespace, name);
  if (upstream === undefined || declared.kinds.get(upstream) !== kind) return undefined;
  if (namespace === undefined && declared.namespaces.split(upstream)) return undefined;
  return upstream;
}

function requiredChoice(tools: ToolDefinition[] | undefined, serial: Json): Record<string, unknown> {
  if (!tools?.length) {
    throw new OpenAIRequestError(
      "Invalid value for 'tool_choice': 'required' needs tools.",
      'tool_choice',
      'invalid_value',
    );
  }
  return { type: 'any', ...serial };
}

const ALLOWED_MODES = ['auto', 'required'] as const;

/**
 * An `allowed_tools` choice: the model may call only the functions it lists. Those alone are offered upstream, so
 * the agent is never shown the others; the mode then maps as the string choices do (`required` → any, whose answer
 * check takes only a call to an offered tool). Chat Completions nests the set in `allowed_tools` and each name in
 * `function`; Responses puts both on the choice and the entry.
 */
function allowedTools(choice: Json, declared: DeclaredTools, nested: boolean, serial: Json): ToolSelection {
  const { tools } = declared;
  const base = nested ? 'tool_choice.allowed_tools' : 'tool_choice';
  const config = nested ? (optionalObject(choice, 'allowed_tools', base) ?? missing(base)) : choice;
  const mode = config.mode;
  if (mode === undefined || mode === null) missing(`${base}.mode`);
  if (typeof mode !== 'string' || !(ALLOWED_MODES as readonly string[]).includes(mode)) {
    invalidValue(`${base}.mode`, mode, ALLOWED_MODES);
  }
  const entries = config.tools;
  if (entries === undefined || entries === null) missing(`${base}.tools`);
  if (!Array.isArray(entries)) invalidType(`${base}.tools`, 'an array', entries);
  if (entries.length === 0) {
    throw new OpenAIRequestError(
      `Invalid '${base}.tools': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
      `${base}.tools`,
      'empty_array',
    );
  }
  const allowed = new Set<string>();
  entries.forEach((entry: unknown, i) => {
    const where = `${base}.tools[${i}]`;
    if (!isObject(entry)) invalidType(where, 'an object', entry);
    const kind = entry.type;
    onlyClientRun(kind, `${where}.type`, 'allowed', nested);
    const spec = nested ? (optionalObject(entry, kind, `${where}.${kind}`) ?? missing(`${where}.${kind}`)) : entry;
    const name = isTypedTool(kind)
      ? kind
      : requireString(spec, 'name', nested ? `${where}.${kind}.name` : `${where}.name`);
    const namespace = nested ? undefined : optionalString(entry, 'namespace', `${where}.namespace`);
    const upstream = upstreamOf(declared, kind, name, namespace);
    // OpenAI's own words for a choice naming a tool the request does not declare.
    if (upstream === undefined) {
      const named = namespace === undefined ? name : `${namespace}.${name}`;
      throw new OpenAIRequestError(`Tool choice '${named}' not found in 'tools' parameter.`, 'tool_choice');
    }
    allowed.add(upstream);
  });
  const offered = tools!.filter((tool) => allowed.has(tool.name));
  const toolChoice = mode === 'required' ? requiredChoice(offered, serial) : { type: 'auto', ...serial };
  return { tools: offered, toolChoice };
}

/** Forced tools' parameter schemas are compiled up front, so a broken one is a 400 named in OpenAI's terms. */
export function checkForcedToolSchemas(
  toolChoice: Record<string, unknown> | undefined,
  tools: ToolDefinition[] | undefined,
): void {
  if (!toolChoice || (toolChoice.type !== 'any' && toolChoice.type !== 'tool')) return;
  tools?.forEach((tool, i) => {
    if (toolChoice.type === 'tool' && tool.name !== toolChoice.name) return;
    try {
      compileSchema(tool.input_schema);
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      throw new OpenAIRequestError(
        `Invalid schema for function '${tool.name}': ${error.message}`,
        `tools[${i}]`,
        'invalid_function_parameters',
      );
    }
  });
}

/**
 * Arguments as the model wrote them (a JSON string) → tool_use input; what does not parse, or nests deeper than a
 * body may, is kept as text, not refused.
 */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return isObject(value) ? value : {};
  if (value.trim() === '') return {};
  try {
    const parsed = parseNestedJson(value);
    return isObject(parsed) ? parsed : { value: parsed };
  } catch {
    // A client replays whatever the model produced; refusing its history would end the conversation.
    return { _raw: value };
  }
}

/** OpenAI refuses a longer tool-call id when a client replays the conversation to it (`string_above_max_length`). */
const MAX_CALL_ID = 40;

/**
 * OpenAI's tool-call ids are `call_…`; the upstream's are `toolu_…` or its own. Clients only ever echo the id back
 * (in `tool_call_id` or `function_call_output.call_id`) and the upstream treats ids as opaque pairs within a
 * conversation, so the renamed id needs no mapping on the way in. One longer than OpenAI takes is digested.
 */
export function openAICallId(id: string): string {
  const named = id.startsWith('call_') ? id : `call_${id.replace(/^toolu_/, '')}`;
  return named.length <= MAX_CALL_ID ? named : `call_h_${digest24(id)}`;
}
