/**
 * Keeps quiet streams alive with Anthropic's `ping` event. One shared ticker checks every registered stream
 * instead of arming a timer per stream per write, which would cost the request path a timer reset per delta.
 */
export interface Beating {
  /** Milliseconds since the epoch of the last write to the client. */
  lastWriteAt: number;
  ping(): void;
}

export class Heartbeat {
  private readonly streams = new Set<Beating>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  add(stream: Beating): void {
    this.streams.add(stream);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), Math.max(100, Math.min(1000, this.intervalMs() / 4)));
      this.timer.unref();
    }
  }

  /**
   * The ticker keeps running (unref'd, cheap) when the last stream ends: one stream at a time must not create and
   * clear a timer per request.
   */
  delete(stream: Beating): void {
    this.streams.delete(stream);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.streams.clear();
  }

  get size(): number {
    return this.streams.size;
  }

  private tick(): void {
    const due = this.now() - this.intervalMs();
    for (const stream of this.streams) if (stream.lastWriteAt <= due) stream.ping();
  }
}
