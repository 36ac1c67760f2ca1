import type { FinishedRequest } from '../../../contract/request-views';
import type { ApiName } from '../../../contract/views';
import type { StopReason } from '../anthropic/types';
import type { UnmappedToolCall } from '../anthropic/stream-translator';
import type { FailureKind } from '../orchids/failure';
import type { UpstreamProtocol } from '../upstream/protocol';

/** What the request path reports about each request; history, live views and the tray are built from this. */
export interface RequestStart {
  requestId: string;
  startedAt: number;
  /** The API the request came in on. */
  api: ApiName;
  model: string;
  upstreamModel: string;
  stream: boolean;
}

/**
 * A finished request as the wire describes it (contract/views.ts), with the stop reason as the core knows it. The
 * debug record's name travels beside it: there is one only once the debug log writer has taken the record.
 */
export interface RequestReport extends Omit<FinishedRequest, 'debugLog' | 'stopReason'> {
  finishedAt: number;
  stopReason: StopReason | null;
}

/** Full detail of one request for the debug log; only created while debug logging is on. */
export interface RequestTrace {
  incoming(headers: Record<string, unknown>, body: unknown, path?: string): void;
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
  /** The next attempt goes on with a turn held for declined calls (declined-calls.ts) rather than trying again. */
  continuation(): void;
  /** The proxy wrote the answer itself, with nothing sent upstream (own-answer.ts), for this reason. */
  answeredByProxy(reason: string): void;
}

export interface ProxyObserver {
  requestStarted(start: RequestStart): void;
  requestFinished(report: RequestReport): void;
  /** A trace for this request, or undefined when nobody wants the detail (the common, cheap case). */
  trace(requestId: string, startedAt: number): RequestTrace | undefined;
}
