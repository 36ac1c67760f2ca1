/**
 * OpenAI's function tools, `tool_choice` and tool-call ids, converted to the Messages API's tools and tool_choice
 * (Chat Completions and Responses spell them slightly differently; `nested` says which).
 */
import { compileSchema, SchemaError } from '../anthropic/structured/json-schema';
import type { ToolDefinition } from '../anthropic/types';
import { digest24 } from '../util/ids';
import { OpenAIRequestError } from './errors';
import {
  invalidType,
  invalidValue,
  isObject,
  missing,
  optionalBoolean,
  optionalObject,
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

/** OpenAI's hosted tools (web search, file search, …) would need servers the Orchids upstream does not have. */
function onlyFunctions(type: unknown, param: string, verb: 'offered' | 'allowed'): void {
  if (type === 'function') return;
  unsupported(
    param,
    `'${String(type)}' tools cannot be ${verb}: the Orchids upstream runs no hosted tools, ` +
      "so only 'function' tools are supported.",
  );
}

/** Chat Completions nests a function's fields in `function`; Responses puts them on the tool. */
export function readTools(value: unknown, nested: boolean): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) invalidType('tools', 'an array', value);
  return value.map((tool, i) => {
    const param = `tools[${i}]`;
    if (!isObject(tool)) invalidType(param, 'an object', tool);
    onlyFunctions(tool.type, `${param}.type`, 'offered');
    const fn = nested ? optionalObject(tool, 'function', `${param}.function`) : tool;
    if (!fn) throw new OpenAIRequestError(`Missing required parameter: '${param}.function'.`, `${param}.function`);
    const where = nested ? `${param}.function` : param;
    return functionTool(requireName(fn, 'name', `${where}.name`), fn.description, fn.parameters, where);
  });
}

/** The tools offered upstream and the Messages API's tool_choice, from OpenAI's `tools` and `tool_choice`. */
export interface ToolSelection {
  tools: ToolDefinition[] | undefined;
  toolChoice: Record<string, unknown> | undefined;
}

/**
 * `tool_choice` and `parallel_tool_calls` as the Messages API's tool_choice: required → any, a named function →
 * tool, parallel_tool_calls false → disable_parallel_tool_use. The forced ones are then honoured and checked by the
 * shared structured-output path. `nested` is Chat Completions' shape (`{function: {name}}`), where Responses puts
 * the name on the choice itself.
 */
export function readToolChoice(body: Json, tools: ToolDefinition[] | undefined, nested: boolean): ToolSelection {
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
  if (choice.type === 'allowed_tools') return allowedTools(choice, tools, nested, serial);
  if (choice.type !== 'function') {
    unsupported('tool_choice.type', `'${String(choice.type)}': only 'function' can be forced here.`);
  }
  const name = nested
    ? isObject(choice.function)
      ? choice.function.name
      : missing('tool_choice.function')
    : choice.name;
  const namePath = nested ? 'tool_choice.function.name' : 'tool_choice.name';
  if (name === undefined || name === null) missing(namePath);
  if (typeof name !== 'string') invalidType(namePath, 'a string', name);
  if (!tools?.some((tool) => tool.name === name)) {
    throw new OpenAIRequestError(
      `Invalid value for 'tool_choice': no function named '${name}' is among the tools.`,
      'tool_choice',
      'invalid_value',
    );
  }
  return { tools, toolChoice: { type: 'tool', name, ...serial } };
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
function allowedTools(choice: Json, tools: ToolDefinition[] | undefined, nested: boolean, serial: Json): ToolSelection {
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
    onlyFunctions(entry.type, `${where}.type`, 'allowed');
    const fn = nested
      ? (optionalObject(entry, 'function', `${where}.function`) ?? missing(`${where}.function`))
      : entry;
    const name = requireString(fn, 'name', nested ? `${where}.function.name` : `${where}.name`);
    // OpenAI's own words for a choice naming a tool the request does not declare.
    if (!tools?.some((tool) => tool.name === name)) {
      throw new OpenAIRequestError(`Tool choice '${name}' not found in 'tools' parameter.`, 'tool_choice');
    }
    allowed.add(name);
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

/** Arguments as the model wrote them (a JSON string) → tool_use input; what does not parse is kept, not refused. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return isObject(value) ? value : {};
  if (value.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(value);
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
