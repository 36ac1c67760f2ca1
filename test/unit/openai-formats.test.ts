import { describe, expect, it } from 'vitest';
import { MessageAccumulator } from '../../main/core/anthropic/message-accumulator';
import { StreamTranslator } from '../../main/core/anthropic/stream-translator';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { ChatFormat } from '../../main/core/openai/chat-format';
import type { ChatOptions } from '../../main/core/openai/chat-request';
import { NamespaceNames } from '../../main/core/openai/namespaces';
import { ResponsesFormat } from '../../main/core/openai/responses-format';
import type { UpstreamEvent } from '../../main/core/orchids/types';
import type { ApiFormat } from '../../main/core/proxy/api-format';
import { ApiError, ContextOverflowError } from '../../main/core/server/errors';

/**
 * The OpenAI encoders, fed by the real translator: what a streamed and a non-streamed client of each API receives
 * for the same upstream events.
 */
const TOOLS: ToolDefinition[] = [
  { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'get_time', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
];

const ANSWER: UpstreamEvent[] = [
  { kind: 'text-delta', text: 'Checking ' },
  { kind: 'text-delta', text: 'both.' },
  { kind: 'text-end' },
  { kind: 'tool-call', id: 'toolu_weather_000001', name: 'get_weather', input: '{"city":"Oslo"}' },
  { kind: 'tool-call', id: 'toolu_time_000000002', name: 'get_time', input: '{"city":"Oslo"}' },
  { kind: 'finish', reason: 'tool-calls', usage: { inputTokens: 30, outputTokens: 12, cacheReadInputTokens: 10 } },
];

/** An answer whose usage the upstream never reports: the input count stays the translator's estimate (25). */
const UNCOUNTED: UpstreamEvent[] = [{ kind: 'text-delta', text: 'Hi.' }, { kind: 'text-end' }, { kind: 'finish' }];

/** Streams the events through a translator into the format's encoder (and an accumulator, for the JSON body). */
function serve(format: ApiFormat, events: UpstreamEvent[]) {
  const encoder = format.streamEncoder();
  const accumulator = new MessageAccumulator();
  let wire = '';
  const translator = new StreamTranslator({
    messageId: 'msg_0123456789abcdefghijklmn',
    model: 'claude-sonnet-4-6',
    inputTokensEstimate: 25,
    tools: TOOLS,
    includeThinking: true,
    sink: (name, payload) => {
      wire += encoder.encode(name, payload);
      accumulator.sink(name, payload);
    },
  });
  translator.start();
  for (const event of events) if (!translator.apply(event)) break;
  const { stopReason, usage } = translator.complete();
  return { wire, json: JSON.parse(format.renderMessage(accumulator.result(stopReason, usage))), encoder };
}

const dataLines = (wire: string): string[] =>
  wire
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => /^data: (.*)$/m.exec(frame)![1]!);

const chat = (options: Partial<ChatOptions> = {}) =>
  new ChatFormat({ model: 'my-model', includeUsage: false, legacyFunctions: false, kinds: new Map(), ...options });

