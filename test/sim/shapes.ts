/**
 * Strict request-body checks, one per endpoint. A real server would choke on the other generation's body; a
 * simulator that accepted anything would let a client's protocol detection pass against a lie. Each returns the
 * problem in words, or undefined when the body has the right shape.
 */
import type { SimProtocol } from './steps';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// Spec §4.1: no Generation B body carries these; the first two betray a Generation A body.
const NEVER_IN_GEN_B = ['prompt', 'chatHistory', 'tools', 'type', 'data', 'projectId', 'chatSessionId'];
// Spec §4.1/§8.1: the WebSocket body drops the SSE-only copies.
const SSE_ONLY = ['model', 'system'];
// Spec §4.1: every top-level key there is. A key outside these (`max_tokens`, `modelname`, `toolResults` …) is a
// misspelling, and a server reading the spelled keys would never see what it carries.
const WS_KEYS = new Set(['messages', 'modelName', 'maxTokens', 'config']);
const SSE_KEYS = new Set([...WS_KEYS, ...SSE_ONLY]);
const CONFIG_KEYS = new Set(['system', 'thinkingMode']);
const MESSAGE_KEYS = new Set(['role', 'content', 'ToolResults']);
// Spec §4.2: the Go field names of a ToolResults entry (Flag1/Flag2 were never set, so never written).
const TOOL_RESULT_ENTRY_KEYS = new Set(['Name', 'ToolUseID', 'Content', 'IsError', 'HasInput']);
// Spec §4.3: the only keys each block type keeps; any other type keeps only `type`.
const BLOCK_KEYS: Record<string, Set<string>> = {
  text: new Set(['text', 'type']),
  image: new Set(['source', 'type']),
  document: new Set(['source', 'type']),
  tool_use: new Set(['id', 'input', 'name', 'type']),
  tool_result: new Set(['content', 'has_input', 'is_error', 'name', 'tool_use_id', 'type']),
};
const ONLY_TYPE = new Set(['type']);
const SOURCE_KEYS = new Set(['data', 'media_type']);

const strayKey = (value: Json, allowed: Set<string>): string | undefined =>
  Object.keys(value).find((key) => !allowed.has(key));

function genAProblem(body: Json): string | undefined {
  if (typeof body.prompt === 'string') return undefined;
  const hint = Array.isArray(body.messages) ? ' (this looks like a Generation B body with `messages`)' : '';
  return `this endpoint expects a Generation A body with a string \`prompt\`${hint}`;
}

function blockProblem(block: unknown, where: string): string | undefined {
  if (!isObject(block) || typeof block.type !== 'string') return `${where} must be an object with a string \`type\``;
  const stray = strayKey(block, BLOCK_KEYS[block.type] ?? ONLY_TYPE);
  if (stray !== undefined) return `${where} (a \`${block.type}\` block) has no \`${stray}\``;
  if (block.type === 'text' && typeof block.text !== 'string') return `${where}.text must be a string`;
  if ('source' in block) {
    if (!isObject(block.source)) return `${where}.source must be an object`;
    const straySource = strayKey(block.source, SOURCE_KEYS);
    if (straySource !== undefined) return `${where}.source has no \`${straySource}\` (only data and media_type)`;
  }
  if (block.type === 'tool_use' && (typeof block.id !== 'string' || typeof block.name !== 'string')) {
    return `${where} needs a string \`id\` and \`name\``;
  }
  if (block.type === 'tool_result' && typeof block.tool_use_id !== 'string') {
    return `${where}.tool_use_id must be a string`;
  }
  return undefined;
}

