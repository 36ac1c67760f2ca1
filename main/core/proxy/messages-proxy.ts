import type { IncomingMessage, ServerResponse } from 'node:http';
import { offeredTools } from '../anthropic/deferred-tools';
import { outputInstruction, type Rejection } from '../anthropic/structured/output-instruction';
import { planOutput, withSystemNote, type OutputPlan } from '../anthropic/structured/output-plan';
import { estimateInputTokens, estimateInputTokensYielding } from '../anthropic/token-estimate';
import type { MessagesRequest } from '../anthropic/types';
import { mapModel, type ModelMap } from '../orchids/model-map';
import type { PreparedTools, PreparedToolsCache } from '../orchids/prepared-tools';
import { chatSessionIdFor } from '../orchids/request-builder';
import { UpstreamBodies, type BodiesContext } from '../orchids/upstream-bodies';
import { ApiError, ContextOverflowError } from '../server/errors';
import { isLargeBody } from '../server/json-body';
import { Cancellation } from '../util/cancellation';
import { newMessageId } from '../util/ids';
import { TimeSlices } from '../util/time-slices';
import { ANTHROPIC_FORMAT, type ApiFormat } from './api-format';
import { RequestRun, type FailoverDeps, type RunResult } from './failover';
import type { Heartbeat } from './heartbeat';
import type { ProxyObserver, RequestStart } from './observer';
import { JsonResponder, SseResponder, type Responder } from './responders';
import { serveChecked, type CheckedJob } from './structured-run';
import { continueAfterDeclined } from './declined-calls';
import { ownAnswer, ownStopReason, writeOwnAnswer } from './own-answer';
import { OverflowMemory } from './overflow-memory';
import type { ToolCallPolicy } from '../anthropic/call-route';

/** A summary's calls, to the client's tools or not, reach nobody (ApiFormat.summaryOnly). */
const SUMMARY_ONLY_POLICY: ToolCallPolicy = Object.freeze({ dropUnmapped: true });

export interface MessagesProxyDeps extends FailoverDeps {
  observer: ProxyObserver;
  heartbeat: Heartbeat;
  modelMap: () => ModelMap;
  tools: PreparedToolsCache;
  /** The `thinkingMode` setting for Generation B bodies. */
  thinkingMode: () => 'auto' | 'enabled' | 'disabled';
  now?: () => number;
}

export interface ServeOptions {
  /** The API the answer is written in; Anthropic's when absent. */
  format?: ApiFormat;
  /** The body as the client sent it, for the debug record (an OpenAI body before its conversion). */
  incoming?: unknown;
  /** The size of the body as received: a large one is estimated and encoded in time slices (see isLargeBody). */
  bodyBytes?: number;
  /** Why Generation B must not be sent this request (see UpstreamBodies.refusal); Generation A still serves it. */
  genBRefusal?: string;
}

interface PreparedJob extends CheckedJob {
  inputTokensEstimate: number;
}

/**
 * Serves one request in the Anthropic shape the whole pipeline speaks, whichever API it came in on: the routes of
 * the other APIs convert their request into a MessagesRequest and pass the format their answer is written in. An
 * account is chosen from memory, the request goes upstream (failover.ts), and the answer streams back; an answer
 * with a forced shape is checked first (structured-run.ts). History, debug records and live events are the same
 * for every API.
 */
export class MessagesProxy {
  private readonly now: () => number;
  /** Context overflows a stream ended in after its 200, for Claude Code's unstreamed resend (./overflow-memory.ts). */
  private readonly overflows: OverflowMemory;

  constructor(private readonly deps: MessagesProxyDeps) {
    this.now = deps.now ?? Date.now;
    this.overflows = new OverflowMemory(this.now);
  }

