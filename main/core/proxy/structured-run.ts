import { checkAnswer } from '../anthropic/structured/output-check';
import type { Rejection } from '../anthropic/structured/output-instruction';
import type { ForcedShape } from '../anthropic/structured/output-plan';
import { replayMessage } from '../anthropic/structured/message-replay';
import { attemptOptions, StreamTranslator } from '../anthropic/stream-translator';
import type { Usage } from '../anthropic/types';
import type { UpstreamBodies } from '../orchids/upstream-bodies';
import { ApiError } from '../server/errors';
import { addUsage } from './declined-calls';
import type { RequestRun, RunResult } from './failover';
import type { RequestTrace } from './observer';
import { CollectingResponder, type Responder } from './responders';
import type { AttemptInput } from './upstream-attempt';

/** What the structured path needs of a prepared request. */
export interface CheckedJob {
  translator: AttemptInput['translator'];
  /** The upstream bodies, instructed for the shape (and, on the retry, told why the first answer was refused). */
  bodies(rejected?: Rejection): UpstreamBodies;
}

/** An invalid answer is asked for once more before the client hears anything; a second one is an error. */
const ROUNDS = 2;

/**
 * Serves a request whose answer must have a forced shape (a tool call, or JSON for a schema). The answer is held
 * back whole, checked against the schema, and only a valid one is sent, rewritten into the shape the client asked
 * for. The client's message has already started, so a streamed client sees pings while it waits.
 */
export async function serveChecked(
  run: RequestRun,
  job: CheckedJob,
  shape: ForcedShape,
  responder: Responder,
  trace: RequestTrace | undefined,
): Promise<RunResult> {
  new StreamTranslator(attemptOptions(job.translator, responder.sink)).start();
  const collector = new CollectingResponder();
  let rejected: Rejection | undefined;
  let spent: Usage | undefined;
  for (let round = 1; ; round++) {
    // The second round is a retry (retries: 1 in history): the first answer was refused, which is a failure of that
    // attempt as much as a 502 is, and the client waited for it. Unlike a continuation, nothing of it was kept.
    const result = await run.run(job.bodies(rejected), collector, job.translator, rejected ? 'rejected' : undefined);
    if (result.kind !== 'done') return result;
    // Both rounds were paid for upstream: the usage reported is their sum.
    spent = spent ? addUsage(spent, result.usage) : result.usage;
    const verdict = checkAnswer(shape, collector.take(result.stopReason, result.usage));
    if (verdict.ok) {
      replayMessage(responder.sink, verdict.content, verdict.stopReason, spent);
      return { kind: 'done', stopReason: verdict.stopReason, usage: spent };
    }
    trace?.attemptFailed(run.tried.at(-1)!, 'unknown', `The answer was not ${wanted(shape)}: ${verdict.problem}`);
    if (round === ROUNDS) {
      // A 5xx, not a 4xx (422, or 400 with OpenAI's invalid_request_error): the request was valid and the failure is
      // the upstream model's, whose next answer may well match, so a client is right to treat it as a server's
      // failure. OpenAI and Anthropic decode to the schema and have no status for this to copy. The cost is the
      // Vercel AI SDK's retries (it ignores x-should-retry); its users can set maxRetries: 0 (README says so).
      return {
        kind: 'failed',
        error: new ApiError(
          'api_error',
          `The upstream model did not answer with ${wanted(shape)}, twice (the request was retried once): ` +
            `${verdict.problem}.`,
          502,
          // The proxy has asked again already. Without this the SDKs ask again and again, each ask two upstream
          // turns: Claude Code's TUI sent its session-title request six times on one turn when the agent would
          // not answer it in JSON.
          { 'x-should-retry': 'false' },
        ),
      };
    }
    rejected = verdict;
  }
}

function wanted(shape: ForcedShape): string {
  if (shape.kind === 'json') return 'JSON matching the requested schema';
  return shape.named ? `a valid call to the tool "${shape.tools[0]!.name}"` : 'a valid call to one of the tools';
}
