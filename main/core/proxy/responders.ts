import type { ServerResponse } from 'node:http';
import type { AnthropicEventSink } from '../anthropic/stream-translator';
import { MessageAccumulator } from '../anthropic/message-accumulator';
import type { MessagesResponse, StopReason, Usage } from '../anthropic/types';
import { ApiError, sendJson } from '../server/errors';
import type { ApiFormat, StreamEncoder } from './api-format';
import type { Beating, Heartbeat } from './heartbeat';

/** Where a request's answer goes. The failover loop talks to this, not to HTTP, so every mode and API shares it. */
export interface Responder {
  readonly sink: AnthropicEventSink;
  /** Anything a retry would duplicate has reached the client (been written, not merely queued). */
  readonly contentSent: boolean;
  /** Sends what the sink collected since the last flush. */
  flush(): void;
  /** A new attempt begins: whatever the failed one collected but never sent is forgotten. */
  resetAttempt(): void;
  finish(stopReason: StopReason, usage: Usage): void;
  fail(error: ApiError): void;
  /** Observes every frame written to the client (debug logs); undefined when nobody listens. */
  onFrame?: (frame: string) => void;
  /** When the answer's first bytes went to the client (the history's time to first byte); null until then. */
  readonly firstFrameAt: number | null;
  /**
   * The API's format refused the finished answer, and the client was sent this error instead (a compaction with no
   * summary: openai/compaction.ts); the request is then reported as that failure.
   */
  readonly refused?: ApiError;
}

/**
 * Names and values in one flat list, as `writeHead` takes them: no object to build and walk per request. No
 * `connection` header: Node writes the right one, and a `keep-alive` of ours overrode a client's `Connection: close`,
 * leaving its socket open for the keep-alive timeout after the stream ended.
 */
const SSE_HEADERS = [
  'content-type',
  'text/event-stream; charset=utf-8',
  'cache-control',
  'no-cache',
  'x-accel-buffering',
  'no',
];

/**
 * A streamed answer. Events collect in a string and go out in one write per upstream chunk, so a burst of deltas
 * costs one syscall; the status line and headers travel with the first write, and the last frames with `end()`.
 * Nothing is written before the first content (or the first ping), so an account that fails early leaves the
 * status code free: failover, or a proper HTTP error. The API's encoder decides what each event looks like.
 */
export class SseResponder implements Responder, Beating {
  private pending = '';
  private messageStarted = false;
  private messageStartFrame = '';
  /** Some bytes (the headers at least) have been handed to the socket. */
  private written = false;
  private ended = false;
  /** A content block is in `pending`, not yet written: a failed attempt's can still be dropped. */
  private contentQueued = false;
  private readonly encoder: StreamEncoder;
  /** Content has been written: from here on a retry would duplicate output. */
  contentSent = false;
  lastWriteAt: number;
  firstFrameAt: number | null = null;
  heartbeatSlot = -1;
  onFrame?: (frame: string) => void;

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeat: Heartbeat,
    private readonly format: ApiFormat,
    private readonly now: () => number = Date.now,
  ) {
    this.encoder = format.streamEncoder();
    this.lastWriteAt = now();
    heartbeat.add(this);
  }

  readonly sink: AnthropicEventSink = (name, payload) => {
    if (name === 'message_start') {
      // Every attempt's translator starts a message; the client sees only the first.
      if (this.messageStarted) return;
      this.messageStarted = true;
      this.messageStartFrame = this.encoder.encode(name, payload);
      this.pending += this.messageStartFrame;
      return;
    }
    if (name === 'content_block_start') this.contentQueued = true;
    this.pending += this.encoder.encode(name, payload);
  };

  flush(): void {
    if (!this.pending || this.ended) return;
    // DECISION: the status line waits for the first content (or the first ping), not the first upstream read. Gen B
    // opens with `connected` and `response_started`, and a refusal that follows them (a context overflow, a bad
    // request) is then a real 4xx: Claude Code, told so by an error event instead, sends the whole too-long
    // conversation once more without streaming before it compacts. A ping still starts the message of a quiet one.
    if (!this.written && !this.contentQueued) return;
    const chunk = this.pending;
    this.pending = '';
    this.write(chunk);
  }

  resetAttempt(): void {
    // Whatever the failed attempt queued was never written; message_start is kept until it has been.
    this.contentQueued = false;
    this.pending = this.written ? '' : this.messageStartFrame;
    this.encoder.resetAttempt();
  }

  get refused(): ApiError | undefined {
    return this.encoder.refused;
  }

  ping(): void {
    if (this.ended) return;
    // A slow upstream: the message starts now, so the client knows we are alive.
    this.write(`${this.pending}${this.encoder.ping}`);
    this.pending = '';
  }

  finish(): void {
    if (this.ended) return;
    this.close(this.pending);
  }

  fail(error: ApiError): void {
    if (this.ended) return;
    if (!this.written) {
      this.ended = true;
      this.heartbeat.delete(this);
      this.format.sendError(this.res, error);
      return;
    }
    // What arrived before the failure goes out first, then the API's error: the client knows the answer is cut short.
    this.close(`${this.pending}${this.encoder.failure(error)}`);
  }

  private headers(): void {
    if (this.written) return;
    this.written = true;
    this.res.writeHead(200, SSE_HEADERS);
  }

  private write(chunk: string): void {
    this.headers();
    this.lastWriteAt = this.now();
    this.firstFrameAt ??= this.lastWriteAt;
    if (this.contentQueued) this.contentSent = true;
    this.onFrame?.(chunk);
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(chunk);
  }

  private close(last: string): void {
    this.ended = true;
    this.heartbeat.delete(this);
    this.headers();
    if (last) {
      this.firstFrameAt ??= this.now();
      if (this.contentQueued) this.contentSent = true;
      this.onFrame?.(last);
    }
    this.pending = '';
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end(last || undefined);
  }
}

