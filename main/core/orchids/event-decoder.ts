import type { UpstreamEvent, UpstreamUsage } from './types';
import { newToolUseId } from '../util/ids';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Both spellings the upstream has used for token counts (protocol 2.4), in one shape. */
export function readUsage(value: unknown): UpstreamUsage | undefined {
  if (!isObject(value)) return undefined;
  const usage: UpstreamUsage = {};
  const input = num(value.inputTokens) ?? num(value.input_tokens) ?? num(value.promptTokens);
  const output = num(value.outputTokens) ?? num(value.output_tokens) ?? num(value.completionTokens);
  const cacheRead =
    num(value.cache_read_input_tokens) ?? num(value.cacheReadInputTokens) ?? num(value.cachedInputTokens);
  const cacheCreation = num(value.cache_creation_input_tokens) ?? num(value.cacheCreationInputTokens);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (cacheRead !== undefined) usage.cacheReadInputTokens = cacheRead;
  if (cacheCreation !== undefined) usage.cacheCreationInputTokens = cacheCreation;
  const found = input !== undefined || output !== undefined || cacheRead !== undefined || cacheCreation !== undefined;
  return found ? usage : undefined;
}

/** Top-level frame types only an Orchids agent sends (Generation A and B), besides `model` and `coding_agent.*`. */
const ORCHIDS_FRAME_TYPES: ReadonlySet<string> = new Set([
  'connected',
  'response_started',
  'output_text_delta',
  'response_done',
  'complete',
  'fs_operation',
]);

/** `{ ...event, ...data }[key]` without building that object (JSON holds no undefined: `data` wins if it has it). */
const merged = (event: Json, data: Json, key: string): unknown => (data[key] !== undefined ? data[key] : event[key]);

/** The `data` of a frame or flat (Generation A) model event that has none: every read falls through to the frame. */
const NO_DATA: Json = Object.freeze({});

/** Every spelling of a call id (spec 5.5, 10.3): AI-SDK `toolCallId`, Gen B `callId`, and the plain `id`. */
const callIdOf = (event: Json, data: Json): string | undefined =>
  str(merged(event, data, 'toolCallId')) ?? str(merged(event, data, 'callId')) ?? str(merged(event, data, 'id'));
const toolNameOf = (event: Json, data: Json): string | undefined =>
  str(merged(event, data, 'toolName')) ?? str(merged(event, data, 'tool_name')) ?? str(merged(event, data, 'name'));

const deltaText = (event: Json, data: Json): string | undefined =>
  str(merged(event, data, 'delta')) ?? str(merged(event, data, 'text'));

/**
 * Turns one upstream JSON payload into zero or more normalised events. Stateful per stream for one reason: the
 * upstream has sent the same text twice, as `model` events and as `coding_agent.*` events, so once the second
 * channel speaks, the first one's text and reasoning are ignored (tool calls, usage and finish still count).
 *
 * Nothing is trimmed: a delta of "\n" or " " is text the client must see (gen-b 10.8).
 */
export class UpstreamEventDecoder {
  private preferCodingAgent = false;
  /** The last text chunk and the channel it came by: two fields, not an object a delta. */
  private lastText: string | undefined;
  private lastTextSource: string | undefined;
  private sawOrchidsFrame = false;
  /**
   * The streamed tool call that a `tool-input-delta` or `-end` without an id belongs to: the last one started and
   * not yet ended. The original client fed such deltas to its open tool block, and made up an id for a start that
   * had none (spec 5.5), so a server that leaves the id out of these events still worked with it.
   */
  private streamedCallId: string | undefined;
  /** Ids of every `tool-input-start` of the stream, real or made up. */
  private streamedIds: Set<string> | undefined;
  /**
   * Streamed calls whose id was made up here, id → tool name, until a `tool-call` of that name repeats them: the
   * server had an id for the call, just not under a key this decoder reads, so the repeat cannot match it by id.
   */
  private inventedIds: Map<string, string> | undefined;

  /**
   * True once a payload in the Orchids vocabulary was decoded (preambles and error frames included), so a caller
   * probing an endpoint can tell an Orchids agent from something else that happens to answer.
   */
  get recognized(): boolean {
    return this.sawOrchidsFrame;
  }

