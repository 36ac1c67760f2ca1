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
  if (body.thinking !== undefined) {
    if (!isObject(body.thinking)) fail('thinking', 'Input should be a valid dictionary');
    requireString(body.thinking, 'type', 'thinking.');
  }
  if (body.stop_sequences !== undefined) {
    if (!Array.isArray(body.stop_sequences) || body.stop_sequences.some((s) => typeof s !== 'string')) {
      fail('stop_sequences', 'Input should be a valid list of strings');
    }
  }
  return body as unknown as MessagesRequest;
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

function validateBlock(block: unknown, path: string): void {
  if (!isObject(block)) fail(path, 'Input should be a valid dictionary');
  const type = block.type;
  if (type === undefined) fail(`${path}.type`, 'Field required');
  if (typeof type !== 'string' || !KNOWN_BLOCK_TYPES.has(type)) {
    fail(
      `${path}.type`,
      `Input tag '${typeof type === 'string' ? type : JSON.stringify(type)}' found using 'type' ` +
        `does not match any of the expected tags: ${EXPECTED_TAGS}`,
    );
  }
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
        for (let k = 0; k < content.length; k++) validateBlock(content[k], `${path}.content.${k}`);
      }
      if (block.is_error !== undefined && typeof block.is_error !== 'boolean') {
        fail(`${path}.is_error`, 'Input should be a valid boolean');
      }
      break;
    }
    case 'image':
    case 'document':
      if (!isObject(block.source)) fail(`${path}.source`, 'Field required');
      break;
    case 'thinking':
      requireString(block, 'thinking', `${path}.`);
      break;
    default:
      break;
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
    requireString(tool, 'name', `tools.${i}.`);
    if (tool.input_schema !== undefined && !isObject(tool.input_schema)) {
      fail(`tools.${i}.input_schema`, 'Input should be a valid dictionary');
    }
  }
}
