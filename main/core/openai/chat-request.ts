/**
 * `POST /v1/chat/completions` request → the Messages API request the pipeline serves. Every parameter OpenAI
 * defines is either carried over, refused with a 400 that names it (n > 1, logprobs, audio), or documented as
 * dropped in the README (sampling parameters neither upstream generation carries).
 */
import type { MessagesRequest, ToolDefinition } from '../anthropic/types';
import { MAX_OUTPUT_TOKENS } from '../anthropic/validate';
import { OpenAIRequestError } from './errors';
import { Conversation } from './conversation';
import {
  checkUnusedParams,
  invalidType,
  invalidValue,
  isObject,
  missing,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  requireArray,
  requireModel,
  requireString,
  unsupported,
  type Json,
} from './params';
import {
  fileBlock,
  imageBlock,
  jsonOutput,
  readMetadata,
  readStreamOptions,
  readTopLogprobs,
  textContent,
  thinkingFor,
  type Block,
} from './shared';
import {
  checkForcedToolSchemas,
  parseArguments,
  readToolChoice,
  readTools,
  type DeclaredTools,
  type ToolKinds,
} from './tool-params';
import { CUSTOM_INPUT } from './custom-tool';

export interface ChatOptions {
  /** The model as the client named it: the answer echoes it. */
  model: string;
  /** `stream_options.include_usage`: a last chunk carries the usage. */
  includeUsage: boolean;
  /** The client declared `functions`, not `tools`: calls come back as the legacy `function_call`. */
  legacyFunctions: boolean;
  /** Each declared tool's kind: a call to a custom tool comes back as a `custom` tool call. */
  kinds: ToolKinds;
}

/** Read only to be held to their types (checkUnusedParams); one object for every request. */
const UNUSED_PARAMS = {
  user: 'a string',
  seed: 'an integer',
  logit_bias: 'an object',
  store: 'a boolean',
  service_tier: 'a string',
  prompt_cache_key: 'a string',
  safety_identifier: 'a string',
} as const;

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
const USER_PARTS = ['text', 'image_url', 'file', 'input_audio'] as const;

