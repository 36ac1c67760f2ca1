import type { Socket } from 'node:net';

/**
 * Bounds what slow or stalled clients can hold. Node's own timeouts close connections that are too slow to send
 * their headers or their whole request (see ServerLimits); this guard caps the number of open connections. At
 * the cap, a new connection displaces the one that has been waiting longest without being served (idle between
 * requests, or still uploading its body), so a flood of stalled uploads cannot keep `/health`, the dashboard or a
 * fresh client out; connections that are being answered are never displaced.
 */

export interface ServerLimits {
  /** Open connections at most (every kind). */
  maxConnections: number;
  /** Connections kept free of API requests, so `/health` and the dashboard still get in when the API is full. */
  reservedConnections: number;
  /** From connecting (or the previous request) to the end of the request's headers. */
  headersTimeoutMs: number;
  /** From the start of a request to the last byte of its body. Answers may take as long as they need. */
  requestTimeoutMs: number;
  /** A kept-alive connection with no request in it. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxConnections: 1024,
  reservedConnections: 32,
  headersTimeoutMs: 15_000,
  // 32 MB at 300 KB/s: a slow link still gets a full body through; a stalled upload is gone within two minutes.
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
};

interface ConnectionStats {
  open: number;
  /** Connections closed to make room for a new one (the longest-waiting first). */
  displaced: number;
  /** Connections refused because every open one was being served. */
  refused: number;
  /** API requests answered 529 because only the reserved connections were left. */
  apiRefused: number;
  /** Uploads whose client left or was timed out before the body arrived. */
  abortedUploads: number;
}

export class ConnectionGuard {
  /** Waiting connections in the order they started waiting: the first is the one to displace. */
  private readonly waiting = new Set<Socket>();
  private readonly serving = new Set<Socket>();
  private activeApi = 0;
  private readonly counts = { displaced: 0, refused: 0, apiRefused: 0, abortedUploads: 0 };

  constructor(private readonly limits: ServerLimits) {}

  get open(): number {
    return this.waiting.size + this.serving.size;
  }

  /** Every open connection, for a stop that must close them all. */
  sockets(): IterableIterator<Socket> {
    return [...this.waiting, ...this.serving][Symbol.iterator]();
  }

  stats(): ConnectionStats {
    return { open: this.open, ...this.counts };
  }

  /** Called for each new connection; false when it was closed at once because nothing could make room. */
  admit(socket: Socket): boolean {
    if (this.open >= this.limits.maxConnections) {
      const oldest = this.waiting.values().next();
      if (oldest.done) {
        this.counts.refused += 1;
        socket.destroy();
        return false;
      }
      this.counts.displaced += 1;
      this.forget(oldest.value);
      oldest.value.destroy();
    }
    this.waiting.add(socket);
    socket.once('close', () => this.forget(socket));
    return true;
  }

  /** The connection's request is being worked on (its body has arrived, or it has none). */
  serve(socket: Socket): void {
    if (!this.waiting.delete(socket)) return;
    this.serving.add(socket);
  }

  /** The connection's answer is over; it waits for its next request (or for a body still to come). */
  wait(socket: Socket): void {
    if (!this.serving.delete(socket) || socket.destroyed) return;
    this.waiting.add(socket);
  }

  /**
   * Takes an API request slot, or refuses when only the reserved connections remain. The caller must call the
   * returned release exactly once.
   */
  enterApi(): (() => void) | undefined {
    if (this.activeApi >= this.limits.maxConnections - this.limits.reservedConnections) {
      this.counts.apiRefused += 1;
      return undefined;
    }
    this.activeApi += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.activeApi -= 1;
    };
  }

  noteAbortedUpload(): void {
    this.counts.abortedUploads += 1;
  }

  private forget(socket: Socket): void {
    this.waiting.delete(socket);
    this.serving.delete(socket);
  }
}
