import type { Dispatcher } from 'undici';
import type { UpstreamExchange, UpstreamSend, UpstreamTransport } from '../transport';
import type { PooledSocket, SocketLifecycle } from './pooled-socket';
import { dial, type DialOutcome } from './ws-dial';
import { WsPool, type WsPoolStats } from './ws-pool';
import { WsRequest, type RequestHost } from './ws-request';

/** Spec §5.3: a ping every 10 s while a request runs, none while a socket is idle. */
export const DEFAULT_PING_INTERVAL_MS = 10_000;

export interface WsTransportOptions {
  /** The agent's WebSocket URL, without the token. */
  url: () => string;
  /** The app's shared dispatcher; every upgrade goes through it. */
  dispatcher: () => Dispatcher;
  /** The whole handshake: TCP, TLS and the upgrade's answer. */
  connectTimeoutMs: () => number;
  /** From the request frame to the answer's first frame. */
  firstByteTimeoutMs: () => number;
  /** The longest silence between two frames of an answer. */
  idleTimeoutMs: () => number;
  /** Idle sockets kept per account. */
  poolSize: () => number;
  pingIntervalMs?: number;
  /** Wall clock for token expiry. */
  now?: () => number;
  /** For the app's log: said once a run, the first time a socket talks after its turn. */
  log?: (line: string) => void;
}

/**
 * What a stray frame is, for the log: its `type` and, for a `model` event, the event's (`model/finish`). Only the
 * types: a frame may hold the person's conversation, which the app's log never carries.
 */
function frameTypes(raw: string): string {
  const types = [...raw.matchAll(/"type"\s*:\s*"([\w.-]{1,40})"/g)].slice(0, 2).map((m) => m[1]);
  return types.length > 0 ? types.join('/') : 'a frame without a type';
}

/**
 * Generation B over WebSocket (spec §5). Each account has its own idle sockets; a request takes one if there is
 * one and dials otherwise, so parallel requests of one account run on parallel sockets and never wait for each
 * other. A socket carries one request at a time and goes back to its account after a clean end of turn.
 */
export class WsTransport implements UpstreamTransport {
  readonly protocol = 'ws' as const;
  private readonly pool: WsPool;
  private readonly host: RequestHost;

  constructor(private readonly options: WsTransportOptions) {
    const now = options.now ?? Date.now;
    const pool = new WsPool({ now, poolSize: options.poolSize });
    this.pool = pool;
    const lifecycle: SocketLifecycle = {
      socketOpened: () => pool.opened(),
      socketClosed: (socket) => pool.closed(socket),
      socketStrayed: (_socket, raw) => {
        pool.stats.strays += 1;
        // Once: an agent that always talks after `finish` would otherwise log every request. The line is what a
        // person needs to see why sockets are never reused (each request then dials its own).
        if (pool.stats.strays === 1)
          options.log?.(
            `[ws] the agent sent a frame after its answer had ended (${frameTypes(raw)}); such a ` +
              'socket is closed instead of reused, since the frame could be read as the next answer',
          );
      },
    };
    this.host = {
      takeIdle: (accountId) => pool.take(accountId, options.url()),
      dial: (request) => this.dial(request, lifecycle),
      release: (socket: PooledSocket) => pool.release(socket, options.url()),
      countRetry: () => {
        pool.stats.retries += 1;
      },
      firstByteTimeoutMs: options.firstByteTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    };
  }

  url(): string {
    return this.options.url();
  }

  send(request: UpstreamSend): Promise<UpstreamExchange> {
    return new WsRequest(this.host, request).start();
  }

  get stats(): Readonly<WsPoolStats> {
    return this.pool.stats;
  }

  /** Closes an account's idle sockets, e.g. when it is removed or its cookie replaced. */
  forgetAccount(accountId: number): void {
    this.pool.forget(accountId);
  }

  /** For shutdown: idle sockets close now, busy ones when their turn ends. */
  close(): void {
    this.pool.close();
  }

  private dial(request: UpstreamSend, lifecycle: SocketLifecycle): Promise<DialOutcome> {
    this.pool.stats.dials += 1;
    return dial({
      url: this.options.url(),
      accountId: request.accountId,
      token: request.token,
      cookieHeader: request.cookieHeader,
      dispatcher: this.options.dispatcher(),
      timeoutMs: this.options.connectTimeoutMs(),
      signal: request.signal,
      lifecycle,
    });
  }
}
