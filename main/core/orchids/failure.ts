import { WebSocketCloseError } from '../upstream/transport';

/**
 * What went wrong with an upstream attempt, in the terms failover and account states need (protocol page 6):
 * whose fault it is, whether another account could do better, and what to tell the client if none can.
 */
export type FailureKind =
  /** 401 even after a fresh token: the account's sign-in is gone. */
  | 'signed_out'
  /** This mode cannot open the account's sealed cookie (sealed by the other mode, another machine or key) */
  | 'locked'
  /** 403 */
  | 'blocked'
  /** 402, credits_exhausted, "no remaining quota" */
  | 'quota'
  /** 429 */
  | 'rate_limited'
  /** 5xx, llm_unavailable, internal_error */
  | 'server'
  /** connection refused/reset, DNS, TLS, an early EOF */
  | 'network'
  /** connect, first byte, or silence between events took too long */
  | 'timeout'
  /** Clerk could not be reached to mint a token */
  | 'clerk_unavailable'
  /** 400 and kin: the request itself is wrong; another account would fail the same way */
  | 'client'
  /** anything else the upstream reported */
  | 'unknown';

export interface UpstreamFailure {
  kind: FailureKind;
  message: string;
  status?: number;
  /** From `Retry-After`, when the upstream said how long to wait. */
  retryAfterMs?: number;
  /**
   * The failure may mean "this endpoint does not speak this protocol" (see upstream/protocol-choice.ts):
   * `certain` for answers no Orchids agent gives to a well-formed call (404, 405, a refused upgrade that is not an
   * auth, rate or credit refusal, a host that refuses connections or does not resolve); `unless-confirmed` for a
   * 400-class rejection, which on a protocol being probed means "wrong body shape" and on a known-good one means
   * the request itself is wrong.
   */
  mismatch?: 'certain' | 'unless-confirmed';
  /**
   * The conversation is longer than the model's context window: a `client` failure the client's own agent can act
   * on (Claude Code and Codex compact their history when told so in their API's words), not just show.
   */
  contextOverflow?: true;
}

/** Failures that belong to the account rather than to the request: try another account. */
export const ACCOUNT_FAILURES: ReadonlySet<FailureKind> = new Set([
  'signed_out',
  'locked',
  'blocked',
  'quota',
  'rate_limited',
]);
/** Failures of the path, not of the account or the request: try again, a bounded number of times. */
export const TRANSIENT_FAILURES: ReadonlySet<FailureKind> = new Set([
  'server',
  'network',
  'timeout',
  'clerk_unavailable',
  'unknown',
]);

export function failureFromStatus(status: number, body: string, retryAfter?: string | string[]): UpstreamFailure {
  const detail = summarizeBody(body);
  const message = `Orchids answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  const failure: UpstreamFailure = { kind: kindForStatus(status, body), message, status };
  if (failure.kind === 'client' && saysContextOverflow(body)) failure.contextOverflow = true;
  const mismatch = mismatchForStatus(status);
  if (mismatch) failure.mismatch = mismatch;
  const retryAfterMs = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  return failure;
}

function kindForStatus(status: number, body: string): FailureKind {
  if (status === 401) return 'signed_out';
  if (status === 402) return 'quota';
  if (status === 403) return 'blocked';
  if (status === 429) return mentionsCredits(body) ? 'quota' : 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (status === 400 || status === 404 || status === 413 || status === 422) return 'client';
  return 'unknown';
}

function mismatchForStatus(status: number): UpstreamFailure['mismatch'] {
  if (status === 404 || status === 405 || status === 426 || status === 501) return 'certain';
  if (status === 400 || status === 415 || status === 422) return 'unless-confirmed';
  return undefined;
}

/** Upstream `error` events carry a code and message; the protocol's substring table sorts them. */
export function failureFromUpstreamError(code: string, message: string): UpstreamFailure {
  const text = `${code}: ${message}`;
  const lower = text.toLowerCase();
  let kind: FailureKind = 'unknown';
  if (mentionsCredits(lower) || /\b402\b|payment required/.test(lower)) kind = 'quota';
  else if (/\b429\b|too many requests|rate.?limit/.test(lower)) kind = 'rate_limited';
  else if (/\b401\b|unauthori[sz]ed|signed.?out|invalid_api_key|no active sessions/.test(lower)) kind = 'signed_out';
  else if (/\b403\b|forbidden/.test(lower)) kind = 'blocked';
  else if (saysContextOverflow(lower) || /model not found|max_token_limit|bad_request|\b400\b/.test(lower)) {
    kind = 'client';
  } else if (/timeout|deadline exceeded/.test(lower)) kind = 'timeout';
  else if (/\b50[0-4]\b|llm_unavailable|internal_error|overloaded|unavailable/.test(lower)) kind = 'server';
  const failure: UpstreamFailure = { kind, message: `Orchids reported ${text}` };
  if (kind === 'client' && /bad_request|invalid_request|\b400\b/.test(lower)) failure.mismatch = 'unless-confirmed';
  if (kind === 'client' && saysContextOverflow(lower)) failure.contextOverflow = true;
  return failure;
}

/**
 * The upstream's words for a conversation too long for the model (protocol page 6's `input is too long` and
 * `context_window_exceeded`), and the two model vendors' own wordings, which an upstream error may quote.
 * `max_token_limit` is left out: it can as well be about the answer's length, which compacting would not help.
 */
const CONTEXT_OVERFLOW = /input is too long|context_window_exceeded|prompt is too long|context_length_exceeded/i;

function saysContextOverflow(text: string): boolean {
  return CONTEXT_OVERFLOW.test(text);
}

const MENTIONS_CREDITS =
  /credits?.?exhausted|out of credits|no remaining quota|insufficient_funds|quota_limit|run out of credits/i;

function mentionsCredits(text: string): boolean {
  return MENTIONS_CREDITS.test(text);
}

/** undici and socket errors, by code; WebSocket closes by close code. */
export function failureFromError(error: unknown): UpstreamFailure {
  if (error instanceof WebSocketCloseError) return failureFromClose(error);
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { kind: 'timeout', message: 'Connecting to Orchids timed out.' };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { kind: 'timeout', message: 'Orchids did not start answering in time.' };
    case 'UND_ERR_BODY_TIMEOUT':
      return { kind: 'timeout', message: 'Orchids went silent mid-answer for longer than the idle timeout.' };
    default: {
      const failure: UpstreamFailure = {
        kind: 'network',
        message: `Orchids cannot be reached: ${code ? `${code} ` : ''}${message}`.trim(),
      };
      // Nothing listens there, or the name is gone: the service moved, not a passing fault.
      if (ENDPOINT_GONE.has(code)) failure.mismatch = 'certain';
      return failure;
    }
  }
}

function failureFromClose(error: WebSocketCloseError): UpstreamFailure {
  const failure: UpstreamFailure = { kind: 'network', message: error.message };
  if (error.code === 1011 || error.code === 1013 || error.code === 1014) failure.kind = 'server';
  // 1003 (cannot accept this data) and 1007 (inconsistent data) before any answer: the frame was not understood.
  if (error.beforeFirstFrame && (error.code === 1003 || error.code === 1007)) failure.mismatch = 'certain';
  return failure;
}

const ENDPOINT_GONE: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);

/** `Retry-After` as seconds or an HTTP date; capped at a day so a wild value cannot park an account forever. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const date = Date.parse(trimmed);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(0, Math.round(ms)), 86_400_000);
}

function summarizeBody(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
