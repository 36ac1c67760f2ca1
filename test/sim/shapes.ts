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

// Spec §2.2: the AgentRequest keys. `model` and `tools` are omitempty; `messages` and `system` were omitempty too and
// always left empty by the last Generation A client, so a body carrying them is not one it sent.
const GEN_A_REQUIRED = [
  'prompt',
  'chatHistory',
  'projectId',
  'currentPage',
  'agentMode',
  'mode',
  'gitRepoUrl',
  'email',
  'chatSessionId',
  'userId',
  'apiVersion',
];
const GEN_A_KEYS = new Set([...GEN_A_REQUIRED, 'model', 'tools']);
const HISTORY_KEYS = new Set(['role', 'content']);
// Spec §7.4: a tool keeps the shape the client gave it, Anthropic or OpenAI, with an empty description left out.
const ANTHROPIC_TOOL_KEYS = new Set(['name', 'description', 'input_schema']);
const OPENAI_TOOL_KEYS = new Set(['type', 'function']);
const OPENAI_FUNCTION_KEYS = new Set(['name', 'description', 'parameters']);

function genAToolProblem(tool: unknown, where: string): string | undefined {
  if (!isObject(tool)) return `${where} must be an object`;
  const openAi = tool.type === 'function';
  const stray = strayKey(tool, openAi ? OPENAI_TOOL_KEYS : ANTHROPIC_TOOL_KEYS);
  if (stray !== undefined) return `${where} has no \`${stray}\``;
  const fn = openAi ? tool.function : tool;
  if (!isObject(fn)) return `${where}.function must be an object`;
  if (openAi) {
    const strayFn = strayKey(fn, OPENAI_FUNCTION_KEYS);
    if (strayFn !== undefined) return `${where}.function has no \`${strayFn}\``;
  }
  if (typeof fn.name !== 'string' || fn.name === '') return `${where} needs a non-empty string \`name\``;
  if ('description' in fn && (typeof fn.description !== 'string' || fn.description === '')) {
    return `${where}.description must be a non-empty string, or left out`;
  }
  const schemaKey = openAi ? 'parameters' : 'input_schema';
  if (schemaKey in fn && !isObject(fn[schemaKey])) return `${where}.${schemaKey} must be an object`;
  return undefined;
}

function genAProblem(body: Json): string | undefined {
  if (typeof body.prompt !== 'string') {
    const hint = Array.isArray(body.messages) ? ' (this looks like a Generation B body with `messages`)' : '';
    return `this endpoint expects a Generation A body with a string \`prompt\`${hint}`;
  }
  const stray = strayKey(body, GEN_A_KEYS);
  if (stray !== undefined) return `a Generation A body has no top-level \`${stray}\``;
  const missing = GEN_A_REQUIRED.find((key) => !(key in body));
  if (missing !== undefined) return `a Generation A body needs \`${missing}\``;
  if (!Array.isArray(body.chatHistory)) return '`chatHistory` must be an array';
  for (const [i, entry] of body.chatHistory.entries()) {
    if (!isObject(entry)) return `chatHistory[${i}] must be an object`;
    const strayEntry = strayKey(entry, HISTORY_KEYS);
    if (strayEntry !== undefined) return `chatHistory[${i}] has no \`${strayEntry}\` (only role and content)`;
    if (entry.role !== 'user' && entry.role !== 'assistant') return `chatHistory[${i}].role must be user or assistant`;
    if (typeof entry.content !== 'string') return `chatHistory[${i}].content must be a string (plain text)`;
  }
  if (typeof body.projectId !== 'string' || body.projectId === '') return '`projectId` must be a non-empty string';
  if (!isObject(body.currentPage) || Object.keys(body.currentPage).length > 0) return '`currentPage` must be `{}`';
  if (typeof body.agentMode !== 'string' || body.agentMode === '') return '`agentMode` must be a non-empty string';
  if (body.mode !== 'agent') return '`mode` must be "agent"';
  if (body.gitRepoUrl !== '') return '`gitRepoUrl` must be ""';
  if (typeof body.email !== 'string') return '`email` must be a string';
  if (typeof body.userId !== 'string') return '`userId` must be a string';
  // From February on a string `chat_…`; the integer of the first version was gone by the last Generation A client.
  if (typeof body.chatSessionId !== 'string' || !/^chat_\S+$/.test(body.chatSessionId)) {
    return '`chatSessionId` must be a string `chat_…`';
  }
  if (body.apiVersion !== 2) return '`apiVersion` must be the number 2';
  if ('model' in body && (typeof body.model !== 'string' || body.model === '')) {
    return '`model` must be a non-empty string, or left out';
  }
  if ('tools' in body) {
    if (!Array.isArray(body.tools) || body.tools.length === 0) return '`tools` must be a non-empty array, or left out';
    for (const [i, tool] of body.tools.entries()) {
      const problem = genAToolProblem(tool, `tools[${i}]`);
      if (problem) return problem;
    }
  }
  return undefined;
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
