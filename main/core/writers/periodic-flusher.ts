/**
 * The shape every background writer shares: a timer flushes what the request path queued, flushes never overlap,
 * a failed flush is reported and retried on the next tick, and `stop()` runs one last flush so a graceful stop
 * loses nothing. `start()` and `stop()` are safe to call twice.
 */
export class PeriodicFlusher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly flush: () => void | Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = (error) => console.error('[writer]', error),
  ) {}

  get isRunning(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer || this.stopping) return;
    this.timer = setInterval(() => void this.flushNow(), this.intervalMs);
    // The timer must not keep a CLI or a test process alive on its own.
    this.timer.unref();
  }

  /** Runs a flush now, or joins the one in progress and then runs another so nothing queued meanwhile waits a tick. */
  async flushNow(): Promise<void> {
    // Loop, not `if`: several callers can wait on the same flush, and when it ends the first one to wake starts the
    // next flush; the others must then wait for that one instead of starting their own beside it.
    while (this.running) await this.running;
    const run = (async () => {
      try {
        await this.flush();
      } catch (error) {
        this.onError(error);
      }
    })();
    this.running = run;
    try {
      await run;
    } finally {
      // Only clear our own flush: a waiter may already have started the next one.
      if (this.running === run) this.running = undefined;
    }
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // A second stop() returns the first one's promise, so it too resolves only once the final flush is written.
    this.stopping ??= this.flushNow();
    return this.stopping;
  }
}
