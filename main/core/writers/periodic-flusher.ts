/**
 * The shape every background writer shares: a timer flushes what the request path queued, flushes never overlap,
 * a failed flush is reported and retried on the next tick, and `stop()` runs one last flush so a graceful stop
 * loses nothing. `start()` and `stop()` are safe to call twice.
 */
export class PeriodicFlusher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly flush: () => void | Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = (error) => console.error('[writer]', error),
  ) {}

  get isRunning(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.flushNow(), this.intervalMs);
    // The timer must not keep a CLI or a test process alive on its own.
    this.timer.unref();
  }

  /** Runs a flush now, or joins the one in progress and then runs another so nothing queued meanwhile waits a tick. */
  async flushNow(): Promise<void> {
    if (this.running) await this.running;
    this.running = (async () => {
      try {
        await this.flush();
      } catch (error) {
        this.onError(error);
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    this.stopped = true;
    await this.flushNow();
  }
}
