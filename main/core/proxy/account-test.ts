import type { AccountTestResult, AccountTestStep } from '../../../contract/account-views';
import type { AccountRecord } from '../accounts/types';
import { MessageAccumulator } from '../anthropic/message-accumulator';
import type { MessagesRequest } from '../anthropic/types';
import type { TokenCache } from '../clerk/token-cache';
import { ACCOUNT_FAILURES, type UpstreamFailure } from '../orchids/failure';
import { mapModel, type ModelMap } from '../orchids/model-map';
import { NO_TOOLS } from '../orchids/prepared-tools';
import { chatSessionIdFor } from '../orchids/request-builder';
import { UpstreamBodies } from '../orchids/upstream-bodies';
import { ProtocolChoice } from '../upstream/protocol-choice';
import { UPSTREAM_PROTOCOLS, type ProtocolSetting, type UpstreamProtocol } from '../upstream/protocol';
import type { UpstreamTransport } from '../upstream/transport';
import { Cancellation } from '../util/cancellation';
import { newMessageId } from '../util/ids';
import type { Responder } from './responders';
import { failureFromMint, runAttempt } from './upstream-attempt';
import { UpstreamEventTally } from './upstream-event-tally';

/** Short, cheap and unmistakable: any reply at all proves the path works. */
const TEST_PROMPT = 'This is a connection test from Orchids Tray. Reply with the single word OK.';
const TEST_MAX_TOKENS = 32;
/** The model a test asks for unless told otherwise; the model map turns it into the upstream's id. */
const TEST_MODEL = 'claude-sonnet-4-6';
const REPLY_LIMIT = 200;
/**
 * A step's whole answer, at most: a person is waiting, and the request's own timeouts (a minute to the first byte,
 * two between events) are sized for long agent turns, not for "Reply with OK".
 */
const STEP_LIMIT_MS = 30_000;

export interface AccountTestDeps {
  tokens: TokenCache;
  transports: Readonly<Record<UpstreamProtocol, UpstreamTransport>>;
  cookieHeader: (account: AccountRecord) => string;
  setting: () => ProtocolSetting;
  modelMap: () => ModelMap;
  thinkingMode: () => 'auto' | 'enabled' | 'disabled';
  /** Redacts the secrets the app holds from text the service or an exception wrote (SecretRedactor.redact). */
  redact: (text: string) => string;
  now?: () => number;
  /** How long one protocol's step may take before it is stopped and reported as failed. */
  stepLimitMs?: number;
}

export interface AccountTestOptions {
  /** Test this protocol only. */
  protocol?: UpstreamProtocol;
  /** Go on after a protocol answered, so every protocol is tried. */
  all?: boolean;
  model?: string;
}

/**
 * One short request through the real upstream path (the token cache, the shared pool, each protocol's transport,
 * the same attempt and failure classification requests use), step by step, for a person asking "does this account
 * work, and over what?". Unlike a request it is counted nowhere (no history row, no request count), moves no
 * account state and changes no remembered protocol: it reports, and the next real request decides.
 */
export class AccountTester {
  private readonly now: () => number;

