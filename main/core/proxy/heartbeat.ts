/**
 * Keeps quiet streams alive with Anthropic's `ping` event. One shared ticker checks every registered stream
 * instead of arming a timer per stream per write, which would cost the request path a timer reset per delta.
 */
export interface Beating {
  /** Milliseconds since the epoch of the last write to the client. */
  lastWriteAt: number;
  ping(): void;
  /** Where the heartbeat holds this stream, -1 when it does not; written only by the heartbeat. */
  heartbeatSlot: number;
}

export class Heartbeat {
  /**
   * A dense array with swap-removal, not a Set. Every streamed request adds and removes one entry, and a V8 Set
   * rehashes into a fresh table every few dozen such changes while the old table keeps its entries and a link to
   * its successor. Once one table reaches the old generation (it is current when a scavenge runs twice, or when a
   * full GC runs), that chain keeps every later table, and through their stale entries every finished stream's
   * response and request, alive across scavenges: measured, ~3 KB promoted per streamed request, most of the
   * app's GC time. The array is never shrunk, so its backing store is not replaced either; a freed slot is cleared.
   */
  private readonly streams: Array<Beating | undefined> = [];
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  add(stream: Beating): void {
    if (stream.heartbeatSlot >= 0) return;
    stream.heartbeatSlot = this.count;
    if (this.count === this.streams.length) this.streams.push(stream);
    else this.streams[this.count] = stream;
    this.count += 1;
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
    const slot = stream.heartbeatSlot;
    if (slot < 0 || this.streams[slot] !== stream) return;
    this.count -= 1;
    const last = this.streams[this.count]!;
    this.streams[slot] = last;
    last.heartbeatSlot = slot;
    this.streams[this.count] = undefined;
    stream.heartbeatSlot = -1;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (let i = 0; i < this.count; i++) this.streams[i]!.heartbeatSlot = -1;
    this.streams.length = 0;
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  private tick(): void {
    const due = this.now() - this.intervalMs();
    // Backwards: a stream that leaves during its own ping is replaced by one already visited.
    for (let i = this.count - 1; i >= 0; i--) {
      const stream = this.streams[i];
      if (stream && stream.lastWriteAt <= due) stream.ping();
    }
  }
}
