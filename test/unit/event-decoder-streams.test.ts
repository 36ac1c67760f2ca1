import { describe, expect, it } from 'vitest';
import { codingAgentReasoning, codingAgentText, text, toolCall } from '../sim/steps';
import { decodeAll, genB, model, payloadsOf } from '../helpers/event-decoder';

/**
 * A stream of model and coding_agent events decoded in order, with the state one decoder keeps across them: the
 * channel that speaks, the chunk just seen, the tool call last started.
 */
describe('UpstreamEventDecoder: Generation A flat model events', () => {
  it('decodes the protocol page example stream (2.3) event by event', () => {
    const out = decodeAll(
      model({ type: 'reasoning-start', id: '0' }),
      model({ type: 'reasoning-delta', id: '0', delta: 'Let me look…' }),
      model({ type: 'reasoning-end', id: '0' }),
      model({ type: 'text-start', id: '1' }),
      model({ type: 'text-delta', id: '1', delta: "I'll read the file." }),
      model({ type: 'text-end', id: '1' }),
      model({ type: 'tool-input-start', id: 'toolu_01', toolName: 'Read' }),
      model({ type: 'tool-input-delta', id: 'toolu_01', delta: '{"file_path":"/x/a.ts"}' }),
      model({ type: 'tool-input-end', id: 'toolu_01' }),
      model({ type: 'tool-call', toolCallId: 'toolu_01', toolName: 'Read', input: '{"file_path":"/x/a.ts"}' }),
      model({ type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 1234, outputTokens: 56 } }),
    );
    expect(out).toEqual([
      { kind: 'thinking-start' },
      { kind: 'thinking-delta', text: 'Let me look…' },
      { kind: 'thinking-end' },
      { kind: 'text-start' },
      { kind: 'text-delta', text: "I'll read the file." },
      { kind: 'text-end' },
      { kind: 'tool-input-start', id: 'toolu_01', name: 'Read' },
      { kind: 'tool-input-delta', id: 'toolu_01', delta: '{"file_path":"/x/a.ts"}' },
      { kind: 'tool-input-end', id: 'toolu_01' },
      { kind: 'tool-call', id: 'toolu_01', name: 'Read', input: '{"file_path":"/x/a.ts"}' },
      { kind: 'finish', reason: 'tool-calls', usage: { inputTokens: 1234, outputTokens: 56 } },
    ]);
  });

  it('carries a reasoning signature from reasoning-start or reasoning-end', () => {
    const out = decodeAll(
      model({ type: 'reasoning-start', id: '0', signature: 'sig-start' }),
      model({ type: 'reasoning-end', id: '0', signature: 'sig-end' }),
    );
    expect(out).toEqual([
      { kind: 'thinking-start', signature: 'sig-start' },
      { kind: 'thinking-end', signature: 'sig-end' },
    ]);
  });

  it('drops empty text and reasoning deltas', () => {
    const out = decodeAll(
      model({ type: 'text-delta', id: '1', delta: '' }),
      model({ type: 'reasoning-delta', id: '0', delta: '' }),
      model({ type: 'tool-input-delta', id: 't', delta: '' }),
    );
    expect(out).toEqual([]);
  });
});

