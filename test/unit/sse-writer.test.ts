import { describe, expect, it } from 'vitest';
import { anthropicFrame, EMPTY_TEXT_BLOCK, EMPTY_THINKING_BLOCK, sseFrame } from '../../main/core/anthropic/sse-writer';
import { StreamTranslator } from '../../main/core/anthropic/stream-translator';
import type { Usage } from '../../main/core/anthropic/types';
import { wireDeltaUsage, wireUsage } from '../../main/core/anthropic/usage-tally';

const TEXTS = ['', 'Hello', 'line\nbreak "quoted" \\ back\tslash', 'em—dash ✓ 😀', '\u0000\u001f\u2028', '\ud800 lone'];

/** The message a message_start carries, as the translator starts one, with `usage` as given. */
function startedMessage<U>(usage: U) {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'm',
    stop_reason: null,
    stop_sequence: null,
    usage,
  };
}

describe('anthropicFrame', () => {
  it('writes every delta type byte for byte as JSON.stringify of the whole event would', () => {
    const deltas = TEXTS.flatMap((value) => [
      { type: 'text_delta', text: value },
      { type: 'thinking_delta', thinking: value },
      { type: 'signature_delta', signature: value },
      { type: 'input_json_delta', partial_json: value },
    ]);
    for (const [i, delta] of deltas.entries()) {
      const payload = { type: 'content_block_delta', index: i, delta };
      expect(anthropicFrame('content_block_delta', payload)).toBe(sseFrame('content_block_delta', payload));
    }
  });

  it('writes block stops and the message stop as sseFrame does', () => {
    for (const index of [0, 7, 123]) {
      const payload = { type: 'content_block_stop', index };
      expect(anthropicFrame('content_block_stop', payload)).toBe(sseFrame('content_block_stop', payload));
    }
    const stop = { type: 'message_stop' };
    expect(anthropicFrame('message_stop', stop)).toBe(sseFrame('message_stop', stop));
  });

  it('falls back to sseFrame for deltas it has no pieces for and for every other event', () => {
    const odd = { type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: { n: 1 } } };
    expect(anthropicFrame('content_block_delta', odd)).toBe(sseFrame('content_block_delta', odd));
    const notText = { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 5 } };
    expect(anthropicFrame('content_block_delta', notText)).toBe(sseFrame('content_block_delta', notText));
    const start = { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } };
    expect(anthropicFrame('content_block_start', start)).toBe(sseFrame('content_block_start', start));
    const delta = { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: {} };
    expect(anthropicFrame('message_delta', delta)).toBe(sseFrame('message_delta', delta));
  });

  it('writes the shared empty text and thinking block starts as sseFrame does', () => {
    for (const [index, block] of [EMPTY_TEXT_BLOCK, EMPTY_THINKING_BLOCK].entries()) {
      const payload = { type: 'content_block_start', index, content_block: block };
      const frame = anthropicFrame('content_block_start', payload);
      expect(frame).toBe(sseFrame('content_block_start', payload));
      expect(frame).toContain(`"content_block":${JSON.stringify(block)}`);
    }
    expect(Object.isFrozen(EMPTY_TEXT_BLOCK) && Object.isFrozen(EMPTY_THINKING_BLOCK)).toBe(true);
  });

  it("writes the translator's message_start as sseFrame does, for ids and models needing escapes", () => {
    for (const [messageId, model, inputTokensEstimate] of [
      ['msg_01abc', 'claude-sonnet-4-5', 12],
      ['msg_"quoted"\\', 'model\nwith ✓ 😀', 0],
      ['msg_x', 'm', 1234567],
    ] as const) {
      const events: Array<[string, Record<string, unknown>]> = [];
      const translator = new StreamTranslator({
        messageId,
        model,
        inputTokensEstimate,
        tools: undefined,
        includeThinking: false,
        sink: (name, payload) => events.push([name, payload]),
      });
      translator.start();
      const [name, payload] = events[0]!;
      expect(anthropicFrame(name, payload)).toBe(sseFrame(name, payload));
    }
  });

  it("writes message_start's usage from its counts as JSON.stringify would, cache counts present or not", () => {
    const counts = [0, 1, 7, 99, 4096, 123456789, 2 ** 31, 2 ** 53 - 1, 1.5, -0, 1e21];
    const message = (usage: Record<string, unknown>) => ({ type: 'message_start', message: startedMessage(usage) });
    let checked = 0;
    for (const [i, input] of counts.entries()) {
      for (const [j, output] of counts.entries()) {
        const created = counts[(i + j) % counts.length]!;
        const read = counts[(i * 3 + j) % counts.length]!;
        const usages: Usage[] = [
          { input_tokens: input, output_tokens: output },
          { input_tokens: input, output_tokens: output, cache_read_input_tokens: read },
          { input_tokens: input, output_tokens: output, cache_creation_input_tokens: created },
          {
            input_tokens: input,
            output_tokens: output,
            cache_read_input_tokens: read,
            cache_creation_input_tokens: created,
          },
        ];
        for (const usage of usages) {
          const payload = message({ ...wireUsage(usage) });
          expect(anthropicFrame('message_start', payload)).toBe(sseFrame('message_start', payload));
          checked++;
        }
      }
    }
    expect(checked).toBe(counts.length * counts.length * 4);
    // What the pieces do not write as JSON does goes to JSON.stringify whole: counts it writes as null, members in
    // another order, a member more or less, a split of the cache write with other counts, another tier.
    const base = wireUsage({ input_tokens: 5, output_tokens: 1 }) as unknown as Record<string, unknown>;
    const { input_tokens, ...withoutInput } = base;
    const odd: Array<Record<string, unknown>> = [
      { ...base, input_tokens: Number.NaN },
      { ...base, output_tokens: Number.POSITIVE_INFINITY },
      { ...base, cache_read_input_tokens: '3' },
      { ...withoutInput, input_tokens },
      withoutInput,
      { ...base, container: null },
      { ...base, cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 4 } },
      { ...base, cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: Number.NaN } },
      { ...base, cache_creation: { ephemeral_5m_input_tokens: 4, ephemeral_1h_input_tokens: 0, other: 1 } },
      { ...base, cache_creation: [] },
      { ...base, service_tier: 'priority' },
      { ...base, inference_geo: 'us' },
      { ...base, server_tool_use: { web_search_requests: 1 } },
      { ...base, speed: 'fast' },
    ];
    for (const usage of odd) {
      const payload = message(usage);
      expect(anthropicFrame('message_start', payload)).toBe(sseFrame('message_start', payload));
    }
  });

  it('writes message_delta as sseFrame does, whatever its stop and usage', () => {
    const usages = [{ output_tokens: 3 }, { output_tokens: 3, input_tokens: 9, cache_read_input_tokens: 2 }, {}];
    for (const usage of usages) {
      for (const [stopReason, stopSequence] of [
        ['end_turn', null],
        ['stop_sequence', 'STOP "here"\n'],
        ['tool_use', null],
      ] as const) {
        const payload = {
          type: 'message_delta',
          delta: { stop_reason: stopReason, stop_sequence: stopSequence },
          usage,
        };
        expect(anthropicFrame('message_delta', payload)).toBe(sseFrame('message_delta', payload));
      }
    }
  });

  it("writes the translator's message_delta usage from its counts as JSON.stringify would", () => {
    const usages: object[] = [
      wireDeltaUsage({ input_tokens: 12, output_tokens: 7 }),
      wireDeltaUsage({
        input_tokens: 0,
        output_tokens: 1,
        cache_read_input_tokens: 700,
        cache_creation_input_tokens: 3,
      }),
      { ...wireDeltaUsage({ input_tokens: 1, output_tokens: 2 }), input_tokens: Number.NaN },
      { ...wireDeltaUsage({ input_tokens: 1, output_tokens: 2 }), server_tool_use: { web_search_requests: 1 } },
      { ...wireDeltaUsage({ input_tokens: 1, output_tokens: 2 }), extra: 1 },
      { output_tokens: 2, input_tokens: 1 },
    ];
    for (const usage of usages) {
      const payload = { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage };
      expect(anthropicFrame('message_delta', payload)).toBe(sseFrame('message_delta', payload));
    }
  });

  it('leaves any other message_start, block start or message_delta to sseFrame', () => {
    const message = startedMessage({
      input_tokens: 5,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 1,
    });
    const odd: Array<[string, Record<string, unknown>]> = [
      ['message_start', { type: 'message_start', message: { ...message, content: [{ type: 'text', text: 'x' }] } }],
      [
        'message_start',
        { type: 'message_start', message: { ...message, usage: { ...message.usage, output_tokens: 2 } } },
      ],
      ['message_start', { type: 'message_start', message: { ...message, stop_reason: 'end_turn' } }],
      ['message_start', { type: 'message_start', message: { ...message, usage: { input_tokens: Number.NaN } } }],
      ['message_start', { type: 'message_start' }],
      ['content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'text', text: 'x' } }],
      [
        'content_block_start',
        { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 't', name: 'n', input: {} } },
      ],
      // An undefined stop_sequence is dropped by JSON.stringify, not written as null.
      [
        'message_delta',
        { type: 'message_delta', delta: { stop_reason: 'stop_sequence' }, usage: { output_tokens: 1 } },
      ],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: null, stop_sequence: null }, usage: {} }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null } }],
      // A member the pieces do not know, at any level, is written too, not lost.
      ['message_start', { type: 'message_start', message: { ...message, container: { id: 'c' } } }],
      ['message_start', { type: 'message_start', message, extra: 1 }],
      [
        'message_start',
        { type: 'message_start', message: { ...message, usage: { ...message.usage, service_tier: 'standard' } } },
      ],
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null, container: null },
          usage: { output_tokens: 1 },
        },
      ],
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: 1 },
          context_management: null,
        },
      ],
    ];
    for (const [name, payload] of odd) expect(anthropicFrame(name, payload)).toBe(sseFrame(name, payload));
  });
});
