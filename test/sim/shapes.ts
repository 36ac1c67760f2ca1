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

function genAProblem(body: Json): string | undefined {
  if (typeof body.prompt === 'string') return undefined;
  const hint = Array.isArray(body.messages) ? ' (this looks like a Generation B body with `messages`)' : '';
  return `this endpoint expects a Generation A body with a string \`prompt\`${hint}`;
}

function messagesProblem(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return '`messages` must be an array';
  for (const [i, message] of messages.entries()) {
    if (!isObject(message)) return `messages[${i}] must be an object`;
    if (typeof message.role !== 'string' || message.role.trim() === '')
      return `messages[${i}].role must be a non-empty string`;
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      return `messages[${i}].content must be a string or an array of blocks`;
    }
  }
  return undefined;
}

function genBProblem(body: Json, overSse: boolean): string | undefined {
  const forbidden = NEVER_IN_GEN_B.find((key) => key in body);
  if (forbidden === 'prompt' || forbidden === 'chatHistory') {
    return `\`${forbidden}\` belongs to a Generation A body; Generation B sends \`messages\``;
  }
  if (forbidden !== undefined) return `a Generation B body has no top-level \`${forbidden}\``;
  const problem = messagesProblem(body.messages);
  if (problem) return problem;
  if (typeof body.modelName !== 'string' || body.modelName === '') return '`modelName` must be a non-empty string';
  if ('maxTokens' in body && !(Number.isInteger(body.maxTokens) && (body.maxTokens as number) > 0)) {
    return '`maxTokens` must be a positive integer';
  }
  if (!isObject(body.config)) return '`config` must be an object';
  if (body.config.thinkingMode !== 'enabled' && body.config.thinkingMode !== 'disabled') {
    return '`config.thinkingMode` must be "enabled" or "disabled"';
  }
  if ('system' in body.config && typeof body.config.system !== 'string') return '`config.system` must be a string';
  if (overSse) {
    if (typeof body.model !== 'string') return 'the SSE body needs a top-level string `model` (a copy of `modelName`)';
    if (typeof body.system !== 'string')
      return 'the SSE body needs a top-level string `system` (a copy of `config.system`)';
    return undefined;
  }
  const sseOnly = SSE_ONLY.find((key) => key in body);
  return sseOnly === undefined
    ? undefined
    : `the WebSocket body has no top-level \`${sseOnly}\` (only the SSE body does)`;
}

export function bodyProblem(protocol: SimProtocol, body: unknown): string | undefined {
  if (!isObject(body)) return 'the body must be a JSON object';
  return protocol === 'sse-a' ? genAProblem(body) : genBProblem(body, protocol === 'sse-b');
}
