import type { AccountCache } from '../accounts/account-cache';
import type { AccountRecord } from '../accounts/types';
import type { HeldTurn } from '../anthropic/stream-translator';
import type { AnthropicErrorType, StopReason, Usage } from '../anthropic/types';
import { ACCOUNT_FAILURES, TRANSIENT_FAILURES, type UpstreamFailure } from '../orchids/failure';
import type { UpstreamBodies } from '../orchids/upstream-bodies';
import { ApiError, ContextOverflowError } from '../server/errors';
import type { UpstreamProtocol } from '../upstream/protocol';
import type { Cancellation } from '../util/cancellation';
import type { AccountHealth } from './account-health';
import type { RequestTrace } from './observer';
import type { Responder } from './responders';
import { unavailableError, type UnavailableCommands } from './unavailable';
import { runAttempt, type AttemptDeps, type AttemptInput } from './upstream-attempt';

export interface FailoverDeps extends AttemptDeps {
  accounts: AccountCache;
  health: AccountHealth;
  /** Transient failures (5xx, network, timeouts) move a request at most this many times. */
  maxTransientRetries: number;
  /** How long the proxy may keep retrying one account that alone can serve (the first-byte timeout). */
  retryBudgetMs: () => number;
  /** Pause before the n-th retry on the same account; injectable so tests need not wait. */
  sameAccountBackoffMs?: (retry: number) => number;
  /** Redacts the secrets the app holds from failure text (SecretRedactor.redact). */
  redact: (text: string) => string;
  /** The CLI commands a refusal names (unavailableCommands), built once for the app's data folder. */
  cliCommands: UnavailableCommands;
}

export type RunResult =
  | { kind: 'done'; stopReason: StopReason; usage: Usage; held?: HeldTurn }
  /** `sent`: the counts of what reached the client before the answer broke off, when anything did. */
  | { kind: 'failed'; error: ApiError; sent?: Usage }
  | { kind: 'aborted'; sent?: Usage };

/** With no other account free, a transient failure is tried again on the same account this many more times. */
export const MAX_SAME_ACCOUNT_RETRIES = 2;
const defaultBackoff = (retry: number): number => 250 * 2 ** (retry - 1);
/**
 * Failures of the path to Orchids that a second try may not meet. Not Clerk being unavailable: a throttled Clerk
 * must not be asked again at once (spec §8.5), and the token cache already shares one mint between requests.
 */
const SAME_ACCOUNT_RETRYABLE: ReadonlySet<UpstreamFailure['kind']> = new Set([
  'server',
  'network',
  'timeout',
  'unknown',
]);

/**
 * Why `run` is called again for the same request. `rejected`: the answer before was refused (structured-run.ts), so
 * this run is a retry. `continued`: the answer before was fine and held for declined calls (declined-calls.ts), so
 * this run goes on with the same turn: not a retry, and on the account that answered it.
 */
export type RunAfter = 'rejected' | 'continued';

/**
 * One client request's way through the accounts. Failover happens only while nothing but the message's start has
 * reached the client; afterwards a failure ends the answer with an error, never a fake finish. `run` may be called
 * more than once for one request (a structured-output retry, a continuation); what it learns accumulates here.
 */
export class RequestRun {
  /**
   * The history row's `accounts_tried`: each attempt's account, in order, over every run, so an account tried again
   * after a failure is listed again. A continuation on the account that answered the turn before is not an attempt
   * at the request anew and does not list it twice.
   */
  readonly tried: number[] = [];
  /**
   * The history row's `retries`: attempts made because an earlier one failed (another account, the same one after a
   * transient failure, or a structured answer asked for again). Not `tried.length - 1`: a continuation adds a run
   * that follows a success, and a user reading "1 retry" looks for a failure that never happened.
   */
  retries = 0;
  /** The protocol of the last attempt. */
  protocol: UpstreamProtocol | undefined;
  /** Who the last attempt's account was, as named then. */
  lastAccount: { name: string; email: string } | undefined;

  constructor(
    private readonly deps: FailoverDeps,
    private readonly receivedAt: number,
    private readonly signal: Cancellation,
    private readonly trace: RequestTrace | undefined,
    private readonly now: () => number,
  ) {}

