import type { ServerResponse } from 'node:http';

/**
 * The requests a graceful stop waits for. A response that stays open for as long as its client wants (the live
 * event stream) is marked long-lived: it is not a request to wait for, and the stop ends it at once instead.
 */
export class InflightRequests {
  private count = 0;
  private readonly longLived = new Set<ServerResponse>();
  private idleWaiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  /** A request began; `res`'s close ends it. */
  begin(): void {
    this.count += 1;
  }

  end(res: ServerResponse): void {
    if (this.longLived.delete(res)) return;
    this.leave();
  }

  markLongLived(res: ServerResponse): void {
    if (this.longLived.has(res)) return;
    this.longLived.add(res);
    this.leave();
  }

  /** Ends every long-lived response; resolves when no other request is in flight, or after `graceMs`. */
  async drain(graceMs: number): Promise<void> {
    for (const res of this.longLived) res.end();
    if (this.count === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
      new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
  }

  private leave(): void {
    this.count -= 1;
    if (this.count === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
