/**
 * When the agent's turn asks only for tools the client does not have, the proxy answers those calls itself and lets
 * the agent go on, in the same message. Generation B's agent is shown no client tools and calls its own (TodoWrite,
 * MultiEdit, …); a client without them is sent each such call as a line of text (anthropic/tool-calls.ts), and a
 * turn with no tool_use in it ends the client's loop: Claude Code 2.1, which declares no TodoWrite, would stop
 * mid-task whenever the agent updated its plan. Instead the proxy sends the agent its own turn back (its thinking,
 * text and calls in the order it wrote them; the translator kept what it said for this) with a result for each call
 * saying the client lacks that tool and naming the ones it has (a to-do list the client was shown as a checklist is
 * answered as done), and streams the agent's next turn on as more of the same message.
 *
 * At most `MAX_CONTINUATIONS` times per request: an agent that keeps calling missing tools ends with its last turn
 * as before. Each continuation is one more upstream request, counted and paid like any other. A failure during one
 * ends the answer with an error, as any failure after content does.
 */
import type { HeldTurn, TranslatorOptions } from '../anthropic/stream-translator';
import type { ContentBlock, Message, MessagesRequest, Usage } from '../anthropic/types';
import { declinedAnswers } from '../anthropic/unmapped-call-text';
import type { UpstreamBodies } from '../orchids/upstream-bodies';
import type { ApiError } from '../server/errors';
import { toolUseIdFor } from '../util/ids';
import type { RequestRun, RunResult } from './failover';
import type { Responder } from './responders';

export const MAX_CONTINUATIONS = 2;

/** What one upstream turn of the request needs: how to translate it and what to send. */
export interface TurnJob {
  translator: Omit<TranslatorOptions, 'sink'>;
  bodies(): UpstreamBodies;
}

/**
 * Goes on from a first turn held for declined calls, while a turn is held: the client sees one message, the
 * continuations' blocks numbered after the ones before, and only the last turn ends it.
 */
export async function continueAfterDeclined(
  run: RequestRun,
  request: MessagesRequest,
  first: TurnJob,
  held: RunResult & { kind: 'done' },
  responder: Responder,
  prepare: (conversation: MessagesRequest) => TurnJob | Promise<TurnJob>,
): Promise<RunResult> {
  let result: RunResult = held;
  let conversation = request;
  let blocks = 0;
  let spent: Usage | undefined;
  for (let round = 1; result.kind === 'done' && result.held; round++) {
    spent = spent ? addUsage(spent, result.usage) : result.usage;
    blocks += result.held.blocks;
    conversation = withDeclinedCalls(conversation, result.held);
    // What the held turn left queued goes out now: the client sees the agent's note while the next turn is asked.
    responder.flush();
    const next = await prepare(conversation);
    const continued = new ContinuedResponder(responder, blocks, spent);
    // The held turn's text ends with its notes, which the agent's next words must not run into.
    const translator = { ...next.translator, messageId: first.translator.messageId, followsNote: true };
    result = await run.run(
      next.bodies(),
      continued,
      { ...translator, holdDeclined: round < MAX_CONTINUATIONS },
      'continued',
    );
    continued.commit();
  }
  return result.kind === 'done' && spent ? { ...result, usage: addUsage(spent, result.usage) } : result;
}

/**
 * The conversation with the agent's held turn (what it said and its calls, in the order it wrote them) and, for each
 * call, a result saying the client lacks the tool.
 */
