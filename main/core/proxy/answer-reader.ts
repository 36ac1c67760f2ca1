import type { ToolCallPolicy } from '../anthropic/call-route';
import { attemptOptions, StreamTranslator, type HeldTurn } from '../anthropic/stream-translator';
import type { StopReason, Usage } from '../anthropic/types';
import { UpstreamEventDecoder } from '../orchids/event-decoder';
import { failureFromError, failureFromUpstreamError, type UpstreamFailure } from '../orchids/failure';
import type { UpstreamEvent } from '../orchids/types';
import type { ProtocolStep } from '../upstream/protocol-choice';
import type { FrameSink, UpstreamExchange } from '../upstream/transport';
import type { AttemptInput } from './upstream-attempt';

/** Every member of ToolCallPolicy, optional ones too: a literal of this type cannot leave one out. */
type EveryPolicyMember = { [K in keyof Required<ToolCallPolicy>]: ToolCallPolicy[K] };

/** How one protocol's try at a request ended. */
export type TryOutcome =
  | { kind: 'done'; stopReason: StopReason; usage: Usage; held?: HeldTurn }
  | { kind: 'failed'; failure: UpstreamFailure; recognized: boolean; sent?: Usage }
  | { kind: 'aborted'; sent?: Usage };

/** Reads an accepted upstream answer into the client's responder; resolves once the turn is over. */
export function readAnswer(exchange: UpstreamExchange, input: AttemptInput, step: ProtocolStep): Promise<TryOutcome> {
  return new Promise<TryOutcome>((resolve) => exchange.consume(new AnswerReader(input, step, resolve)));
}

/**
 * The transport's FrameSink for one answer: payloads are decoded into events, the events drive the translator, and
 * each network read's frames go to the client in one write. One object with methods, not a closure per callback:
 * this runs for every streamed request, and a handful of closures and their shared context is most of what it
 * would allocate.
 */
class AnswerReader implements FrameSink {
  private readonly translator: StreamTranslator;
  private readonly decoder = new UpstreamEventDecoder();
  private readonly events: UpstreamEvent[] = [];
  private settled = false;

  constructor(
    private readonly input: AttemptInput,
    private readonly step: ProtocolStep,
    private readonly resolve: (outcome: TryOutcome) => void,
  ) {
    // Generation A's model calls the client's tools as declared; Generation B's agent its own (tool-calls.ts).
    const base = input.translator.toolPolicy;
    // DECISION: spelled out, not `{ ...base, agentTools }`: on Node 20 a spread followed by a key its source lacks
    // gives every result a hidden class of its own, made in V8's runtime (~210 ns an attempt with a policy, against
    // ~8 for this literal, in process). Its type makes a member added to ToolCallPolicy a compile error here.
    const toolPolicy: EveryPolicyMember = {
      withhold: base?.withhold,
      maxToolUses: base?.maxToolUses,
      agentTools: step.protocol !== 'sse-a',
      dropUnmapped: base?.dropUnmapped,
    };
    this.translator = new StreamTranslator(attemptOptions(input.translator, input.responder.sink, toolPolicy));
    this.translator.start();
  }

  frame(value: unknown, raw: string): void {
    if (this.settled) return; // after the turn ended the rest is read only to keep the connection reusable
    this.input.trace?.upstreamEvent(raw);
    this.decoder.decode(value, this.events);
  }

  malformed(raw: string): void {
    if (!this.settled) this.input.trace?.upstreamEvent(`[malformed] ${raw}`);
  }

  batchEnd(): void {
    if (this.settled) return;
    if (this.drainEvents()) this.conclude();
    else this.input.responder.flush();
  }

  end(): void {
    if (this.settled) return;
    this.drainEvents();
    this.conclude();
  }

  error(error: Error): void {
    if (this.settled) return;
    if (this.input.signal.aborted) this.settle({ kind: 'aborted', sent: this.sent() });
    else {
      const failure = failureFromError(error);
      this.settle({ kind: 'failed', failure, recognized: this.decoder.recognized, sent: this.sent() });
    }
  }

  /**
   * The counts of an answer that ends without its finish, once the client has been sent some of it: the history row
   * shows what it cost rather than nothing (the failure itself is the row's error).
   */
  private sent(): Usage | undefined {
    return this.translator.contentStarted ? this.translator.usage() : undefined;
  }

  private settle(outcome: TryOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(outcome);
  }

  /** Applies queued events; true once the turn is over. */
  private drainEvents(): boolean {
    let over = false;
    for (const event of this.events) {
      if (!this.translator.apply(event)) {
        over = true;
        break;
      }
    }
    this.events.length = 0;
    return over;
  }

  // Neither outcome flushes: on success the last frames go out with the response's end (one write fewer), and on
  // failure the proxy decides whether what is queued is dropped (failover) or sent before an error event.
  private conclude(): void {
    const { translator, decoder } = this;
    const recognized = decoder.recognized;
    const trace = this.input.trace;
    if (trace && translator.unmappedToolCalls.length > 0) trace.unmappedToolCalls(translator.unmappedToolCalls);
    if (translator.failure) {
      const failure = translator.failure;
      this.settle({
        kind: 'failed',
        recognized,
        sent: this.sent(),
        failure:
          failure.kind === 'credits-exhausted'
            ? { kind: 'quota', message: `Orchids credits exhausted: ${failure.message}` }
            : failureFromUpstreamError(failure.code, failure.message),
      });
      return;
    }
    if (!recognized && !this.step.confirmed && !translator.contentStarted) {
      // A 200 that never said anything an Orchids agent says: some other service lives at this address.
      this.settle({
        kind: 'failed',
        recognized,
        failure: {
          kind: 'server',
          message: 'The endpoint answered, but not as an Orchids agent.',
          mismatch: 'certain',
        },
      });
      return;
    }
    // A finish, or an end without one: either way the turn closes cleanly with what arrived.
    const { stopReason, usage, held } = translator.complete();
    this.settle({ kind: 'done', stopReason, usage, held });
  }
}