  async run(
    bodies: UpstreamBodies,
    responder: Responder,
    translator: AttemptInput['translator'],
    after?: RunAfter,
  ): Promise<RunResult> {
    const { deps, trace } = this;
    const excluded = new Set<number>();
    let transientRetries = 0;
    let sameAccountRetries = 0;
    let lastFailure: UpstreamFailure | undefined;
    // The account that answered the turn has just worked, and the row names one account for the request: the turn
    // goes on there while it can still serve, else wherever a new request would go.
    const answered = after === 'continued' ? this.tried.at(-1) : undefined;
    let next: AccountRecord | undefined = answered === undefined ? undefined : deps.accounts.usable(answered);
    let first = true;
    if (after === 'continued') trace?.continuation();

    for (;;) {
      const account = next ?? deps.accounts.pick(excluded);
      next = undefined;
      if (!account) return failed(this.noAccountError(excluded.size, lastFailure));
      if (!first || after === 'rejected') this.retries += 1;
      if (!first || account.id !== answered) this.tried.push(account.id);
      first = false;
      this.lastAccount = { name: account.name, email: account.email };
      excluded.add(account.id);
      responder.resetAttempt();
      const outcome = await runAttempt(deps, { account, bodies, responder, translator, signal: this.signal, trace });
      this.protocol = outcome.protocol ?? this.protocol;
      if (outcome.kind === 'aborted') return { kind: 'aborted', sent: outcome.sent };
      if (outcome.kind === 'done') {
        deps.health.recordSuccess(account.id);
        return { kind: 'done', stopReason: outcome.stopReason, usage: outcome.usage, held: outcome.held };
      }
      const failure = outcome.failure;
      // An upstream body, a Clerk error or a socket error naming a URL may quote a secret. Redacted here, before
      // the debug trace, the account's reason and the client's answer see it; only failures pay.
      failure.message = deps.redact(failure.message);
      lastFailure = failure;
      trace?.attemptFailed(account.id, failure.kind, failure.message);
      if (failure.kind !== 'client') deps.health.recordFailure(account.id, failure);
      if (responder.contentSent) return { kind: 'failed', error: clientError(failure, true), sent: outcome.sent };
      if (failure.kind === 'client') return failed(clientError(failure, false));
      if (ACCOUNT_FAILURES.has(failure.kind)) continue;
      if (!TRANSIENT_FAILURES.has(failure.kind)) return failed(clientError(failure, false));
      next = deps.accounts.pick(excluded);
      if (next) {
        transientRetries += 1;
        if (transientRetries <= deps.maxTransientRetries) continue;
        return failed(clientError(failure, false));
      }
      // No other account is free: the same one again after a short pause (the original did this too), while the
      // request's time allows. A one-account user would otherwise get a 529 for a single 502.
      const pause = (deps.sameAccountBackoffMs ?? defaultBackoff)(sameAccountRetries + 1);
      const retryable =
        SAME_ACCOUNT_RETRYABLE.has(failure.kind) &&
        sameAccountRetries < MAX_SAME_ACCOUNT_RETRIES &&
        this.now() + pause - this.receivedAt < deps.retryBudgetMs();
      const again = retryable ? deps.accounts.get(account.id) : undefined;
      if (!again) return failed(this.noAccountError(excluded.size, lastFailure));
      sameAccountRetries += 1;
      if (!(await this.signal.sleep(pause))) return { kind: 'aborted' };
      next = again;
    }
  }

  private noAccountError(triedCount: number, lastFailure: UpstreamFailure | undefined): ApiError {
    const summary = this.deps.health.unavailableSummary();
    return unavailableError(
      this.deps.accounts,
      summary,
      triedCount > 0 ? lastFailure : undefined,
      this.deps.cliCommands,
    );
  }
}

const failed = (error: ApiError): RunResult => ({ kind: 'failed', error });

/** How a failure reads to the client once no other account will be tried. */
function clientError(failure: UpstreamFailure, midStream: boolean): ApiError {
  // Before any content only: a client told mid-answer to compact would drop the part it already showed.
  if (failure.contextOverflow && !midStream) return new ContextOverflowError(failure.message);
  const prefix = midStream ? 'The answer was cut off: ' : '';
  const type: AnthropicErrorType =
    failure.kind === 'client'
      ? 'invalid_request_error'
      : failure.kind === 'rate_limited' || failure.kind === 'quota' || failure.kind === 'server'
        ? 'overloaded_error'
        : 'api_error';
  const status = failure.kind === 'client' ? (failure.status ?? 400) : undefined;
  return new ApiError(type, `${prefix}${failure.message}`, status);
}
