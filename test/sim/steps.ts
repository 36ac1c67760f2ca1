/**
 * Scripts for the simulated Orchids agent: the step type and builders that emit the event shapes of the
 * protocol page (2.3-2.6). Builders return arrays so scripts compose with spread:
 *   sse([...thinking('hmm'), ...toolCall({ id: 'toolu_sim1', name: 'Read', input: {} }), ...finish('tool-calls')])
 */

/**
 * One step of an answer. Over SSE a `data` step is a `data: <JSON>\n\n` line; over a WebSocket it is one text frame
 * holding the JSON, and a `raw` step is one text frame holding the string as is.
 */
export type SimStep =
  | { data: unknown }
  | { raw: string } // verbatim (SSE: malformed lines, comments, CRLF framing, split frames; WS: a non-JSON frame)
  | { delayMs: number } // pause before the next step; over SSE a leading delay also delays the response headers
  | { destroy: true } // reset the TCP connection right now, no close frame (mid-stream drop)
  // WS: close the socket with this code (1000-1003, 1007-1014, 3000-4999); SSE: end the body here
  | { close: number; reason?: string };

/** Which endpoint a request reached: Generation B's WebSocket or SSE, or Generation A's SSE. */
export type SimProtocol = 'ws' | 'sse-b' | 'sse-a';

export interface AgentRequestInfo {
  protocol: SimProtocol;
  /** SSE: the request's headers; WS: the upgrade's headers (the frame itself has none) */
  headers: Record<string, string | string[] | undefined>;
  body: any; // parsed JSON; undefined when the request was refused before parsing or did not parse
  rawBody: string;
  userId: string | undefined;
  /** SSE: the request path; WS: the upgrade's path and query (with the token) */
  url: string;
  /** WS: which socket carried the frame (see OrchidsSimulator.upgrades), so a test can see a socket reused */
  socketId?: number;
  /** Why the simulator answered without consulting the script: `busy`, `bad_request`, `token expired`, … */
  rejected?: string;
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
    out.push(
      chars.slice(Math.floor((i * chars.length) / count), Math.floor(((i + 1) * chars.length) / count)).join(''),
    );
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

/** One text block whose deltas are exactly `deltas`, e.g. `['Hello', '\n', ' world']` for a whitespace-only delta. */
export function textParts(deltas: string[], opts: { id?: string } = {}): SimStep[] {
  const id = opts.id ?? '1';
  return [
    model({ type: 'text-start', id }),
    ...deltas.map((delta) => model({ type: 'text-delta', id, delta })),
    model({ type: 'text-end', id }),
  ];
}

/** Text deltas with neither `text-start` nor `text-end` around them (spec §10 items 7 and 16). */
export function bareTextDeltas(deltas: string[], opts: { id?: string } = {}): SimStep[] {
  const id = opts.id ?? '1';
  return deltas.map((delta) => model({ type: 'text-delta', id, delta }));
}

export function thinking(content: string, opts: { id?: string; signature?: string; chunks?: number } = {}): SimStep[] {
  const id = opts.id ?? '0';
  const start: ModelEvent = { type: 'reasoning-start', id };
  if (opts.signature !== undefined) start.signature = opts.signature;
  return [
    model(start),
    ...splitChunks(content, opts.chunks).map((delta) => model({ type: 'reasoning-delta', id, delta })),
    model({ type: 'reasoning-end', id }),
  ];
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
    for (const delta of splitChunks(json, opts.chunks))
      steps.push(model({ type: 'tool-input-delta', id: opts.id, delta }));
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

/**
 * Which key spellings a Generation B model event uses. The spec (§10 items 1-3) cannot tell which ones the real
 * server sends, so a client must accept all of them and a test must be able to produce each. Defaults are what the
 * last reference client read (ec2ec10).
 */
export interface ModelEventSpelling {
  /** `nested`: fields in `event.data` (ec2ec10); `flat`: fields directly in `event` (older Gen B, and Gen A) */
  layout?: 'nested' | 'flat';
  /** tool-call's id key; default `callId`; `none`: no id at all (a spelling no client knows reads as none) */
  callIdKey?: 'callId' | 'toolCallId' | 'id' | 'none';
  /** tool-input-start/-delta/-end id key; default `id`; `none`: no id at all (as callIdKey) */
  inputIdKey?: 'id' | 'toolCallId' | 'none';
  /** default `tool_name` */
  toolNameKey?: 'tool_name' | 'toolName';
  /** finish's reason key; default `stop_reason` */
  stopReasonKey?: 'stop_reason' | 'finishReason';
  /** finish.usage and tokens-used: `input_tokens` (snake, default) or `inputTokens` (camel) */
  usageCase?: 'snake' | 'camel';
  /** tool-call input: a JSON object (default) or the JSON text */
  toolInput?: 'object' | 'string';
}

function spellUsage(
  inputTokens: unknown,
  outputTokens: unknown,
  usageCase: 'snake' | 'camel',
): Record<string, unknown> {
  return usageCase === 'snake'
    ? { input_tokens: inputTokens, output_tokens: outputTokens }
    : { inputTokens, outputTokens };
}

function parsedInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input; // malformed on purpose (inputJson): keep the string so the test still sees it
  }
}

