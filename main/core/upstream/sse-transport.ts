import type { IncomingHttpHeaders } from 'node:http';
import { util, type Dispatcher } from 'undici';
import { SseParser, type SseHandlers } from '../orchids/sse-parser';
import type { Cancellation } from '../util/cancellation';
import type { UpstreamProtocol } from './protocol';
import type { FrameSink, UpstreamExchange, UpstreamSend, UpstreamTransport } from './transport';
import { ORCHIDS_DESKTOP_USER_AGENT } from '../orchids/desktop-identity';
import { abortError } from './abort-error';

export interface SseTransportOptions {
  protocol: Extract<UpstreamProtocol, 'sse-a' | 'sse-b'>;
  url: () => string;
  dispatcher: () => Dispatcher;
  firstByteTimeoutMs: () => number;
  idleTimeoutMs: () => number;
}

/**
 * One Orchids request over HTTP SSE on the shared pool, for either generation; they differ only in headers (and
 * in the body, which the caller builds).
 *
 * This drives undici's `dispatch` with a handler of its own rather than calling `request()`: `request()` parses
 * the URL again and wraps every body in a Readable stream, and on a short turn that stream machinery was a
 * measurable share of the app's CPU per request. The body goes straight from the socket into the SSE parser.
 */
export class SseTransport implements UpstreamTransport {
  readonly protocol: SseTransportOptions['protocol'];
  private cachedUrl = '';
  private origin = '';
  private path = '';

  constructor(private readonly options: SseTransportOptions) {
    this.protocol = options.protocol;
  }

  url(): string {
    return this.options.url();
  }

  send(request: UpstreamSend): Promise<UpstreamExchange> {
    const url = this.options.url();
    if (url !== this.cachedUrl) {
      const parsed = new URL(url);
      this.origin = parsed.origin;
      this.path = parsed.pathname + parsed.search;
      this.cachedUrl = url;
    }
    return new Promise<UpstreamExchange>((resolve, reject) => {
      const exchange = new SseExchange(request.signal, resolve, reject);
      this.options.dispatcher().dispatch(
        {
          origin: this.origin,
          path: this.path,
          method: 'POST',
          headers: this.protocol === 'sse-a' ? generationAHeaders(request.token) : generationBHeaders(request),
          body: request.body,
          headersTimeout: this.options.firstByteTimeoutMs(),
          bodyTimeout: this.options.idleTimeoutMs(),
        },
        exchange,
      );
    });
  }
}

/** Protocol page 2.1: what the last Generation A client sent. */
function generationAHeaders(token: string): Record<string, string> {
  return {
    accept: 'text/event-stream',
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    'x-orchids-api-version': '2',
  };
}

/** Spec §6.2: the desktop app's user agent, the XHR marker and the Clerk cookie; no Origin, no API version. */
function generationBHeaders(request: UpstreamSend): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    authorization: `Bearer ${request.token}`,
    'content-type': 'application/json',
    'user-agent': ORCHIDS_DESKTOP_USER_AGENT,
    'x-requested-with': 'XMLHttpRequest',
  };
  if (request.cookieHeader) headers.cookie = request.cookieHeader;
  return headers;
}

/** Where raw body bytes go once the caller has looked at the status. */
interface ByteSink {
  data(chunk: Buffer): void;
  end(): void;
  error(error: Error): void;
}

const DISCARD: ByteSink = { data: () => undefined, end: () => undefined, error: () => undefined };

/** Body bytes to SSE payloads to the caller's sink: one object per answer rather than a closure per callback. */
class SseFrameReader implements ByteSink, SseHandlers {
  private readonly parser: SseParser;

  constructor(private readonly sink: FrameSink) {
    this.parser = new SseParser(this);
  }

  onJson(value: unknown, raw: string): void {
    this.sink.frame(value, raw);
  }

  onMalformed(raw: string): void {
    this.sink.malformed(raw);
  }

  data(chunk: Buffer): void {
    this.parser.push(chunk);
    this.sink.batchEnd();
  }

  end(): void {
    this.parser.end();
    this.sink.end();
  }

  error(error: Error): void {
    this.sink.error(error);
  }
}

/**
 * One SSE answer, and the undici handler that fills it. Chunks that arrive before the caller has chosen a sink (the
 * status line and the first events usually share a packet) wait in a short list.
 */
export class SseExchange implements UpstreamExchange, Dispatcher.DispatchHandler {
  status = 0;
  private rawHeaders: Buffer[] = [];
  private parsedHeaders: IncomingHttpHeaders | undefined;
  private abortRequest: ((reason?: Error) => void) | undefined;
  private sink: ByteSink | undefined;
  private pending: Buffer[] = [];
  private finished: { error?: Error } | undefined;
  private settled = false;

  constructor(
    private readonly signal: Cancellation,
    private resolve: ((exchange: SseExchange) => void) | undefined,
    private reject: ((error: Error) => void) | undefined,
  ) {}

  get headers(): IncomingHttpHeaders {
    this.parsedHeaders ??= util.parseHeaders(this.rawHeaders) as IncomingHttpHeaders;
    return this.parsedHeaders;
  }

  consume(sink: FrameSink): void {
    this.read(new SseFrameReader(sink));
  }

  dump(): void {
    this.read(DISCARD);
  }

  text(limit: number): Promise<string> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
      this.read({
        data: (chunk) => {
          if (size < limit) chunks.push(chunk.subarray(0, limit - size));
          size += chunk.length;
        },
        end: done,
        error: done,
      });
    });
  }

  private read(sink: ByteSink): void {
    this.sink = sink;
    for (const chunk of this.pending) sink.data(chunk);
    this.pending.length = 0;
    if (this.finished) this.deliverEnd(this.finished.error);
  }

  // ---- undici's handler interface ----

  onConnect(abort: (reason?: Error) => void): void {
    if (this.signal.aborted) {
      abort(abortError());
      return;
    }
    this.abortRequest = abort;
    this.signal.once('abort', this.onCancel);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: the real answer follows
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    this.settled = true;
    const resolve = this.resolve;
    this.resolve = this.reject = undefined;
    resolve?.(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.sink) this.sink.data(chunk);
    else this.pending.push(chunk);
    return true;
  }

  onComplete(): void {
    this.finish(undefined);
  }

  onError(error: Error): void {
    if (!this.settled) {
      this.settled = true;
      this.signal.off('abort', this.onCancel);
      const reject = this.reject;
      this.resolve = this.reject = undefined;
      reject?.(error);
      return;
    }
    this.finish(error);
  }

  private readonly onCancel = (): void => this.abortRequest?.(abortError());

  private finish(error: Error | undefined): void {
    this.signal.off('abort', this.onCancel);
    if (this.sink) this.deliverEnd(error);
    else this.finished = { error };
  }

  private deliverEnd(error: Error | undefined): void {
    const sink = this.sink!;
    this.sink = undefined;
    if (error) sink.error(error);
    else sink.end();
  }
}
