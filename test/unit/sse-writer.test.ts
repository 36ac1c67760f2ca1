import { describe, expect, it } from 'vitest';
import { anthropicFrame, sseFrame } from '../../main/core/anthropic/sse-writer';

const TEXTS = ['', 'Hello', 'line\nbreak "quoted" \\ back\tslash', 'em—dash ✓ 😀', '\u0000\u001f\u2028', '\ud800 lone'];

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
});
