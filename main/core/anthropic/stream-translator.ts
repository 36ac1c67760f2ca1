/**
 * What the upstream's events mean for the client's message: decoded events in, Anthropic stream events out. The
 * blocks they are written as, and the Messages API's rules for those, are content-blocks.ts's part (the translator's
 * base class); here are the events' order (what waits behind a live tool call), stop sequences, usage, and how the
 * turn ends: its stop reason, a failure, or a turn held open for the calls the client was not sent.
 */
import type { ContentBlock, StopReason, ToolDefinition, Usage } from './types';
import type { UpstreamEvent } from '../orchids/types';
import type { DeferredToolSource } from './deferred-tools';
import { ContentBlocks, type AnthropicEventSink } from './content-blocks';
import { StopScanner } from './stop-sequences';
import { UsageTally, wireDeltaUsage, wireUsage } from './usage-tally';
import type { DeclinedToolCall, ToolCallPolicy, UnmappedToolCall } from './call-route';
import { ToolCalls } from './tool-calls';

export type { AnthropicEventSink } from './content-blocks';
export type { DeclinedToolCall, UnmappedToolCall } from './call-route';

const NO_UNMAPPED_CALLS: readonly UnmappedToolCall[] = [];

export interface TranslatorOptions {
  messageId: string;
  /** The model as the client asked for it: Anthropic echoes the requested id. */
  model: string;
  inputTokensEstimate: number;
  tools: ToolDefinition[] | undefined;
  /** The request, where a client with a tool search names the tools it holds back (anthropic/deferred-tools.ts). */
  deferredToolSource?: DeferredToolSource;
  /**
   * Anthropic returns thinking blocks only when the request turned thinking on; clients not asking may not expect
   * them.
   */
  includeThinking: boolean;
  /** Which of the agent's tool calls may reach the client (tool_choice none, disable_parallel_tool_use). */
  toolPolicy?: ToolCallPolicy;
  /** The request's stop_sequences: the text ends at the first one (neither upstream takes them). */
  stopSequences?: readonly string[];
  /**
   * A turn whose only tool calls the client could not be sent (it declares no such tool) is left open instead of
   * ended, for the proxy to tell the agent so and let it go on in the same message (proxy/declined-calls.ts).
   */
  holdDeclined?: boolean;
  /** The turn goes on a message whose text so far ends with the proxy's note (a continuation, declined-calls.ts). */
  followsNote?: boolean;
  sink: AnthropicEventSink;
}

/** Every member of T, optional ones too: a literal of this type cannot leave one out. */
type EveryMember<T> = { [K in keyof Required<T>]: T[K] };

/**
 * The options for one attempt: the request's, with the attempt's sink and tool policy. DECISION: every member written
 * out, not `{ ...base, sink }`: on Node 20's V8 a member the copied object lacks, added in the spread literal, took
 * ~1.5 µs every time (never the fast path), and the translator built from it 3.3 µs against 0.15 µs from this literal
 * (micro-benchmark, median of 11 interleaved runs). Its type makes a member added to TranslatorOptions a compile error
 * here, not a value silently dropped.
 */
export function attemptOptions(
  base: Omit<TranslatorOptions, 'sink'>,
  sink: AnthropicEventSink,
  toolPolicy: ToolCallPolicy | undefined = base.toolPolicy,
): TranslatorOptions {
  const options: EveryMember<TranslatorOptions> = {
    messageId: base.messageId,
    model: base.model,
    inputTokensEstimate: base.inputTokensEstimate,
    tools: base.tools,
    deferredToolSource: base.deferredToolSource,
    includeThinking: base.includeThinking,
    toolPolicy,
    stopSequences: base.stopSequences,
    holdDeclined: base.holdDeclined,
    followsNote: base.followsNote,
    sink,
  };
  return options;
}

/**
 * A turn left open: the calls the client was not sent, how many blocks the message has so far, and the text and
 * thinking the agent wrote in it (what the client was sent of them, in order), which go back to the agent with its
 * calls.
 */
export interface HeldTurn {
  calls: readonly DeclinedToolCall[];
  blocks: number;
  said: ContentBlock[];
  /**
   * For each call, how many of `said` the agent wrote before it: the turn goes back in the agent's own order, text
   * written between two calls between them.
   */
  saidBefore: readonly number[];
}

