import type { MessagesRequest } from './types';

/**
 * Validation of a Messages API body, written by hand rather than with a schema library because it runs on every
 * request: it walks the parsed body once without copying it (a Claude Code turn is 76 KB), ignores fields it does
 * not know, and words its errors the way Anthropic's API does (`messages.0.content.1.type: ...`).
 */

export class RequestValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestValidationError';
  }
}

/** Block types the Messages API defines; anything else is refused, as Anthropic refuses it. */
export const KNOWN_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'text',
  'image',
  'document',
  'search_result',
  'thinking',
  'redacted_thinking',
  'tool_use',
  'tool_result',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'container_upload',
  // The beta Messages API's (`?beta=true`, which Claude Code calls): a client replays them in its history.
  'advisor_tool_result',
  'compaction',
  'tool_addition',
  'tool_removal',
  'mcp_tool_listing',
  'fallback',
]);

/** What a tool_result's content may hold besides the blocks above: a tool search's references, a browser's state. */
const TOOL_RESULT_ONLY_TYPES: ReadonlySet<string> = new Set(['tool_reference', 'browser_state']);

/** Tool types that declare a set of tools and carry no `name` of their own. */
const NAMELESS_TOOL_TYPES: ReadonlySet<string> = new Set([
  'mcp_toolset',
  'browser_toolset_20260801',
  'computer_toolset_20260801',
]);
const EXPECTED_TAGS = [...KNOWN_BLOCK_TYPES].map((t) => `'${t}'`).join(', ');

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(path: string, message: string): never {
  throw new RequestValidationError(path ? `${path}: ${message}` : message);
}

function requireString(owner: Record<string, unknown>, key: string, path: string): void {
  const value = owner[key];
  if (value === undefined) fail(`${path}${key}`, 'Field required');
  if (typeof value !== 'string') fail(`${path}${key}`, 'Input should be a valid string');
}

/** The most output tokens any Claude model offers (128K, with extended output); every Orchids model is below it. */
const MAX_OUTPUT_TOKENS = 128_000;

function checkRange(body: Record<string, unknown>, key: string, min: number, max: number): void {
  const value = body[key];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(key, 'Input should be a valid number');
  if (value < min) fail(key, `Input should be greater than or equal to ${min}`);
  if (value > max) fail(key, `Input should be less than or equal to ${max}`);
}

export interface ValidateOptions {
  /** count_tokens has no max_tokens. */
  requireMaxTokens: boolean;
}

export function validateMessagesRequest(body: unknown, options: ValidateOptions): MessagesRequest {
  if (!isObject(body)) fail('', 'The request body must be a JSON object.');
  requireString(body, 'model', '');
  if ((body.model as string).trim() === '') fail('model', 'String should have at least 1 character');

  if (options.requireMaxTokens || body.max_tokens !== undefined) {
    const maxTokens = body.max_tokens;
    if (maxTokens === undefined) fail('max_tokens', 'Field required');
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens))
      fail('max_tokens', 'Input should be a valid integer');
    if (maxTokens < 1) fail('max_tokens', 'Input should be greater than or equal to 1');
    // 1e308 and 2^63 are integers to JavaScript; Anthropic refuses anything past the model's output limit.
    if (maxTokens > MAX_OUTPUT_TOKENS) {
      fail(
        '',
        `max_tokens: ${maxTokens > Number.MAX_SAFE_INTEGER ? maxTokens.toExponential() : maxTokens} > ` +
          `${MAX_OUTPUT_TOKENS}, which is the maximum allowed number of output tokens for ${String(body.model)}`,
      );
    }
  }
  checkRange(body, 'temperature', 0, 1);
  checkRange(body, 'top_p', 0, 1);
  if (body.top_k !== undefined) {
    if (typeof body.top_k !== 'number' || !Number.isInteger(body.top_k))
      fail('top_k', 'Input should be a valid integer');
    if (body.top_k < 0) fail('top_k', 'Input should be greater than or equal to 0');
  }

  const messages = body.messages;
  if (messages === undefined) fail('messages', 'Field required');
  if (!Array.isArray(messages)) fail('messages', 'Input should be a valid list');
  if (messages.length === 0) fail('messages', 'List should have at least 1 item after validation, not 0');
  for (let i = 0; i < messages.length; i++) validateMessage(messages[i], `messages.${i}`);

  validateSystem(body.system);
  validateTools(body.tools);
  if (body.stream !== undefined && typeof body.stream !== 'boolean') fail('stream', 'Input should be a valid boolean');
  // A budget at or past max_tokens is not refused: Anthropic allows it with interleaved thinking (Claude Code's).
  validateThinking(body.thinking);
  checkEnum(body, 'service_tier', SERVICE_TIERS, '');
  checkEnum(body, 'speed', ['standard', 'fast'], '', true);
  if (body.inference_geo !== undefined && body.inference_geo !== null && typeof body.inference_geo !== 'string') {
    fail('inference_geo', 'Input should be a valid string');
  }
  if (body.output_config !== undefined && body.output_config !== null) {
    if (!isObject(body.output_config)) fail('output_config', 'Input should be a valid dictionary');
    checkEnum(body.output_config, 'effort', EFFORTS, 'output_config.', true);
  }
  if (body.metadata !== undefined && body.metadata !== null) {
    if (!isObject(body.metadata)) fail('metadata', 'Input should be a valid dictionary');
    const userId = body.metadata.user_id;
    if (userId !== undefined && userId !== null) {
      if (typeof userId !== 'string') fail('metadata.user_id', 'Input should be a valid string');
      if (userId.length > 256) fail('metadata.user_id', 'String should have at most 256 characters');
    }
  }
  checkCacheControl(body.cache_control, 'cache_control');
  if (body.stop_sequences !== undefined) {
    if (!Array.isArray(body.stop_sequences) || body.stop_sequences.some((s) => typeof s !== 'string')) {
      fail('stop_sequences', 'Input should be a valid list of strings');
    }
  }
  return body as unknown as MessagesRequest;
}

