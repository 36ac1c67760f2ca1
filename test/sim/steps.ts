/**
 * Scripts for the simulated Orchids agent: the step type and builders that emit the event shapes of the
 * protocol page (2.3-2.6). Builders return arrays so scripts compose with spread:
 *   sse([...thinking('hmm'), ...toolCall({ id: 'toolu_sim1', name: 'Read', input: {} }), ...finish('tool-calls')])
 */

export type SimStep =
  | { data: unknown } // written as `data: <JSON>\n\n`
  | { raw: string } // written verbatim (malformed SSE, comments, CRLF framing, split frames)
  | { delayMs: number } // pause before the next step; a leading delay also delays the response headers
  | { destroy: true }; // reset the TCP connection right now (mid-stream drop)

export interface AgentRequestInfo {
  headers: Record<string, string | string[] | undefined>;
  body: any; // parsed JSON; undefined when the request was refused before parsing or did not parse
  rawBody: string;
  userId: string | undefined;
  url: string;
}

export type AgentResponse =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { steps: SimStep[]; headers?: Record<string, string> };

export interface SimUsage {
  inputTokens: number;
  outputTokens: number;
}

type ModelEvent = Record<string, unknown> & { type: string };

const model = (event: ModelEvent): SimStep => ({ data: { type: 'model', event } });

/** Splits by code point so a chunk boundary never cuts a surrogate pair. */
function splitChunks(value: string, chunks = 1): string[] {
  const chars = Array.from(value);
  const count = Math.max(1, Math.min(Math.floor(chunks), chars.length));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(chars.slice(Math.floor((i * chars.length) / count), Math.floor(((i + 1) * chars.length) / count)).join(''));
  }
  return out;
}

/** Default ids follow the protocol page example (reasoning "0", text "1"). */
export function text(content: string, opts: { id?: string; chunks?: number } = {}): SimStep[] {
  const id = opts.id ?? '1';
  return [
    model({ type: 'text-start', id }),
    ...splitChunks(content, opts.chunks).map((delta) => model({ type: 'text-delta', id, delta })),
    model({ type: 'text-end', id }),
  ];
}

export function thinking(content: string, opts: { id?: string; signature?: string } = {}): SimStep[] {
  const id = opts.id ?? '0';
  const start: ModelEvent = { type: 'reasoning-start', id };
  if (opts.signature !== undefined) start.signature = opts.signature;
  return [model(start), model({ type: 'reasoning-delta', id, delta: content }), model({ type: 'reasoning-end', id })];
}

export interface ToolCallOptions {
  id: string;
  name: string;
  input: unknown;
  /** default true: tool-input-start/-delta/-end */
  streamed?: boolean;
  /** default true: then a same-id tool-call whose input is a JSON string (the upstream sends both) */
  alsoToolCall?: boolean;
  /** split the streamed input JSON over this many tool-input-delta events (default 1) */
  chunks?: number;
  /** send this text instead of JSON.stringify(input), e.g. to test malformed tool input */
  inputJson?: string;
}

export function toolCall(opts: ToolCallOptions): SimStep[] {
  const json = opts.inputJson ?? JSON.stringify(opts.input ?? {});
  const steps: SimStep[] = [];
  if (opts.streamed ?? true) {
    steps.push(model({ type: 'tool-input-start', id: opts.id, toolName: opts.name }));
    for (const delta of splitChunks(json, opts.chunks)) steps.push(model({ type: 'tool-input-delta', id: opts.id, delta }));
    steps.push(model({ type: 'tool-input-end', id: opts.id }));
  }
  if (opts.alsoToolCall ?? true) {
    steps.push(model({ type: 'tool-call', toolCallId: opts.id, toolName: opts.name, input: json }));
  }
  return steps;
}

export function finish(reason = 'stop', usage?: SimUsage): SimStep[] {
  const event: ModelEvent = { type: 'finish', finishReason: reason };
  if (usage) event.usage = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
  return [model(event)];
}

