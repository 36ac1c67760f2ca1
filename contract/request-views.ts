/**
 * Finished requests as they cross the contract (the rules for every wire type are in views.ts): what history keeps,
 * what the live stream reports, a request's debug record, and the live totals.
 */
import type { ApiName, UpstreamProtocolName } from './views';

/** One finished request: what history keeps of it and what the live stream reports alike. */
export interface FinishedRequest {
  requestId: string;
  startedAt: number;
  model: string;
  upstreamModel: string;
  stream: boolean;
  status: number;
  stopReason: string | null;
  inputTokens: number;
  outputTokens: number;
  /** Milliseconds from arrival to the first byte sent to the client; null when nothing was sent. */
  firstByteMs: number | null;
  durationMs: number;
  accountId: number | null;
  /**
   * Each attempt's account, in order (an account tried again after a failure is listed again); the last served (or
   * failed) the request. A continuation after declined calls, on the account that answered, does not list it twice.
   */
  accountsTried: number[];
  /** Attempts made because one before failed (failover, a same-account retry, a refused structured answer). */
  retries: number;
  /** The protocol of the last attempt (the one that served, or failed last); null when no upstream was reached. */
  protocol: UpstreamProtocolName | null;
  api: ApiName;
  /** The serving account's name and e-mail as they were then: readable after the account is removed. */
  accountName: string | null;
  accountEmail: string | null;
  errorType: string | null;
  errorMessage: string | null;
  /** The debug record's file name, when one was written. */
  debugLog: string | null;
}

/** One finished request, as history keeps it. */
export interface HistoryView extends FinishedRequest {
  id: number;
  /**
   * The name of each account in accountsTried as it was then, in the same order (null for one not known), so one
   * tried, then removed, still reads by name; empty when one account was tried (accountName holds it) and in older
   * rows.
   */
  accountsTriedNames: Array<string | null>;
}

export interface HistoryQuery {
  limit?: number;
  /** Rows older than this row id: the next page. */
  beforeId?: number;
  accountId?: number;
  outcome?: 'ok' | 'error';
  model?: string;
}

/** One finished request as the live stream reports it, a moment before history has it. */
export interface RequestView extends FinishedRequest {
  finishedAt: number;
  /** Its number in the live totals' count: `StatsView.counted` at or above it means the totals include it. */
  statsSeq: number;
}

/** One attempt at the upstream, as a debug record keeps it. */
export interface UpstreamAttemptView {
  accountId: number;
  protocol: UpstreamProtocolName;
  url: string;
  headers: Record<string, unknown>;
  body: unknown;
  status?: number;
  responseHeaders?: Record<string, unknown>;
  /** Raw upstream payloads with milliseconds since the request arrived. */
  events: Array<{ t: number; data: string }>;
  failure?: { kind: string; message: string };
  /**
   * True when this attempt goes on with the agent's turn after the proxy answered, for the client, calls to tools it
   * lacks: one more upstream run of the same request, not a retry (the summary's `retries` does not count it).
   */
  continues?: true;
  /** The agent's tool calls the client had not declared: sent to it as text, kept here whole. */
  unmappedToolCalls?: Array<{ name: string; input: Record<string, unknown> }>;
}

/** One request's debug record, already redacted by the writer that stored it. */
export interface DebugRecordView {
  version: 1;
  requestId: string;
  file: string;
  summary: Omit<RequestView, 'debugLog' | 'statsSeq'>;
  incoming: {
    /**
     * The path the request came in on, with its query string (`/v1/messages?beta=true`): what a replay of it needs.
     * Records written before it was kept have none.
     */
    path?: string;
    headers: Record<string, unknown>;
    body: unknown;
  };
  upstream: UpstreamAttemptView[];
  /** What the client was sent, frame by frame, with milliseconds since the request arrived. */
  client: Array<{ t: number; frame: string }>;
  /**
   * Set when the proxy wrote the answer itself, with nothing sent upstream and no account (README "Requests and
   * history"), with why: `sub-agent wait`, `sub-agent close`, `sub-agent wait and close`, `sub-agent notification`.
   * Absent on every other record.
   */
  answeredBy?: { by: 'proxy'; reason: string };
}

export interface DebugRecordResult {
  row: HistoryView | null;
  record: DebugRecordView | null;
}

export interface AccountCount {
  accountId: number;
  requestCount: number;
  lastUsedAt: number | null;
}

export interface DayTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
}

export interface StatsView {
  today: DayTotals;
  /** The last 60 minutes, oldest first, one entry per minute (zeros included). */
  perMinute: Array<{ minute: number; requests: number; errors: number }>;
  /** How many finished requests the figures include since the app started (see `RequestView.statsSeq`). */
  counted: number;
  /**
   * The local midnight that began the day `today` counts, and the one that ends it, as the core's clock and time zone
   * have them: the window turns its running totals at `nextDayAt` instead of guessing the day from its own clock.
   */
  dayStartsAt: number;
  nextDayAt: number;
  /**
   * The core's clock when it took these figures. A window whose clock differs from the core's times its wait for
   * `nextDayAt` by the difference, so it turns at the core's midnight, not at its own clock's reading of it.
   */
  takenAt: number;
  accounts: AccountCount[];
}
