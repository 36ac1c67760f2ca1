/**
 * The load generator, in its own process so it never shares an event loop with what it measures. Closed loop:
 * `concurrency` workers each send a request, read the whole answer, and send the next, over an undici Pool with
 * exactly that many keep-alive connections. Bodies are built once by the parent and reused as one Buffer.
 * The parent drives the phases: `start` (warm-up, nothing recorded), `measure` (zero the counters, note t0),
 * `stop` (note t1, let in-flight requests finish, report). Only requests that complete inside [t0, t1] count.
 * `run-count` instead sends exactly `count` requests and reports when they are all done.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { announceReady, serveParent } from './ipc';
import { summarize, type Summary } from './stats';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  concurrency: number;
  /** Count mode: send exactly this many requests. */
  count?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  rps: number;
  latency: Summary;
  /** Time to the first body byte: for streams, when the first event arrived. */
  ttfb: Summary;
  statuses: Record<string, number>;
  /** The raw samples (ms), so the parent can merge the halves of an interleaved row exactly. */
  latencies: number[];
  ttfbs: number[];
}

/** A growable Float64Array: recording a latency is a store, not an allocation. */
class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

class Run {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly body: Buffer;
  private running = true;
  private recording = false;
  private t0 = 0;
  private t1 = Infinity;
  private issued = 0;
  private readonly latency = new Samples();
  private readonly ttfb = new Samples();
  private errors = 0;
  private readonly statuses: Record<string, number> = {};
  private readonly workers: Promise<void>[];

  constructor(private readonly spec: LoadSpec) {
    const url = new URL(spec.url);
    this.path = url.pathname + url.search;
    this.body = Buffer.from(spec.body, 'utf8');
    this.pool = new Pool(url.origin, { connections: spec.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
    if (spec.count !== undefined) this.measure();
    this.workers = Array.from({ length: spec.concurrency }, () => this.worker());
  }

  measure(): void {
    this.latency.length = 0;
    this.ttfb.length = 0;
    this.errors = 0;
    for (const key of Object.keys(this.statuses)) delete this.statuses[key];
    this.recording = true;
    this.t0 = performance.now();
  }

  async stop(): Promise<LoadResult> {
    if (this.spec.count === undefined) this.t1 = performance.now();
    this.running = false;
    await Promise.all(this.workers);
    if (this.spec.count !== undefined) this.t1 = performance.now();
    await this.pool.close();
    const elapsedMs = this.t1 - this.t0;
    return {
      requests: this.latency.length,
      errors: this.errors,
      elapsedMs,
      rps: (this.latency.length / elapsedMs) * 1000,
      latency: summarize(this.latency.view()),
      ttfb: summarize(this.ttfb.view()),
      statuses: { ...this.statuses },
      latencies: Array.from(this.latency.view()),
      ttfbs: Array.from(this.ttfb.view()),
    };
  }

  done(): Promise<void> {
    return Promise.all(this.workers).then(() => undefined);
  }

  private async worker(): Promise<void> {
    const { headers, count } = this.spec;
    while (this.running && (count === undefined || this.issued < count)) {
      this.issued += 1;
      const start = performance.now();
      let first = 0;
      let status: number;
      try {
        const response = await this.pool.request({ path: this.path, method: 'POST', headers, body: this.body });
        status = response.statusCode;
        await new Promise<void>((resolve, reject) => {
          response.body.on('data', () => {
            if (first === 0) first = performance.now();
          });
          response.body.once('end', resolve);
          response.body.once('error', reject);
        });
      } catch {
        status = 0;
      }
      const end = performance.now();
      if (!this.recording || end > this.t1) continue;
      this.statuses[status] = (this.statuses[status] ?? 0) + 1;
      if (status !== 200) {
        this.errors += 1;
        if (status === 0) await new Promise((resolve) => setTimeout(resolve, 5)); // no hot loop on a dead target
        continue;
      }
      this.latency.push(end - start);
      this.ttfb.push((first || end) - start);
    }
  }
}

let current: Run | undefined;

serveParent({
  start: (message) => {
    if (current) throw new Error('a run is already going');
    current = new Run(message.spec as LoadSpec);
    return true;
  },
  measure: () => current?.measure(),
  stop: async () => {
    const run = current;
    if (!run) throw new Error('no run to stop');
    current = undefined;
    return run.stop();
  },
  'run-count': async (message) => {
    if (current) throw new Error('a run is already going');
    const run = new Run(message.spec as LoadSpec);
    await run.done();
    return run.stop();
  },
});
announceReady({});
