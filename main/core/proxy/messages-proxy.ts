import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountCache } from '../accounts/account-cache';
import type { AnthropicErrorType, MessagesRequest, StopReason, Usage } from '../anthropic/types';
import { estimateInputTokens } from '../anthropic/token-estimate';
import { ACCOUNT_FAILURES, TRANSIENT_FAILURES, type UpstreamFailure } from '../orchids/failure';
import { mapModel, type ModelMap } from '../orchids/model-map';
import { chatSessionIdFor } from '../orchids/request-builder';
import { UpstreamBodies } from '../orchids/upstream-bodies';
import type { UpstreamProtocol } from '../upstream/protocol';
import { ApiError } from '../server/errors';
import { newMessageId } from '../util/ids';
import { Cancellation } from '../util/cancellation';
import type { PreparedToolsCache } from '../orchids/prepared-tools';
import type { AccountRecord } from '../accounts/types';
import type { AccountHealth } from './account-health';
import type { Heartbeat } from './heartbeat';
import type { ProxyObserver } from './observer';
import { JsonResponder, SseResponder, type Responder } from './responders';
import { runAttempt, type AttemptDeps } from './upstream-attempt';

export interface MessagesProxyDeps extends AttemptDeps {
  accounts: AccountCache;
  health: AccountHealth;
  observer: ProxyObserver;
  heartbeat: Heartbeat;
  modelMap: () => ModelMap;
  /** Transient failures (5xx, network, timeouts) move a request at most this many times. */
  maxTransientRetries: number;
  tools: PreparedToolsCache;
  /** The `thinkingMode` setting for Generation B bodies. */
  thinkingMode: () => 'auto' | 'enabled' | 'disabled';
  /** How long the proxy may keep retrying one account that alone can serve (the first-byte timeout). */
  retryBudgetMs: () => number;
  /** Pause before the n-th retry on the same account; injectable so tests need not wait. */
  sameAccountBackoffMs?: (retry: number) => number;
  now?: () => number;
}

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
 * Serves one `POST /v1/messages`: the Anthropic request becomes an Orchids request, an account is chosen from
 * memory, and the answer streams back. Failover happens only while nothing but `message_start`/`ping` has reached
 * the client; afterwards a failure ends the stream with an Anthropic `error` event, never a fake `end_turn`.
 */
export class MessagesProxy {
  private readonly now: () => number;

  constructor(private readonly deps: MessagesProxyDeps) {
    this.now = deps.now ?? Date.now;
  }