/** A non-streamed answer: the same events, accumulated into one message, written in the API's shape. */
export class JsonResponder implements Responder {
  private accumulator = new MessageAccumulator();
  private ended = false;
  onFrame?: (frame: string) => void;
  firstFrameAt: number | null = null;
  refused?: ApiError;

  constructor(
    private readonly res: ServerResponse,
    private readonly format: ApiFormat,
    private readonly now: () => number = Date.now,
  ) {}

  readonly sink: AnthropicEventSink = (name, payload) => this.accumulator.sink(name, payload);

  get contentSent(): boolean {
    return false; // nothing reaches the client before the end, so a retry never duplicates output
  }

  flush(): void {}

  resetAttempt(): void {
    this.accumulator = new MessageAccumulator();
  }

  finish(stopReason: StopReason, usage: Usage): void {
    if (this.ended) return;
    let body: string;
    try {
      body = this.format.renderMessage(this.accumulator.result(stopReason, usage));
    } catch (error) {
      // A format may refuse a finished answer it cannot render (a compaction with no summary: openai/compaction.ts).
      if (!(error instanceof ApiError)) throw error;
      this.refused = error;
      return this.fail(error);
    }
    this.ended = true;
    this.firstFrameAt = this.now();
    this.onFrame?.(body);
    sendJson(this.res, 200, body);
  }

  fail(error: ApiError): void {
    if (this.ended) return;
    this.ended = true;
    this.format.sendError(this.res, error);
  }
}

/**
 * Holds a whole answer back from the client, for requests whose answer must be checked before it is sent (forced
 * tool use, JSON schemas). Nothing is ever written, so every failure stays free to fail over or retry.
 */
export class CollectingResponder implements Responder {
  private accumulator = new MessageAccumulator();

  readonly sink: AnthropicEventSink = (name, payload) => this.accumulator.sink(name, payload);
  readonly contentSent = false;
  readonly firstFrameAt = null;

  flush(): void {}

  resetAttempt(): void {
    this.accumulator = new MessageAccumulator();
  }

  /** The collected answer; the next attempt starts from nothing. */
  take(stopReason: StopReason, usage: Usage): MessagesResponse {
    const message = this.accumulator.result(stopReason, usage);
    this.accumulator = new MessageAccumulator();
    return message;
  }

  finish(): void {}

  fail(): void {}
}