  /** Throws RequestValidationError, before anything is sent or recorded, for an impossible tool_choice or schema. */
  async handle(
    request: MessagesRequest,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    receivedAt: number,
    options: ServeOptions = {},
  ): Promise<void> {
    const { deps } = this;
    // Before planOutput: a forced web search, which it refuses, is answered by the proxy (./web-search-answer.ts).
    const own = ownAnswer(request);
    const plan = own ? undefined : planOutput(request);
    const format = options.format ?? ANTHROPIC_FORMAT;
    const stream = request.stream === true;
    const upstreamModel = mapModel(request.model, deps.modelMap());
    // DECISION: on /v1/messages only. The resend is Claude Code's (and the Anthropic SDK's users'); Codex and the
    // OpenAI SDKs stream and act on the stream's error, so memory kept on the OpenAI routes would cost a hash of a long
    // conversation per overflow and be read by nobody. Unstreamed only: that is the resend; a streamed repeat is
    // someone trying again, and goes upstream. While nothing is remembered this is one size check.
    const remembered =
      stream || format.api !== ANTHROPIC_FORMAT.api ? undefined : this.overflows.recall(request, upstreamModel);
    const trace = deps.observer.trace(requestId, receivedAt);
    trace?.incoming(req.headers, options.incoming ?? request, req.url);
    const start: RequestStart = {
      requestId,
      startedAt: receivedAt,
      api: format.api,
      model: request.model,
      upstreamModel,
      stream,
    };
    deps.observer.requestStarted(start);

    const responder: Responder = stream
      ? new SseResponder(res, deps.heartbeat, format, this.now)
      : new JsonResponder(res, format, this.now);
    // The responder notes its first write itself: a listener per request only when a debug record wants the frames.
    if (trace) responder.onFrame = (frame) => trace.clientFrame(frame);
    const cancellation = new Cancellation();
    // `on` rather than `once`, and a flag rather than `off` once the run is over: a response closes only once, and
    // this spares a wrapper and a listener-list walk per request.
    let runOver = false;
    res.on('close', () => {
      if (!runOver && !res.writableFinished) cancellation.abort();
    });

    // A Task's sub-agent to wait for, or a web search: the proxy's own answer, no account and no upstream
    // (./own-answer.ts).
    if (own) {
      runOver = true;
      trace?.answeredByProxy(own.reason);
      const stopReason = ownStopReason(own);
      responder.finish(stopReason, writeOwnAnswer(responder.sink, own, newMessageId(), request.model));
      const result: RunResult = { kind: 'done', stopReason, usage: { input_tokens: 0, output_tokens: 0 } };
      this.report(start, format, result, unserved(), 0, responder.firstFrameAt);
      return;
    }
    // The refusal this conversation just had: answered again at once, no account and no upstream, reported as an
    // answer of the proxy's own (a 400 with no account, protocol or tokens; `answeredBy` in its debug record).
    if (remembered) {
      runOver = true;
      trace?.answeredByProxy('context overflow just refused');
      responder.fail(remembered);
      this.report(start, format, { kind: 'failed', error: remembered }, unserved(), 0, responder.firstFrameAt);
      return;
    }

    const tools = deps.tools.prepare(offeredTools(request.tools, request.messages));
    // A large body's estimate and encoding take hundreds of milliseconds: worked in slices, other clients go on.
    const slices = isLargeBody(options.bodyBytes ?? 0) ? new TimeSlices() : undefined;
    const inputTokensEstimate = slices
      ? await estimateInputTokensYielding(request, tools.tokens, slices)
      : estimateInputTokens(request, tools.tokens);
    const job = this.prepare(request, req, upstreamModel, plan, {
      tools,
      inputTokensEstimate,
      slices,
      clientBytes: options.bodyBytes,
      genBRefusal: options.genBRefusal,
      summaryOnly: format.summaryOnly,
    });
    const run = new RequestRun(deps, receivedAt, cancellation, trace, this.now);
    let result = plan?.shape
      ? await serveChecked(run, job, plan.shape, responder, trace)
      : await run.run(job.bodies(), responder, job.translator);
    // Rare, and off the common path: no closure or extra await for a turn that was not held.
    if (result.kind === 'done' && result.held) {
      result = await continueAfterDeclined(run, request, job, result, responder, (conversation) =>
        this.prepare(conversation, req, upstreamModel, plan, {
          tools,
          inputTokensEstimate: estimateInputTokens(conversation, tools.tokens),
        }),
      );
    }

    runOver = true;
    if (result.kind === 'done') {
      responder.finish(result.stopReason, result.usage);
      // An answer the client's format refused is reported as the failure the client was sent instead.
      if (responder.refused) result = { kind: 'failed', error: responder.refused, sent: result.usage };
    } else {
      responder.fail(result.kind === 'failed' ? result.error : new ApiError('api_error', 'The client went away.'));
      // Told in an error event after a ping had sent the 200: Claude Code will send it again unstreamed.
      if (
        stream &&
        result.kind === 'failed' &&
        result.error instanceof ContextOverflowError &&
        responder.firstFrameAt !== null &&
        format.api === ANTHROPIC_FORMAT.api
      ) {
        this.overflows.remember(request, upstreamModel, result.error);
      }
    }
    this.report(start, format, result, run, job.inputTokensEstimate, responder.firstFrameAt);
  }

