import type { StopReason } from '../anthropic/types';
import type { UnmappedToolCall } from '../anthropic/stream-translator';
import type { FailureKind } from '../orchids/failure';
import type { UpstreamProtocol } from '../upstream/protocol';
import type { ApiKind } from './api-format';

/** What the request path reports about each request; history, live views and the tray are built from this. */
export interface RequestStart {
  requestId: string;
  startedAt: number;
  /** The API the request came in on. */
  api: ApiKind;
  model: string;
  upstreamModel: string;
  stream: boolean;
}

export interface RequestReport extends RequestStart {
  finishedAt: number;
  status: number;
  stopReason: StopReason | null;
  inputTokens: number;
  outputTokens: number;
  /** Milliseconds from arrival to the first byte sent to the client; null when nothing was sent. */
  firstByteMs: number | null;
  durationMs: number;
  accountId: number | null;
  /** Every account tried, in order; the last served (or failed) the request. */
  accountsTried: number[];
  retries: number;
  /** The protocol of the last attempt (the one that served, or failed last); null when no upstream was reached. */
  protocol: UpstreamProtocol | null;
  /** The last account's name and e-mail as they were then (history outlives accounts). */
  accountName: string | null;
  accountEmail: string | null;
  errorType: string | null;
  errorMessage: string | null;
}

/** Full detail of one request for the debug log; only created while debug logging is on. */
export interface RequestTrace {
  incoming(headers: Record<string, unknown>, body: unknown): void;
  upstreamRequest(
    protocol: UpstreamProtocol,
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    accountId: number,
  ): void;
  upstreamResponse(status: number, headers: Record<string, unknown>): void;
  upstreamEvent(raw: string): void;
  clientFrame(frame: string): void;
  /** Tool calls of the agent that matched no tool the client declared, and went to the client as text instead. */
  unmappedToolCalls(calls: readonly UnmappedToolCall[]): void;
  attemptFailed(accountId: number, kind: FailureKind, message: string): void;
}

export interface ProxyObserver {
  requestStarted(start: RequestStart): void;
  requestFinished(report: RequestReport): void;
  /** A trace for this request, or undefined when nobody wants the detail (the common, cheap case). */
  trace(requestId: string, startedAt: number): RequestTrace | undefined;
}