/** How a turn ended: closed with a stop reason, or (with `held`) left open and nothing final sent. */
export interface TurnEnd {
  stopReason: StopReason;
  usage: Usage;
  held?: HeldTurn;
}

/** Why a turn ended without a normal finish. */
export type TerminalFailure =
  { kind: 'upstream-error'; code: string; message: string } | { kind: 'credits-exhausted'; message: string };

/**
 * The state machine from upstream events to Anthropic's event sequence: each tool call sent once (tool-calls.ts),
 * into blocks numbered from 0, one open at a time, none sent empty (content-blocks.ts).
 *
 * While a tool call is being forwarded live, its block is the open one: text, thinking and other calls that
 * arrive meanwhile wait, in order, until it closes.
 */
export class StreamTranslator extends ContentBlocks<TranslatorOptions> {
  /** Made at the first tool event: most answers are text only, and need neither it nor its block writer. */
  private calls: ToolCalls | undefined;
  private deferred: UpstreamEvent[] = [];
  private readonly tally: UsageTally;
  private finishReason: string | undefined;
  private stopped: TerminalFailure | undefined;
  private readonly stops: StopScanner | undefined;
  /** The stop sequence that ended the answer. */
  private stopSequence: string | undefined;
  finished = false;

  constructor(options: TranslatorOptions) {
    super(options);
    this.tally = new UsageTally(options.inputTokensEstimate);
    const stops = options.stopSequences?.filter((sequence) => sequence !== '');
    if (stops?.length) this.stops = new StopScanner(stops);
  }

  /**
   * Why the turn cannot end normally, read once the stream is over: an upstream error, exhausted credits, or a tool
   * call whose input was being forwarded live when the stream stopped. The client already holds part of that
   * call, and completing the message would have it run with half its arguments.
   */
  get failure(): TerminalFailure | undefined {
    if (this.stopped) return this.stopped;
    if (this.calls?.liveInputIncomplete()) {
      return {
        kind: 'upstream-error',
        code: 'tool_input_cut_off',
        message: 'The upstream stream ended in the middle of a tool call the client was already receiving.',
      };
    }
    return undefined;
  }

  /** Tool calls sent to the client as text because it declared no tool they could be, for the debug record. */
  get unmappedToolCalls(): readonly UnmappedToolCall[] {
    return this.calls?.unmapped ?? NO_UNMAPPED_CALLS;
  }

