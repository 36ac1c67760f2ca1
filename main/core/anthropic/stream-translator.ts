import type { StopReason, ToolDefinition, Usage } from './types';
import type { UpstreamEvent, UpstreamUsage } from '../orchids/types';
import { clientToolSchema, repairToolInput, resolveClientToolName } from '../orchids/tool-mapping';
import { estimateTextTokens } from './token-estimate';
import { randomBase62 } from '../util/ids';

/** Receives Anthropic stream events in order: an SSE writer when streaming, an accumulator otherwise. */
export type AnthropicEventSink = (name: string, payload: Record<string, unknown>) => void;

export interface TranslatorOptions {
  messageId: string;
  /** The model as the client asked for it: Anthropic echoes the requested id. */
  model: string;
  inputTokensEstimate: number;
  tools: ToolDefinition[] | undefined;
  /** Anthropic returns thinking blocks only when the request turned thinking on; clients not asking may not expect them. */
  includeThinking: boolean;
  sink: AnthropicEventSink;
}

/** Why a turn ended without a normal finish. */
export type TerminalFailure =
  | { kind: 'upstream-error'; code: string; message: string }
  | { kind: 'credits-exhausted'; message: string };

interface PendingTool {
  name: string;
  parts: string[];
  /** `tool-input-end` came with nothing buffered: the same-id `tool-call` is expected to carry the input. */
  ended?: boolean;
}

/**
 * The state machine from upstream events to Anthropic's event sequence: block indices from 0, one open text or
 * thinking block at a time, lazy block opening so no empty block is ever sent, and each tool call emitted once,
 * whole (start, one `input_json_delta`, stop), however many of `tool-input-*` and `tool-call` announce it.
 */
export class StreamTranslator {
  private nextIndex = 0;
  private open: { type: 'text' | 'thinking'; index: number; signature?: string } | undefined;
  private readonly pendingTools = new Map<string, PendingTool>();
  private readonly emittedTools = new Set<string>();
  private toolUses = 0;
  private upstreamUsage: UpstreamUsage = {};
  private outputEstimate = 0;
  private finishReason: string | undefined;
  private pendingSignature: string | undefined;
  /** Set once the client has been sent anything beyond message_start and pings. */
  contentStarted = false;
  finished = false;
  failure: TerminalFailure | undefined;

  constructor(private readonly options: TranslatorOptions) {}

  start(): void {
    this.options.sink('message_start', {
      type: 'message_start',
      message: {
        id: this.options.messageId,
        type: 'message',
        role: 'assistant',
        content: [],
        model: this.options.model,
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: this.options.inputTokensEstimate,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    });
  }

  /** Applies one event; returns false once the turn is over (finish, error, exhausted credits). */
  apply(event: UpstreamEvent): boolean {
    if (this.finished || this.failure) return false;
    switch (event.kind) {
      case 'thinking-start':
        if (event.signature) this.pendingSignature = event.signature;
        break;
      case 'thinking-delta':
        if (this.options.includeThinking) {
          this.ensureOpen('thinking');
          this.delta({ type: 'thinking_delta', thinking: event.text });
        }
        this.outputEstimate += estimateTextTokens(event.text);
        break;
      case 'thinking-end':
        if (event.signature && this.open?.type === 'thinking') this.open.signature = event.signature;
        if (this.open?.type === 'thinking') this.close();
        // A signature from a reasoning block that never produced text must not stick to the next one.
        this.pendingSignature = undefined;
        break;
      case 'text-start':
        break; // opened by the first non-empty delta
      case 'text-delta':
        this.ensureOpen('text');
        this.delta({ type: 'text_delta', text: event.text });
        this.outputEstimate += estimateTextTokens(event.text);
        break;
      case 'text-end':
        if (this.open?.type === 'text') this.close();
        break;
      case 'tool-input-start':
        if (!this.emittedTools.has(event.id) && !this.pendingTools.has(event.id)) {
          this.pendingTools.set(event.id, { name: event.name, parts: [] });
        }
        break;
      case 'tool-input-delta':
        this.pendingTools.get(event.id)?.parts.push(event.delta);
        break;
      case 'tool-input-end': {
        const pending = this.pendingTools.get(event.id);
        if (!pending) break;
        const input = pending.parts.join('');
        if (input.trim()) this.emitTool(event.id, pending.name, input);
        else pending.ended = true;
        break;
      }
      case 'tool-call': {
        if (event.id && this.emittedTools.has(event.id)) break;
        const pending = event.id ? this.pendingTools.get(event.id) : undefined;
        const streamed = pending?.parts.join('') ?? '';
        // The call is the complete input; a buffer whose tool-input-end has not arrived may be cut short, and
        // preferring it turned a whole call into `{_raw: <half the JSON>}`. The buffer only fills in for a call
        // that came without input.
        const callHasInput = typeof event.input === 'string' ? event.input.trim() !== '' : true;
        this.emitTool(event.id, event.name, callHasInput || !streamed.trim() ? event.input : streamed);
        break;
      }
      case 'usage':
        this.mergeUsage(event.usage);
        break;
      case 'finish':
        if (event.usage) this.mergeUsage(event.usage);
        this.finishReason = event.reason;
        this.finished = true;
        return false;
      case 'error':
        this.failure = { kind: 'upstream-error', code: event.code, message: event.message };
        return false;
      case 'credits-exhausted':
        this.failure = { kind: 'credits-exhausted', message: event.message };
        return false;
    }
    return true;
  }

  /** Closes the message after a finish or a clean EOF: pending whole tool calls go out, then the stop reason and usage. */
  complete(): { stopReason: StopReason; usage: Usage } {
    this.closeOpen();
    for (const [id, pending] of this.pendingTools) {
      const text = pending.parts.join('');
      // A call cut off mid-input would be executed with half its arguments: only complete JSON goes out. A call
      // whose input stream ended empty (and no tool-call followed) is a call without arguments.
      if (isCompleteJson(text)) this.emitTool(id, pending.name, text);
      else if (pending.ended && !text.trim()) this.emitTool(id, pending.name, '{}');
    }
    this.pendingTools.clear();
    const stopReason = this.stopReason();
    const usage = this.usage();
    const deltaUsage: Record<string, number> = { output_tokens: usage.output_tokens };
    if (this.upstreamUsage.inputTokens !== undefined) deltaUsage.input_tokens = usage.input_tokens;
    if (usage.cache_read_input_tokens) deltaUsage.cache_read_input_tokens = usage.cache_read_input_tokens;
    if (usage.cache_creation_input_tokens) deltaUsage.cache_creation_input_tokens = usage.cache_creation_input_tokens;
    this.options.sink('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: deltaUsage,
    });
    this.options.sink('message_stop', { type: 'message_stop' });
    return { stopReason, usage };
  }

