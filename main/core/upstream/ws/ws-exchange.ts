import type { IncomingHttpHeaders } from 'node:http';
import type { FrameSink, UpstreamExchange } from '../transport';

/** Stands in a pending list for the value of a payload that was not JSON. */
const MALFORMED: unique symbol = Symbol('malformed');

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});

const DISCARD: FrameSink = {
  frame: () => undefined,
  malformed: () => undefined,
  batchEnd: () => undefined,
  end: () => undefined,
  error: () => undefined,
};

/**
 * The answer to one request frame, as the caller sees it. The request (ws-request.ts) pushes payloads in; they go
 * straight to the sink once `consume()` chose one, and wait in a short list until then (the first frames often
 * arrive in the same tick as the write that made `send()` resolve).
 */
export class WsExchange implements UpstreamExchange {
  readonly status = 200;
  readonly headers = NO_HEADERS;
  private sink: FrameSink | undefined;
  /**
   * Payloads that arrived before the caller chose a sink, flat: raw text, then its value (or MALFORMED). On a
   * reused socket a short answer usually arrives whole before `consume()`, and this costs no object per frame.
   */
  private pending: unknown[] | undefined;
  private finished: { error: Error | undefined } | undefined;
  private batchScheduled = false;

  consume(sink: FrameSink): void {
    this.sink = sink;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      for (let i = 0; i < pending.length; i += 2) {
        const raw = pending[i] as string;
        const value = pending[i + 1];
        if (value === MALFORMED) sink.malformed(raw);
        else sink.frame(value, raw);
      }
      sink.batchEnd();
    }
    if (this.finished) this.deliverEnd(this.finished.error);
  }

  /** Discards the rest; the request still reads up to the end of the turn, then gives its socket back. */
  dump(): void {
    this.consume(DISCARD);
  }

  /** The raw payloads, one per line (only quoted when something went wrong). */
  text(limit: number): Promise<string> {
    return new Promise((resolve) => {
      let text = '';
      const done = (): void => resolve(text.length > limit ? text.slice(0, limit) : text);
      const add = (raw: string): void => {
        if (text.length < limit) text += text ? `\n${raw}` : raw;
      };
      this.consume({
        frame: (_value, raw) => add(raw),
        malformed: add,
        batchEnd: () => undefined,
        end: done,
        error: done,
      });
    });
  }

  // ---- fed by the request ----

  frame(value: unknown, raw: string): void {
    const sink = this.sink;
    if (!sink) {
      (this.pending ??= []).push(raw, value);
      return;
    }
    sink.frame(value, raw);
    this.endBatchSoon();
  }

  malformed(raw: string): void {
    const sink = this.sink;
    if (!sink) {
      (this.pending ??= []).push(raw, MALFORMED);
      return;
    }
    sink.malformed(raw);
    this.endBatchSoon();
  }

  /**
   * undici hands over every message of one socket read in one synchronous loop, so a microtask after the first
   * runs once they all arrived: the caller writes what a whole read produced in one go, as it does for an SSE
   * chunk, instead of one socket write per message (measured: a write per message cost ~15% of a short request).
   */
  private endBatchSoon(): void {
    if (this.batchScheduled) return;
    this.batchScheduled = true;
    queueMicrotask(this.endBatch);
  }

  private readonly endBatch = (): void => {
    this.batchScheduled = false;
    this.sink?.batchEnd();
  };

  end(error?: Error): void {
    if (this.finished) return;
    this.finished = { error };
    if (this.sink) this.deliverEnd(error);
  }

  private deliverEnd(error: Error | undefined): void {
    const sink = this.sink!;
    // What arrived before the end is the caller's to apply first (a turn cut off mid-answer keeps its text).
    if (this.batchScheduled) this.endBatch();
    this.sink = DISCARD;
    if (error) sink.error(error);
    else sink.end();
  }
}