export function withDeclinedCalls(
  request: MessagesRequest,
  held: Pick<HeldTurn, 'calls' | 'said' | 'saidBefore'>,
): MessagesRequest {
  const { calls, said } = held;
  // The same words as a call the client replays as the proxy's note is read back with (orchids/shown-calls.ts).
  const declined = declinedAnswers(request);
  const ids = calls.map((call, i) => toolUseIdFor(call.id || `declined_${i + 1}`));
  // The agent's history as it wrote it: text between two calls moved ahead of both would be a turn it never wrote.
  const content: ContentBlock[] = [];
  let next = 0;
  calls.forEach((call, i) => {
    for (const before = held.saidBefore[i]!; next < before; next++) content.push(said[next]!);
    content.push({ type: 'tool_use', id: ids[i]!, name: call.name, input: call.input });
  });
  for (; next < said.length; next++) content.push(said[next]!);
  const turn: Message = { role: 'assistant', content };
  const results: Message = {
    role: 'user',
    content: calls.map((call, i) =>
      call.shownAnswer !== undefined
        ? {
            type: 'tool_result',
            tool_use_id: ids[i]!,
            content: call.shownAnswer,
            ...(call.answerIsError ? { is_error: true } : {}),
          }
        : {
            type: 'tool_result',
            tool_use_id: ids[i]!,
            is_error: true,
            content: declined(call.name),
          },
    ),
  };
  return { ...request, messages: [...request.messages, turn, results] };
}

/**
 * The client's responder, for a continuation: the turn's `message_start` is dropped (the client's message has
 * begun), its block indices follow the earlier turns', and its usage is added to theirs. Events wait in a queue:
 * a streamed client whose message has content gets them at each flush, live; any other gets them once the turn
 * is done, so that a failed attempt's are dropped, never sent twice.
 */
export class ContinuedResponder implements Responder {
  private queue: Array<[string, Record<string, unknown>]> = [];
  private readonly live: boolean;

  constructor(
    private readonly base: Responder,
    private readonly offset: number,
    private readonly spent: Usage,
  ) {
    this.live = base.contentSent;
  }

  readonly sink = (name: string, payload: Record<string, unknown>): void => {
    if (name === 'message_start') return;
    let shifted = payload;
    if (typeof payload['index'] === 'number') shifted = { ...payload, index: payload['index'] + this.offset };
    else if (name === 'message_delta') shifted = { ...payload, usage: this.withSpent(payload['usage']) };
    this.queue.push([name, shifted]);
  };

  get contentSent(): boolean {
    return this.base.contentSent;
  }

  get firstFrameAt(): number | null {
    return this.base.firstFrameAt;
  }

  flush(): void {
    if (!this.live) return;
    this.commit();
    this.base.flush();
  }

  resetAttempt(): void {
    this.queue = [];
  }

  /** Hands what is queued to the client's responder. */
  commit(): void {
    for (const [name, payload] of this.queue) this.base.sink(name, payload);
    this.queue = [];
  }

  finish(stopReason: Parameters<Responder['finish']>[0], usage: Usage): void {
    this.base.finish(stopReason, usage);
  }

  fail(error: ApiError): void {
    this.base.fail(error);
  }

  private withSpent(usage: unknown): unknown {
    if (typeof usage !== 'object' || usage === null) return usage;
    const wire = usage as Record<string, unknown>;
    const add = (key: string, more: number | undefined): number => {
      const had = wire[key];
      return (typeof had === 'number' ? had : 0) + (more ?? 0);
    };
    return {
      ...wire,
      input_tokens: add('input_tokens', this.spent.input_tokens),
      output_tokens: add('output_tokens', this.spent.output_tokens),
      cache_creation_input_tokens: add('cache_creation_input_tokens', this.spent.cache_creation_input_tokens),
      cache_read_input_tokens: add('cache_read_input_tokens', this.spent.cache_read_input_tokens),
    };
  }
}

/** Every turn was paid for upstream: the usage reported is their sum. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
  };
  const read = (a.cache_read_input_tokens ?? 0) + (b.cache_read_input_tokens ?? 0);
  const created = (a.cache_creation_input_tokens ?? 0) + (b.cache_creation_input_tokens ?? 0);
  if (read) sum.cache_read_input_tokens = read;
  if (created) sum.cache_creation_input_tokens = created;
  return sum;
}
