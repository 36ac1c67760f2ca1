type AbortListener = () => void;

/**
 * Tells the upstream request that the client went away. Every request makes one, and most never fire, so it is a
 * list of listeners rather than an EventEmitter (whose `once` wraps each listener in a closure and a state object,
 * and whose constructor does more than this needs). The names and order follow EventEmitter's: `once` listeners run
 * in the order added, each at most once, and `off` removes the most recently added match.
 */
export class Cancellation {
  aborted = false;
  private listeners: AbortListener[] = [];

  once(_event: 'abort', listener: AbortListener): this {
    this.listeners.push(listener);
    return this;
  }

  off(_event: 'abort', listener: AbortListener): this {
    const at = this.listeners.lastIndexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
    return this;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  /** Waits `ms`; resolves true when the time passed, false as soon as the client goes away. */
  sleep(ms: number): Promise<boolean> {
    if (this.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.off('abort', onAbort);
        resolve(true);
      }, ms);
      this.once('abort', onAbort);
    });
  }
}
