/**
 * Two major GCs once large request bodies have stopped coming, or a busy spell of requests has ended. After 40
 * bodies of 31 MB, the idle app still held 150–280 MB of their garbage a minute later (and the Buffers it points
 * to): V8 collects when allocation asks for it, and an idle app hardly allocates. A full GC there takes the heap
 * back to ~30 MB, and the allocator settings the app starts with (package.json `config.appEnv`) hand the freed
 * bodies back to the system.
 *
 * The second GC, `settleMs` after the first: V8 shrinks its young generation only in a GC that sees little
 * allocation over the last few seconds. The first comes too soon after the burst for that, so it frees the
 * garbage but keeps the young generation at its burst size (up to 64 MB resident with --max-semi-space-size=32);
 * measured, the idle app held 95 MB of V8 heap a minute later instead of ~20 MB.
 *
 * A busy spell of small requests leaves the same grown young generation behind (seen once in thirteen benchmark
 * runs: 32 MB of it a minute after 200 streaming clients, with 17.8 MB of heap in use), so `busyRequests` requests
 * with no large body also arm the two GCs, once they stop for `quietMs`. Counting them costs the request path one
 * increment; the timer is armed once per spell, not per request.
 *
 * `gc` exists when node runs with --expose-gc (package.json `config.nodeFlags`); without it this does nothing.
 */
export class QuietGc {
  private timer: NodeJS.Timeout | undefined;
  private requests = 0;
  private watching = false;

  constructor(
    private readonly collect: (() => void) | undefined = exposedGc(),
    private readonly quietMs = 5_000,
    private readonly settleMs = 10_000,
    private readonly busyRequests = 2_000,
  ) {}

  /** Any request has ended: after `busyRequests` of them, watch for the quiet that follows the spell. */
  requestEnded(): void {
    if (++this.requests < this.busyRequests || this.watching || !this.collect) return;
    this.watching = true;
    this.watchForQuiet(this.requests);
  }

  /** A request that carried a large body has ended: collect once none has ended for `quietMs`, then once more. */
  ended(): void {
    if (!this.collect) return;
    this.schedule(this.quietMs, () => {
      this.collect!();
      this.schedule(this.settleMs, () => this.collect!());
    });
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watching = false;
  }

  /** Looks again every `quietMs`: a look that finds no request ended since the last one means the spell is over. */
  private watchForQuiet(seen: number): void {
    this.schedule(this.quietMs, () => {
      if (this.requests !== seen) {
        this.watchForQuiet(this.requests);
        return;
      }
      this.requests = 0;
      this.watching = false;
      this.collect!();
      this.schedule(this.settleMs, () => this.collect!());
    });
  }

  private schedule(delayMs: number, run: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      run();
    }, delayMs);
    this.timer.unref();
  }
}

function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: (options?: { type: string; execution: string }) => unknown }).gc;
  // 'async' runs it from a V8 task of its own; the collection itself is still one pause (~20 ms after a burst of
  // 31 MB bodies, measured with --trace-gc), taken when no large body has come for a while.
  return gc && (() => void gc({ type: 'major', execution: 'async' }));
}