function spellEvent(event: ModelEvent, spelling: ModelEventSpelling): Record<string, unknown> {
  const toolName = spelling.toolNameKey ?? 'tool_name';
  const usageCase = spelling.usageCase ?? 'snake';
  switch (event.type) {
    case 'tool-input-start': {
      const idKey = spelling.inputIdKey ?? 'id';
      if (idKey === 'none') return { type: event.type, [toolName]: event.toolName };
      return { type: event.type, [idKey]: event.id, [toolName]: event.toolName };
    }
    case 'tool-input-delta':
    case 'tool-input-end': {
      const idKey = spelling.inputIdKey ?? 'id';
      if (idKey === 'id') return { ...event };
      const { type, id, ...rest } = event;
      return idKey === 'none' ? { type, ...rest } : { type, [idKey]: id, ...rest };
    }
    case 'tool-call': {
      const input = spelling.toolInput === 'string' ? event.input : parsedInput(event.input);
      const idKey = spelling.callIdKey ?? 'callId';
      if (idKey === 'none') return { type: event.type, [toolName]: event.toolName, input };
      return { type: event.type, [idKey]: event.toolCallId, [toolName]: event.toolName, input };
    }
    case 'finish': {
      const out: Record<string, unknown> = {
        type: event.type,
        [spelling.stopReasonKey ?? 'stop_reason']: event.finishReason,
      };
      const usage = event.usage as SimUsage | undefined;
      if (usage !== undefined) out.usage = spellUsage(usage.inputTokens, usage.outputTokens, usageCase);
      return out;
    }
    case 'tokens-used':
      return { type: event.type, ...spellUsage(event.inputTokens, event.outputTokens, usageCase) };
    default:
      return { ...event };
  }
}

/**
 * Rewrites the flat Generation A model events the builders make into a Generation B spelling; other steps, and
 * model events already nested, pass through. With no spelling it gives the ec2ec10 form the spec documents.
 */
export function respell(steps: SimStep[], spelling: ModelEventSpelling = {}): SimStep[] {
  return steps.map((step) => {
    if (!('data' in step) || step.data === null || typeof step.data !== 'object') return step;
    const envelope = step.data as { type?: unknown; event?: unknown };
    if (envelope.type !== 'model' || envelope.event === null || typeof envelope.event !== 'object') return step;
    const event = envelope.event as ModelEvent;
    if ('data' in event) return step; // already nested
    const spelled = spellEvent(event, spelling);
    return { data: { type: 'model', event: spelling.layout === 'flat' ? spelled : { data: spelled } } };
  });
}

/** The Generation B `event.data` form (respell with the layout forced to nested). */
export function nested(steps: SimStep[], spelling: Omit<ModelEventSpelling, 'layout'> = {}): SimStep[] {
  return respell(steps, { ...spelling, layout: 'nested' });
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

/** The wire bytes of the data/raw steps (delays, destroy and close ignored): what a test should expect to receive. */
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