export function tokensUsed(inputTokens: number, outputTokens: number): SimStep[] {
  return [model({ type: 'tokens-used', inputTokens, outputTokens })];
}

export function creditsExhausted(message = 'You have run out of credits.'): SimStep[] {
  return [{ data: { type: 'coding_agent.credits_exhausted', data: { code: 'credits_exhausted', message } } }];
}

export function upstreamError(code: string, message: string): SimStep[] {
  return [{ data: { type: 'error', data: { code, message } } }];
}

function snakeUsage(usage: unknown): unknown {
  if (usage === null || typeof usage !== 'object') return usage;
  const u = usage as Record<string, unknown>;
  return { input_tokens: u.inputTokens ?? u.input_tokens, output_tokens: u.outputTokens ?? u.output_tokens };
}

function toNested(event: ModelEvent): Record<string, unknown> {
  switch (event.type) {
    case 'tool-input-start':
      return { type: event.type, id: event.id, tool_name: event.toolName };
    case 'tool-call': {
      let input: unknown = event.input;
      if (typeof input === 'string') {
        try {
          input = JSON.parse(input);
        } catch {
          // malformed on purpose (inputJson): keep the string so the test still sees it
        }
      }
      return { type: event.type, callId: event.toolCallId, tool_name: event.toolName, input };
    }
    case 'finish': {
      const out: Record<string, unknown> = { type: event.type, stop_reason: event.finishReason };
      if (event.usage !== undefined) out.usage = snakeUsage(event.usage);
      return out;
    }
    case 'tokens-used':
      return { type: event.type, input_tokens: event.inputTokens, output_tokens: event.outputTokens };
    default:
      return { ...event };
  }
}

/** Rewrites flat Generation A model events into the Generation B `event.data` form; other steps pass through. */
export function nested(steps: SimStep[]): SimStep[] {
  return steps.map((step) => {
    if (!('data' in step) || step.data === null || typeof step.data !== 'object') return step;
    const envelope = step.data as { type?: unknown; event?: unknown };
    if (envelope.type !== 'model' || envelope.event === null || typeof envelope.event !== 'object') return step;
    const event = envelope.event as ModelEvent;
    if ('data' in event) return step; // already nested
    return { data: { type: 'model', event: { data: toNested(event) } } };
  });
}

export function codingAgentText(content: string, opts: { chunks?: number } = {}): SimStep[] {
  return splitChunks(content, opts.chunks).map((piece) => ({
    data: { type: 'coding_agent.response.chunk', chunk: { content: piece } },
  }));
}

export function codingAgentReasoning(content: string): SimStep[] {
  return [
    { data: { type: 'coding_agent.reasoning.chunk', data: { text: content } } },
    { data: { type: 'coding_agent.reasoning.completed' } },
  ];
}

export function reply(content: string, usage?: SimUsage): SimStep[] {
  return [...text(content), ...finish('stop', usage)];
}

export function sse(steps: SimStep[], headers?: Record<string, string>): AgentResponse {
  return headers ? { steps, headers } : { steps };
}

export function httpError(status: number, body: string, headers?: Record<string, string>): AgentResponse {
  return headers ? { status, body, headers } : { status, body };
}

/** The wire bytes of the data/raw steps (delays and destroy ignored): what a test should expect to receive. */
export function renderSse(steps: SimStep[]): string {
  let out = '';
  for (const step of steps) {
    if ('data' in step) out += `data: ${JSON.stringify(step.data) ?? ''}\n\n`;
    else if ('raw' in step) out += step.raw;
  }
  return out;
}

export const DEFAULT_REPLY_TEXT = 'Hello from the Orchids simulator.';

/** Frozen so the bytes the agent pre-renders for it (cached by identity) can never go stale. */
export const DEFAULT_RESPONSE: AgentResponse = Object.freeze({
  steps: Object.freeze(reply(DEFAULT_REPLY_TEXT, { inputTokens: 12, outputTokens: 7 })) as SimStep[],
});
