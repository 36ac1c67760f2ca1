import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { FrameSink, UpstreamExchange } from '../transport';

/** A refused upgrade's body is only quoted in an error message; a few KiB say all a server says there. */
const REFUSAL_BODY_LIMIT = 16 * 1024;

/** The HTTP answer to an upgrade that was not 101. */
export interface UpgradeRefusal {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * What one dial's upgrade request saw on the wire. undici's WebSocket reports every failed handshake as a bare
 * close 1006: the status of a refusal, its body and the code of a connection error are all dropped before its
 * events fire. An interceptor on the dial's dispatcher sees them first and keeps them here.
 */
export class HandshakeCapture {
  refusal: UpgradeRefusal | undefined;
  /** The transport-level error of a dial that never got an HTTP answer (ECONNREFUSED, ENOTFOUND, TLS …). */
  error: (Error & { code?: string }) | undefined;
  /** The upgraded TCP/TLS socket, so a socket that ignores a close frame can still be torn down. */
  socket: Duplex | undefined;
}

/**
 * The shared dispatcher with one dial's capture in front of it. A new one per dial, so a capture can only ever
 * describe its own handshake.
 */
export function capturingDispatcher(shared: Dispatcher, capture: HandshakeCapture): Dispatcher {
  return shared.compose(
    (dispatch) => (options, handler) => dispatch(withoutCompression(options), new CaptureHandler(handler, capture)),
  );
}

/**
 * undici offers permessage-deflate on every upgrade. The reference client never did (spec §3.3), so a server's
 * behaviour with it is unknown, and inflating every frame would cost CPU on the hottest path for text that is
 * mostly a few bytes of delta.
 */
function withoutCompression(options: Dispatcher.DispatchOptions): Dispatcher.DispatchOptions {
  const headers = options.headers;
  if (!headers || Array.isArray(headers) || typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return options;
  }
  const copy: Record<string, string | string[] | undefined> = { ...(headers as Record<string, string | string[]>) };
  delete copy['sec-websocket-extensions'];
  return { ...options, headers: copy };
}

/**
 * Passes a successful upgrade through untouched. A refusal is held back from the WebSocket: its body is read (up
 * to a limit) into the capture, and only then is the WebSocket told the handshake failed, so by the time its
 * close event fires the capture is complete.
 */
class CaptureHandler implements Dispatcher.DispatchHandler {
  private refusalChunks: Buffer[] | undefined;
  private refusalSize = 0;
  private reported = false;

  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly capture: HandshakeCapture,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.capture.socket = socket;
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (statusCode < 200) {
      this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
      return;
    }
    this.capture.refusal = { status: statusCode, headers, body: Buffer.alloc(0) };
    this.refusalChunks = [];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.refusalChunks) {
      this.inner.onResponseData?.(controller, chunk);
      return;
    }
    const room = REFUSAL_BODY_LIMIT - this.refusalSize;
    if (room > 0) {
      this.refusalChunks.push(room >= chunk.length ? chunk : chunk.subarray(0, room));
      this.refusalSize += Math.min(room, chunk.length);
    }
    if (this.refusalSize >= REFUSAL_BODY_LIMIT) {
      this.reportRefusal(controller);
      controller.abort(new Error('The refused upgrade body is longer than what is kept of it'));
    }
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (!this.refusalChunks) {
      this.inner.onResponseEnd?.(controller, trailers);
      return;
    }
    this.reportRefusal(controller);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    if (this.refusalChunks) {
      // The refusal's body broke off: what arrived of it is still the best account of the refusal.
      this.reportRefusal(controller);
      return;
    }
    this.capture.error = error;
    this.inner.onResponseError?.(controller, error);
  }

  private reportRefusal(controller: Dispatcher.DispatchController): void {
    if (this.reported) return;
    this.reported = true;
    this.capture.refusal!.body = Buffer.concat(this.refusalChunks!);
    const refusal = new Error(`The WebSocket upgrade was refused with HTTP ${this.capture.refusal!.status}`);
    this.inner.onResponseError?.(controller, refusal);
  }
}

/** A refused upgrade as an exchange: the status, headers and body an SSE twin of the refusal would have shown. */
export class RefusedExchange implements UpstreamExchange {
  readonly refusedUpgrade = true;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  private readonly body: Buffer;

  constructor(refusal: UpgradeRefusal) {
    this.status = refusal.status;
    this.headers = refusal.headers;
    this.body = refusal.body;
  }

  text(limit: number): Promise<string> {
    return Promise.resolve(this.body.subarray(0, limit).toString('utf8'));
  }

  consume(sink: FrameSink): void {
    sink.end();
  }

  dump(): void {}
}