describe('Chat Completions', () => {
  it('streams a role chunk, content, one tool_calls entry per call by index, a finish chunk and [DONE]', () => {
    const { wire } = serve(chat(), ANSWER);
    const lines = dataLines(wire);
    expect(lines.at(-1)).toBe('[DONE]');
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line));
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-0123456789abcdefghijklmn']));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'my-model' && !('usage' in c))).toBe(
      true,
    );
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const deltas = chunks.map((c) => c.choices[0].delta);
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Checking both.');
    const calls = deltas.flatMap((d) => d.tool_calls ?? []);
    expect(calls).toEqual([
      { index: 0, id: 'call_weather_000001', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 0, function: { arguments: '{"city":"Oslo"}' } },
      { index: 1, id: 'call_time_000000002', type: 'function', function: { name: 'get_time', arguments: '' } },
      { index: 1, function: { arguments: '{"city":"Oslo"}' } },
    ]);
    expect(chunks.at(-1).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' });
  });

  it('streams text that needs escaping exactly as sent, and a model name with a quote, as JSON', () => {
    const texts = ['say "hi"\n', 'back\\slash\t', 'emoji 😀 ', 'lone \ud800', '\u0001 end'];
    const events: UpstreamEvent[] = [
      ...texts.map((text) => ({ kind: 'text-delta' as const, text })),
      { kind: 'finish' },
    ];
    const { wire } = serve(chat({ model: 'my "model"' }), events);
    const chunks = dataLines(wire)
      .slice(0, -1)
      .map((line) => JSON.parse(line));
    expect(chunks.every((c) => c.model === 'my "model"')).toBe(true);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(texts.join(''));
  });

  it('with include_usage: usage null on each chunk, then a usage chunk with no choices before [DONE]', () => {
    const { wire } = serve(chat({ includeUsage: true }), ANSWER);
    const lines = dataLines(wire);
    const chunks = lines.slice(0, -1).map((line) => JSON.parse(line));
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 40,
        completion_tokens: 12,
        total_tokens: 52,
        prompt_tokens_details: { cached_tokens: 10 },
      },
    });
  });

  it('with include_usage: the usage chunk carries the same usage text as the non-streamed answer', () => {
    // Written from pieces: held to the bytes JSON.stringify gives the non-streamed body, every count set.
    const events: UpstreamEvent[] = [
      { kind: 'thinking-delta', text: 'Weighing the two cities first.' },
      { kind: 'text-delta', text: 'Done.' },
      { kind: 'text-end' },
      {
        kind: 'finish',
        usage: { inputTokens: 30, outputTokens: 12, cacheReadInputTokens: 10, cacheCreationInputTokens: 7 },
      },
    ];
    const { wire, json } = serve(chat({ includeUsage: true }), events);
    const last = dataLines(wire).at(-2)!;
    expect(json.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    const head = last.slice(0, last.indexOf('"choices":'));
    expect(last).toBe(`${head}"choices":[],"usage":${JSON.stringify(json.usage)}}`);
  });

  it("with include_usage and no count from the upstream: the usage chunk keeps message_start's input estimate", () => {
    const { wire } = serve(chat({ includeUsage: true }), UNCOUNTED);
    const chunks = dataLines(wire)
      .slice(0, -1)
      .map((line) => JSON.parse(line));
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 25, prompt_tokens_details: { cached_tokens: 0 } });
  });

  it('joins text blocks that would run together with a paragraph break, streamed and not, others as they are', () => {
    const blocks: UpstreamEvent[] = [
      { kind: 'text-delta', text: 'Read it.' },
      { kind: 'text-end' },
      { kind: 'thinking-delta', text: 'Tests next.' },
      { kind: 'thinking-end' },
      { kind: 'text-delta', text: '' },
      { kind: 'text-delta', text: 'Now the tests.' },
      { kind: 'text-end' },
      { kind: 'text-delta', text: ' All pass.' },
      { kind: 'text-end' },
      { kind: 'text-delta', text: 'Done' },
      { kind: 'text-delta', text: '.' },
      { kind: 'finish' },
    ];
    const { wire, json } = serve(chat(), blocks);
    const expected = 'Read it.\n\nNow the tests. All pass.\n\nDone.';
    const chunks = dataLines(wire)
      .slice(0, -1)
      .map((line) => JSON.parse(line));
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(expected);
    expect(json.choices[0].message.content).toBe(expected);
    expect(json.choices[0].message.reasoning_content).toBe('Tests next.');
  });

  it('non-streamed: text, the calls with JSON arguments, finish_reason, usage with cached tokens counted in', () => {
    const { json } = serve(chat(), ANSWER);
    expect(json).toMatchObject({
      id: 'chatcmpl-0123456789abcdefghijklmn',
      object: 'chat.completion',
      model: 'my-model',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Checking both.',
            tool_calls: [
              {
                id: 'call_weather_000001',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
              {
                id: 'call_time_000000002',
                type: 'function',
                function: { name: 'get_time', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 },
    });
  });

  it('legacy functions: function_call and finish_reason function_call', () => {
    const events: UpstreamEvent[] = [
      { kind: 'tool-call', id: 'toolu_weather_000003', name: 'get_weather', input: '{"city":"Rome"}' },
      { kind: 'finish', reason: 'tool-calls' },
    ];
    const { wire, json } = serve(chat({ legacyFunctions: true }), events);
    expect(json.choices[0].message.function_call).toEqual({ name: 'get_weather', arguments: '{"city":"Rome"}' });
    expect(json.choices[0].message.tool_calls).toBeUndefined();
    expect(json.choices[0].finish_reason).toBe('function_call');
    const deltas = dataLines(wire)
      .slice(0, -1)
      .map((line) => JSON.parse(line).choices[0]);
    expect(deltas.map((c) => c.delta.function_call).filter(Boolean)).toEqual([
      { name: 'get_weather', arguments: '' },
      { arguments: '{"city":"Rome"}' },
    ]);
    expect(deltas.at(-1).finish_reason).toBe('function_call');
  });

  it('thinking is reasoning_content; max_tokens is length; a failure is an error chunk the SDK raises', () => {
    const { json } = serve(chat(), [
      { kind: 'thinking-delta', text: 'Hmm.' },
      { kind: 'thinking-end' },
      { kind: 'text-delta', text: 'Cut' },
      { kind: 'finish', reason: 'length' },
    ]);
    expect(json.choices[0].message).toMatchObject({ content: 'Cut', reasoning_content: 'Hmm.' });
    expect(json.choices[0].finish_reason).toBe('length');
    const frame = chat().streamEncoder().failure(new ApiError('overloaded_error', 'cut off'));
    expect(JSON.parse(dataLines(frame)[0]!)).toEqual({
      error: { message: 'cut off', type: 'server_error', param: null, code: 'overloaded' },
    });
  });
});

const responses = () =>
  new ResponsesFormat({
    model: 'my-model',
    echo: { instructions: 'Be brief.', store: false, tools: [] },
    kinds: new Map(),
    namespaces: new NamespaceNames(new Set()),
  });

function events(wire: string): Array<{ event: string; data: any }> {
  return wire
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => ({ event: /^event: (.*)$/m.exec(frame)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) }));
}

