import type { ServerResponse } from 'node:http';
import type { AnthropicEventSink } from '../anthropic/stream-translator';
import { MessageAccumulator } from '../anthropic/message-accumulator';
import { PING_FRAME, sseFrame } from '../anthropic/sse-writer';
import type { MessagesResponse, StopReason, Usage } from '../anthropic/types';
import { ApiError, errorBody, sendError, sendJson } from '../server/errors';
import type { Beating, Heartbeat } from './heartbeat';

/** Where a request's answer goes. The failover loop talks to this, not to HTTP, so both modes share it. */
export interface Responder {
  readonly sink: AnthropicEventSink;
  /** Anything a retry would duplicate has reached the client. */
  readonly contentSent: boolean;
  /** The upstream answered: the response may begin (status 200 for streams). */
  commit(): void;
  /** Sends what the sink collected since the last flush. */
  flush(): void;
  /** A new attempt begins: whatever the failed one collected but never sent is forgotten. */
  resetAttempt(): void;
  finish(stopReason: StopReason, usage: Usage): void;
  fail(error: ApiError): void;
  /** Observes every frame written to the client (debug logs); undefined when nobody listens. */
  onFrame?: (frame: string) => void;
}

/**
 * A streamed answer. Events collect in a string and go out in one write per upstream chunk, so a burst of deltas
 * costs one syscall. Headers wait for the upstream's 200 (or the first ping), so an account that fails fast
 * leaves the status code free for a proper error or for failover.
 */
export class SseResponder implements Responder, Beating {
  private pending = '';
  private messageStarted = false;
  private messageStartFrame = '';
  private opened = false;
  private ended = false;
  contentSent = false;
  lastWriteAt: number;
  onFrame?: (frame: string) => void;

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeat: Heartbeat,
    private readonly now: () => number = Date.now,
  ) {
    this.lastWriteAt = now();
    heartbeat.add(this);
  }

  readonly sink: AnthropicEventSink = (name, payload) => {
    if (name === 'message_start') {
      // Every attempt's translator starts a message; the client sees only the first.
      if (this.messageStarted) return;
      this.messageStarted = true;
      this.messageStartFrame = sseFrame(name, payload);
      this.pending += this.messageStartFrame;
      return;
    }
    if (name === 'content_block_start') this.contentSent = true;
    this.pending += sseFrame(name, payload);
  };

  commit(): void {
    if (this.opened || this.ended) return;
    this.opened = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Out before any content so clients render the turn as soon as Orchids answers.
    this.res.flushHeaders();
  }

  flush(): void {
    if (!this.pending || this.ended) return;
    this.commit();
    const chunk = this.pending;
    this.pending = '';
    this.write(chunk);
  }

  resetAttempt(): void {
    if (this.opened) {
      // message_start already went out; anything else pending belonged to the failed attempt.
      this.pending = '';
      return;
    }
    this.pending = this.messageStartFrame;
  }

  ping(): void {
    if (this.ended) return;
    if (!this.opened) this.flush(); // a slow upstream: start the message so the client knows we are alive
    this.write(PING_FRAME);
  }

  finish(): void {
    this.flush();
    this.close();
  }

  fail(error: ApiError): void {
    if (this.ended) return;
    if (!this.opened) {
      this.close();
      sendError(this.res, error);
      return;
    }
    this.pending = '';
    this.write(sseFrame('error', JSON.parse(errorBody(error.type, error.message))));
    this.close();
  }

  private write(chunk: string): void {
    this.lastWriteAt = this.now();
    this.onFrame?.(chunk);
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(chunk);
  }

  private close(): void {
    if (this.ended) return;
    this.ended = true;
    this.heartbeat.delete(this);
    if (this.opened && !this.res.writableEnded) this.res.end();
  }
}

/** A non-streamed answer: the same events, accumulated into one JSON message. */
export class JsonResponder implements Responder {
  private accumulator = new MessageAccumulator();
  private ended = false;
  onFrame?: (frame: string) => void;

  constructor(private readonly res: ServerResponse) {}

  readonly sink: AnthropicEventSink = (name, payload) => this.accumulator.sink(name, payload);

  get contentSent(): boolean {
    return false; // nothing reaches the client before the end, so a retry never duplicates output
  }

  commit(): void {}
  flush(): void {}

  resetAttempt(): void {
    this.accumulator = new MessageAccumulator();
  }

  finish(stopReason: StopReason, usage: Usage): void {
    if (this.ended) return;
    this.ended = true;
    const message: MessagesResponse = this.accumulator.result(stopReason, usage);
    const body = JSON.stringify(message);
    this.onFrame?.(body);
    sendJson(this.res, 200, body);
  }

  fail(error: ApiError): void {
    if (this.ended) return;
    this.ended = true;
    sendError(this.res, error);
  }
}
