import type { UpstreamFailure } from '../orchids/failure';

/** How the request path tells account states what happened; the state machine lives behind it. */
export interface AccountHealth {
  recordSuccess(accountId: number): void;
  recordFailure(accountId: number, failure: UpstreamFailure): void;
  /** Why no account can take a request right now, and when the next one might: for the 529 message. */
  unavailableSummary(): { message: string; retryAfterMs: number | undefined };
}