describe('Responses', () => {
  it('streams typed events with contiguous sequence numbers, one item per output, ending in response.completed', () => {
    const { wire, json } = serve(responses(), [
      { kind: 'thinking-delta', text: 'Plan.' },
      { kind: 'thinking-end' },
      ...ANSWER,
    ]);
    const stream = events(wire);
    expect(stream.every((e) => e.event === e.data.type)).toBe(true);
    expect(stream.map((e) => e.data.sequence_number)).toEqual(stream.map((_, i) => i));
    expect(stream.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added', // reasoning
      'response.content_part.added',
      'response.reasoning_text.delta',
      'response.reasoning_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added', // message
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added', // get_weather
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added', // get_time
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(stream[0]!.data.response).toMatchObject({
      status: 'in_progress',
      output: [],
      model: 'my-model',
      instructions: 'Be brief.',
    });
    const completed = stream.at(-1)!.data.response;
    expect(completed.status).toBe('completed');
    expect(completed.usage).toMatchObject({ input_tokens: 40, output_tokens: 12, total_tokens: 52 });
    // The streamed response and the non-streamed one hold the same items (ids aside).
    const shape = (output: any[]) => output.map(({ id: _id, ...item }) => item);
    expect(shape(completed.output)).toEqual(shape(json.output));
    expect(shape(json.output)).toEqual([
      { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Plan.' }] },
      {
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Checking both.', annotations: [], logprobs: [] }],
      },
      {
        type: 'function_call',
        call_id: 'call_weather_000001',
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
        status: 'completed',
      },
      {
        type: 'function_call',
        call_id: 'call_time_000000002',
        name: 'get_time',
        arguments: '{"city":"Oslo"}',
        status: 'completed',
      },
    ]);
    expect(json).toMatchObject({
      id: 'resp_0123456789abcdefghijklmn',
      object: 'response',
      status: 'completed',
      store: false,
    });
  });

  it("streamed with no count from the upstream: response.completed keeps message_start's input estimate", () => {
    const completed = events(serve(responses(), UNCOUNTED).wire).at(-1)!.data.response;
    expect(completed.usage).toMatchObject({ input_tokens: 25, input_tokens_details: { cached_tokens: 0 } });
  });

  it('max_tokens leaves the response incomplete', () => {
    const { wire, json } = serve(responses(), [
      { kind: 'text-delta', text: 'Cut' },
      { kind: 'finish', reason: 'length' },
    ]);
    expect(json).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(events(wire).at(-1)!.event).toBe('response.incomplete');
  });

  it('a failed attempt’s events are forgotten and the numbering resumes after the start', () => {
    const format = responses();
    const encoder = format.streamEncoder();
    const start = { type: 'message_start', message: { id: 'msg_x', usage: { input_tokens: 1, output_tokens: 1 } } };
    const block = { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
    const begun = events(encoder.encode('message_start', start));
    encoder.encode('content_block_start', block);
    encoder.resetAttempt();
    const retried = events(encoder.encode('content_block_start', block));
    expect(retried[0]!.data).toMatchObject({
      type: 'response.output_item.added',
      output_index: 0,
      sequence_number: begun.length,
    });
  });

  it('a failure: response.failed, then an error event carrying `error`, which the SDK raises', () => {
    const encoder = responses().streamEncoder();
    encoder.encode('message_start', {
      type: 'message_start',
      message: { id: 'msg_y', usage: { input_tokens: 1, output_tokens: 1 } },
    });
    const [failed, error] = events(encoder.failure(new ApiError('api_error', 'The answer was cut off: reset')));
    expect(failed!.data.response).toMatchObject({
      status: 'failed',
      error: { code: 'server_error', message: 'The answer was cut off: reset' },
    });
    expect(error!.data).toMatchObject({
      type: 'error',
      message: 'The answer was cut off: reset',
      error: { type: 'server_error' },
    });
  });

  it('each event names its item: item_id, output_index and content_index match what was added', () => {
    const { wire } = serve(responses(), [
      { kind: 'thinking-delta', text: 'Plan.' },
      { kind: 'thinking-end' },
      ...ANSWER,
    ]);
    const stream = events(wire).map((e) => e.data);
    const added = stream.filter((e) => e.type === 'response.output_item.added');
    expect(added.map((e) => e.output_index)).toEqual([0, 1, 2, 3]);
    expect(added.map((e) => e.item.id.split('_')[0])).toEqual(['rs', 'msg', 'fc', 'fc']);
    const idAt = new Map(added.map((e) => [e.output_index, e.item.id]));
    const perItem = stream.filter((e) => 'item_id' in e);
    expect(perItem.length).toBeGreaterThan(0);
    for (const event of perItem) expect(event.item_id).toBe(idAt.get(event.output_index));
    const text = stream.filter((e) => e.type.startsWith('response.output_text.') || e.type.includes('content_part'));
    expect(text.every((e) => e.content_index === 0)).toBe(true);
    const done = stream.filter((e) => e.type === 'response.output_item.done');
    expect(done.map((e) => [e.output_index, e.item.id, e.item.status ?? 'n/a'])).toEqual([
      [0, idAt.get(0), 'n/a'],
      [1, idAt.get(1), 'completed'],
      [2, idAt.get(2), 'completed'],
      [3, idAt.get(3), 'completed'],
    ]);
    // response.completed holds the very items the events built, ids included.
    expect(stream.at(-1)!.response.output.map((item: { id: string }) => item.id)).toEqual([...idAt.values()]);
  });

  it('created and created_at are Unix seconds; ids are resp_, chatcmpl-; a chunk has system_fingerprint', () => {
    const before = Math.floor(Date.now() / 1000);
    const chunks = dataLines(serve(chat(), ANSWER).wire)
      .slice(0, -1)
      .map((line) => JSON.parse(line));
    const { json: completion } = serve(chat(), ANSWER);
    const { wire, json: response } = serve(responses(), ANSWER);
    const after = Math.ceil(Date.now() / 1000);
    const streamed = events(wire).map((e) => e.data);
    const times = [
      ...chunks.map((c) => c.created),
      completion.created,
      response.created_at,
      streamed[0]!.response.created_at,
      streamed.at(-1)!.response.created_at,
    ];
    for (const time of times) {
      expect(Number.isInteger(time)).toBe(true);
      expect(time).toBeGreaterThanOrEqual(before);
      expect(time).toBeLessThanOrEqual(after);
    }
    expect(chunks.every((c) => 'system_fingerprint' in c && c.id.startsWith('chatcmpl-'))).toBe(true);
    expect(completion).toHaveProperty('system_fingerprint');
    expect(response.id).toMatch(/^resp_/);
    expect(new Set(streamed.filter((e) => e.response).map((e) => e.response.id))).toEqual(new Set([response.id]));
  });

  it('response.failed names only codes OpenAI’s ResponseError has; the error event keeps the precise one', () => {
    const cases: Array<[ApiError, string, string | null]> = [
      [new ApiError('overloaded_error', 'busy', 529), 'server_error', 'overloaded'],
      [new ApiError('billing_error', 'no credits', 402), 'server_error', 'insufficient_quota'],
      [new ApiError('rate_limit_error', 'slow down', 429), 'rate_limit_exceeded', 'rate_limit_exceeded'],
    ];
    for (const [apiError, responseCode, eventCode] of cases) {
      const encoder = responses().streamEncoder();
      encoder.encode('message_start', {
        type: 'message_start',
        message: { id: 'msg_z', usage: { input_tokens: 1, output_tokens: 1 } },
      });
      const [failed, error] = events(encoder.failure(apiError));
      expect(failed!.data.response.error).toEqual({ code: responseCode, message: apiError.message });
      expect(error!.data).toMatchObject({ type: 'error', code: eventCode, message: apiError.message });
    }
  });

  it('a context overflow once streaming: response.failed says context_length_exceeded, as Codex reads it', () => {
    // Codex 0.171 takes response.failed's code `context_length_exceeded` as "ran out of room" (its own word for it,
    // which OpenAI's published ResponseError list leaves out); `server_error` there reads to it as a dropped stream.
    const encoder = responses().streamEncoder();
    encoder.encode('message_start', {
      type: 'message_start',
      message: { id: 'msg_z', usage: { input_tokens: 1, output_tokens: 1 } },
    });
    const overflow = new ContextOverflowError('Orchids reported bad_request: input is too long');
    const [failed, error] = events(encoder.failure(overflow));
    expect(failed!.data.response.error).toEqual({ code: 'context_length_exceeded', message: overflow.message });
    expect(failed!.data.response.error.message).toMatch(/^prompt is too long: /);
    expect(error!.data).toMatchObject({ type: 'error', code: 'context_length_exceeded', message: overflow.message });
  });
});