/** Spec §4.2: `ToolResults` is there exactly when the content holds a tool_result, one entry per such block. */
function toolResultsProblem(message: Json, i: number): string | undefined {
  const results = Array.isArray(message.content)
    ? (message.content as Json[]).filter((block) => block.type === 'tool_result')
    : [];
  if (!('ToolResults' in message)) {
    return results.length === 0 ? undefined : `messages[${i}] holds a tool_result but no \`ToolResults\``;
  }
  const entries = message.ToolResults;
  if (!Array.isArray(entries) || entries.length !== results.length || results.length === 0) {
    return `messages[${i}].ToolResults must hold one entry per tool_result block (${results.length})`;
  }
  for (const [j, entry] of entries.entries()) {
    if (!isObject(entry)) return `messages[${i}].ToolResults[${j}] must be an object`;
    const stray = strayKey(entry, TOOL_RESULT_ENTRY_KEYS);
    if (stray !== undefined) return `messages[${i}].ToolResults[${j}] has no \`${stray}\``;
    const id = results[j]!.tool_use_id;
    if ((entry.ToolUseID ?? '') !== id) return `messages[${i}].ToolResults[${j}].ToolUseID must be \`${String(id)}\``;
  }
  return undefined;
}

function messagesProblem(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return '`messages` must be an array';
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) return `messages[${i}] must be an object`;
    const stray = strayKey(message, MESSAGE_KEYS);
    if (stray !== undefined) return `messages[${i}] has no \`${stray}\` (only role, content, ToolResults)`;
    if (typeof message.role !== 'string' || message.role.trim() === '')
      return `messages[${i}].role must be a non-empty string`;
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      return `messages[${i}].content must be a string or an array of blocks`;
    }
    if (Array.isArray(message.content)) {
      for (const [j, block] of message.content.entries()) {
        const problem = blockProblem(block, `messages[${i}].content[${j}]`);
        if (problem) return problem;
      }
    }
    const problem = toolResultsProblem(message, i);
    if (problem) return problem;
  }
  return undefined;
}

function genBProblem(body: Json, overSse: boolean): string | undefined {
  const forbidden = NEVER_IN_GEN_B.find((key) => key in body);
  if (forbidden === 'prompt' || forbidden === 'chatHistory') {
    return `\`${forbidden}\` belongs to a Generation A body; Generation B sends \`messages\``;
  }
  if (forbidden !== undefined) return `a Generation B body has no top-level \`${forbidden}\``;
  if (!overSse) {
    const sseOnly = SSE_ONLY.find((key) => key in body);
    if (sseOnly !== undefined) return `the WebSocket body has no top-level \`${sseOnly}\` (only the SSE body does)`;
  }
  const stray = strayKey(body, overSse ? SSE_KEYS : WS_KEYS);
  if (stray !== undefined) return `a Generation B body has no top-level \`${stray}\``;
  const problem = messagesProblem(body.messages);
  if (problem) return problem;
  if (typeof body.modelName !== 'string' || body.modelName === '') return '`modelName` must be a non-empty string';
  if (!(Number.isInteger(body.maxTokens) && (body.maxTokens as number) > 0)) {
    return '`maxTokens` must be a positive integer';
  }
  if (!isObject(body.config)) return '`config` must be an object';
  const strayConfig = strayKey(body.config, CONFIG_KEYS);
  if (strayConfig !== undefined) return `\`config\` has no \`${strayConfig}\` (only system and thinkingMode)`;
  if (body.config.thinkingMode !== 'enabled' && body.config.thinkingMode !== 'disabled') {
    return '`config.thinkingMode` must be "enabled" or "disabled"';
  }
  if (typeof body.config.system !== 'string') return '`config.system` must be a string (it is always sent)';
  if (!overSse) return undefined;
  if (body.model !== body.modelName) return 'the SSE body needs a top-level `model`, a copy of `modelName`';
  // omitempty in the reference client's struct (§4.1): the copy is there exactly when the text is not empty.
  if (body.config.system === '') {
    return 'system' in body ? 'the SSE body leaves out `system` when `config.system` is empty' : undefined;
  }
  return body.system === body.config.system
    ? undefined
    : 'the SSE body needs a top-level `system`, a copy of `config.system`';
}

export function bodyProblem(protocol: SimProtocol, body: unknown): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object';
  return protocol === 'sse-a' ? genAProblem(body) : genBProblem(body, protocol === 'sse-b');
}
