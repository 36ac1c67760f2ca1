import type { IncomingHttpHeaders } from 'node:http';
import type { Cancellation } from '../util/cancellation';
import type { UpstreamProtocol } from './protocol';

/**
 * Where one upstream answer's payloads go. Both transports deliver the same thing: one JSON payload at a time (an
 * SSE `data:` line, or a WebSocket text frame), already parsed, with its raw text for the debug record.
 */
export interface FrameSink {
  frame(value: unknown, raw: string): void;
  /** A payload that is not JSON: skipped, but kept for the debug record. */
  malformed(raw: string): void;
  /**
   * Every payload of one network read has been delivered: a good moment to write what they produced to the client
   * in one go. A WebSocket transport calls it after each message.
   */
  batchEnd(): void;
  /** The answer ended cleanly: SSE end of body, or a WebSocket close 1000/1001. */
  end(): void;
  /**
   * The answer broke off: a reset, the idle timeout, or a WebSocket close with any other code (a
   * `WebSocketCloseError` carrying the code and reason).
   */
  error(error: Error): void;
}

/**
 * One upstream exchange after its status is known. For SSE that is the HTTP status line. For a WebSocket it is 200
 * once the request frame went out on an open socket, or the HTTP status of a refused upgrade (401, 403, 404, 429 …)
 * with its headers and body, so refusals are classified exactly like their SSE twins.
 */
export interface UpstreamExchange {
  readonly status: number;
  /** A WebSocket upgrade that was answered with a plain HTTP response (whatever its status) instead of a 101. */
  readonly refusedUpgrade?: boolean;
  readonly headers: IncomingHttpHeaders;
  /** Up to `limit` bytes of an error answer's body, as text. */
  text(limit: number): Promise<string>;
  /** Delivers the payloads, including any that arrived before this call. Call once. */
  consume(sink: FrameSink): void;
  /** Discards the rest of the answer (the connection or socket goes back to its pool if it can). */
  dump(): void;
}

export interface UpstreamSend {
  accountId: number;
  /** The Clerk session JWT: a bearer header for SSE, the `token` query parameter for a WebSocket dial. */
  token: string;
  /** The Clerk cookie header (spec §2.2); sent with Generation B requests and WebSocket upgrades. */
  cookieHeader: string;
  body: Buffer;
  signal: Cancellation;
}

export interface UpstreamTransport {
  readonly protocol: UpstreamProtocol;
  /** Where this transport sends requests now (configuration can change at run time). */
  url(): string;
  /**
   * Resolves once the status is known; rejects on a failure before that (connection refused, DNS, TLS, connect or
   * first-byte timeout, a socket that closed before the request could be sent and could not be replaced).
   */
  send(request: UpstreamSend): Promise<UpstreamExchange>;
}

/** A WebSocket closed with a code other than 1000/1001, or before any frame arrived. */
export class WebSocketCloseError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    /** True when no frame of this request had arrived yet (the attempt may fall back or fail over). */
    readonly beforeFirstFrame: boolean,
  ) {
    super(`The Orchids WebSocket closed with code ${code}${reason ? ` (${reason})` : ''}`);
    this.name = 'WebSocketCloseError';
  }
}