const SERVICE_TIERS = ['auto', 'standard_only'];
const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'];
const THINKING_TYPES = ['enabled', 'disabled', 'adaptive', 'between_tools'];
const THINKING_DISPLAYS = ['summarized', 'omitted'];
/** Anthropic's floor for an extended-thinking budget. */
const MIN_THINKING_BUDGET = 1024;

const quoted = (values: readonly string[]): string => {
  const q = values.map((v) => `'${v}'`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q.at(-1)!}` : q.join('');
};

function checkEnum(
  owner: Record<string, unknown>,
  key: string,
  values: readonly string[],
  path: string,
  nullable = false,
): void {
  const value = owner[key];
  if (value === undefined || (nullable && value === null)) return;
  if (typeof value !== 'string' || !values.includes(value)) fail(`${path}${key}`, `Input should be ${quoted(values)}`);
}

function validateThinking(thinking: unknown): void {
  if (thinking === undefined || thinking === null) return;
  if (!isObject(thinking)) fail('thinking', 'Input should be a valid dictionary');
  requireString(thinking, 'type', 'thinking.');
  const type = thinking.type as string;
  if (!THINKING_TYPES.includes(type)) {
    fail(
      'thinking',
      `Input tag '${type}' found using 'type' does not match any of the expected tags: ` +
        THINKING_TYPES.map((t) => `'${t}'`).join(', '),
    );
  }
  if (type === 'enabled' || type === 'adaptive') {
    checkEnum(thinking, 'display', THINKING_DISPLAYS, `thinking.${type}.`, true);
  }
  if (type !== 'enabled') return;
  const budget = thinking.budget_tokens;
  if (budget === undefined) fail('thinking.enabled.budget_tokens', 'Field required');
  if (typeof budget !== 'number' || !Number.isInteger(budget))
    fail('thinking.enabled.budget_tokens', 'Input should be a valid integer');
  if (budget < MIN_THINKING_BUDGET) {
    fail('thinking.enabled.budget_tokens', `Input should be greater than or equal to ${MIN_THINKING_BUDGET}`);
  }
}

/** `cache_control` wherever a block or tool may carry it: only `ephemeral`, with a `ttl` of 5 minutes or an hour. */
function checkCacheControl(value: unknown, path: string): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) fail(path, 'Input should be a valid dictionary');
  if (value.type !== 'ephemeral') fail(`${path}.type`, "Input should be 'ephemeral'");
  checkEnum(value, 'ttl', ['5m', '1h'], `${path}.`);
}

function validateMessage(message: unknown, path: string): void {
  if (!isObject(message)) fail(path, 'Input should be a valid dictionary');
  const role = message.role;
  if (role === undefined) fail(`${path}.role`, 'Field required');
  if (role !== 'user' && role !== 'assistant' && role !== 'system') {
    fail(`${path}.role`, "Input should be 'user', 'assistant' or 'system'");
  }
  const content = message.content;
  if (content === undefined) fail(`${path}.content`, 'Field required');
  if (typeof content === 'string') return;
  if (!Array.isArray(content)) fail(`${path}.content`, 'Input should be a valid string or a list of content blocks');
  for (let j = 0; j < content.length; j++) validateBlock(content[j], `${path}.content.${j}`);
}

function validateBlock(block: unknown, path: string, inToolResult = false): void {
  if (!isObject(block)) fail(path, 'Input should be a valid dictionary');
  const type = block.type;
  if (type === undefined) fail(`${path}.type`, 'Field required');
  if (inToolResult && typeof type === 'string' && TOOL_RESULT_ONLY_TYPES.has(type)) return;
  if (typeof type !== 'string' || !KNOWN_BLOCK_TYPES.has(type)) {
    fail(
      `${path}.type`,
      `Input tag '${typeof type === 'string' ? type : JSON.stringify(type)}' found using 'type' ` +
        `does not match any of the expected tags: ${EXPECTED_TAGS}`,
    );
  }
  checkCacheControl(block.cache_control, `${path}.cache_control`);
  switch (type) {
    case 'text':
      requireString(block, 'text', `${path}.`);
      break;
    case 'tool_use':
    case 'server_tool_use':
      requireString(block, 'id', `${path}.`);
      requireString(block, 'name', `${path}.`);
      if (block.input !== undefined && !isObject(block.input))
        fail(`${path}.input`, 'Input should be a valid dictionary');
      break;
    case 'tool_result': {
      requireString(block, 'tool_use_id', `${path}.`);
      const content = block.content;
      if (content !== undefined && typeof content !== 'string') {
        if (!Array.isArray(content)) fail(`${path}.content`, 'Input should be a valid string or list');
        for (let k = 0; k < content.length; k++) validateBlock(content[k], `${path}.content.${k}`, true);
      }
      if (block.is_error !== undefined && typeof block.is_error !== 'boolean') {
        fail(`${path}.is_error`, 'Input should be a valid boolean');
      }
      break;
    }
    case 'image':
    case 'document':
      validateSource(block.source, type, `${path}.source`);
      break;
    case 'thinking':
      requireString(block, 'thinking', `${path}.`);
      break;
    default:
      break;
  }
}

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const SOURCE_TYPES: Record<'image' | 'document', string[]> = {
  image: ['base64', 'url', 'file'],
  document: ['base64', 'text', 'content', 'url', 'file'],
};

/** An image's or document's source, as Anthropic takes it: its kinds, and for inline data the media types. */
function validateSource(source: unknown, kind: 'image' | 'document', path: string): void {
  if (source === undefined) fail(path, 'Field required');
  if (!isObject(source)) fail(path, 'Input should be a valid dictionary');
  const type = source.type;
  if (typeof type !== 'string' || !SOURCE_TYPES[kind].includes(type)) {
    fail(
      path,
      `Input tag '${typeof type === 'string' ? type : JSON.stringify(type)}' found using 'type' does not match ` +
        `any of the expected tags: ${SOURCE_TYPES[kind].map((t) => `'${t}'`).join(', ')}`,
    );
  }
  const here = `${path}.`;
  switch (type) {
    case 'base64':
      requireString(source, 'data', here);
      if (kind === 'image') checkEnum(source, 'media_type', IMAGE_MEDIA_TYPES, here);
      else checkEnum(source, 'media_type', ['application/pdf'], here);
      if (source.media_type === undefined) fail(`${here}media_type`, 'Field required');
      break;
    case 'text':
      requireString(source, 'data', here);
      break;
    case 'content':
      if (typeof source.content !== 'string' && !Array.isArray(source.content)) {
        fail(`${here}content`, 'Input should be a valid string or list');
      }
      break;
    case 'url':
      requireString(source, 'url', here);
      break;
    default:
      requireString(source, 'file_id', here);
  }
}

function validateSystem(system: unknown): void {
  if (system === undefined || typeof system === 'string') return;
  if (!Array.isArray(system)) fail('system', 'Input should be a valid string or a list of text blocks');
  for (let i = 0; i < system.length; i++) {
    const block: unknown = system[i];
    if (!isObject(block)) fail(`system.${i}`, 'Input should be a valid dictionary');
    if (block.type !== 'text') fail(`system.${i}.type`, "Input should be 'text'");
    requireString(block, 'text', `system.${i}.`);
    checkCacheControl(block.cache_control, `system.${i}.cache_control`);
  }
}

function validateTools(tools: unknown): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools)) fail('tools', 'Input should be a valid list');
  for (let i = 0; i < tools.length; i++) {
    const tool: unknown = tools[i];
    if (!isObject(tool)) fail(`tools.${i}`, 'Input should be a valid dictionary');
    if (isObject(tool.function)) {
      requireString(tool.function, 'name', `tools.${i}.function.`);
      continue;
    }
    checkCacheControl(tool.cache_control, `tools.${i}.cache_control`);
    if (typeof tool.type === 'string' && NAMELESS_TOOL_TYPES.has(tool.type)) {
      if (tool.type === 'mcp_toolset') requireString(tool, 'mcp_server_name', `tools.${i}.`);
      continue;
    }
    requireString(tool, 'name', `tools.${i}.`);
    if (tool.input_schema !== undefined && !isObject(tool.input_schema)) {
      fail(`tools.${i}.input_schema`, 'Input should be a valid dictionary');
    }
  }
}
