import type { MessagesRequest } from './types';
import { validateMessage } from './validate-content';
import { checkCacheControl, checkEnum, fail, isObject, requireString } from './validate-checks';

/**
 * Validation of a Messages API body, written by hand rather than with a schema library because it runs on every
 * request: it walks the parsed body once without copying it (a Claude Code turn is 76 KB), ignores fields it does
 * not know, and words its errors the way Anthropic's API does (`messages.0.content.1.type: ...`).
 *
 * This file checks the request's own fields (limits, sampling, thinking, system, tools); a message's content blocks
 * are checked in validate-content.ts, and the error and shared field checks live in validate-checks.ts.
 */

/** Tool types that declare a set of tools and carry no `name` of their own. */
const NAMELESS_TOOL_TYPES: ReadonlySet<string> = new Set([
  'mcp_toolset',
  'browser_toolset_20260801',
  'computer_toolset_20260801',
]);

/**
 * The most output tokens any Claude model offers (128K, with extended output); every Orchids model is below it. The
 * OpenAI routes hold their output limits to it too.
 */
export const MAX_OUTPUT_TOKENS = 128_000;

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