export function readChatRequest(body: unknown): { request: MessagesRequest; options: ChatOptions } {
  if (!isObject(body)) throw new OpenAIRequestError('The request body must be a JSON object.');
  const model = requireModel(body);
  refuseUnsupported(body);

  const legacyFunctions = body.tools === undefined && body.functions !== undefined && body.functions !== null;
  if (body.tools !== undefined && body.tools !== null && body.functions !== undefined && body.functions !== null) {
    throw new OpenAIRequestError("Use either 'tools' or the deprecated 'functions', not both.", 'functions');
  }
  const declared = legacyFunctions ? readLegacyFunctions(body.functions) : readTools(body.tools, true);
  if (!legacyFunctions && declared.tools === undefined) onlyWithTools(body);
  const { tools, toolChoice } = legacyFunctions
    ? { tools: declared.tools, toolChoice: legacyToolChoice(body.function_call, declared.tools) }
    : readToolChoice(body, declared, true);
  checkForcedToolSchemas(toolChoice, tools);

  const conversation = new Conversation();
  const messages = requireArray(body, 'messages', 'messages');
  if (messages.length === 0) {
    throw new OpenAIRequestError(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  }
  const legacyIds = new LegacyCallIds();
  messages.forEach((message, i) => addMessage(conversation, message, `messages[${i}]`, legacyIds));

  const stream = optionalBoolean(body, 'stream', 'stream') ?? false;
  const streamOptions = readStreamOptions(body, stream, ['include_usage', 'include_obfuscation']);
  checkUnusedParams(body, UNUSED_PARAMS);
  const maxTokens =
    optionalInteger(body, 'max_completion_tokens', 'max_completion_tokens', 1, MAX_OUTPUT_TOKENS) ??
    optionalInteger(body, 'max_tokens', 'max_tokens', 1, MAX_OUTPUT_TOKENS);
  const temperature = optionalNumber(body, 'temperature', 'temperature', 0, 2);
  const topP = optionalNumber(body, 'top_p', 'top_p', 0, 1);
  optionalNumber(body, 'presence_penalty', 'presence_penalty', -2, 2);
  optionalNumber(body, 'frequency_penalty', 'frequency_penalty', -2, 2);
  const thinking = thinkingFor(body.reasoning_effort, 'reasoning_effort');
  const format = optionalObject(body, 'response_format', 'response_format');
  const output = format
    ? jsonOutput(format.type, format.json_schema, 'response_format', 'response_format.json_schema', false)
    : undefined;
  readMetadata(body);

  const stop = readStop(body.stop);
  const request = conversation.request({
    model,
    stream,
    maxTokens,
    tools,
    toolChoice,
    thinking,
    stop,
    temperature,
    topP,
    output,
  });
  return {
    request,
    options: {
      model,
      includeUsage: streamOptions?.include_usage === true,
      legacyFunctions,
      kinds: declared.kinds,
    },
  };
}

/** What the upstream cannot do, refused by name: silently answering something else would be worse. */
function refuseUnsupported(body: Json): void {
  const n = optionalInteger(body, 'n', 'n', 1);
  if (n !== undefined && n > 1)
    unsupported('n', 'Orchids Tray returns one choice per request; send n: 1 or leave it out.');
  if (body.logprobs === true) unsupported('logprobs', 'the Orchids upstream reports no log probabilities.');
  const topLogprobs = readTopLogprobs(body);
  // logprobs: true is refused above, so any alternatives asked for are asked for without it: OpenAI's refusal.
  if (topLogprobs !== undefined && topLogprobs > 0) {
    throw new OpenAIRequestError(
      "The 'top_logprobs' parameter is only allowed when 'logprobs' is enabled.",
      'top_logprobs',
    );
  }
  if (body.audio !== undefined && body.audio !== null) unsupported('audio', 'the Orchids upstream does not speak.');
  if (Array.isArray(body.modalities) && body.modalities.includes('audio')) {
    unsupported('modalities', "the Orchids upstream answers in text only: use ['text'].");
  }
}

/** Chat Completions refuses the tool parameters on a request that declares no tools, in these words. */
function onlyWithTools(body: Json): void {
  for (const param of ['tool_choice', 'parallel_tool_calls']) {
    if (body[param] !== undefined && body[param] !== null) {
      throw new OpenAIRequestError(
        `Invalid value for '${param}': '${param}' is only allowed when 'tools' are specified.`,
        param,
      );
    }
  }
}

function readStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    invalidType('stop', 'a string or an array of strings', value);
  }
  if (value.length > 4) {
    throw new OpenAIRequestError("Invalid 'stop': at most 4 stop sequences.", 'stop', 'array_above_max_length');
  }
  return value.length > 0 ? (value as string[]) : undefined;
}

function readLegacyFunctions(value: unknown): DeclaredTools {
  if (!Array.isArray(value)) invalidType('functions', 'an array', value);
  return readTools(
    value.map((fn: unknown) => ({ type: 'function', function: fn })),
    true,
  );
}

/** The legacy `function_call` parameter; legacy answers hold one call, so parallel calls are off. */
function legacyToolChoice(value: unknown, tools: ToolDefinition[] | undefined): Record<string, unknown> | undefined {
  const serial = { disable_parallel_tool_use: true };
  if (value === undefined || value === null || value === 'auto') return { type: 'auto', ...serial };
  if (value === 'none') return { type: 'none' };
  if (!isObject(value) || typeof value.name !== 'string')
    invalidType('function_call', "'none', 'auto' or {name}", value);
  if (!tools?.some((tool) => tool.name === value.name)) {
    throw new OpenAIRequestError(
      `Invalid value for 'function_call': no function named '${value.name}' is among the functions.`,
      'function_call',
      'invalid_value',
    );
  }
  return { type: 'tool', name: value.name, ...serial };
}

function addMessage(conversation: Conversation, message: unknown, param: string, legacyIds: LegacyCallIds): void {
  if (!isObject(message)) invalidType(param, 'an object', message);
  const role = message.role;
  if (role === undefined) missing(`${param}.role`);
  switch (role) {
    case 'system':
    case 'developer':
      conversation.addSystem(textContent(message.content, `${param}.content`));
      return;
    case 'user':
      conversation.add('user', userContent(message.content, `${param}.content`));
      return;
    case 'assistant':
      conversation.add('assistant', assistantContent(message, param, legacyIds));
      return;
    case 'tool': {
      const id = requireString(message, 'tool_call_id', `${param}.tool_call_id`);
      conversation.add('user', [toolResult(id, message.content, `${param}.content`)]);
      return;
    }
    case 'function': {
      const name = requireString(message, 'name', `${param}.name`);
      conversation.add('user', [toolResult(legacyIds.resultFor(name), message.content, `${param}.content`)]);
      return;
    }
    default:
      invalidValue(`${param}.role`, role, ROLES);
  }
}