  /** Ends an open block before an error event, so the client's partial message stays well formed. */
  closeOpen(): void {
    if (this.open) this.close();
  }

  usage(): Usage {
    const usage: Usage = {
      input_tokens: this.upstreamUsage.inputTokens ?? this.options.inputTokensEstimate,
      output_tokens: this.upstreamUsage.outputTokens ?? Math.max(1, Math.round(this.outputEstimate)),
    };
    if (this.upstreamUsage.cacheReadInputTokens) usage.cache_read_input_tokens = this.upstreamUsage.cacheReadInputTokens;
    if (this.upstreamUsage.cacheCreationInputTokens) {
      usage.cache_creation_input_tokens = this.upstreamUsage.cacheCreationInputTokens;
    }
    return usage;
  }

  private stopReason(): StopReason {
    if (this.toolUses > 0) return 'tool_use';
    const reason = this.finishReason?.toLowerCase();
    if (reason === 'length' || reason === 'max_tokens' || reason === 'max-tokens') return 'max_tokens';
    if (reason === 'stop_sequence') return 'stop_sequence';
    if (reason === 'refusal' || reason === 'content-filter' || reason === 'content_filter') return 'refusal';
    return 'end_turn';
  }

  private mergeUsage(usage: UpstreamUsage): void {
    this.upstreamUsage = { ...this.upstreamUsage, ...usage };
  }

  private ensureOpen(type: 'text' | 'thinking'): void {
    if (this.open?.type === type) return;
    if (this.open) this.close();
    const index = this.nextIndex++;
    this.open = { type, index };
    if (type === 'thinking' && this.pendingSignature) {
      this.open.signature = this.pendingSignature;
      this.pendingSignature = undefined;
    }
    this.contentStarted = true;
    this.options.sink('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: type === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' },
    });
  }

  private delta(delta: Record<string, unknown>): void {
    this.options.sink('content_block_delta', { type: 'content_block_delta', index: this.open!.index, delta });
  }

  private close(): void {
    const open = this.open!;
    if (open.type === 'thinking' && open.signature) {
      this.delta({ type: 'signature_delta', signature: open.signature });
    }
    this.options.sink('content_block_stop', { type: 'content_block_stop', index: open.index });
    this.open = undefined;
  }

  private emitTool(upstreamId: string, upstreamName: string, rawInput: string | Record<string, unknown>): void {
    const id = upstreamId.length >= 8 ? upstreamId : `toolu_${randomBase62(24)}`;
    if (upstreamId) {
      this.emittedTools.add(upstreamId);
      this.pendingTools.delete(upstreamId);
    }
    if (this.open) this.close();
    const tools = this.options.tools;
    // Parsed once without a schema (the name lookup may need the keys), then coerced per the chosen tool's schema.
    const parsed = typeof rawInput === 'string' ? repairToolInput(rawInput, undefined) : rawInput;
    const name = resolveClientToolName(upstreamName, tools, parsed);
    const input = repairToolInput(parsed, clientToolSchema(name, tools));
    const index = this.nextIndex++;
    const json = JSON.stringify(input);
    this.contentStarted = true;
    this.toolUses += 1;
    this.outputEstimate += estimateTextTokens(name) + estimateTextTokens(json);
    this.options.sink('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id, name, input: {} },
    });
    this.options.sink('content_block_delta', {
      type: 'content_block_delta',
      index,
      delta: { type: 'input_json_delta', partial_json: json },
    });
    this.options.sink('content_block_stop', { type: 'content_block_stop', index });
  }
}

function isCompleteJson(text: string): boolean {
  if (!text.trim()) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
