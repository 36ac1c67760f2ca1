import { StreamTranslator, type TranslatorOptions } from '../anthropic/stream-translator';
import type { StopReason, Usage } from '../anthropic/types';
import type { AccountRecord } from '../accounts/types';
import { AccountError } from '../accounts/account-service';
import { ClerkError } from '../clerk/clerk-client';
import type { TokenCache } from '../clerk/token-cache';
import { UpstreamEventDecoder } from '../orchids/event-decoder';
import {
  failureFromError,
  failureFromStatus,
  failureFromUpstreamError,
  type UpstreamFailure,
} from '../orchids/failure';
import { SseParser } from '../orchids/sse-parser';
import type { UpstreamEvent } from '../orchids/types';
import type { OrchidsClient, UpstreamResponse } from '../upstream/orchids-client';
import type { RequestTrace } from './observer';
import type { Responder } from './responders';
import type { Cancellation } from '../util/cancellation';

export type AttemptOutcome =
  | { kind: 'done'; stopReason: StopReason; usage: Usage }
  | { kind: 'failed'; failure: UpstreamFailure }
  | { kind: 'aborted' };

export interface AttemptDeps {
  tokens: TokenCache;
  client: OrchidsClient;
  /** Counted once per upstream request sent, the moment it is sent. */
  countRequest: (accountId: number) => void;
  agentUrl: () => string;
}

export interface AttemptInput {
  account: AccountRecord;
  body: Buffer;
  responder: Responder;
  translator: Omit<TranslatorOptions, 'sink'>;
  signal: Cancellation;
  trace: RequestTrace | undefined;
}

const ERROR_BODY_LIMIT = 8192;

/**
 * One try of one account: a token (cached; minted only on a cold start), the upstream request, and the upstream's
 * events translated onto the responder as they arrive. A 401 gets exactly one more try with a fresh token.
 */
export async function runAttempt(deps: AttemptDeps, input: AttemptInput): Promise<AttemptOutcome> {
  const { account, signal, responder, trace } = input;
  let token: string;
  try {
    token = deps.tokens.peek(account.id) ?? (await deps.tokens.get(account.id));
  } catch (error) {
    return signal.aborted ? { kind: 'aborted' } : { kind: 'failed', failure: failureFromMint(error) };
  }

  let response: UpstreamResponse | undefined;
  for (let authRetry = 0; ; authRetry++) {
    if (signal.aborted) return { kind: 'aborted' };
    trace?.upstreamRequest(deps.agentUrl(), { authorization: 'Bearer [redacted]' }, input.body, account.id);
    deps.countRequest(account.id);
    try {
      response = await deps.client.send(input.body, token, signal);
    } catch (error) {
      return signal.aborted ? { kind: 'aborted' } : { kind: 'failed', failure: failureFromError(error) };
    }
    trace?.upstreamResponse(response.statusCode, response.headers);
    if (response.statusCode !== 401 || authRetry > 0) break;
    // The token may have been revoked early: one fresh mint, one more try. A second 401 is the account's.
    response.dump();
    try {
      token = await deps.tokens.renew(account.id);
    } catch (error) {
      return signal.aborted ? { kind: 'aborted' } : { kind: 'failed', failure: failureFromMint(error) };
    }
  }

  if (response.statusCode !== 200) {
    const text = await response.text(ERROR_BODY_LIMIT);
    if (response.statusCode === 401) deps.tokens.invalidate(account.id);
    return { kind: 'failed', failure: failureFromStatus(response.statusCode, text, response.headers['retry-after']) };
  }

  return streamEvents(response, input);
}

function streamEvents(response: UpstreamResponse, input: AttemptInput): Promise<AttemptOutcome> {
  const { responder, trace, signal } = input;
  const translator = new StreamTranslator({ ...input.translator, sink: responder.sink });
  translator.start();
  const decoder = new UpstreamEventDecoder();
  const events: UpstreamEvent[] = [];
  const parser = new SseParser({
    onJson: (value, raw) => {
      trace?.upstreamEvent(raw);
      decoder.decode(value, events);
    },
    onMalformed: (raw) => trace?.upstreamEvent(`[malformed] ${raw}`),
  });

  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    /** Applies queued events; true once the turn is over. */
    const drainEvents = (): boolean => {
      let over = false;
      for (const event of events) {
        if (!translator.apply(event)) {
          over = true;
          break;
        }
      }
      events.length = 0;
      return over;
    };
    // Neither outcome flushes: on success the last frames go out with the response's end (one write fewer), and on
    // failure the proxy decides whether what is queued is dropped (failover) or sent before an error event.
    const conclude = (): void => {
      if (translator.failure) {
        const failure = translator.failure;
        settle({
          kind: 'failed',
          failure:
            failure.kind === 'credits-exhausted'
              ? { kind: 'quota', message: `Orchids credits exhausted: ${failure.message}` }
              : failureFromUpstreamError(failure.code, failure.message),
        });
        return;
      }
      // A finish, or an EOF without one: either way the turn closes cleanly with what arrived.
      const { stopReason, usage } = translator.complete();
      settle({ kind: 'done', stopReason, usage });
    };

    response.consume({
      data: (chunk) => {
        if (settled) return; // after the turn ended the rest is read only to keep the connection reusable
        parser.push(chunk);
        if (drainEvents()) conclude();
        else responder.flush();
      },
      end: () => {
        if (settled) return;
        parser.end();
        drainEvents();
        conclude();
      },
      error: (error) => {
        if (settled) return;
        if (signal.aborted) {
          settle({ kind: 'aborted' });
          return;
        }
        settle({ kind: 'failed', failure: failureFromError(error) });
      },
    });
  });
}

function failureFromMint(error: unknown): UpstreamFailure {
  if (error instanceof ClerkError) {
    return error.kind === 'rejected'
      ? { kind: 'signed_out', message: error.message, status: error.status }
      : { kind: 'clerk_unavailable', message: error.message };
  }
  if (error instanceof AccountError && error.code === 'locked') return { kind: 'locked', message: error.message };
  return { kind: 'clerk_unavailable', message: `Could not get a token: ${(error as Error).message}` };
}