function userContent(content: unknown, param: string): string | Block[] {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) missing(param);
  if (!Array.isArray(content)) invalidType(param, 'a string or an array', content);
  return content.map((part, i): Block => {
    const where = `${param}[${i}]`;
    if (!isObject(part)) invalidType(where, 'an object', part);
    switch (part.type) {
      case 'text':
        return { type: 'text', text: requireString(part, 'text', `${where}.text`) };
      case 'image_url': {
        const image = part.image_url;
        const url = typeof image === 'string' ? image : isObject(image) ? image.url : undefined;
        if (typeof url !== 'string') missing(`${where}.image_url.url`);
        return imageBlock(url, `${where}.image_url.url`);
      }
      case 'file':
        if (!isObject(part.file)) missing(`${where}.file`);
        return fileBlock(part.file, `${where}.file`);
      case 'input_audio':
        return unsupported(`${where}.type`, 'audio input: the Orchids upstream reads text, images and documents.');
      default:
        return invalidValue(`${where}.type`, part.type, USER_PARTS);
    }
  });
}

function assistantContent(message: Json, param: string, legacyIds: LegacyCallIds): Block[] {
  const blocks: Block[] = [];
  // Clients that show thinking as `reasoning_content` (Cline's OpenAI Compatible provider, DeepSeek-style ones)
  // send it back with the turn: it goes upstream as the thinking block the Messages API would replay in its place,
  // so the conversation reaches the upstream the same whichever API carried it.
  const reasoning = message.reasoning_content;
  if (typeof reasoning === 'string' && reasoning !== '') {
    blocks.push({ type: 'thinking', thinking: reasoning, signature: '' });
  }
  const text = textContent(message.content, `${param}.content`, ['text', 'refusal']);
  if (text !== '') blocks.push({ type: 'text', text });
  const toolCalls = message.tool_calls;
  if (toolCalls !== undefined && toolCalls !== null) {
    if (!Array.isArray(toolCalls)) invalidType(`${param}.tool_calls`, 'an array', toolCalls);
    toolCalls.forEach((call, i) => {
      const where = `${param}.tool_calls[${i}]`;
      if (!isObject(call)) invalidType(where, 'an object', call);
      const id = requireString(call, 'id', `${where}.id`);
      if (call.type === 'custom') {
        const custom = isObject(call.custom) ? call.custom : missing(`${where}.custom`);
        const name = requireString(custom, 'name', `${where}.custom.name`);
        const input = requireString(custom, 'input', `${where}.custom.input`);
        blocks.push({ type: 'tool_use', id, name, input: { [CUSTOM_INPUT]: input } });
        return;
      }
      const fn = isObject(call.function) ? call.function : missing(`${where}.function`);
      blocks.push({
        type: 'tool_use',
        id,
        name: requireString(fn, 'name', `${where}.function.name`),
        input: parseArguments(fn.arguments),
      });
    });
  }
  const legacy = message.function_call;
  if (isObject(legacy)) {
    const name = requireString(legacy, 'name', `${param}.function_call.name`);
    blocks.push({ type: 'tool_use', id: legacyIds.callFor(name), name, input: parseArguments(legacy.arguments) });
  }
  return blocks;
}

function toolResult(id: string, content: unknown, param: string): Block {
  return { type: 'tool_result', tool_use_id: id, content: textContent(content, param) };
}

/**
 * Legacy function calls carry no ids, but the Messages API pairs each result with its call: a call gets an id, and
 * the next `function` message of that name answers it.
 */
class LegacyCallIds {
  private next = 0;
  /** Made at the first legacy call: nearly every request has none, and a Map per request is ~50 ns of garbage. */
  private open: Map<string, string[]> | undefined;

  callFor(name: string): string {
    const id = `call_legacy_${++this.next}`;
    const open = (this.open ??= new Map<string, string[]>());
    const ids = open.get(name) ?? [];
    ids.push(id);
    open.set(name, ids);
    return id;
  }

  resultFor(name: string): string {
    return this.open?.get(name)?.shift() ?? `call_legacy_${name}`;
  }
}