  decode(payload: unknown, out: UpstreamEvent[]): void {
    if (!isObject(payload)) return;
    const type = str(payload.type);
    if (type === 'model') {
      const event = payload.event;
      if (!isObject(event)) return;
      this.sawOrchidsFrame = true;
      // Generation B nests the event in `data`; every field is read through both levels in place (a mix of the two
      // forms included), without a merged copy of the two objects per event: that spread was the hottest line of
      // the app on the WebSocket upstream, most frames of a short answer are not deltas, and while it ran for them a
      // WebSocket request promoted more than twice the bytes to old space (same-run A/B: 0.9 KB against 0.4).
      const data = event.data;
      this.model(event, isObject(data) ? data : NO_DATA, out);
      return;
    }
    if (type === undefined) return;
    const data = isObject(payload.data) ? payload.data : NO_DATA;
    if (isOrchidsFrame(type, payload)) this.sawOrchidsFrame = true;
    this.other(type, payload, data, out);
  }

  private model(event: Json, data: Json, out: UpstreamEvent[]): void {
    const type = str(merged(event, data, 'type'));
    const textChannel = !this.preferCodingAgent;
    switch (type) {
      case 'reasoning-start':
        if (textChannel) out.push({ kind: 'thinking-start', signature: str(merged(event, data, 'signature')) });
        return;
      case 'reasoning-delta':
        if (textChannel) this.thinking(deltaText(event, data), out);
        return;
      case 'reasoning-end':
        if (textChannel) out.push({ kind: 'thinking-end', signature: str(merged(event, data, 'signature')) });
        return;
      case 'text-start':
        if (textChannel) out.push({ kind: 'text-start' });
        return;
      case 'text-delta':
        if (textChannel) this.text(deltaText(event, data), 'model', out);
        return;
      case 'text-end':
        if (textChannel) out.push({ kind: 'text-end' });
        return;
      case 'tool-input-start': {
        const name = toolNameOf(event, data);
        if (!name) return;
        let id = callIdOf(event, data);
        if (!id) {
          id = newToolUseId();
          (this.inventedIds ??= new Map()).set(id, name);
        }
        this.streamedCallId = id;
        (this.streamedIds ??= new Set()).add(id);
        out.push({ kind: 'tool-input-start', id, name });
        return;
      }
      case 'tool-input-delta': {
        const id = callIdOf(event, data) || this.streamedCallId;
        const delta = str(merged(event, data, 'delta')) ?? str(merged(event, data, 'inputTextDelta'));
        if (id && delta) out.push({ kind: 'tool-input-delta', id, delta });
        return;
      }
      case 'tool-input-end': {
        const id = callIdOf(event, data) || this.streamedCallId;
        if (!id) return;
        if (id === this.streamedCallId) this.streamedCallId = undefined;
        out.push({ kind: 'tool-input-end', id });
        return;
      }
      case 'tool-call': {
        const name = toolNameOf(event, data);
        if (!name) return;
        let id = callIdOf(event, data) ?? '';
        if (this.inventedIds?.size && !this.streamedIds!.has(id)) id = this.claimInventedId(name) ?? id;
        const input = merged(event, data, 'input') ?? merged(event, data, 'arguments');
        out.push({ kind: 'tool-call', id, name, input: isObject(input) ? input : (str(input) ?? '') });
        return;
      }
      case 'tokens-used': {
        // Counts may sit at either level under any of several names: rare enough to read from one merged copy.
        const flat = data === NO_DATA ? event : { ...event, ...data };
        const usage = readUsage(flat) ?? readUsage(flat.usage);
        if (usage) out.push({ kind: 'usage', usage });
        return;
      }
      case 'finish':
        out.push({
          kind: 'finish',
          reason:
            str(merged(event, data, 'finishReason')) ??
            str(merged(event, data, 'stop_reason')) ??
            str(merged(event, data, 'reason')),
          usage: readUsage(merged(event, data, 'usage')),
        });
        return;
      case 'error': {
        const flat = data === NO_DATA ? event : { ...event, ...data };
        out.push(errorEvent(flat, isObject(flat.error) ? flat.error : {}));
        return;
      }
      default:
        return; // stream-start, conversation_id, and anything newer
    }
  }

