import { PeriodicFlusher } from './periodic-flusher';

export interface QueueWriterOptions<T> {
  /** Writes one batch; may be async (file I/O). Items of a failed batch are dropped and counted. */
  write: (batch: T[]) => void | Promise<void>;
  intervalMs: number;
  /** Items held at most; beyond it new items are dropped and counted, never waited for. */
  capacity: number;
  /** Items per write, so one flush cannot monopolise the event loop. */
  maxBatch?: number;
  /**
   * A flush starts (on the next turn of the event loop) once this many items wait, without waiting for the timer.
   * Under load a second's worth of items outlives two young-generation collections, and V8 then copies every one
   * of them into the old generation, where only a full collection frees them; flushed by count, they die young.
   */
  flushAt?: number;
  onError?: (error: unknown) => void;
}

/**
 * A bounded queue drained by a timer. `enqueue` is what the request path calls: an array push, or a counted drop
 * when the writer has fallen too far behind. History rows and debug records both go through one of these.
 */
export class QueueWriter<T> {
  private queue: T[] = [];
  private droppedCount = 0;
  private writtenCount = 0;
  private countFlushPending = false;
  private readonly flusher: PeriodicFlusher;

  constructor(private readonly options: QueueWriterOptions<T>) {
    this.flusher = new PeriodicFlusher(() => this.flush(), options.intervalMs, options.onError);
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get written(): number {
    return this.writtenCount;
  }

  get pending(): number {
    return this.queue.length;
  }

  get isRunning(): boolean {
    return this.flusher.isRunning;
  }

  start(): void {
    this.flusher.start();
  }

  enqueue(item: T): boolean {
    if (this.queue.length >= this.options.capacity) {
      this.droppedCount += 1;
      return false;
    }
    this.queue.push(item);
    if (this.queue.length === this.options.flushAt && this.flusher.isRunning && !this.countFlushPending) {
      this.countFlushPending = true;
      setImmediate(this.flushByCount);
    }
    return true;
  }

  flushNow(): Promise<void> {
    return this.flusher.flushNow();
  }

  stop(): Promise<void> {
    return this.flusher.stop();
  }

  private readonly flushByCount = (): void => {
    this.countFlushPending = false;
    void this.flusher.flushNow();
  };

  private async flush(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 500;
    let first = true;
    while (this.queue.length > 0) {
      // Between batches the event loop gets a turn, so a large backlog never stalls requests for long.
      if (!first) await new Promise<void>((resolve) => setImmediate(resolve));
      first = false;
      const batch = this.queue.length <= maxBatch ? this.queue : this.queue.slice(0, maxBatch);
      this.queue = this.queue.length <= maxBatch ? [] : this.queue.slice(maxBatch);
      try {
        await this.options.write(batch);
        this.writtenCount += batch.length;
      } catch (error) {
        this.droppedCount += batch.length;
        this.options.onError?.(error);
      }
    }
  }
}
