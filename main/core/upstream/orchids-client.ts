import type { IncomingHttpHeaders } from 'node:http';
import { util, type Dispatcher } from 'undici';
import type { Cancellation } from '../util/cancellation';
import { abortError } from './abort-error';

export interface OrchidsClientOptions {
  agentUrl: () => string;
  dispatcher: () => Dispatcher;
  firstByteTimeoutMs: () => number;
  idleTimeoutMs: () => number;
}

/** Where an upstream body goes once the caller has looked at the status. */
export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  error(error: Error): void;
}

/**
 * Sends one Generation A request over the shared pool; the caller reads (or dumps) the streamed body.
 *
 * This drives undici's `dispatch` with a handler of its own rather than calling `request()`: `request()` parses
 * the URL again and wraps every body in a Readable stream, and on a short turn that stream machinery was a
 * measurable share of the app's CPU per request. The body here goes straight from the socket to a sink.
 */
export class OrchidsClient {
  private cachedUrl = '';
  private origin = '';
  private path = '';

  constructor(private readonly options: OrchidsClientOptions) {}

  send(body: Buffer, token: string, signal: Cancellation): Promise<UpstreamResponse> {
    const url = this.options.agentUrl();
    if (url !== this.cachedUrl) {
      const parsed = new URL(url);
      this.origin = parsed.origin;
      this.path = parsed.pathname + parsed.search;
      this.cachedUrl = url;
    }
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const call = new UpstreamResponse(signal, resolve, reject);
      this.options.dispatcher().dispatch(
        {
          origin: this.origin,
          path: this.path,
          method: 'POST',
          headers: {
            accept: 'text/event-stream',
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'x-orchids-api-version': '2',
          },
          body,
          headersTimeout: this.options.firstByteTimeoutMs(),
          bodyTimeout: this.options.idleTimeoutMs(),
        },
        call,
      );
    });
  }
}

/**
 * One upstream response, and the undici handler that fills it. Chunks that arrive before the caller has chosen a
 * sink (the status line and the first events usually share a packet) wait in a short list.
 */
export class UpstreamResponse implements Dispatcher.DispatchHandler {
  statusCode = 0;
  private rawHeaders: Buffer[] = [];
  private parsedHeaders: IncomingHttpHeaders | undefined;
  private abortRequest: ((reason?: Error) => void) | undefined;
  private sink: BodySink | undefined;
  private pending: Buffer[] = [];
  private finished: { error?: Error } | undefined;
  private settled = false;

  constructor(
    private readonly signal: Cancellation,
    private resolve: ((response: UpstreamResponse) => void) | undefined,
    private reject: ((error: Error) => void) | undefined,
  ) {}

  get headers(): IncomingHttpHeaders {
    this.parsedHeaders ??= util.parseHeaders(this.rawHeaders) as IncomingHttpHeaders;
    return this.parsedHeaders;
  }

  /** Delivers the body (including what already arrived) to `sink`. */
  consume(sink: BodySink): void {
    this.sink = sink;
    for (const chunk of this.pending) sink.data(chunk);
    this.pending.length = 0;
    if (this.finished) this.deliverEnd(this.finished.error);
  }

  /** Reads and discards the rest, so the connection goes back to the pool. */
  dump(): void {
    this.consume({ data: () => undefined, end: () => undefined, error: () => undefined });
  }

  /** Collects up to `limit` bytes of the body as text (error bodies are short and only quoted). */
  text(limit: number): Promise<string> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
      this.consume({
        data: (chunk) => {
          if (size < limit) chunks.push(chunk.subarray(0, limit - size));
          size += chunk.length;
        },
        end: done,
        error: done,
      });
    });
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
    this.statusCode = statusCode;
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
