import { EventEmitter } from 'node:events';

/**
 * Tells the upstream request that the client went away. undici accepts an EventEmitter with \`aborted\` as well as
 * an AbortSignal; this is the cheaper of the two to make for every request (an AbortController builds an
 * EventTarget, and a DOMException when it fires).
 */
export class Cancellation extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
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
