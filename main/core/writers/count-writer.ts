import type { CountDelta } from '../db/accounts-repo';
import { PeriodicFlusher } from './periodic-flusher';

/**
 * Request counts, batched. The request path adds one to a map entry and returns; a timer (every second by
 * default) hands the whole batch to `persist`, which writes it in one SQLite transaction. A failed write keeps the
 * batch for the next tick, so a locked database delays counts but never loses them.
 */
export class CountWriter {
  private pending = new Map<number, CountDelta>();
  private readonly flusher: PeriodicFlusher;
  private flushedBatches = 0;

  constructor(
    private readonly persist: (deltas: readonly CountDelta[]) => void,
    intervalMs = 1000,
    onError?: (error: unknown) => void,
  ) {
    this.flusher = new PeriodicFlusher(() => this.flush(), intervalMs, onError);
  }

  get isRunning(): boolean {
    return this.flusher.isRunning;
  }

  /** Batches written so far; lets tests and the benchmark see that writes are batched. */
  get batches(): number {
    return this.flushedBatches;
  }

  start(): void {
    this.flusher.start();
  }

  increment(accountId: number, at: number): void {
    const delta = this.pending.get(accountId);
    if (delta) {
      delta.count += 1;
      if (at > delta.lastUsedAt) delta.lastUsedAt = at;
    } else {
      this.pending.set(accountId, { accountId, count: 1, lastUsedAt: at });
    }
  }

  /** Not yet durable: added to the database's value when the cache reloads, so live counts never step back. */
  pendingFor(accountId: number): number {
    return this.pending.get(accountId)?.count ?? 0;
  }

  flushNow(): Promise<void> {
    return this.flusher.flushNow();
  }

  stop(): Promise<void> {
    return this.flusher.stop();
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      this.persist([...batch.values()]);
      this.flushedBatches += 1;
    } catch (error) {
      // Put the batch back, merged with whatever arrived meanwhile.
      for (const delta of batch.values()) {
        const newer = this.pending.get(delta.accountId);
        if (newer) {
          newer.count += delta.count;
          newer.lastUsedAt = Math.max(newer.lastUsedAt, delta.lastUsedAt);
        } else {
          this.pending.set(delta.accountId, delta);
        }
      }
      throw error;
    }
  }
}
