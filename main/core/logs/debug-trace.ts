import type { UnmappedToolCall } from '../anthropic/stream-translator';
import type { FailureKind } from '../orchids/failure';
import type { UpstreamProtocol } from '../upstream/protocol';
import type { RequestReport, RequestTrace } from '../proxy/observer';
import { redactHeaders } from './redact';

export interface UpstreamAttemptRecord {
  accountId: number;
  protocol: UpstreamProtocol;
  url: string;
  headers: Record<string, unknown>;
  /** The Orchids request body: the bytes sent while the record waits in the queue, parsed JSON in the file. */
  body: unknown;
  status?: number;
  responseHeaders?: Record<string, unknown>;
  /** Raw upstream SSE payloads with milliseconds since the request arrived. */
  events: Array<{ t: number; data: string }>;
  failure?: { kind: FailureKind; message: string };
  /** The agent's tool calls that the client had not declared: sent to it as text, kept here whole. */
  unmappedToolCalls?: UnmappedToolCall[];
}

export interface DebugRecord {
  version: 1;
  requestId: string;
  file: string;
  summary: RequestReport;
  incoming: { headers: Record<string, unknown>; body: unknown };
  upstream: UpstreamAttemptRecord[];
  /** What the client was sent, frame by frame, with milliseconds since the request arrived. */
  client: Array<{ t: number; frame: string }>;
}

/**
 * Collects one request's detail while it runs. Every call is a push of references already in hand (the raw
 * event text the parser produced, the frame the responder wrote); all copying, parsing and redaction happen later
 * in the writer, off the request path.
 */
export class DebugTrace implements RequestTrace {
  private incomingHeaders: Record<string, unknown> = {};
  private incomingBody: unknown;
  private readonly attempts: Array<UpstreamAttemptRecord & { rawBody?: Buffer }> = [];
  private readonly frames: Array<{ t: number; frame: string }> = [];

  constructor(
    readonly requestId: string,
    readonly file: string,
    private readonly startedAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  incoming(headers: Record<string, unknown>, body: unknown): void {
    this.incomingHeaders = { ...headers };
    this.incomingBody = body;
  }

  upstreamRequest(
    protocol: UpstreamProtocol,
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    accountId: number,
  ): void {
    this.attempts.push({ accountId, protocol, url, headers, body: undefined, rawBody: body, events: [] });
  }

  upstreamResponse(status: number, headers: Record<string, unknown>): void {
    const attempt = this.attempts.at(-1);
    if (attempt) {
      attempt.status = status;
      attempt.responseHeaders = headers;
    }
  }

  upstreamEvent(raw: string): void {
    this.attempts.at(-1)?.events.push({ t: this.now() - this.startedAt, data: raw });
  }

  clientFrame(frame: string): void {
    this.frames.push({ t: this.now() - this.startedAt, frame });
  }

  unmappedToolCalls(calls: readonly UnmappedToolCall[]): void {
    const attempt = this.attempts.at(-1);
    if (attempt) attempt.unmappedToolCalls = [...calls];
  }

  attemptFailed(_accountId: number, kind: FailureKind, message: string): void {
    const attempt = this.attempts.at(-1);
    if (attempt) attempt.failure = { kind, message };
  }

  /** The finished record; header redaction happens here, the pattern pass in the writer. */
  finish(summary: RequestReport): DebugRecord {
    return {
      version: 1,
      requestId: this.requestId,
      file: this.file,
      summary,
      incoming: { headers: redactHeaders(this.incomingHeaders), body: this.incomingBody },
      upstream: this.attempts.map(({ rawBody, ...attempt }) => ({
        ...attempt,
        headers: redactHeaders(attempt.headers),
        responseHeaders: attempt.responseHeaders && redactHeaders(attempt.responseHeaders),
        body: rawBody ?? attempt.body,
      })),
      client: this.frames,
    };
  }
}

/** File names sort by time: `20261125-184512-123_req_….json`. */
export function debugFileName(startedAt: number, requestId: string): string {
  const d = new Date(startedAt);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  const stamp = `${date}-${time}-${pad(d.getUTCMilliseconds(), 3)}`;
  return `${stamp}_${requestId}.json`;
}
