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
}
