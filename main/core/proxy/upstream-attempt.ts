import type { HeldTurn, TranslatorOptions } from '../anthropic/stream-translator';
import type { StopReason, Usage } from '../anthropic/types';
import type { AccountRecord } from '../accounts/types';
import { AccountError } from '../accounts/account-service';
import { ClerkError } from '../clerk/clerk-client';
import type { TokenCache } from '../clerk/token-cache';
import { failureFromError, failureFromStatus, type UpstreamFailure } from '../orchids/failure';
import type { UpstreamBodies } from '../orchids/upstream-bodies';
import type { UpstreamProtocol } from '../upstream/protocol';
import type { ProtocolChoice, ProtocolStep } from '../upstream/protocol-choice';
import type { UpstreamExchange, UpstreamTransport } from '../upstream/transport';
import { readAnswer, type TryOutcome } from './answer-reader';
import type { RequestTrace } from './observer';
import type { PinnedMismatchWatch } from './pinned-mismatch';
import type { Responder } from './responders';
import type { Cancellation } from '../util/cancellation';
import { cliCommand } from '../util/cli-command';

export type AttemptOutcome =
  | { kind: 'done'; stopReason: StopReason; usage: Usage; held?: HeldTurn; protocol: UpstreamProtocol }
  | { kind: 'failed'; failure: UpstreamFailure; protocol: UpstreamProtocol | undefined; sent?: Usage }
  /** `protocol`: the one the request had gone out on when the client left, if it had. */
  | { kind: 'aborted'; protocol?: UpstreamProtocol; sent?: Usage };

export interface AttemptDeps {
  tokens: TokenCache;
  transports: Readonly<Record<UpstreamProtocol, UpstreamTransport>>;
  protocols: ProtocolChoice;
  /** The Clerk cookie header for an account (spec §2.2), cheap on the request path. */
  cookieHeader: (account: AccountRecord) => string;
  /** Counted once per account a request is sent to, the moment it is first sent. */
  countRequest: (accountId: number) => void;
  /** Where a pin the service does not speak is noted for the window and the tray; absent for an account test. */
  pinned?: PinnedMismatchWatch;
}

export interface AttemptInput {
  account: AccountRecord;
  bodies: UpstreamBodies;
  responder: Responder;
  translator: Omit<TranslatorOptions, 'sink'>;
  signal: Cancellation;
  trace: RequestTrace | undefined;
}

const ERROR_BODY_LIMIT = 8192;

/**
 * How each protocol's request looks in a debug record: where it went, and which credentials it carried (never their
 * values).
 */
const TRACED_REQUEST: Record<UpstreamProtocol, (url: string) => [string, Record<string, string>]> = {
  ws: (url) => [`${url}${url.includes('?') ? '&' : '?'}token=[redacted]`, { cookie: '[redacted]' }],
  'sse-b': (url) => [url, { authorization: 'Bearer [redacted]', cookie: '[redacted]' }],
  'sse-a': (url) => [url, { authorization: 'Bearer [redacted]' }],
};

/**
 * One account's turn at a request: a token (cached; minted only on a cold start), then the account's protocols in
 * the order `ProtocolChoice` plans. Moving to the next protocol happens only on a failure that says "this endpoint
 * does not speak that", and only while nothing has reached the client.
 */
export async function runAttempt(deps: AttemptDeps, input: AttemptInput): Promise<AttemptOutcome> {
  const { account, signal } = input;
  const steps = deps.protocols.plan(account);
  // Before the token and the count: a refused request reaches neither Clerk nor Orchids.
  const refused = input.bodies.refusal(steps[0]!.protocol);
  if (refused) return { kind: 'failed', failure: refused, protocol: steps[0]!.protocol };
  const token = { value: '' };
  try {
    token.value = deps.tokens.peek(account.id) ?? (await deps.tokens.get(account.id));
  } catch (error) {
    return signal.aborted
      ? { kind: 'aborted' }
      : { kind: 'failed', failure: failureFromMint(error), protocol: undefined };
  }
  deps.countRequest(account.id);

  const refusals: string[] = [];
  let last: { step: ProtocolStep; failure: UpstreamFailure } | undefined;
  for (const step of steps) {
    if (signal.aborted) return { kind: 'aborted' };
    // The send and the answer are awaited here rather than in a helper per protocol: every request crosses both,
    // and a helper would put its own promise and hop between each of them and this loop.
    const encoded = input.bodies.for(step.protocol, account);
    const body = encoded instanceof Promise ? await encoded : encoded;
    let exchange: UpstreamExchange | TryOutcome;
    try {
      // Inside the try: a transport that throws before its promise exists is a failed attempt too.
      const sending = send(deps, input, step, token.value, body);
      exchange = sending instanceof Promise ? await sending : sending;
    } catch (error) {
      exchange = sendFailure(signal, error);
    }
    if ('status' in exchange && exchange.status === 401) {
      exchange = await sendAfterRenewal(deps, input, step, token, body, exchange);
    }
    const outcome = !('status' in exchange)
      ? exchange
      : exchange.status !== 200 || exchange.refusedUpgrade
        ? await refusal(deps, account, exchange)
        : await readAnswer(exchange, input, step);
    // A client that leaves mid-answer (Esc in Cline's or Codex's window) was being answered over this protocol.
    if (outcome.kind === 'aborted') return 'status' in exchange ? { ...outcome, protocol: step.protocol } : outcome;
    if (outcome.kind === 'done') {
      deps.protocols.answered(account, step.protocol);
      deps.pinned?.answered(step.protocol);
      // Spelled out, not `{ ...outcome, protocol }`: on Node 20 a spread followed by a property of its own takes
      // V8's slow path, ~3 µs an object in isolation and the hottest line of the ws profile (2026-12-07).
      return {
        kind: 'done',
        stopReason: outcome.stopReason,
        usage: outcome.usage,
        held: outcome.held,
        protocol: step.protocol,
      };
    }
    const { failure } = outcome;
    if (outcome.recognized) deps.protocols.answered(account, step.protocol);
    const mismatch =
      failure.mismatch === 'certain' ||
      (failure.mismatch === 'unless-confirmed' && !step.confirmed && !outcome.recognized);
    if (!mismatch || input.responder.contentSent || steps.length === 1) {
      // A pin the service does not speak fails every request while the account looks ready: say what to change.
      const pinned = mismatch && deps.protocols.setting !== 'auto';
      if (pinned) deps.pinned?.missed(step.protocol, Date.now());
      return {
        kind: 'failed',
        failure: pinned ? pinnedMismatch(failure, step) : failure,
        protocol: step.protocol,
        sent: outcome.sent,
      };
    }
    input.trace?.attemptFailed(account.id, failure.kind, `${step.protocol} is not answering here: ${failure.message}`);
    if (step.confirmed) deps.protocols.refused(account, step.protocol);
    refusals.push(`${step.protocol}: ${failure.message}`);
    last = { step, failure };
    input.responder.resetAttempt();
  }
  return {
    kind: 'failed',
    protocol: last?.step.protocol,
    failure: {
      kind: 'server',
      message:
        `No Orchids endpoint answered in a protocol Orchids Tray speaks (${refusals.join('; ')}). ` +
        'The service may have moved: see ORCHIDS_AGENT_WS_URL, ORCHIDS_AGENT_B_URL and ORCHIDS_AGENT_URL. ' +
        `Test in the Accounts view, or \`${cliCommand(`accounts test ${account.id}`)}\`, shows each protocol's answer.`,
    },
  };
}