describe('UpstreamEventDecoder: coding_agent events', () => {
  it('turns coding_agent reasoning into thinking deltas and a thinking end', () => {
    const out = decodeAll(...payloadsOf(codingAgentReasoning('think')));
    expect(out).toEqual([{ kind: 'thinking-delta', text: 'think' }, { kind: 'thinking-end' }]);
  });

  it.each([
    ['response.chunk with {content}', { type: 'coding_agent.response.chunk', chunk: { content: 'a' } }],
    ['response.chunk with a string', { type: 'coding_agent.response.chunk', chunk: 'a' }],
    ['response.chunk with {text}', { type: 'coding_agent.response.chunk', chunk: { text: 'a' } }],
    ['output_text_delta with text', { type: 'output_text_delta', text: 'a' }],
    ['output_text_delta with delta', { type: 'output_text_delta', delta: 'a' }],
    ['coding_agent.output_text.delta', { type: 'coding_agent.output_text.delta', delta: 'a' }],
  ])('reads text from %s', (_label, payload) => {
    expect(decodeAll(payload)).toEqual([{ kind: 'text-delta', text: 'a' }]);
  });

  // Spec 2.4: the reference client read a reasoning chunk with the same reader as a text chunk.
  it.each([
    ['data.text', { data: { text: 'r' } }],
    ['text', { text: 'r' }],
    ['delta', { delta: 'r' }],
    ['a string chunk', { chunk: 'r' }],
    ['chunk {text}', { chunk: { text: 'r' } }],
    ['chunk {content}', { chunk: { content: 'r' } }],
  ])('reads coding_agent.reasoning.chunk text from %s', (_label, fields) => {
    expect(decodeAll({ type: 'coding_agent.reasoning.chunk', ...fields })).toEqual([
      { kind: 'thinking-delta', text: 'r' },
    ]);
  });

  it('takes delta, then text, then data.text, then chunk, as the reference client did; empty ones skipped', () => {
    const all = { delta: 'd', text: 't', data: { text: 'x' }, chunk: { text: 'c', content: 'k' } };
    expect(decodeAll({ type: 'output_text_delta', ...all })).toEqual([{ kind: 'text-delta', text: 'd' }]);
    expect(decodeAll({ type: 'coding_agent.response.chunk', ...all, delta: '', text: '' })).toEqual([
      { kind: 'text-delta', text: 'x' },
    ]);
    expect(decodeAll({ type: 'coding_agent.response.chunk', chunk: { text: '', content: 'k' } })).toEqual([
      { kind: 'text-delta', text: 'k' },
    ]);
  });

  it('does not switch to the coding_agent channel on an empty chunk', () => {
    const out = decodeAll(
      { type: 'coding_agent.response.chunk', chunk: { content: '' } },
      { type: 'coding_agent.reasoning.chunk', data: { text: '' } },
      model({ type: 'text-delta', id: '1', delta: 'kept' }),
    );
    expect(out).toEqual([{ kind: 'text-delta', text: 'kept' }]);
  });

  it('reads coding_agent.tokens_used in snake_case and camelCase', () => {
    expect(
      decodeAll(
        { type: 'coding_agent.tokens_used', data: { input_tokens: 12, output_tokens: 34 } },
        { type: 'coding_agent.tokens_used', data: { inputTokens: 5, outputTokens: 6 } },
        { type: 'coding_agent.tokens_used', inputTokens: 7 },
      ),
    ).toEqual([
      { kind: 'usage', usage: { inputTokens: 12, outputTokens: 34 } },
      { kind: 'usage', usage: { inputTokens: 5, outputTokens: 6 } },
      { kind: 'usage', usage: { inputTokens: 7 } },
    ]);
  });

  it('reports exhausted credits with the upstream message, or a default one', () => {
    const message = 'You have run out of credits.';
    expect(
      decodeAll(
        { type: 'coding_agent.credits_exhausted', data: { code: 'credits_exhausted', message: 'No credits left' } },
        { type: 'coding_agent.credits_exhausted' },
      ),
    ).toEqual([
      { kind: 'credits-exhausted', message: 'No credits left' },
      { kind: 'credits-exhausted', message },
    ]);
  });

  it('prefers the coding_agent channel: later model text and reasoning dropped; tools, usage, finish kept', () => {
    const out = decodeAll(
      model({ type: 'text-delta', id: '1', delta: 'before' }),
      ...payloadsOf(codingAgentText('Hello')),
      ...payloadsOf(text('Hello again')),
      model({ type: 'reasoning-start', id: '0' }),
      model({ type: 'reasoning-delta', id: '0', delta: 'hidden' }),
      model({ type: 'reasoning-end', id: '0' }),
      ...payloadsOf(toolCall({ id: 'toolu_09', name: 'Read', input: {}, alsoToolCall: true })),
      model({ type: 'tokens-used', inputTokens: 3 }),
      ...payloadsOf(codingAgentText(' world')),
      model({ type: 'finish', finishReason: 'stop' }),
    );
    expect(out).toEqual([
      { kind: 'text-delta', text: 'before' },
      { kind: 'text-delta', text: 'Hello' },
      { kind: 'tool-input-start', id: 'toolu_09', name: 'Read' },
      { kind: 'tool-input-delta', id: 'toolu_09', delta: '{}' },
      { kind: 'tool-input-end', id: 'toolu_09' },
      { kind: 'tool-call', id: 'toolu_09', name: 'Read', input: '{}' },
      { kind: 'usage', usage: { inputTokens: 3 } },
      { kind: 'text-delta', text: ' world' },
      { kind: 'finish', reason: 'stop', usage: undefined },
    ]);
  });

  it('switches to the coding_agent channel on coding_agent reasoning too', () => {
    const out = decodeAll(...payloadsOf(codingAgentReasoning('r')), model({ type: 'text-delta', id: '1', delta: 'x' }));
    expect(out).toEqual([{ kind: 'thinking-delta', text: 'r' }, { kind: 'thinking-end' }]);
  });
});