  private prepare(
    request: MessagesRequest,
    req: IncomingMessage,
    upstreamModel: string,
    plan: OutputPlan | undefined,
    {
      tools,
      inputTokensEstimate,
      slices,
      clientBytes,
      genBRefusal,
      summaryOnly,
    }: {
      tools: PreparedTools;
      inputTokensEstimate: number;
      slices?: TimeSlices;
      clientBytes?: number;
      genBRefusal?: string;
      /** The answer is a summary, not a turn to act on (ApiFormat.summaryOnly). */
      summaryOnly?: boolean;
    },
  ): PreparedJob {
    const { deps } = this;
    // Without a conversation key the id is random: made once, so every attempt of this request shares it.
    let chatSessionId: string | undefined;
    const context: BodiesContext = {
      upstreamModel,
      chatSessionId: () => (chatSessionId ??= chatSessionIdFor(request, req.headers)),
      tools,
      thinkingMode: deps.thinkingMode(),
      slices,
      clientBytes,
      genBRefusal,
    };
    const thinkingType = (request.thinking as { type?: string } | undefined)?.type;
    return {
      inputTokensEstimate,
      translator: {
        messageId: newMessageId(),
        model: request.model,
        inputTokensEstimate,
        tools: request.tools,
        deferredToolSource: request,
        includeThinking: thinkingType === 'enabled' || thinkingType === 'adaptive',
        toolPolicy: plan
          ? { withhold: plan.withholdToolCalls, maxToolUses: plan.maxToolUses, dropUnmapped: summaryOnly }
          : summaryOnly
            ? SUMMARY_ONLY_POLICY
            : undefined,
        stopSequences: request.stop_sequences,
        // A forced shape's answer is checked whole (structured-run.ts), never continued.
        holdDeclined: !plan?.shape,
      },
      bodies: (rejected) =>
        new UpstreamBodies(request, plan ? { ...context, variants: instructed(request, plan, rejected) } : context),
    };
  }

  private report(
    start: RequestStart,
    format: ApiFormat,
    result: RunResult,
    run: Served,
    inputTokensEstimate: number,
    firstByteAt: number | null,
  ): void {
    const finishedAt = this.now();
    const done = result.kind === 'done' ? result : undefined;
    const error = result.kind === 'failed' ? result.error : undefined;
    const aborted = result.kind === 'aborted';
    const usage = result.kind === 'done' ? result.usage : result.sent;
    // Every field written out, no `...start`: an object cloned from a 6-field one and then given 17 more goes past
    // V8's limit for fast out-of-object properties and turns into a dictionary, and that cost ~40 µs a request here
    // (a CPU profile charged it to each line of this literal).
    this.deps.observer.requestFinished({
      requestId: start.requestId,
      startedAt: start.startedAt,
      api: start.api,
      model: start.model,
      upstreamModel: start.upstreamModel,
      stream: start.stream,
      finishedAt,
      status: done ? 200 : error ? format.errorStatus(error) : 499,
      stopReason: done?.stopReason ?? null,
      // A failure before any answer was read or billed upstream: counting the prompt's estimate put tokens into the
      // row and "Tokens in today" for work that never happened. A client that left still had the upstream at work.
      inputTokens: usage?.input_tokens ?? (error ? 0 : inputTokensEstimate),
      outputTokens: usage?.output_tokens ?? 0,
      firstByteMs: firstByteAt === null ? null : firstByteAt - start.startedAt,
      durationMs: finishedAt - start.startedAt,
      accountId: run.tried.at(-1) ?? null,
      accountsTried: run.tried,
      retries: run.retries,
      protocol: run.protocol ?? null,
      accountName: run.lastAccount?.name ?? null,
      accountEmail: run.lastAccount?.email ?? null,
      errorType: aborted ? 'client_closed' : (error?.type ?? null),
      // The history row, the live event and the exports all take it from here. Failover redacted what the upstream
      // said already; this pass also covers errors raised elsewhere (validation quotes what the client sent), and
      // costs a few short regex passes on a failure only.
      errorMessage: aborted ? 'The client closed the connection.' : error ? this.deps.redact(error.message) : null,
    });
  }
}

/** What the history row says of the accounts and protocol that served a request. */
type Served = Pick<RequestRun, 'tried' | 'retries' | 'protocol' | 'lastAccount'>;

/** A request no account served and no upstream saw: the proxy answered it itself. A fresh list, as the row keeps it. */
function unserved(): Served {
  return { tried: [], retries: 0, protocol: undefined, lastAccount: undefined };
}

/** The request each generation is sent: the plan's instruction in its system text (the same request when none). */
function instructed(
  request: MessagesRequest,
  plan: OutputPlan,
  rejected: Rejection | undefined,
): { a: MessagesRequest; b: MessagesRequest } {
  const noteA = outputInstruction(plan, 'a', rejected);
  const noteB = outputInstruction(plan, 'b', rejected);
  return {
    a: noteA ? withSystemNote(request, noteA) : request,
    b: noteB ? withSystemNote(request, noteB) : request,
  };
}
