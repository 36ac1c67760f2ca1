import { Agent, type Dispatcher } from 'undici';

export interface PoolTimeouts {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
}

/**
 * The one connection pool every upstream call goes through (Orchids and Clerk alike). Keep-alive sockets are
 * reused across requests, so a warm proxy opens at most as many connections as it has concurrent requests.
 * `headersTimeout` bounds the wait for the upstream's first byte and `bodyTimeout` the silence between chunks;
 * requests may pass their own values, which is how timeouts change at run time without a new pool.
 */
export function createUpstreamDispatcher(timeouts: PoolTimeouts): Dispatcher {
  return new Agent({
    connect: { timeout: timeouts.connectTimeoutMs },
    headersTimeout: timeouts.firstByteTimeoutMs,
    bodyTimeout: timeouts.idleTimeoutMs,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    pipelining: 1,
  });
}

/**
 * The pool as the core holds it: undici fixes a pool's connect timeout when the pool is made, so a change of
 * `connectTimeoutMs` swaps in a new pool (requests under way finish on the old one, which then closes).
 */
export class UpstreamPool {
  private current: Dispatcher;

  constructor(private readonly timeouts: () => PoolTimeouts) {
    this.current = createUpstreamDispatcher(timeouts());
  }

  get dispatcher(): Dispatcher {
    return this.current;
  }

  replace(): void {
    const old = this.current;
    this.current = createUpstreamDispatcher(this.timeouts());
    void old.close().catch(() => undefined);
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
