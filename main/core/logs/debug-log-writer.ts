import fs from 'node:fs';
import path from 'node:path';
import { QueueWriter } from '../writers/queue-writer';
import { readableBodies, type DebugRecord } from './debug-trace';
import { redactText } from './redact';

export interface Retention {
  maxCount: number;
  maxBytes: number;
  maxAgeMs: number;
}

export interface DebugLogWriterOptions {
  dir: string;
  retention: () => Retention;
  /** Literal secrets to scrub besides the patterns (the API key, cookies the process knows). */
  secrets: () => readonly string[];
  capacity?: number;
  intervalMs?: number;
  /**
   * Records written per second at most. Each file costs about half a millisecond of CPU (mostly the kernel's
   * open/write/close), so without a cap a storm of requests would spend a core on logging; beyond it records are
   * dropped and counted, like a full queue's. A person reading logs never comes near it.
   */
  maxWritesPerSecond?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

interface FileEntry {
  name: string;
  size: number;
  mtimeMs: number;
}

/**
 * Writes debug records to `<data dir>/debug-logs/`, one JSON file per request. The request path only enqueues;
 * this writer serialises, redacts, writes with fs.promises and applies retention (count, total size, age), oldest
 * first. It never wipes existing logs at start: it indexes them and carries on.
 */
export class DebugLogWriter {
  private readonly queue: QueueWriter<DebugRecord>;
  private index: FileEntry[] | undefined;
  private totalBytes = 0;
  private tokens: number;
  private tokensAt = 0;
  private rateDropped = 0;
  private queueDropped = 0;
  /** Traces admitted and still being collected: their room in the queue is kept for them. */
  private admitted = 0;

  constructor(private readonly options: DebugLogWriterOptions) {
    this.tokens = options.maxWritesPerSecond ?? 25;
    this.queue = new QueueWriter<DebugRecord>({
      write: (batch) => this.write(batch),
      intervalMs: options.intervalMs ?? 200,
      capacity: options.capacity ?? 256,
      maxBatch: 16,
      onError: options.onError,
    });
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Records not written: the queue was full, or the write rate was at its cap. */
  get dropped(): number {
    return this.queue.dropped + this.queueDropped + this.rateDropped;
  }

  get written(): number {
    return this.queue.written;
  }

  /**
   * Asked before a request's trace is collected at all. Under a storm (queue full, or the write rate at its cap)
   * the answer is no and the drop is counted, so an unwritable record costs the request path nothing.
   */
  admit(): boolean {
    if (this.queue.pending + this.admitted >= (this.options.capacity ?? 256)) {
      this.queueDropped += 1;
      return false;
    }
    if (!this.takeToken()) {
      this.rateDropped += 1;
      return false;
    }
    this.admitted += 1;
    return true;
  }

  get pending(): number {
    return this.queue.pending;
  }

  start(): void {
    this.queue.start();
  }

  /** A record whose trace was admitted (or, in tests, any record: it then takes its own token). */
  enqueue(record: DebugRecord, admitted = false): boolean {
    if (admitted) this.admitted = Math.max(0, this.admitted - 1);
    else if (!this.takeToken()) {
      this.rateDropped += 1;
      return false;
    }
    return this.queue.enqueue(record);
  }

  flushNow(): Promise<void> {
    return this.queue.flushNow();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  /** A record by file name, for the Logs view; undefined when it was dropped or pruned. */
  async read(file: string): Promise<DebugRecord | undefined> {
    if (!/^[\w.-]+\.json$/.test(file)) return undefined; // a name, never a path
    try {
      return JSON.parse(await fs.promises.readFile(path.join(this.options.dir, file), 'utf8')) as DebugRecord;
    } catch {
      return undefined;
    }
  }

  private async write(batch: DebugRecord[]): Promise<void> {
    await this.loadIndex();
    const secrets = this.options.secrets();
    for (const record of batch) {
      const text = redactText(JSON.stringify(readableBodies(record), null, 2), secrets);
      await fs.promises.writeFile(path.join(this.options.dir, record.file), text, { mode: 0o600 });
      const size = Buffer.byteLength(text);
      this.index!.push({ name: record.file, size, mtimeMs: this.now() });
      this.totalBytes += size;
    }
    await this.prune();
  }

  private takeToken(): boolean {
    const rate = this.options.maxWritesPerSecond ?? 25;
    const now = this.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.tokensAt) / 1000) * rate);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async loadIndex(): Promise<void> {
    if (this.index) return;
    await fs.promises.mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const entries: FileEntry[] = [];
    for (const name of await fs.promises.readdir(this.options.dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const stat = await fs.promises.stat(path.join(this.options.dir, name));
        entries.push({ name, size: stat.size, mtimeMs: stat.mtimeMs });
      } catch {
        // vanished meanwhile
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    this.index = entries;
    this.totalBytes = entries.reduce((sum, entry) => sum + entry.size, 0);
  }

  private async prune(): Promise<void> {
    const { maxCount, maxBytes, maxAgeMs } = this.options.retention();
    const oldestAllowed = this.now() - maxAgeMs;
    const index = this.index!;
    while (
      index.length > 0 &&
      (index.length > maxCount || this.totalBytes > maxBytes || index[0]!.mtimeMs < oldestAllowed)
    ) {
      const entry = index.shift()!;
      this.totalBytes -= entry.size;
      await fs.promises.rm(path.join(this.options.dir, entry.name), { force: true });
    }
  }
}
