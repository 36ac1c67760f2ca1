import tls, { type TLSSocket } from 'node:tls';
import { Agent, buildConnector, Dispatcher } from 'undici';

const H2_STREAMS = 100;

export interface PoolTimeouts {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
}

export interface PoolOptions extends PoolTimeouts {
  /** PEM certificates to trust besides the system's (ORCHIDS_TRAY_CA_FILE: a company proxy, or a test's own CA). */
  extraCa?: string;
  /** Offer HTTP/2 to https upstreams (the upstreamHttp2 setting). Default true; false keeps every request on h1. */
  http2?: boolean;
}

/**
 * A TLS context that trusts the system's roots and `extraCa` too (`ca` alone would replace the system's list).
 * Made once per dispatcher and shared by its connections: given `ca` instead, every tls.connect parses the ~140
 * roots into a context of its own, about 33 ms of CPU on the benchmark machine for each new upstream connection.
 */
function trustingAlso(extraCa: string): tls.SecureContext {
  return tls.createSecureContext({ ca: [...tls.rootCertificates, extraCa] });
}

/**
 * The one dispatcher every upstream call goes through: Clerk, both SSE agents and the WebSocket dials. Keep-alive
 * connections are reused across requests, so a warm proxy opens at most as many connections as it has concurrent
 * HTTP/1.1 requests, and one per origin where the upstream speaks HTTP/2.
 *
 * HTTP/2 is negotiated by ALPN wherever an https upstream offers it (the plan Orchids Tray follows turned it on for
 * its shared client), with HTTP/1.1 as the fallback. WebSocket upgrades are the exception: RFC 6455 sockets need
 * an HTTP/1.1 connection, and a WebSocket over HTTP/2 needs the server to support RFC 8441's extended CONNECT, which
 * Orchids' socket host was never shown to do. So upgrades go to an HTTP/1.1-only agent behind the same dispatcher,
 * and an h2 session to a host never carries (or breaks) a socket dial to it. With `http2: false` (the upstreamHttp2
 * setting off) everything goes to that agent: undici's h2 client spends more CPU on a short request than its
 * HTTP/1.1 one (node:http2's stream objects and header handling), and a user who sends many short requests, or whose
 * company proxy handles h2 badly, can trade the shared connection for that.
 *
 * `headersTimeout` bounds the wait for the upstream's first byte and `bodyTimeout` the silence between chunks;
 * requests may pass their own values, which is how timeouts change at run time without a new pool.
 */
export class UpstreamDispatcher extends Dispatcher {
  /** Plain requests to an origin not yet known, or known to speak HTTP/2 (many streams on one connection). */
  private readonly h2: Agent;
  /** Origins that answered ALPN with HTTP/1.1, and every WebSocket upgrade: one request per connection. */
  private readonly h1: Agent;
  /** What each origin's TLS handshake chose, learnt from the first connection to it. */
  private readonly speaks = new Map<string, 'h2' | 'h1'>();
  private readonly offersH2: boolean;

  constructor(options: PoolOptions) {
    super();
    this.offersH2 = options.http2 ?? true;
    const tlsOptions = {
      timeout: options.connectTimeoutMs,
      ...(options.extraCa ? { secureContext: trustingAlso(options.extraCa) } : {}),
    };
    const common = {
      headersTimeout: options.firstByteTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
    };
    const offerH2 = buildConnector({ ...tlsOptions, allowH2: true });
    const learning: buildConnector.connector = (target, callback) =>
      offerH2(target, (error, socket) => {
        if (socket && target.protocol === 'https:') {
          const origin = `https://${target.hostname}${target.port ? `:${target.port}` : ''}`;
          this.speaks.set(origin, (socket as TLSSocket).alpnProtocol === 'h2' ? 'h2' : 'h1');
        }
        if (error) callback(error, null);
        else callback(null, socket);
      });
    // undici counts an HTTP/2 connection busy at `pipelining` streams; 100 is what a Node h2 server allows at once.
    this.h2 = new Agent({ ...common, connect: learning, allowH2: true, pipelining: H2_STREAMS });
    this.h1 = new Agent({ ...common, connect: tlsOptions, allowH2: false, pipelining: 1 });
  }

  /** How an origin's connections go, once the first one has told (tests and the benchmark read it). */
  protocolOf(origin: string): 'h2' | 'h1' | undefined {
    return this.speaks.get(origin);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const raw = options.origin ?? '';
    const origin = typeof raw === 'string' ? raw : raw.origin;
    // HTTP/2 is only ever negotiated over TLS (ALPN); plain http and socket upgrades stay on HTTP/1.1.
    if (options.upgrade || !this.offersH2 || !origin.startsWith('https:')) return this.h1.dispatch(options, handler);
    const speaks = this.speaks.get(origin);
    if (speaks === 'h1') return this.h1.dispatch(options, handler);
    // undici holds back a request it may not retry (a POST) while the connection has another in flight: right for
    // HTTP/1.1, where it would otherwise be pipelined, but it keeps an HTTP/2 connection to one stream. Once the
    // origin is known to speak h2, requests say they may share it. Until then they go one at a time, as on h1.
    if (speaks === 'h2' && options.idempotent === undefined) {
      return this.h2.dispatch({ ...options, idempotent: true }, handler);
    }
    return this.h2.dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const closed = Promise.all([this.h2.close(), this.h1.close()]).then(() => undefined);
    if (!callback) return closed;
    void closed.then(callback, callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(first?: Error | null | (() => void), second?: () => void): Promise<void> | void {
    const error = typeof first === 'function' ? null : (first ?? null);
    const callback = typeof first === 'function' ? first : second;
    const destroyed = Promise.all([this.h2.destroy(error), this.h1.destroy(error)]).then(() => undefined);
    if (!callback) return destroyed;
    void destroyed.then(callback, callback);
  }
}

/**
 * The pool as the core holds it: undici fixes a pool's connect timeout when the pool is made, so a change of
 * `connectTimeoutMs` swaps in a new pool (requests under way finish on the old one, which then closes).
 */
export class UpstreamPool {
  private current: UpstreamDispatcher;

  constructor(private readonly options: () => PoolOptions) {
    this.current = new UpstreamDispatcher(options());
  }

  get dispatcher(): Dispatcher {
    return this.current;
  }

  replace(): void {
    const old = this.current;
    this.current = new UpstreamDispatcher(this.options());
    void old.close().catch(() => undefined);
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
