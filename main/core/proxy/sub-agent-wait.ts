/**
 * The only answer the proxy writes without asking the upstream: a Codex `wait_agent` call on the sub-agent a Task's
 * spawn started, or, once it ended or the last wait ran out, a `close_agent` of it (orchids/gen-b/sub-agent-task.ts
 * says why a Task becomes a spawn). The agent's Task is synchronous and Codex's spawn is not; the agent has no tool
 * to wait with, and asking it to would cost an upstream turn (and credits) to say nothing but "wait". What to wait
 * on is read from the conversation alone, so the proxy still keeps nothing between requests. Kept apart from the
 * request path it short-cuts (messages-proxy.ts calls it before any account is picked) so that path stays as it was
 * for every other request.
 *
 * The answer goes through the request's own responder, so it is a valid answer in whatever API and mode the client
 * asked (a Responses `function_call` with `namespace: "multi_agent_v1"`, streamed or not), and the request is
 * reported like any other: a history row and live event with status 200, stop reason `tool_use`, no account, no
 * protocol (the contract's "no upstream was reached"), no tokens and no retries; a debug record, when on, with the
 * incoming body and the frames written and no upstream attempt. No account is picked, so none counts a request.
 */
import type { AnthropicEventSink } from '../anthropic/stream-translator';
import type { MessagesRequest, Usage } from '../anthropic/types';
import { wireDeltaUsage, wireUsage } from '../anthropic/usage-tally';
import { callsDue, type DueCall } from '../orchids/gen-b/sub-agent-task';

/** The waits (or the close) this request is answered with, or undefined when it goes upstream as usual. */
export function subAgentWaits(request: MessagesRequest): DueCall[] | undefined {
  // Only an answer whose shape the client left free: a forced tool or a withheld one is the upstream's to serve.
  const choice = (request.tool_choice as { type?: unknown } | undefined)?.type;
  if (choice !== undefined && choice !== 'auto') return undefined;
  return Array.isArray(request.messages) ? callsDue(request.messages, request.tools) : undefined;
}

const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0 };

/** Writes the calls as one assistant message that stops for them; the usage it reports is none. */
export function writeWaits(
  sink: AnthropicEventSink,
  calls: readonly DueCall[],
  messageId: string,
  model: string,
): Usage {
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
  calls.forEach((call, index) => {
    const block = { type: 'tool_use', id: call.id, name: call.name, input: {} };
    sink('content_block_start', { type: 'content_block_start', index, content_block: block });
    const delta = { type: 'input_json_delta', partial_json: JSON.stringify(call.input) };
    sink('content_block_delta', { type: 'content_block_delta', index, delta });
    sink('content_block_stop', { type: 'content_block_stop', index });
  });
  sink('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: wireDeltaUsage(NO_USAGE),
  });
  sink('message_stop', { type: 'message_stop' });
  return NO_USAGE;
}
