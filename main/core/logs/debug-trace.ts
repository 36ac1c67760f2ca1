import type { DebugRecordView, UpstreamAttemptView } from '../../../contract/request-views';
import type { UnmappedToolCall } from '../anthropic/stream-translator';
import type { FailureKind } from '../orchids/failure';
import type { UpstreamProtocol } from '../upstream/protocol';
import type { RequestReport, RequestTrace } from '../proxy/observer';

/**
 * An attempt as the contract describes it, with the failure in the core's terms. Its body is the bytes sent while
 * the record waits in the writer's queue, and parsed JSON in the file.
 */
export interface UpstreamAttemptRecord extends UpstreamAttemptView {
  failure?: { kind: FailureKind; message: string };
}

/**
 * A request's story. While it waits in the writer's queue it holds what the request path had in hand (the headers
 * as they came, the bodies as bytes); the writer redacts and serialises it (logs/record-line.ts). Read back from a
 * file, it is that redacted JSON: the contract's DebugRecordView, which the core's types narrow.
 */
export interface DebugRecord extends DebugRecordView {
  summary: RequestReport;
  upstream: UpstreamAttemptRecord[];
}

/**
 * Collects one request's detail while it runs. Every call is a push of references already in hand (the request's
 * own headers object, the bytes sent upstream, the raw event text the parser produced, the frame the responder
 * wrote): nothing is copied, parsed or redacted on the request path, and nothing is kept that the request does not
 * already hold. The writer does the rest.
 */
export class DebugTrace implements RequestTrace {
  private incomingHeaders: Record<string, unknown> = {};
  private incomingBody: unknown;
  private incomingPath: string | undefined;
  private readonly attempts: UpstreamAttemptRecord[] = [];
  private readonly frames: Array<{ t: number; frame: string }> = [];
  private continuing = false;
  private ownReason: string | undefined;

  constructor(
    readonly requestId: string,
    readonly file: string,
    private readonly startedAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  incoming(headers: Record<string, unknown>, body: unknown, path?: string): void {
    this.incomingHeaders = headers;
    this.incomingBody = body;
    this.incomingPath = path;
  }

  upstreamRequest(
    protocol: UpstreamProtocol,
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    accountId: number,
  ): void {
    const attempt: UpstreamAttemptRecord = { accountId, protocol, url, headers, body, events: [] };
    if (this.continuing) attempt.continues = true;
    this.continuing = false;
    this.attempts.push(attempt);
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
    // A continuation that failed before it reached the upstream leaves its mark to no retry that follows it.
    this.continuing = false;
    const attempt = this.attempts.at(-1);
    if (attempt) attempt.failure = { kind, message };
  }

  continuation(): void {
    this.continuing = true;
  }

  answeredByProxy(reason: string): void {
    this.ownReason = reason;
  }

  /** The finished record, for the writer's queue: redaction happens there, with the serialisation. */
  finish(summary: RequestReport): DebugRecord {
    const record: DebugRecord = {
      version: 1,
      requestId: this.requestId,
      file: this.file,
      summary,
      incoming: { path: this.incomingPath, headers: this.incomingHeaders, body: this.incomingBody },
      upstream: this.attempts,
      client: this.frames,
    };
    if (this.ownReason !== undefined) record.answeredBy = { by: 'proxy', reason: this.ownReason };
    return record;
  }
}

/** File names sort by time: `20261125-184512-123_req_….json`. */
export function debugFileName(startedAt: number, requestId: string): string {
  return `${timeStamp(startedAt)}_${requestId}.json`;
}

/** The last second's `20261125-184512` (a thousand names a second share it: one Date a second, not one a name). */
let stampCache = { second: Number.NaN, text: '' };

/** `20261125-184512-123`, in UTC: names sort by time as text. */
export function timeStamp(at: number): string {
  const second = Math.floor(at / 1000);
  if (second !== stampCache.second) {
    const d = new Date(second * 1000);
    const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
    stampCache = { second, text: `${date}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}` };
  }
  return `${stampCache.text}-${pad(Math.floor(at - second * 1000), 3)}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