  constructor(private readonly deps: AccountTestDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * The report quotes what the service and the sockets said (shown in the window, copied from it, printed by
   * `accounts test`): redacted here, once, whichever step wrote it.
   */
  async test(account: AccountRecord, options: AccountTestOptions = {}): Promise<AccountTestResult> {
    const result = await this.run(account, options);
    const { redact } = this.deps;
    return {
      ...result,
      verdict: redact(result.verdict),
      steps: result.steps.map((step) => ({
        ...step,
        detail: redact(step.detail),
        ...(step.reply === undefined ? {} : { reply: redact(step.reply) }),
      })),
    };
  }

  private async run(account: AccountRecord, options: AccountTestOptions): Promise<AccountTestResult> {
    const setting = this.deps.setting();
    const requested = options.model ?? TEST_MODEL;
    const model = mapModel(requested, this.deps.modelMap());
    const order = options.protocol ? [options.protocol] : setting === 'auto' ? [...UPSTREAM_PROTOCOLS] : [setting];
    const steps: AccountTestStep[] = [];
    const base = { id: account.id, name: account.name, setting, model };

    const signIn = await this.signIn(account);
    steps.push(signIn);
    if (signIn.outcome !== 'ok') {
      for (const protocol of order) steps.push(skipped(protocol, 'not tried: no session token'));
      return { ...base, steps, works: null, verdict: `No session from Clerk: ${signIn.detail}` };
    }

    let works: UpstreamProtocol | null = null;
    let stopAfter: AccountTestStep | undefined;
    for (const protocol of order) {
      if (stopAfter) {
        steps.push(skipped(protocol, `not tried: ${stopAfter.step} ${describeStop(stopAfter)}`));
        continue;
      }
      const step = await this.tryProtocol(account, protocol, requested, model);
      steps.push(step);
      if (step.outcome === 'answered') works ??= protocol;
      // As `auto` does: only "this address does not speak that" moves on to the next protocol.
      if (!options.all && step.outcome !== 'not-here') stopAfter = step;
    }
    return { ...base, steps, works, verdict: verdict(works, steps, setting, options.protocol) };
  }

  private async signIn(account: AccountRecord): Promise<AccountTestStep> {
    const started = this.now();
    const cached = this.deps.tokens.current(account.id);
    if (cached) return { step: 'sign-in', outcome: 'ok', detail: 'a session token was at hand (no Clerk call)' };
    try {
      await this.deps.tokens.get(account.id);
      return {
        step: 'sign-in',
        outcome: 'ok',
        detail: 'Clerk gave a fresh session token',
        ms: this.now() - started,
      };
    } catch (error) {
      const failure = failureFromMint(error);
      return {
        step: 'sign-in',
        outcome: ACCOUNT_FAILURES.has(failure.kind) ? 'refused' : 'failed',
        detail: failure.message,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        ms: this.now() - started,
      };
    }
  }

  /** `model` is the id the client side asks for (echoed in the answer), `upstreamModel` what Orchids is sent. */
  private async tryProtocol(
    account: AccountRecord,
    protocol: UpstreamProtocol,
    model: string,
    upstreamModel: string,
  ): Promise<AccountTestStep> {
    const request: MessagesRequest = {
      model,
      max_tokens: TEST_MAX_TOKENS,
      stream: true,
      messages: [{ role: 'user', content: TEST_PROMPT }],
    };
    const bodies = new UpstreamBodies(request, {
      upstreamModel,
      // The same `chat_…` form as a real request with no conversation key (spec 2.2), not a bare random string.
      chatSessionId: () => chatSessionIdFor(request, {}),
      tools: NO_TOOLS,
      thinkingMode: this.deps.thinkingMode(),
    });
    const responder = new CollectingResponder(this.now);
    const tally = new UpstreamEventTally();
    const started = this.now();
    const signal = new Cancellation();
    const limitMs = this.deps.stepLimitMs ?? STEP_LIMIT_MS;
    const limit = setTimeout(() => signal.abort(), limitMs);
    const outcome = await runAttempt(
      {
        tokens: this.deps.tokens,
        transports: this.deps.transports,
        // Pinned to the one protocol under test, remembering nothing.
        protocols: new ProtocolChoice({ setting: () => protocol, remember: () => undefined }),
        cookieHeader: this.deps.cookieHeader,
        countRequest: () => undefined,
      },
      {
        account,
        bodies,
        responder,
        translator: {
          messageId: newMessageId(),
          model,
          inputTokensEstimate: 0,
          tools: undefined,
          includeThinking: false,
          toolPolicy: undefined,
          stopSequences: undefined,
        },
        signal,
        trace: tally.trace(),
      },
    ).finally(() => clearTimeout(limit));
    const measured = {
      ms: this.now() - started,
      ...(responder.firstEventAt === null ? {} : { firstEventMs: responder.firstEventAt - started }),
      ...(tally.size ? { events: tally.list() } : {}),
      ...(tally.status === undefined ? {} : { status: tally.status }),
    };
    if (outcome.kind === 'done') {
      const reply = responder.text().slice(0, REPLY_LIMIT);
      return {
        step: protocol,
        outcome: 'answered',
        detail: reply
          ? `the agent replied (${outcome.stopReason})`
          : `the agent answered with no text (${outcome.stopReason})`,
        ...measured,
        reply,
      };
    }
    if (outcome.kind === 'aborted') {
      const within = limitMs % 1000 === 0 ? `${limitMs / 1000} s` : `${limitMs} ms`;
      const detail = `no complete answer within ${within}; the test stopped waiting`;
      return { step: protocol, outcome: 'failed', detail, ...measured };
    }
    return { step: protocol, ...classify(outcome.failure), ...measured };
  }
}

function classify(failure: UpstreamFailure): Pick<AccountTestStep, 'outcome' | 'detail' | 'status'> {
  const status = failure.status === undefined ? {} : { status: failure.status };
  // A 400 on a protocol being probed reads as "this endpoint does not take this body" (upstream/protocol-choice.ts).
  if (failure.mismatch) return { outcome: 'not-here', detail: failure.message, ...status };
  if (ACCOUNT_FAILURES.has(failure.kind)) return { outcome: 'refused', detail: failure.message, ...status };
  return { outcome: 'failed', detail: failure.message, ...status };
}

const skipped = (step: UpstreamProtocol, detail: string): AccountTestStep => ({ step, outcome: 'skipped', detail });

function describeStop(step: AccountTestStep): string {
  switch (step.outcome) {
    case 'answered':
      return 'answered';
    case 'refused':
      return 'refused the account';
    default:
      return 'failed, and a request would not fall back past it';
  }
}

function verdict(
  works: UpstreamProtocol | null,
  steps: readonly AccountTestStep[],
  setting: ProtocolSetting,
  only: UpstreamProtocol | undefined,
): string {
  const tried = steps.filter((s) => s.step !== 'sign-in' && s.outcome !== 'skipped');
  if (works) {
    const answered = tried.find((s) => s.step === works)!;
    return `Works over ${works}: the Orchids agent answered in ${answered.ms} ms.`;
  }
  const refused = tried.find((s) => s.outcome === 'refused');
  if (refused) return `The service turned this account away on ${refused.step}: ${refused.detail}`;
  if (tried.length > 0 && tried.every((s) => s.outcome === 'not-here')) {
    const which = only
      ? `${only} (asked for)`
      : setting === 'auto'
        ? 'none of ws, sse-b and sse-a'
        : `${setting} (pinned by the upstreamProtocol setting)`;
    return (
      `Signed in, but no Orchids agent answered on ${which}. The service may have moved: check ORCHIDS_AGENT_WS_URL, ` +
      'ORCHIDS_AGENT_B_URL and ORCHIDS_AGENT_URL.'
    );
  }
  const failed = tried.find((s) => s.outcome === 'failed');
  return failed ? `Signed in, but ${failed.step} failed: ${failed.detail}` : 'Nothing was tried.';
}

/** Collects the answer as the non-streamed path would, and notes when its first event came. */
class CollectingResponder implements Responder {
  private accumulator = new MessageAccumulator();
  firstEventAt: number | null = null;
  readonly firstFrameAt = null;
  readonly contentSent = false;

  constructor(private readonly now: () => number) {}

  readonly sink = (name: string, payload: Record<string, unknown>): void => {
    this.firstEventAt ??= this.now();
    this.accumulator.sink(name, payload);
  };

  text(): string {
    const message = this.accumulator.result('end_turn', { input_tokens: 0, output_tokens: 0 });
    return message.content
      .map((block) => (block.type === 'text' ? (block as { text: string }).text : ''))
      .join('')
      .trim();
  }

  flush(): void {}
  resetAttempt(): void {
    this.accumulator = new MessageAccumulator();
  }
  finish(): void {}
  fail(): void {}
}