  private other(type: string, payload: Json, data: Json, out: UpstreamEvent[]): void {
    switch (type) {
      case 'coding_agent.reasoning.chunk': {
        const text = codingAgentText(payload, data);
        // An empty chunk says nothing, so it does not silence the model channel either (as in the reference client).
        if (!text) return;
        this.preferCodingAgent = true;
        this.thinking(text, out);
        return;
      }
      case 'coding_agent.reasoning.completed':
        this.preferCodingAgent = true;
        out.push({ kind: 'thinking-end' });
        return;
      case 'output_text_delta':
      case 'coding_agent.output_text.delta':
      case 'coding_agent.response.chunk': {
        const text = codingAgentText(payload, data);
        if (!text) return;
        this.preferCodingAgent = true;
        this.text(text, type, out);
        return;
      }
      case 'coding_agent.tokens_used': {
        const usage = readUsage(data) ?? readUsage(payload);
        if (usage) out.push({ kind: 'usage', usage });
        return;
      }
      case 'coding_agent.credits_exhausted':
        out.push({
          kind: 'credits-exhausted',
          message: str(data.message) ?? str(payload.message) ?? 'You have run out of credits.',
        });
        return;
      case 'response_done':
        this.responseDone(isObject(payload.response) ? payload.response : {}, out);
        return;
      case 'coding_agent.end':
      case 'complete':
        out.push({ kind: 'finish' });
        return;
      case 'error':
        out.push(errorEvent(payload, data));
        return;
      default:
        return; // connected, response_started, fs_operation, file-preview events: nothing for the client
    }
  }

  private responseDone(response: Json, out: UpstreamEvent[]): void {
    const usage = readUsage(response.usage);
    if (usage) out.push({ kind: 'usage', usage });
    let calls = 0;
    for (const item of Array.isArray(response.output) ? response.output : []) {
      if (!isObject(item)) continue;
      const itemType = str(item.type);
      if (itemType !== 'function_call' && itemType !== 'tool_use') continue;
      const name = str(item.name);
      if (!name) continue;
      const input = item.input ?? item.arguments;
      out.push({
        kind: 'tool-call',
        id: str(item.callId) ?? str(item.call_id) ?? str(item.id) ?? '',
        name,
        input: isObject(input) ? input : (str(input) ?? ''),
      });
      calls += 1;
    }
    out.push({ kind: 'finish', reason: calls > 0 ? 'tool-calls' : 'stop' });
  }

  /** The oldest made-up id of a streamed call of this name that no tool-call has repeated yet. */
  private claimInventedId(name: string): string | undefined {
    for (const [id, streamedName] of this.inventedIds!) {
      if (streamedName !== name) continue;
      this.inventedIds!.delete(id);
      return id;
    }
    return undefined;
  }

  private thinking(text: string | undefined, out: UpstreamEvent[]): void {
    if (text) out.push({ kind: 'thinking-delta', text });
  }

  /** The same chunk twice in a row from two different channels is one chunk, not two. */
  private text(text: string | undefined, source: string, out: UpstreamEvent[]): void {
    if (!text) return;
    const repeated = this.lastText === text && this.lastTextSource !== source;
    this.lastText = text;
    this.lastTextSource = source;
    if (!repeated) out.push({ kind: 'text-delta', text });
  }
}

/**
 * The text of a `coding_agent` reasoning or text chunk, wherever the frame keeps it, in the order the reference
 * client looked (spec 2.4): `delta`, `text`, `data.text`, then `chunk` as a string or as `{text}` / `{content}`.
 * Reasoning and text chunks are read alike: the reference client had one reader for both.
 */
function codingAgentText(payload: Json, data: Json): string | undefined {
  const found = nonEmpty(payload.delta) ?? nonEmpty(payload.text) ?? nonEmpty(data.text);
  if (found !== undefined) return found;
  const chunk = payload.chunk;
  return isObject(chunk) ? (nonEmpty(chunk.text) ?? nonEmpty(chunk.content)) : nonEmpty(chunk);
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function isOrchidsFrame(type: string, payload: Json): boolean {
  if (ORCHIDS_FRAME_TYPES.has(type) || type.startsWith('coding_agent.')) return true;
  // Anthropic's own `{type:error, error:{…}}` says nothing about who answered; only the Orchids shapes count.
  return (
    type === 'error' &&
    (isObject(payload.data) || str(payload.code) !== undefined || str(payload.message) !== undefined)
  );
}

function errorEvent(payload: Json, data: Json): UpstreamEvent {
  // Seen as `{data:{code,message}}`, as top-level `code`/`message`, and in Anthropic's own `{error:{type,message}}`.
  const nested = isObject(payload.error) ? payload.error : {};
  const code = str(data.code) ?? str(payload.code) ?? str(nested.code) ?? str(nested.type) ?? 'upstream_error';
  const message =
    str(data.message) ??
    str(payload.message) ??
    str(nested.message) ??
    str(payload.error) ??
    'The upstream reported an error.';
  return { kind: 'error', code, message };
}
