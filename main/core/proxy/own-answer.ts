/**
 * The only answers the proxy writes without asking the upstream: a request asking for Anthropic's web search, which the
 * proxy cannot run (./web-search-answer.ts says why it answers that in words); a Codex `wait_agent` call on the
 * sub-agent a Task's spawn started, or, once it ended or the last wait ran out, a `close_agent` of it
 * (orchids/gen-b/sub-agent-task.ts says why a Task becomes a spawn); and an empty end of the turn Codex starts for
 * nothing but its note that such a sub-agent ended. The agent's Task is synchronous and Codex's spawn is not; the agent
 * has no tool to wait with, and asking it to would cost an upstream turn (and credits) to say nothing but "wait". What
 * to answer is read from the conversation alone, so the proxy still keeps nothing between requests. Kept apart from the
 * request path it short-cuts (messages-proxy.ts calls it before any account is picked) so that path stays as it was for
 * every other request.
 *
 * The answer goes through the request's own responder, so it is a valid answer in whatever API and mode the client
 * asked (a Responses `function_call` with `namespace: "multi_agent_v1"`, or a response with no output items, streamed
 * or not), and the request is reported like any other: a history row and live event with status 200, stop reason
 * `tool_use` (`end_turn` for a note's turn or a web search), no account, no protocol (the contract's "no upstream was
 * reached"), no tokens and no retries; a debug record, when on, with the incoming body, the frames written, no upstream
 * attempt, and `answeredBy: {by: "proxy", reason}`. No account is picked, so none counts a request.
 */
import type { AnthropicEventSink } from '../anthropic/stream-translator';
import type { MessagesRequest, Usage } from '../anthropic/types';
import { wireDeltaUsage, wireUsage } from '../anthropic/usage-tally';
import { answerDue, type OwnAnswer } from '../orchids/gen-b/sub-agent-task';
import { asksForWebSearch, NO_WEB_SEARCH_TEXT } from './web-search-answer';

/** The answer the proxy writes for this request itself, or undefined when it goes upstream as usual. */
export function ownAnswer(request: MessagesRequest): OwnAnswer | undefined {
  // Read before the forced-tool rule below, which would leave it to the upstream (and planOutput would refuse it).
  if (asksForWebSearch(request)) return { reason: 'web search unavailable', calls: [], text: NO_WEB_SEARCH_TEXT };
  // Only an answer whose shape the client left free: a forced tool or a withheld one is the upstream's to serve.
  const choice = (request.tool_choice as { type?: unknown } | undefined)?.type;
  if (choice !== undefined && choice !== 'auto') return undefined;
  return Array.isArray(request.messages) ? answerDue(request.messages, request.tools) : undefined;
}

const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0 };

/**
 * Writes the answer as one assistant message, its text first, that stops for its calls, or ends the turn when it has
 * none.
 */
export function writeOwnAnswer(sink: AnthropicEventSink, answer: OwnAnswer, messageId: string, model: string): Usage {
  sink('message_start', {
    type: 'message_start',
    message: {
      id: messageId,
      type: 'message',
      role: 'assistant',
      content: [],
      model,
      stop_reason: null,
      stop_sequence: null,
      usage: wireUsage(NO_USAGE),
    },
  });
  const first = answer.text === undefined ? 0 : 1;
  if (answer.text !== undefined) {
    sink('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    sink('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: answer.text },
    });
    sink('content_block_stop', { type: 'content_block_stop', index: 0 });
  }
  answer.calls.forEach((call, i) => {
    const index = first + i;
    const block = { type: 'tool_use', id: call.id, name: call.name, input: {} };
    sink('content_block_start', { type: 'content_block_start', index, content_block: block });
    const delta = { type: 'input_json_delta', partial_json: JSON.stringify(call.input) };
    sink('content_block_delta', { type: 'content_block_delta', index, delta });
    sink('content_block_stop', { type: 'content_block_stop', index });
  });
  sink('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: ownStopReason(answer), stop_sequence: null },
    usage: wireDeltaUsage(NO_USAGE),
  });
  sink('message_stop', { type: 'message_stop' });
  return NO_USAGE;
}

/** What the answer stops for: its calls, or the end of the turn. */
export function ownStopReason(answer: OwnAnswer): 'tool_use' | 'end_turn' {
  return answer.calls.length > 0 ? 'tool_use' : 'end_turn';
}