  private get toolCalls(): ToolCalls {
    this.calls ??= new ToolCalls(
      this.options.tools,
      this.blockWriter((text) => this.tally.countOutput(text)),
      this.options.toolPolicy,
      this.options.deferredToolSource,
    );
    return this.calls;
  }

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
        usage: wireUsage({ input_tokens: this.options.inputTokensEstimate, output_tokens: 1 }),
      },
    });
  }

  /** Applies one event; returns false once the turn is over (finish, error, exhausted credits). */
  apply(event: UpstreamEvent): boolean {
    if (this.finished || this.stopped) return false;
    // A tool-call without an id may repeat a call streamed earlier; which one is fixed now, before it can wait.
    if (event.kind === 'tool-call' && event.id === '' && this.calls) {
      event = { ...event, id: this.calls.streamedIdFor(event.name) };
    }
    const liveId = this.calls?.liveId;
    if (liveId !== undefined && opensOtherContent(event, liveId)) {
      this.deferred.push(event);
      return true;
    }
    const more = this.handle(event);
    if (more) this.replayDeferred();
    return more;
  }

  private handle(event: UpstreamEvent): boolean {
    switch (event.kind) {
      case 'thinking-start':
        this.startThinking(event.signature);
        break;
      case 'thinking-delta':
        if (this.options.includeThinking) {
          this.ensureOpen('thinking');
          this.delta({ type: 'thinking_delta', thinking: event.text }, event.text);
        }
        this.tally.countOutput(event.text);
        break;
      case 'thinking-end':
        this.endThinking(event.signature);
        break;
      case 'text-start':
        break; // opened by the first non-empty delta
      case 'text-delta': {
        const scan = this.stops?.push(event.text);
        const text = scan ? scan.emit : event.text;
        if (text) {
          this.ensureOpen('text');
          this.delta({ type: 'text_delta', text }, text);
          this.tally.countOutput(text);
        }
        if (scan?.matched !== undefined) {
          // The answer ends here, as the upstream would have ended it had it known the sequence.
          this.stopSequence = scan.matched;
          this.finished = true;
          return false;
        }
        break;
      }
      case 'text-end':
        this.releaseHeldText();
        this.endText();
        break;
      case 'tool-input-start':
        this.toolCalls.start(event.id, event.name);
        break;
      case 'tool-input-delta':
        this.toolCalls.delta(event.id, event.delta);
        break;
      case 'tool-input-end':
        this.toolCalls.end(event.id);
        break;
      case 'tool-call':
        if (!this.toolCalls.call(event.id, event.name, event.input)) {
          this.stopped = {
            kind: 'upstream-error',
            code: 'tool_input_mismatch',
            message: 'The upstream sent a tool call whose input contradicts the input it had already streamed.',
          };
          return false;
        }
        break;
      case 'usage':
        this.tally.merge(event.usage);
        break;
      case 'finish':
        if (event.usage) this.tally.merge(event.usage);
        this.finishReason = event.reason;
        this.finished = true;
        return false;
      case 'error':
        this.stopped = { kind: 'upstream-error', code: event.code, message: event.message };
        return false;
      case 'credits-exhausted':
        this.stopped = { kind: 'credits-exhausted', message: event.message };
        return false;
    }
    return true;
  }

  /** Events held back behind a live tool call, in arrival order, until the next live call (if any) opens. */
  private replayDeferred(): void {
    while (this.calls?.liveId === undefined && this.deferred.length > 0 && !this.stopped) {
      this.handle(this.deferred.shift()!);
    }
  }

  /**
   * Closes the message after a finish or a clean EOF: pending whole tool calls go out, then the stop reason and
   * usage.
   */
  complete(): TurnEnd {
    // A live call still open (its tool-input-end never came) closes as it stands; what waited behind it follows.
    while ((this.calls?.liveId !== undefined || this.deferred.length > 0) && !this.stopped) {
      this.calls?.endLive();
      this.replayDeferred();
    }
    this.releaseHeldText();
    this.endOpen();
    // Calls still buffered after a stop sequence came later in the answer than where it was cut.
    if (this.stopSequence === undefined) this.calls?.finish();
    const usage = this.usage();
    const stopReason = this.stopReason();
    const calls = this.calls;
    // Only a turn that ended to wait for its calls' results: not one cut by max_tokens, a stop sequence or a refusal.
    if (this.options.holdDeclined && stopReason === 'end_turn' && calls && calls.declined.length > 0) {
      return {
        stopReason: 'tool_use',
        usage,
        held: { calls: calls.declined, ...this.saidSoFar(calls.declined) },
      };
    }
    this.options.sink('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: stopReason === 'stop_sequence' ? this.stopSequence : null },
      usage: wireDeltaUsage(usage),
    });
    this.options.sink('message_stop', { type: 'message_stop' });
    return { stopReason, usage };
  }

  /** Ends an open block before an error event, so the client's partial message stays well formed. */
  closeOpen(): void {
    this.endOpen();
    this.calls?.endLive();
    this.deferred = [];
  }

  usage(): Usage {
    return this.tally.usage();
  }

  private stopReason(): StopReason {
    if (this.calls && this.calls.toolUses > 0) return 'tool_use';
    const reason = this.finishReason?.toLowerCase();
    if (this.stopSequence !== undefined) return 'stop_sequence';
    if (reason === 'length' || reason === 'max_tokens' || reason === 'max-tokens') return 'max_tokens';
    if (reason === 'stop_sequence') return 'stop_sequence';
    if (reason === 'refusal' || reason === 'content-filter' || reason === 'content_filter') return 'refusal';
    return 'end_turn';
  }

  /**
   * Text held back in case it began a stop sequence is sent once its text ends (a text-end, another kind of block,
   * the end of the turn): a sequence is matched within one text, not across two.
   */
  protected override releaseHeldText(): void {
    const rest = this.stops?.flush();
    if (!rest) return;
    this.ensureOpen('text');
    this.delta({ type: 'text_delta', text: rest }, rest);
    this.tally.countOutput(rest);
  }
}

/** Whether an event would open or feed a block other than the live tool call's. */
function opensOtherContent(event: UpstreamEvent, liveId: string): boolean {
  switch (event.kind) {
    case 'tool-input-start':
    case 'tool-input-delta':
    case 'tool-input-end':
    case 'tool-call':
      return event.id !== liveId;
    case 'usage':
    case 'finish':
    case 'error':
    case 'credits-exhausted':
      return false;
    default:
      return true;
  }
}
