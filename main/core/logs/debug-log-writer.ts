import { performance as nodePerformance } from 'node:perf_hooks';
import { PeriodicFlusher } from '../writers/periodic-flusher';
import type { DebugRecord } from './debug-trace';
import { recordBytes, recordLine } from './record-line';
import { SegmentStore, type Retention } from './segment-store';

export type { Retention } from './segment-store';

export interface DebugLogWriterOptions {
  dir: string;
  retention: () => Retention;
  /** Literal secrets to scrub besides the patterns (the API key); more sources can be added with addSecrets. */
  secrets: () => readonly string[];
  /** Records waiting to be written, at most. */
  capacity?: number;
  /** Memory the waiting records may hold (their bodies, events and frames), in bytes. */
  maxPendingBytes?: number;
  /**
   * The share of one core debug logging may cost while the proxy is saturated (0.04: 4%). Past it, new requests are
   * not traced until the writer has caught up, and each is counted as dropped. While the event loop has time to
   * spare, tracing uses that spare time and every record is kept (within the memory bounds).
   */
  cpuShare?: number;
  /** CPU time (ms) the writer may bank, so a short burst is written whole even when saturated. */
  cpuBurstMs?: number;
  /** Whether the event loop is saturated (default: its utilisation over the last quarter second is 90% or more). */
  saturated?: () => boolean;
  intervalMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

const DEFAULTS = {
  capacity: 8192,
  maxPendingBytes: 32 * 1024 * 1024,
  cpuShare: 0.04,
  cpuBurstMs: 100,
  // Short: a queued record keeps its request's bodies alive, and the longer it waits the likelier the garbage
  // collector is to copy them out of the young generation.
  intervalMs: 25,
};
/** Serialisation work per turn of the event loop before the writer yields to requests. */
const SLICE_MS = 4;
/**
 * What a traced request costs in all, as a multiple of the serialisation the writer can time: collecting the
 * trace, redacting headers, the write, and garbage collection of what the queue keeps alive add to it. In the
 * benchmark (the app pinned to one core, saturated), a traced request cost about five times its serialisation.
 */
const TOTAL_COST_FACTOR = 4;

/**
 * Writes debug records to `<data dir>/debug-logs/` as append-only segments (logs/segment-store.ts). The request
 * path only enqueues; this writer serialises and redacts (logs/record-line.ts), a few milliseconds per turn of the
 * event loop, appends each batch in one write, and applies retention (count, total size, age), oldest first. It
 * never wipes existing logs at start.
 *
 * What it may hold is bounded three ways: the number and the bytes of records waiting, and the CPU it spends. At a
 * thousand requests a second every record is kept; beyond what those bounds allow, requests are not traced at
 * all (refused before collection, so an unwritable record costs the request path nothing) and counted as dropped.
 */
export class DebugLogWriter {
  private readonly store: SegmentStore;
  private readonly flusher: PeriodicFlusher;
  private readonly limits: typeof DEFAULTS;
  private readonly secretSources: Array<() => readonly string[]>;
  private queue: Array<{ record: DebugRecord; bytes: number }> = [];
  private pendingBytes = 0;
  /** Traces admitted and still being collected: their room in the queue is kept for them. */
  private admitted = 0;
  private writtenCount = 0;
  private droppedCount = 0;
  private cpuMs: number;
  private cpuAt: number;
  private prunedAt = 0;
  private readonly saturated: () => boolean;

