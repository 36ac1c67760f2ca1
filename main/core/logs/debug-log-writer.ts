import { PeriodicFlusher } from '../writers/periodic-flusher';
import { CpuLoad } from './cpu-load';
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
   * Records kept per second at most (1,000, with a second's worth banked for bursts). Past it, requests are not
   * traced and are counted as dropped, so a proxy serving several thousand requests a second spends on logging
   * what a thousand records cost (a few percent of a core), not a share that grows with its load.
   */
  maxRecordsPerSecond?: number;
  /**
   * The share of one core the writer may spend serialising and redacting (0.1: 10%), a guard for large records:
   * a thousand short records a second take 2–4% (serialising alone), a thousand 76 KB Claude Code turns would take
   * most of a core.
   */
  cpuShare?: number;
  /** CPU time (ms) the writer may bank while idle, so a burst of large records after a quiet spell is written whole. */
  cpuBurstMs?: number;
  /**
   * The process's own CPU load (cores, over the last second) from which it counts as busy with its requests: then
   * every record's cost is throughput lost, and records are kept at the rate `busyShare` of a core pays for
   * (estimated from their measured cost) instead of `maxRecordsPerSecond`. The second banked is still spent first.
   */
  busyCores?: number;
  /**
   * Requests a second (asked to be traced) from which the process counts as busy whatever its CPU says: on a core it
   * shares with other work a saturated proxy may be given less than `busyCores`, and past one and a half times the
   * thousand promised, every record is again throughput lost.
   */
  busyRequestsPerSecond?: number;
  busyShare?: number;
  /** The process's CPU time so far in microseconds (tests give their own). */
  processCpuUs?: () => number;
  intervalMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

const DEFAULTS = {
  capacity: 8192,
  maxPendingBytes: 32 * 1024 * 1024,
  maxRecordsPerSecond: 1000,
  cpuShare: 0.1,
  cpuBurstMs: 500,
  busyCores: 0.7,
  busyRequestsPerSecond: 1500,
  busyShare: 0.025,
  // Short: a queued record keeps its request's bodies alive, and the longer it waits the likelier the garbage
  // collector is to copy them out of the young generation.
  intervalMs: 25,
};
/** Serialisation work per turn of the event loop before the writer yields to requests. */
const SLICE_MS = 4;
/**
 * A record's whole cost over the part the writer measures (serialising and redacting it): collecting it on the
 * request path, appending it, and collecting its garbage and the request's it kept alive bring it to about three
 * times that on a saturated core (the benchmark's CPU per request with logging on and off, over the records kept).
 */
const WHOLE_COST_FACTOR = 3;
/**
 * Writes debug records to `<data dir>/debug-logs/` as append-only segments (logs/segment-store.ts). The request
 * path only enqueues; this writer serialises and redacts (logs/record-line.ts), a few milliseconds per turn of the
 * event loop, appends each batch in one write, and applies retention (count, total size, age), oldest first. It
 * never wipes existing logs at start.
 *
 * What it may hold and spend is bounded: the number and the bytes of records waiting, the records kept per second
 * (1,000) and the CPU it spends. Up to a thousand requests a second every record is kept; beyond what those bounds
 * allow, requests are not traced at all (refused before collection, so an unwritable record costs the request path
 * nothing) and counted as dropped. While the process is busy with its own requests (0.7 of a core of its own CPU:
 * logs/cpu-load.ts, or over 1,500 requests a second), records are what throughput is made of, so their rate is held
 * to what 2.5% of a core pays for; a second's worth is still banked.
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
  private records: number;
  private refilledAt: number;
  private prunedAt = 0;
  private readonly load: CpuLoad;
  /** Serialisation time a record takes, microseconds: a moving average over the batches written. */
  private recordUs = 50;
  /** Requests asked to be traced: counted over windows of a second, the last full window's rate kept. */
  private asked = { since: Number.NaN, count: 0, perSecond: 0 };

  constructor(private readonly options: DebugLogWriterOptions) {
    this.limits = {
      capacity: options.capacity ?? DEFAULTS.capacity,
      maxPendingBytes: options.maxPendingBytes ?? DEFAULTS.maxPendingBytes,
      maxRecordsPerSecond: options.maxRecordsPerSecond ?? DEFAULTS.maxRecordsPerSecond,
      cpuShare: options.cpuShare ?? DEFAULTS.cpuShare,
      cpuBurstMs: options.cpuBurstMs ?? DEFAULTS.cpuBurstMs,
      intervalMs: options.intervalMs ?? DEFAULTS.intervalMs,
      busyCores: options.busyCores ?? DEFAULTS.busyCores,
      busyRequestsPerSecond: options.busyRequestsPerSecond ?? DEFAULTS.busyRequestsPerSecond,
      busyShare: options.busyShare ?? DEFAULTS.busyShare,
    };
    this.load = new CpuLoad({ now: () => this.now(), cpuUs: options.processCpuUs });
    this.store = new SegmentStore(options.dir, () => this.now());
    this.secretSources = [options.secrets];
    this.cpuMs = this.limits.cpuBurstMs;
    this.records = this.limits.maxRecordsPerSecond;
    this.refilledAt = this.now();
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

  /** The writer's running estimate of serialising and redacting one record (µs), which its busy rule scales. */
  get serialiseMicros(): number {
    return this.recordUs;
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
    this.countAsked();
    this.refill();
    const full =
      this.queue.length + this.admitted >= this.limits.capacity ||
      this.pendingBytes >= this.limits.maxPendingBytes ||
      this.records < 1 ||
      this.cpuMs <= 0;
    if (full) {
      this.droppedCount += 1;
      return false;
    }
    this.records -= 1;
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
      // Wall time: on a busy machine it overstates the cost, which errs toward logging less, never more.
      const spentMs = performance.now() - started;
      this.cpuMs -= spentMs;
      this.recordUs += 0.2 * ((spentMs * 1000) / taken - this.recordUs);
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

  private refill(): void {
    const now = this.now();
    const seconds = (now - this.refilledAt) / 1000;
    this.refilledAt = now;
    this.cpuMs = Math.min(this.limits.cpuBurstMs, this.cpuMs + seconds * 1000 * this.limits.cpuShare);
    this.records = Math.min(this.limits.maxRecordsPerSecond, this.records + seconds * this.recordRate());
  }

  /** Records a second the writer may keep now (see busyCores and busyRequestsPerSecond). */
  private recordRate(): number {
    const { maxRecordsPerSecond, busyCores, busyRequestsPerSecond, busyShare } = this.limits;
    const busy = this.asked.perSecond >= busyRequestsPerSecond || this.load.current() >= busyCores;
    if (!busy) return maxRecordsPerSecond;
    return Math.min(maxRecordsPerSecond, (busyShare * 1e6) / (this.recordUs * WHOLE_COST_FACTOR));
  }

  private countAsked(): void {
    const now = this.now();
    const asked = this.asked;
    const elapsed = now - asked.since;
    if (!(elapsed < 1000)) {
      // A window that ended long ago (logging was off, or all was quiet) says nothing about the rate now.
      asked.perSecond = elapsed < 2000 ? (asked.count * 1000) / elapsed : 0;
      asked.since = now;
      asked.count = 0;
    }
    asked.count += 1;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