function pinnedMismatch(failure: UpstreamFailure, step: ProtocolStep): UpstreamFailure {
  return {
    ...failure,
    message:
      `${failure.message} The upstream protocol is pinned to ${step.protocol}, and Orchids does not answer on it ` +
      'here: set upstreamProtocol to auto (Settings → Upstream, or ORCHIDS_TRAY_UPSTREAM_PROTOCOL when that pins ' +
      'it) to find the one it speaks.',
  };
}

/**
 * Sends one protocol's request: the transport's own promise, or the outcome when it cannot be sent. Not async, so
 * the caller awaits the transport directly.
 */
function send(
  deps: AttemptDeps,
  input: AttemptInput,
  step: ProtocolStep,
  token: string,
  body: Buffer,
): Promise<UpstreamExchange> | TryOutcome {
  const { account, signal, trace } = input;
  if (signal.aborted) return { kind: 'aborted' };
  const transport = deps.transports[step.protocol];
  let cookieHeader: string;
  try {
    cookieHeader = deps.cookieHeader(account);
  } catch (error) {
    return { kind: 'failed', failure: failureFromMint(error), recognized: false };
  }
  if (trace) {
    const [url, headers] = TRACED_REQUEST[step.protocol](transport.url());
    trace.upstreamRequest(step.protocol, url, headers, body, account.id);
  }
  const sending = transport.send({ accountId: account.id, token, cookieHeader, body, signal });
  if (!trace) return sending;
  return sending.then((exchange) => {
    trace.upstreamResponse(exchange.status, exchange.headers);
    return exchange;
  });
}

function sendFailure(signal: Cancellation, error: unknown): TryOutcome {
  return signal.aborted ? { kind: 'aborted' } : { kind: 'failed', failure: failureFromError(error), recognized: false };
}

/** After a 401: the token may have been revoked early, so one fresh mint and one more try (a second 401 is final). */
async function sendAfterRenewal(
  deps: AttemptDeps,
  input: AttemptInput,
  step: ProtocolStep,
  token: { value: string },
  body: Buffer,
  refused: UpstreamExchange,
): Promise<UpstreamExchange | TryOutcome> {
  refused.dump();
  try {
    token.value = await deps.tokens.renew(input.account.id);
  } catch (error) {
    return input.signal.aborted
      ? { kind: 'aborted' }
      : { kind: 'failed', failure: failureFromMint(error), recognized: false };
  }
  try {
    return await send(deps, input, step, token.value, body);
  } catch (error) {
    return sendFailure(input.signal, error);
  }
}

/** A status other than 200, or a WebSocket upgrade answered in plain HTTP: why, as a failure. */
async function refusal(deps: AttemptDeps, account: AccountRecord, exchange: UpstreamExchange): Promise<TryOutcome> {
  const text = await exchange.text(ERROR_BODY_LIMIT);
  if (exchange.status === 401) deps.tokens.invalidate(account.id);
  const failure = failureFromStatus(exchange.status, text, exchange.headers['retry-after']);
  if (exchange.refusedUpgrade && exchange.status < 400) {
    // Something answered, but not with a WebSocket: no Orchids agent socket lives at this address.
    failure.kind = 'server';
    failure.mismatch = 'certain';
    failure.message = `The WebSocket upgrade was answered with HTTP ${exchange.status} instead of a socket.`;
  }
  return { kind: 'failed', failure, recognized: false };
}

export function failureFromMint(error: unknown): UpstreamFailure {
  if (error instanceof ClerkError) {
    return error.kind === 'rejected'
      ? { kind: 'signed_out', message: error.message, status: error.status }
      : { kind: 'clerk_unavailable', message: error.message };
  }
  if (error instanceof AccountError && error.code === 'locked') return { kind: 'locked', message: error.message };
  return { kind: 'clerk_unavailable', message: `Could not get a token: ${(error as Error).message}` };
}