  constructor(private readonly options: DebugLogWriterOptions) {
    this.limits = {
      capacity: options.capacity ?? DEFAULTS.capacity,
      maxPendingBytes: options.maxPendingBytes ?? DEFAULTS.maxPendingBytes,
      cpuShare: options.cpuShare ?? DEFAULTS.cpuShare,
      cpuBurstMs: options.cpuBurstMs ?? DEFAULTS.cpuBurstMs,
      intervalMs: options.intervalMs ?? DEFAULTS.intervalMs,
    };
    this.store = new SegmentStore(options.dir, () => this.now());
    this.secretSources = [options.secrets];
    this.cpuMs = this.limits.cpuBurstMs;
    this.cpuAt = this.now();
    this.saturated = options.saturated ?? eventLoopSaturation();
    this.flusher = new PeriodicFlusher(() => this.flush(), this.limits.intervalMs, options.onError);
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Records not written: refused before collection (a bound was reached), or lost to a failed write. */
  get dropped(): number {
    return this.droppedCount;
  }

  get written(): number {
    return this.writtenCount;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Another source of literal secrets to scrub (the install token, from the control layer). */
  addSecrets(source: () => readonly string[]): void {
    this.secretSources.push(source);
  }

  /**
   * Asked before a request's trace is collected at all. When a bound is reached the answer is no and the drop is
   * counted, so an unwritable record costs the request path nothing.
   */
  admit(): boolean {
    this.refillCpu();
    const full =
      this.queue.length + this.admitted >= this.limits.capacity ||
      this.pendingBytes >= this.limits.maxPendingBytes ||
      (this.cpuMs <= 0 && this.saturated());
    if (full) {
      this.droppedCount += 1;
      return false;
    }
    this.admitted += 1;
    return true;
  }

  start(): void {
    this.flusher.start();
  }

  /** A record whose trace was admitted (or, in tests, any record: it is then admitted here). */
  enqueue(record: DebugRecord, admitted = false): boolean {
    if (admitted) this.admitted = Math.max(0, this.admitted - 1);
    else if (!this.admit()) return false;
    else this.admitted -= 1;
    const bytes = recordBytes(record);
    this.queue.push({ record, bytes });
    this.pendingBytes += bytes;
    return true;
  }

  flushNow(): Promise<void> {
    return this.flusher.flushNow();
  }

  async stop(): Promise<void> {
    await this.flusher.stop();
    await this.store.close();
  }

  /** A record by its name (the history row's `debugLog`), for the Logs view and `logs show`. */
  async read(file: string): Promise<DebugRecord | undefined> {
    if (!/^[\w.-]+\.json$/.test(file)) return undefined; // a name, never a path
    const text = await this.store.read(file);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as DebugRecord;
    } catch {
      return undefined;
    }
  }

  private async flush(): Promise<void> {
    const wrote = this.queue.length > 0;
    while (this.queue.length > 0) {
      const secrets = this.secretSources.flatMap((source) => source());
      const batch: Array<{ name: string; line: string }> = [];
      const started = performance.now();
      const deadline = started + SLICE_MS;
      let taken = 0;
      while (taken < this.queue.length && (taken === 0 || performance.now() < deadline)) {
        const { record, bytes } = this.queue[taken]!;
        taken += 1;
        this.pendingBytes -= bytes;
        batch.push({ name: record.file, line: recordLine(record, secrets) });
      }
      this.queue = taken === this.queue.length ? [] : this.queue.slice(taken);
      // Wall time: on a busy machine it overstates the cost, which errs toward logging less, never more. The debt is
      // bounded, so time spent while the loop had room to spare is not paid back once it is saturated.
      const cost = (performance.now() - started) * TOTAL_COST_FACTOR;
      this.cpuMs = Math.max(-this.limits.cpuBurstMs, this.cpuMs - cost);
      try {
        await this.store.append(batch);
        this.writtenCount += batch.length;
      } catch (error) {
        this.droppedCount += batch.length;
        this.options.onError?.(error);
      }
      // Between batches the event loop gets a turn, so a large backlog never stalls requests for long.
      if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Retention by count and size can only change with a write; by age, a minute late is soon enough.
    if (wrote || this.now() - this.prunedAt >= 60_000) {
      this.prunedAt = this.now();
      await this.store.prune(this.options.retention());
    }
  }

  private refillCpu(): void {
    const now = this.now();
    this.cpuMs = Math.min(this.limits.cpuBurstMs, this.cpuMs + (now - this.cpuAt) * this.limits.cpuShare);
    this.cpuAt = now;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** Event-loop utilisation over the last quarter second, sampled at most that often. */
function eventLoopSaturation(threshold = 0.9, windowMs = 250): () => boolean {
  let mark = nodePerformance.eventLoopUtilization();
  let at = performance.now();
  let busy = false;
  return () => {
    const now = performance.now();
    if (now - at >= windowMs) {
      busy = nodePerformance.eventLoopUtilization(mark).utilization >= threshold;
      mark = nodePerformance.eventLoopUtilization();
      at = now;
    }
    return busy;
  };
}
