/**
 * One major GC once large request bodies have stopped coming. After 40 bodies of 31 MB, the idle app still held
 * 150–280 MB of their garbage a minute later (and the Buffers it points to): V8 collects when allocation asks for
 * it, and an idle app hardly allocates. A full GC there takes the heap back to ~30 MB, and the allocator settings
 * the app starts with (package.json `config.appEnv`) hand the freed bodies back to the system.
 *
 * `gc` exists when node runs with --expose-gc (package.json `config.nodeFlags`); without it this does nothing.
 */
export class LargeBodyGc {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly collect: (() => void) | undefined = exposedGc(),
    private readonly quietMs = 5_000,
  ) {}

  /** A request that carried a large body has ended: collect once none has ended for `quietMs`. */
  ended(): void {
    if (!this.collect) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect!();
    }, this.quietMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: (options?: { type: string; execution: string }) => unknown }).gc;
  // Asynchronous: the marking runs alongside the event loop instead of stopping it for the whole heap.
  return gc && (() => void gc({ type: 'major', execution: 'async' }));
}
