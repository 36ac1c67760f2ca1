/**
 * What a request asks of its answer's shape, read once before anything is sent: a forced tool call
 * (`tool_choice` any / tool), a JSON schema (`output_config.format`), no tools (`tool_choice` none), or at most
 * one tool call (`disable_parallel_tool_use`). The OpenAI routes express their `tool_choice`, `response_format` and
 * `text.format` in these same fields, so both APIs share one implementation.
 */
import { RequestValidationError } from '../validate-checks';
import type { MessagesRequest, ToolDefinition } from '../types';
import { compileSchema, SchemaError, type SchemaCheck } from './json-schema';
import { isServerTool, namingFor } from '../../orchids/client-tools';

type JsonObject = Record<string, unknown>;

/** A tool the answer may call, with its compiled input schema. */
export interface ToolTarget {
  name: string;
  description: string;
  schema: JsonObject;
  check: SchemaCheck;
}

/** An answer that must be checked (and so buffered) before it reaches the client. */
export type ForcedShape =
  /** `named`: tool_choice names one tool; otherwise any of `tools`. */
  | { kind: 'tool'; tools: ToolTarget[]; named: boolean; parallel: boolean }
  /** `toolsAllowed`: the request also lets the model call tools, and an answer that does is passed on unchecked. */
  | { kind: 'json'; schema: JsonObject; check: SchemaCheck; toolsAllowed: boolean };

export interface OutputPlan {
  shape: ForcedShape | undefined;
  /** tool_choice none: no tool call may reach the client. */
  withholdToolCalls: boolean;
  /** disable_parallel_tool_use: at most this many tool calls reach the client. */
  maxToolUses: number | undefined;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const serverToolForced = (what: string): string =>
  `tool_choice '${what}' forces a server tool, which runs on Anthropic's side: the Orchids upstream runs none, so ` +
  "Orchids Tray leaves server tools out. Force a tool your client runs, or use tool_choice 'auto'.";

function fail(path: string, message: string): never {
  throw new RequestValidationError(`${path}: ${message}`);
}

/** The plan for a request, or undefined for the common case where the answer's shape is free (nothing to do). */
export function planOutput(request: MessagesRequest): OutputPlan | undefined {
  const choice = request.tool_choice;
  const outputConfig = request['output_config'];
  const format = (isObject(outputConfig) ? outputConfig.format : undefined) ?? request['output_format'];
  if (choice === undefined && (format === undefined || format === null)) return undefined;

  let type = 'auto';
  let parallel = true;
  if (choice !== undefined && choice !== null) {
    if (!isObject(choice)) fail('tool_choice', 'Input should be a valid dictionary');
    if (typeof choice.type !== 'string' || !['auto', 'any', 'tool', 'none'].includes(choice.type)) {
      fail('tool_choice.type', "Input should be 'auto', 'any', 'tool' or 'none'");
    }
    type = choice.type;
    parallel = choice.disable_parallel_tool_use !== true;
  }

  let shape: ForcedShape | undefined;
  if (type === 'any' || type === 'tool') {
    const tools = request.tools ?? [];
    if (tools.length === 0) fail('tool_choice', `tool_choice '${type}' needs at least one tool in tools`);
    if (type === 'tool') {
      const name = (choice as JsonObject).name;
      if (typeof name !== 'string' || name === '') fail('tool_choice.name', 'Field required');
      const tool = tools.find((candidate) => toolName(candidate) === name);
      if (!tool) fail('tool_choice.name', `Tool '${name}' is not among the request's tools`);
      // A forced web search never gets here: the proxy answers it (proxy/web-search-answer.ts).
      if (isServerTool(tool)) fail('tool_choice.name', serverToolForced(name));
      shape = { kind: 'tool', tools: [toolTarget(tool, tools.indexOf(tool), tools)], named: true, parallel };
    } else {
      // `any` may only pick a tool the client can run: a server tool's call would reach a client that cannot run it.
      const runnable = tools
        .map(toolTarget)
        .filter((t, i) => t.name !== '' && !isServerTool(tools[i] as ToolDefinition));
      if (runnable.length === 0) fail('tool_choice', serverToolForced('any'));
      shape = { kind: 'tool', tools: runnable, named: false, parallel };
    }
  } else if (format !== undefined && format !== null) {
    const path = isObject(outputConfig) && outputConfig.format !== undefined ? 'output_config.format' : 'output_format';
    if (!isObject(format)) fail(path, 'Input should be a valid dictionary');
    if (format.type !== 'json_schema') fail(`${path}.type`, "Input should be 'json_schema'");
    if (!isObject(format.schema)) fail(`${path}.schema`, 'Field required');
    shape = {
      kind: 'json',
      schema: format.schema,
      check: compileOrFail(format.schema, `${path}.schema`),
      toolsAllowed: type === 'auto' && (request.tools?.length ?? 0) > 0,
    };
  }

  const withholdToolCalls = type === 'none';
  const maxToolUses = parallel ? undefined : 1;
  if (!shape && !withholdToolCalls && maxToolUses === undefined) return undefined;
  return { shape, withholdToolCalls, maxToolUses };
}

/** Anthropic tools carry `name`/`input_schema`; OpenAI-style ones sent to /v1/messages `function.name`/`parameters`. */
export function toolName(tool: ToolDefinition): string {
  return tool.name ?? tool.function?.name ?? '';
}

function toolTarget(tool: ToolDefinition, index: number, tools: ToolDefinition[]): ToolTarget {
  const name = toolName(tool);
  // An Anthropic-defined tool (bash, text editor, memory) declares neither: the ones its model is trained on apply.
  const known = tool.input_schema || tool.function ? undefined : namingFor(tools).all.find((t) => t.name === name);
  const schema = (isObject(tool.input_schema) ? tool.input_schema : tool.function?.parameters) ??
    known?.schema ?? { type: 'object' };
  const description = tool.description ?? tool.function?.description ?? known?.description ?? '';
  return {
    name,
    description: typeof description === 'string' ? description : '',
    schema,
    check: compileOrFail(schema, `tools.${index}.input_schema`),
  };
}

function compileOrFail(schema: unknown, path: string): SchemaCheck {
  try {
    return compileSchema(schema);
  } catch (error) {
    if (error instanceof SchemaError) fail(path, `not a usable JSON Schema: ${error.message}`);
    throw error;
  }
}

/** The request with `note` appended to its system text, which is where both generations read instructions. */
export function withSystemNote(request: MessagesRequest, note: string): MessagesRequest {
  const system = request.system;
  if (system === undefined || system === '') return { ...request, system: note };
  if (typeof system === 'string') return { ...request, system: `${system}\n\n${note}` };
  return { ...request, system: [...system, { type: 'text', text: note }] };
}
