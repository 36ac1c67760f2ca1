import type { PooledSocket } from './pooled-socket';

/**
 * A socket is reused only while its token has at least this long to live. The server checks the token when the
 * socket is opened, and whether it checks again per request is unknown (spec §10 item 10), so a request must not
 * go out on a socket whose token is about to lapse. 30 s is the margin the token cache keeps for the same reason
 * (a token is handed out only until `exp` − 30 s): a socket stays reusable exactly as long as its token would
 * still be handed out. (Clerk tokens live 60 s, so a wider margin would retire most sockets at birth.)
 */
export const TOKEN_REUSE_MARGIN_MS = 30_000;

/** How often idle sockets are checked for a lapsed token while any exist; they are checked on use anyway. */
const SWEEP_INTERVAL_MS = 15_000;

export interface WsPoolStats {
  /** Sockets dialled (every upgrade attempt, refused or not). */
  dials: number;
  /** Requests that went out on an idle socket instead of a new one. */
  reuses: number;
  /** Requests sent again on a fresh socket after a reused one closed before answering. */
  retries: number;
  /** Sockets closed, not reused, because they sent a frame after their turn ended (spec §10 item 10). */
  strays: number;
  /** Upgraded sockets not yet closed (busy and idle). */
  open: number;
  /** Sockets waiting for their account's next request. */
  idle: number;
}

export interface WsPoolOptions {
  now: () => number;
  /** Idle sockets kept per account. */
  poolSize: () => number;
}

/** Idle sockets per account, most recently used last, and the counters the transport reports. */
export class WsPool {
  readonly stats: WsPoolStats = { dials: 0, reuses: 0, retries: 0, strays: 0, open: 0, idle: 0 };
  private readonly idle = new Map<number, PooledSocket[]>();
  private sweeper: NodeJS.Timeout | undefined;
  private accepting = true;

  constructor(private readonly options: WsPoolOptions) {}

  /** An idle socket of the account that may carry a request to `url` now; unusable ones met on the way are closed. */
  take(accountId: number, url: string): PooledSocket | undefined {
    const list = this.idle.get(accountId);
    if (!list) return undefined;
    const now = this.options.now();
    let found: PooledSocket | undefined;
    while (!found && list.length > 0) {
      const socket = list.pop()!;
      this.stats.idle -= 1;
      if (socket.isOpen && socket.url === url && tokenHolds(socket, now)) found = socket;
      else socket.close();
    }
    if (list.length === 0) this.idle.delete(accountId);
    if (found) this.stats.reuses += 1;
    return found;
  }

  /** A socket whose turn ended cleanly: kept for its account's next request if it may carry one and there is room. */
  release(socket: PooledSocket, url: string): void {
    if (!this.accepting || !socket.isOpen || socket.url !== url || !tokenHolds(socket, this.options.now())) {
      socket.close();
      return;
    }
    let list = this.idle.get(socket.accountId);
    if (!list) {
      list = [];
      this.idle.set(socket.accountId, list);
    }
    if (list.length >= Math.max(0, this.options.poolSize())) {
      socket.close();
      return;
    }
    list.push(socket);
    this.stats.idle += 1;
    this.startSweeping();
  }

  opened(): void {
    this.stats.open += 1;
  }

  /** A socket's close event: it is gone, wherever it was. */
  closed(socket: PooledSocket): void {
    this.stats.open -= 1;
    const list = this.idle.get(socket.accountId);
    const index = list ? list.indexOf(socket) : -1;
    if (index < 0) return;
    list!.splice(index, 1);
    this.stats.idle -= 1;
    if (list!.length === 0) this.idle.delete(socket.accountId);
  }

  /** Closes the account's idle sockets (removed, signed out, cookie replaced). */
  forget(accountId: number): void {
    const list = this.idle.get(accountId);
    if (!list) return;
    this.idle.delete(accountId);
    this.stats.idle -= list.length;
    for (const socket of list) socket.close();
  }

  /** Closes every idle socket and keeps none from now on; busy sockets close when their turn ends. */
  close(): void {
    this.accepting = false;
    for (const accountId of [...this.idle.keys()]) this.forget(accountId);
    this.stopSweeping();
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Idle sockets whose token lapsed would only be closed at their next use; close them now. */
  private sweep(): void {
    const now = this.options.now();
    for (const [accountId, list] of this.idle) {
      const keep = list.filter((socket) => socket.isOpen && tokenHolds(socket, now));
      if (keep.length === list.length) continue;
      for (const socket of list) if (!keep.includes(socket)) socket.close();
      this.stats.idle -= list.length - keep.length;
      if (keep.length === 0) this.idle.delete(accountId);
      else this.idle.set(accountId, keep);
    }
    if (this.stats.idle === 0) this.stopSweeping();
  }
}

function tokenHolds(socket: PooledSocket, now: number): boolean {
  return socket.tokenExpiresAt === undefined || socket.tokenExpiresAt - now > TOKEN_REUSE_MARGIN_MS;
}