  async handle(
    request: MessagesRequest,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    receivedAt: number,
  ): Promise<void> {
    const { deps } = this;
    const stream = request.stream === true;
    const upstreamModel = mapModel(request.model, deps.modelMap());
    const trace = deps.observer.trace(requestId, receivedAt);
    trace?.incoming(req.headers, request);
    deps.observer.requestStarted({ requestId, startedAt: receivedAt, model: request.model, upstreamModel, stream });

    const responder: Responder = stream ? new SseResponder(res, deps.heartbeat, this.now) : new JsonResponder(res);
    let firstByteAt: number | null = null;
    const onFrame = trace ? (frame: string) => trace.clientFrame(frame) : undefined;
    responder.onFrame = (frame) => {
      firstByteAt ??= this.now();
      onFrame?.(frame);
    };

    const cancellation = new Cancellation();
    const onClose = (): void => {
      if (!res.writableFinished) cancellation.abort();
    };
    res.once('close', onClose);

    const prepared = deps.tools.prepare(request.tools);
    const inputTokensEstimate = estimateInputTokens(request, prepared.tokens);
    const bodies = new UpstreamBodies(request, {
      upstreamModel,
      chatSessionId: chatSessionIdFor(request, req.headers),
      tools: prepared,
      thinkingMode: deps.thinkingMode(),
    });
    const thinkingType = (request.thinking as { type?: string } | undefined)?.type;
    const translator = {
      messageId: newMessageId(),
      model: request.model,
      inputTokensEstimate,
      tools: request.tools,
      includeThinking: thinkingType === 'enabled' || thinkingType === 'adaptive',
    };

    const tried: number[] = [];
    const excluded = new Set<number>();
    let transientRetries = 0;
    let sameAccountRetries = 0;
    let lastFailure: UpstreamFailure | undefined;
    let result: { stopReason: StopReason; usage: Usage } | undefined;
    let protocol: UpstreamProtocol | undefined;
    let error: ApiError | undefined;
    let aborted = false;
    let next: AccountRecord | undefined;

    for (;;) {
      const account = next ?? deps.accounts.pick(excluded);
      next = undefined;
      if (!account) {
        error = this.noAccountError(tried.length, lastFailure);
        break;
      }
      tried.push(account.id);
      excluded.add(account.id);
      responder.resetAttempt();
      const outcome = await runAttempt(deps, { account, bodies, responder, translator, signal: cancellation, trace });
      if (outcome.kind === 'aborted') {
        aborted = true;
        break;
      }
      protocol = outcome.protocol ?? protocol;
      if (outcome.kind === 'done') {
        deps.health.recordSuccess(account.id);
        result = outcome;
        break;
      }
      const failure = outcome.failure;
      lastFailure = failure;
      trace?.attemptFailed(account.id, failure.kind, failure.message);
      if (failure.kind !== 'client') deps.health.recordFailure(account.id, failure);
      if (responder.contentSent || failure.kind === 'client') {
        error = clientError(failure, responder.contentSent);
        break;
      }
      if (ACCOUNT_FAILURES.has(failure.kind)) continue;
      if (!TRANSIENT_FAILURES.has(failure.kind)) {
        error = clientError(failure, false);
        break;
      }
      next = deps.accounts.pick(excluded);
      if (next) {
        transientRetries += 1;
        if (transientRetries <= deps.maxTransientRetries) continue;
        error = clientError(failure, false);
        break;
      }
      // No other account is free: the same one again after a short pause (the original did this too), while the
      // request's time allows. A one-account user would otherwise get a 529 for a single 502.
      const pause = (deps.sameAccountBackoffMs ?? defaultBackoff)(sameAccountRetries + 1);
      const retryable =
        SAME_ACCOUNT_RETRYABLE.has(failure.kind) &&
        sameAccountRetries < MAX_SAME_ACCOUNT_RETRIES &&
        this.now() + pause - receivedAt < deps.retryBudgetMs();
      const again = retryable ? deps.accounts.get(account.id) : undefined;
      if (!again) {
        error = this.noAccountError(tried.length, lastFailure);
        break;
      }
      sameAccountRetries += 1;
      if (!(await cancellation.sleep(pause))) {
        aborted = true;
        break;
      }
      next = again;
    }

    res.off('close', onClose);
    if (result) responder.finish(result.stopReason, result.usage);
    else if (error && !aborted) responder.fail(error);
    else responder.fail(new ApiError('api_error', 'The client went away.'));

    const finishedAt = this.now();
    const usage = result?.usage;
    deps.observer.requestFinished({
      requestId,
      startedAt: receivedAt,
      model: request.model,
      upstreamModel,
      stream,
      finishedAt,
      status: aborted ? 499 : result ? 200 : error!.status,
      stopReason: result?.stopReason ?? null,
      inputTokens: usage?.input_tokens ?? inputTokensEstimate,
      outputTokens: usage?.output_tokens ?? 0,
      firstByteMs: firstByteAt === null ? null : firstByteAt - receivedAt,
      durationMs: finishedAt - receivedAt,
      accountId: tried.at(-1) ?? null,
      accountsTried: tried,
      retries: Math.max(0, tried.length - 1),
      protocol: protocol ?? null,
      errorType: aborted ? 'client_closed' : (error?.type ?? null),
      errorMessage: aborted ? 'The client closed the connection.' : (error?.message ?? null),
    });
  }

  private noAccountError(triedCount: number, lastFailure: UpstreamFailure | undefined): ApiError {
    const accounts = this.deps.accounts;
    if (accounts.size === 0) {
      return new ApiError(
        'permission_error',
        'Orchids Tray has no accounts yet. Add one in the Orchids Tray window, ' +
          'or run: npm run cli -- accounts add --cookie "<__client cookie>"',
      );
    }
    if (!accounts.list().some((account) => account.enabled)) {
      return new ApiError(
        'permission_error',
        'Every Orchids account is disabled. Enable one in Orchids Tray, or run: npm run cli -- accounts enable <id>',
      );
    }
    const { message, retryAfterMs } = this.deps.health.unavailableSummary();
    const detail = triedCount > 0 && lastFailure ? ` Last error: ${lastFailure.message}` : '';
    const headers: Record<string, string> = {};
    if (retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
    return new ApiError('overloaded_error', `${message}${detail}`, 529, headers);
  }
}

/** How a failure reads to the client once no other account will be tried. */
function clientError(failure: UpstreamFailure, midStream: boolean): ApiError {
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
