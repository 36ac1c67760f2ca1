import { quoteJson } from '../util/json-buffer';
import { INFERENCE_GEO } from './usage-tally';

/** Anthropic's SSE framing: `event: <name>` and one `data:` line of JSON, then a blank line. */
export function sseFrame(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const PING_FRAME = sseFrame('ping', { type: 'ping' });

const MESSAGE_STOP_FRAME = sseFrame('message_stop', { type: 'message_stop' });
const START_PREFIX = 'event: message_start\ndata: {"type":"message_start","message":{"id":';
const BLOCK_START_PREFIX = 'event: content_block_start\ndata: {"type":"content_block_start","index":';
const MESSAGE_DELTA_PREFIX = 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":';
const DELTA_PREFIX = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":';
const STOP_PREFIX = 'event: content_block_stop\ndata: {"type":"content_block_stop","index":';

/** Each delta type's one field besides `type`, and the JSON between the type's name and that field's value. */
const DELTA_FIELDS: Readonly<Record<string, readonly [field: string, joint: string]>> = {
  text_delta: ['text', 'text_delta","text":'],
  thinking_delta: ['thinking', 'thinking_delta","thinking":'],
  signature_delta: ['signature', 'signature_delta","signature":'],
  input_json_delta: ['partial_json', 'input_json_delta","partial_json":'],
};

/**
 * The content blocks text and thinking blocks open with. Shared and frozen: `anthropicFrame` knows them by identity
 * and writes their JSON from a constant, and no consumer may change them (the accumulator copies what it keeps).
 */
export const EMPTY_TEXT_BLOCK: Readonly<Record<string, unknown>> = Object.freeze({ type: 'text', text: '' });
export const EMPTY_THINKING_BLOCK: Readonly<Record<string, unknown>> = Object.freeze({
  type: 'thinking',
  thinking: '',
  signature: '',
});
const TEXT_BLOCK_JSON = JSON.stringify(EMPTY_TEXT_BLOCK);
const THINKING_BLOCK_JSON = JSON.stringify(EMPTY_THINKING_BLOCK);

/**
 * `sseFrame` for the events a stream is mostly made of, written from fixed pieces: a text delta costs one
 * JSON.stringify of its text instead of a walk over two nested objects. The output is byte for byte what
 * `sseFrame` writes, which holds because every producer (the translator, tool calls, the replay of a checked
 * answer) builds these payloads as `{ type, index, delta: { type, <field> } }` and nothing more; any other event
 * goes through `sseFrame`.
 */
export function anthropicFrame(name: string, payload: Record<string, unknown>): string {
  switch (name) {
    case 'content_block_delta': {
      const delta = payload.delta as Record<string, unknown>;
      const known = DELTA_FIELDS[delta.type as string];
      const value = known && delta[known[0]];
      if (typeof value !== 'string') break;
      return `${DELTA_PREFIX}${payload.index as number},"delta":{"type":"${known![1]}${quoteJson(value)}}}\n\n`;
    }
    case 'content_block_stop':
      return `${STOP_PREFIX}${payload.index as number}}\n\n`;
    case 'message_stop':
      return MESSAGE_STOP_FRAME;
    case 'content_block_start': {
      const block = payload.content_block;
      const json =
        block === EMPTY_TEXT_BLOCK ? TEXT_BLOCK_JSON : block === EMPTY_THINKING_BLOCK ? THINKING_BLOCK_JSON : '';
      if (json) return `${BLOCK_START_PREFIX}${payload.index as number},"content_block":${json}}\n\n`;
      break;
    }
    case 'message_start':
      return messageStartFrame(payload) ?? sseFrame(name, payload);
    case 'message_delta':
      return messageDeltaFrame(payload) ?? sseFrame(name, payload);
  }
  return sseFrame(name, payload);
}

/**
 * The translator's `message_start` (its only producer), from pieces: every value the pieces assume is checked, and
 * anything else is left to `sseFrame`. The usage is written from its counts when it is `wireUsage`'s shape, else
 * whole.
 */
function messageStartFrame(payload: Record<string, unknown>): string | undefined {
  const message = payload.message as Record<string, unknown> | undefined;
  const usage = message?.usage as Record<string, unknown> | undefined;
  if (
    typeof usage !== 'object' ||
    usage === null ||
    !hasKeyCount(payload, 2) ||
    !hasKeyCount(message!, 8) ||
    typeof message!.id !== 'string' ||
    typeof message!.model !== 'string' ||
    message!.type !== 'message' ||
    message!.role !== 'assistant' ||
    !Array.isArray(message!.content) ||
    (message!.content as unknown[]).length !== 0 ||
    message!.stop_reason !== null ||
    message!.stop_sequence !== null
  ) {
    return undefined;
  }
  return (
    `${START_PREFIX}${quoteJson(message!.id)},"type":"message","role":"assistant","content":[],` +
    `"model":${quoteJson(message!.model)},"stop_reason":null,"stop_sequence":null,` +
    `"usage":${wireUsageJson(usage) ?? JSON.stringify(usage)}}}\n\n`
  );
}

/** `wireUsage`'s members in its order: JSON.stringify writes them in the order they were added. */
const WIRE_USAGE_KEYS = [
  'input_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'cache_creation',
  'output_tokens',
  'service_tier',
  'inference_geo',
  'server_tool_use',
  'output_tokens_details',
  'speed',
] as const;
const INFERENCE_GEO_JSON = JSON.stringify(INFERENCE_GEO);
const CACHE_CREATION_KEYS = ['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens'] as const;

/**
 * JSON.stringify of a `wireUsage` result, written from its counts; undefined for anything else (a member added,
 * missing or out of order, a count that is not a finite number, a string not the one wireUsage writes). Every
 * streamed request sends one: the whole frame took ~1,000 ns with JSON.stringify of the usage and ~400 ns this way.
 */
function wireUsageJson(usage: Record<string, unknown>): string | undefined {
  if (!keysAre(usage, WIRE_USAGE_KEYS)) return undefined;
  const { input_tokens: input, cache_creation_input_tokens: created, cache_read_input_tokens: read } = usage;
  const { cache_creation: split, output_tokens: output, inference_geo: geo } = usage;
  if (!isCount(input) || !isCount(created) || !isCount(read) || !isCount(output)) return undefined;
  if (usage.service_tier !== 'standard' || usage.speed !== 'standard' || geo !== INFERENCE_GEO) return undefined;
  if (usage.server_tool_use !== null || usage.output_tokens_details !== null) return undefined;
  let splitJson = 'null';
  if (split !== null) {
    if (typeof split !== 'object' || !keysAre(split as Record<string, unknown>, CACHE_CREATION_KEYS)) return undefined;
    const { ephemeral_5m_input_tokens: short, ephemeral_1h_input_tokens: long } = split as Record<string, unknown>;
    if (!isCount(short) || !isCount(long)) return undefined;
    splitJson = `{"ephemeral_5m_input_tokens":${short},"ephemeral_1h_input_tokens":${long}}`;
  }
  return (
    `{"input_tokens":${input},"cache_creation_input_tokens":${created},"cache_read_input_tokens":${read},` +
    `"cache_creation":${splitJson},"output_tokens":${output},"service_tier":"standard",` +
    `"inference_geo":${INFERENCE_GEO_JSON},"server_tool_use":null,"output_tokens_details":null,"speed":"standard"}`
  );
}

/** `wireDeltaUsage`'s members in its order. */
const WIRE_DELTA_USAGE_KEYS = [
  'input_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'output_tokens',
  'server_tool_use',
  'output_tokens_details',
] as const;

/**
 * JSON.stringify of a `wireDeltaUsage` result, written from its counts; undefined for anything else, as
 * `wireUsageJson`. Every streamed request sends one: JSON.stringify of it took ~1,000 ns and this ~170 (in process,
 * on a machine busy enough to slow both ~3×).
 */
function wireDeltaUsageJson(usage: Record<string, unknown>): string | undefined {
  if (!keysAre(usage, WIRE_DELTA_USAGE_KEYS)) return undefined;
  const { input_tokens: input, cache_creation_input_tokens: created, cache_read_input_tokens: read } = usage;
  const output = usage.output_tokens;
  if (!isCount(input) || !isCount(created) || !isCount(read) || !isCount(output)) return undefined;
  if (usage.server_tool_use !== null || usage.output_tokens_details !== null) return undefined;
  return (
    `{"input_tokens":${input},"cache_creation_input_tokens":${created},"cache_read_input_tokens":${read},` +
    `"output_tokens":${output},"server_tool_use":null,"output_tokens_details":null}`
  );
}

/** A number JSON writes as `String` does: NaN and the infinities become null there, and go to JSON.stringify here. */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Exactly these own enumerable keys in this order: the ones JSON.stringify writes, in its order. DECISION: from
 * `Object.keys`, not a `for…in` walk: on Node 20 `for…in` over an object the translator has just built cost ~480 ns
 * for wireUsage's ten keys against ~120 for `Object.keys` (V8 copies its cached key list), in process.
 */
function keysAre(record: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(record);
  if (own.length !== keys.length) return false;
  for (let i = 0; i < own.length; i++) if (own[i] !== keys[i]) return false;
  return true;
}

/** `message_delta` as the translator and the replay build it; its usage is a flat record of counts. */
function messageDeltaFrame(payload: Record<string, unknown>): string | undefined {
  const delta = payload.delta as Record<string, unknown> | undefined;
  const stopSequence = delta?.stop_sequence;
  // An undefined stop_sequence is left out by JSON.stringify: sseFrame keeps that.
  if (typeof delta?.stop_reason !== 'string' || (stopSequence !== null && typeof stopSequence !== 'string')) {
    return undefined;
  }
  if (typeof payload.usage !== 'object' || payload.usage === null) return undefined;
  if (!hasKeyCount(payload, 3) || !hasKeyCount(delta, 2)) return undefined;
  const sequence = stopSequence === null ? 'null' : quoteJson(stopSequence);
  const usage = payload.usage as Record<string, unknown>;
  const usageJson = wireDeltaUsageJson(usage) ?? JSON.stringify(usage);
  const reason = quoteJson(delta.stop_reason);
  return `${MESSAGE_DELTA_PREFIX}${reason},"stop_sequence":${sequence}},"usage":${usageJson}}\n\n`;
}

/**
 * The pieces write only the members they know: a payload with one more (a field a producer adds later) must go
 * through `sseFrame`, which writes everything, rather than lose it. `Object.keys`, not a counting `for…in`: see
 * keysAre (~160 against ~360 ns for message_start's eight).
 */
function hasKeyCount(record: Record<string, unknown>, count: number): boolean {
  return Object.keys(record).length === count;
}