describe('UpstreamEventDecoder: duplicate chunks', () => {
  it('drops a chunk identical to the previous one when it comes from a different event type', () => {
    const out = decodeAll(
      model({ type: 'text-delta', id: '1', delta: 'Hello' }),
      { type: 'coding_agent.response.chunk', chunk: { content: 'Hello' } },
      { type: 'output_text_delta', text: 'Hello' },
      { type: 'output_text_delta', text: ' there' },
    );
    expect(out).toEqual([
      { kind: 'text-delta', text: 'Hello' },
      { kind: 'text-delta', text: ' there' },
    ]);
  });

  it('keeps a repeated chunk from the same event type, and the same text when it is not adjacent', () => {
    const out = decodeAll(
      { type: 'output_text_delta', text: 'ha' },
      { type: 'output_text_delta', text: 'ha' },
      { type: 'coding_agent.response.chunk', chunk: '!' },
      { type: 'output_text_delta', text: 'ha' },
    );
    expect(out.map((event) => (event.kind === 'text-delta' ? event.text : event.kind))).toEqual([
      'ha',
      'ha',
      '!',
      'ha',
    ]);
  });
});

// Spec §5.5: the original fed an id-less tool-input-delta to its open tool block and made up an id for a start
// without one. A server whose id key is unknown here looks the same, so none of its tool input may be lost.
describe('UpstreamEventDecoder: streamed tool calls without a readable id (gen-b 5.5, 10.3)', () => {
  it('makes up a toolu_ id for the start; id-less deltas and the end belong to the call last started', () => {
    const out = decodeAll(
      genB({ type: 'tool-input-start', tool_name: 'Bash' }),
      genB({ type: 'tool-input-delta', delta: '{"command":' }),
      genB({ type: 'tool-input-delta', delta: '"ls"}' }),
      genB({ type: 'tool-input-end' }),
      genB({ type: 'tool-input-delta', delta: 'after the end: no call to belong to' }),
    );
    const id = (out[0] as { id: string }).id;
    expect(id).toMatch(/^toolu_[0-9A-Za-z]{24}$/);
    expect(out).toEqual([
      { kind: 'tool-input-start', id, name: 'Bash' },
      { kind: 'tool-input-delta', id, delta: '{"command":' },
      { kind: 'tool-input-delta', id, delta: '"ls"}' },
      { kind: 'tool-input-end', id },
    ]);
  });

  it('gives a tool-call that repeats such a call its made-up id, whatever id the tool-call has', () => {
    const out = decodeAll(
      genB({ type: 'tool-input-start', tool_name: 'Read' }),
      genB({ type: 'tool-input-end' }),
      genB({ type: 'tool-input-start', tool_name: 'Bash' }),
      genB({ type: 'tool-input-end' }),
      genB({ type: 'tool-call', callId: 'call_bash_1', tool_name: 'Bash', input: { command: 'ls' } }),
      genB({ type: 'tool-call', tool_name: 'Read', input: { path: '/a' } }),
      genB({ type: 'tool-call', callId: 'call_bash_2', tool_name: 'Bash', input: { command: 'pwd' } }),
    );
    const [readId, bashId] = [(out[0] as { id: string }).id, (out[2] as { id: string }).id];
    expect(out.slice(4).map((event) => (event as { id: string }).id)).toEqual([bashId, readId, 'call_bash_2']);
  });

  it('leaves a tool-call alone whose id a start carried', () => {
    const out = decodeAll(
      genB({ type: 'tool-input-start', tool_name: 'Bash' }),
      genB({ type: 'tool-input-start', id: 'toolu_real_0001', tool_name: 'Bash' }),
      genB({ type: 'tool-call', callId: 'toolu_real_0001', tool_name: 'Bash', input: {} }),
    );
    expect(out.at(-1)).toMatchObject({ kind: 'tool-call', id: 'toolu_real_0001' });
  });
});

describe('UpstreamEventDecoder: deltas are never trimmed (gen-b 10.8)', () => {
  it('passes whitespace-only and space-edged deltas through byte for byte', () => {
    const out = decodeAll(
      genB({ type: 'text-delta', delta: 'Hello ' }),
      genB({ type: 'text-delta', delta: '\n' }),
      genB({ type: 'text-delta', delta: '  world  ' }),
      genB({ type: 'reasoning-delta', delta: ' ' }),
      genB({ type: 'tool-input-delta', id: 't', delta: ' ' }),
    );
    expect(out).toEqual([
      { kind: 'text-delta', text: 'Hello ' },
      { kind: 'text-delta', text: '\n' },
      { kind: 'text-delta', text: '  world  ' },
      { kind: 'thinking-delta', text: ' ' },
      { kind: 'tool-input-delta', id: 't', delta: ' ' },
    ]);
  });

  it('keeps a second identical whitespace delta from the same channel', () => {
    const out = decodeAll(genB({ type: 'text-delta', delta: '\n' }), genB({ type: 'text-delta', delta: '\n' }));
    expect(out).toEqual([
      { kind: 'text-delta', text: '\n' },
      { kind: 'text-delta', text: '\n' },
    ]);
  });
});
