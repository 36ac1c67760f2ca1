import { describe, expect, it } from 'vitest';
import { UpstreamEventDecoder, readUsage } from '../../main/core/orchids/event-decoder';
import type { UpstreamEvent } from '../../main/core/orchids/types';
import { codingAgentReasoning, codingAgentText, finish, nested, text, toolCall, type SimStep } from '../sim/steps';

/** Decodes payloads in order with one decoder (the decoder is stateful per stream). */
function decodeAll(...payloads: unknown[]): UpstreamEvent[] {
  const decoder = new UpstreamEventDecoder();
  const out: UpstreamEvent[] = [];
  for (const payload of payloads) decoder.decode(payload, out);
  return out;
}
const payloadsOf = (steps: SimStep[]): unknown[] => steps.flatMap((step) => ('data' in step ? [step.data] : []));
const model = (event: Record<string, unknown>) => ({ type: 'model', event });
const genB = (data: Record<string, unknown>) => ({ type: 'model', event: { data } });

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

describe('UpstreamEventDecoder: Generation B nested model events', () => {
  it('reads the event from event.data, with tool_name, callId, object input and snake_case usage', () => {
    const steps = [
      ...text('Hi'),
      ...toolCall({ id: 'toolu_02', name: 'Write', input: { file_path: '/a', content: 'x' } }),
      ...finish('tool_use', { inputTokens: 10, outputTokens: 3 }),
    ];
    expect(decodeAll(...payloadsOf(nested(steps)))).toEqual([
      { kind: 'text-start' },
      { kind: 'text-delta', text: 'Hi' },
      { kind: 'text-end' },
      { kind: 'tool-input-start', id: 'toolu_02', name: 'Write' },
      { kind: 'tool-input-delta', id: 'toolu_02', delta: '{"file_path":"/a","content":"x"}' },
      { kind: 'tool-input-end', id: 'toolu_02' },
      { kind: 'tool-call', id: 'toolu_02', name: 'Write', input: { file_path: '/a', content: 'x' } },
      { kind: 'finish', reason: 'tool_use', usage: { inputTokens: 10, outputTokens: 3 } },
    ]);
  });

  it('reads a signature nested in event.data next to a flat type', () => {
    const out = decodeAll({ type: 'model', event: { type: 'reasoning-start', id: '0', data: { signature: 's1' } } });
    expect(out).toEqual([{ kind: 'thinking-start', signature: 's1' }]);
  });

  it('accepts name for the tool name and toolCallId for a streamed id', () => {
    const out = decodeAll(
      genB({ type: 'tool-input-start', toolCallId: 'c1', name: 'Bash' }),
      genB({ type: 'tool-input-delta', toolCallId: 'c1', inputTextDelta: '{"command":"ls"}' }),
      genB({ type: 'tool-input-end', toolCallId: 'c1' }),
    );
    expect(out).toEqual([
      { kind: 'tool-input-start', id: 'c1', name: 'Bash' },
      { kind: 'tool-input-delta', id: 'c1', delta: '{"command":"ls"}' },
      { kind: 'tool-input-end', id: 'c1' },
    ]);
  });
});

describe('UpstreamEventDecoder: tool-call spellings', () => {
  it.each([
    ['toolCallId/toolName, string input', { toolCallId: 'a', toolName: 'Read', input: '{"x":1}' }, 'a', '{"x":1}'],
    ['callId/tool_name, object input', { callId: 'b', tool_name: 'Read', input: { x: 1 } }, 'b', { x: 1 }],
    ['id/name, arguments string', { id: 'c', name: 'Read', arguments: '{"x":1}' }, 'c', '{"x":1}'],
    ['no id at all', { toolName: 'Read', input: { x: 1 } }, '', { x: 1 }],
    ['no input at all', { toolCallId: 'd', toolName: 'Read' }, 'd', ''],
  ])('%s', (_label, fields, id, input) => {
    expect(decodeAll(model({ type: 'tool-call', ...fields }))).toEqual([
      { kind: 'tool-call', id, name: 'Read', input },
    ]);
  });

  it('prefers toolCallId over callId over id', () => {
    const out = decodeAll(
      model({ type: 'tool-call', id: 'c', callId: 'b', toolCallId: 'a', toolName: 'X', input: '' }),
    );
    expect(out).toEqual([{ kind: 'tool-call', id: 'a', name: 'X', input: '' }]);
  });

  it('drops a tool-call or tool-input-start without a tool name', () => {
    expect(decodeAll(model({ type: 'tool-call', toolCallId: 'a', input: '{}' }))).toEqual([]);
    expect(decodeAll(model({ type: 'tool-input-start', id: 'a' }))).toEqual([]);
  });
});

describe('UpstreamEventDecoder: usage and finish', () => {
  it('reads usage in camelCase and snake_case, with cache fields', () => {
    const camel = { inputTokens: 5, outputTokens: 6, cacheReadInputTokens: 7, cacheCreationInputTokens: 8 };
    expect(readUsage(camel)).toEqual(camel);
    expect(
      readUsage({ input_tokens: 5, output_tokens: 6, cache_read_input_tokens: 7, cache_creation_input_tokens: 8 }),
    ).toEqual(camel);
  });

  it('finds no usage where no count is a finite number', () => {
    expect(readUsage({ inputTokens: '12', outputTokens: null })).toBeUndefined();
    expect(readUsage({ inputTokens: Number.NaN })).toBeUndefined();
    expect(readUsage('12')).toBeUndefined();
    expect(decodeAll(model({ type: 'tokens-used' }))).toEqual([]);
  });

  it('turns tokens-used in either spelling into a usage event', () => {
    const out = decodeAll(
      model({ type: 'tokens-used', inputTokens: 12, outputTokens: 34 }),
      genB({ type: 'tokens-used', input_tokens: 1 }),
    );
    expect(out).toEqual([
      { kind: 'usage', usage: { inputTokens: 12, outputTokens: 34 } },
      { kind: 'usage', usage: { inputTokens: 1 } },
    ]);
  });

  it.each([
    ['finishReason', { finishReason: 'stop' }, 'stop'],
    ['Gen B stop_reason', { stop_reason: 'end_turn' }, 'end_turn'],
    ['reason', { reason: 'length' }, 'length'],
    ['nothing', {}, undefined],
  ])('reads the finish reason from %s', (_label, fields, reason) => {
    expect(decodeAll(model({ type: 'finish', ...fields }))).toEqual([{ kind: 'finish', reason, usage: undefined }]);
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

describe('UpstreamEventDecoder: end of turn and errors', () => {
  it('turns response_done into usage, one tool call per function_call/tool_use item, then finish tool-calls', () => {
    const out = decodeAll({
      type: 'response_done',
      response: {
        usage: { inputTokens: 12, outputTokens: 34 },
        output: [
          { type: 'message', content: 'ignored' },
          { type: 'function_call', callId: 'call_1', name: 'Write', arguments: '{"file_path":"/a"}' },
          { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: '/b' } },
          { type: 'function_call', call_id: 'call_2', name: 'Bash', arguments: { command: 'ls' } },
          { type: 'tool_use', name: 'Glob', input: { pattern: '*' } },
          { type: 'tool_use', id: 'nameless', input: {} },
        ],
      },
    });
    expect(out).toEqual([
      { kind: 'usage', usage: { inputTokens: 12, outputTokens: 34 } },
      { kind: 'tool-call', id: 'call_1', name: 'Write', input: '{"file_path":"/a"}' },
      { kind: 'tool-call', id: 'toolu_1', name: 'Read', input: { file_path: '/b' } },
      { kind: 'tool-call', id: 'call_2', name: 'Bash', input: { command: 'ls' } },
      { kind: 'tool-call', id: '', name: 'Glob', input: { pattern: '*' } },
      { kind: 'finish', reason: 'tool-calls' },
    ]);
  });

  it('finishes with stop when response_done carries no tool calls', () => {
    expect(decodeAll({ type: 'response_done', response: { output: [] } })).toEqual([
      { kind: 'finish', reason: 'stop' },
    ]);
    expect(decodeAll({ type: 'response_done' })).toEqual([{ kind: 'finish', reason: 'stop' }]);
  });

  it('turns coding_agent.end and complete into a finish without a reason', () => {
    expect(decodeAll({ type: 'coding_agent.end' }, { type: 'complete' })).toEqual([
      { kind: 'finish' },
      { kind: 'finish' },
    ]);
  });

  it('reads errors in the data form, the top-level form, and inside a model event', () => {
    expect(
      decodeAll(
        { type: 'error', data: { code: 'bad_request', message: 'boom' } },
        { type: 'error', code: 'rate_limited', message: 'slow down' },
        { type: 'error', code: 'outer', data: { message: 'inner wins' } },
        model({ type: 'error', error: { code: 'model_error', message: 'nope' } }),
        { type: 'error' },
      ),
    ).toEqual([
      { kind: 'error', code: 'bad_request', message: 'boom' },
      { kind: 'error', code: 'rate_limited', message: 'slow down' },
      { kind: 'error', code: 'outer', message: 'inner wins' },
      { kind: 'error', code: 'model_error', message: 'nope' },
      { kind: 'error', code: 'upstream_error', message: 'The upstream reported an error.' },
    ]);
  });

  it('ignores unknown and non-content events and payloads that are not event objects', () => {
    const out = decodeAll(
      { type: 'connected' },
      { type: 'response_started' },
      { type: 'coding_agent.start', data: {} },
      { type: 'fs_operation', data: { op: 'read' } },
      { type: 'run_item_stream_event' },
      { type: 'coding_agent.Write.content.chunk', data: { file_path: '/a', text: 'x' } },
      { type: 'something_new', text: 'not text' },
      model({ type: 'stream-start' }),
      model({ type: 'conversation_id', id: 'c' }),
      model({ type: 'future-event', delta: 'x' }),
      { type: 'model', event: 'not an object' },
      { text: 'no type' },
      null,
      'data',
      42,
      [{ type: 'complete' }],
    );
    expect(out).toEqual([]);
  });
});

describe('UpstreamEventDecoder and error shapes', () => {
  it('reads Anthropic-style {error:{type,message}} as well as the data and top-level forms', () => {
    const out: UpstreamEvent[] = [];
    const decoder = new UpstreamEventDecoder();
    decoder.decode({ type: 'error', error: { type: 'overloaded_error', message: 'busy' } }, out);
    decoder.decode({ type: 'error', data: { code: 'bad_request', message: 'boom' } }, out);
    decoder.decode({ type: 'error', code: 'llm_unavailable', message: 'down' }, out);
    expect(out).toEqual([
      { kind: 'error', code: 'overloaded_error', message: 'busy' },
      { kind: 'error', code: 'bad_request', message: 'boom' },
      { kind: 'error', code: 'llm_unavailable', message: 'down' },
    ]);
  });
});

describe('UpstreamEventDecoder: every Generation B key spelling (gen-b 5.5, 10.1–10.3)', () => {
  it.each([
    ['id', { id: 'c1' }],
    ['toolCallId', { toolCallId: 'c1' }],
    ['callId', { callId: 'c1' }],
  ])('reads the call id of a streamed tool call from %s', (_label, idField) => {
    const out = decodeAll(
      genB({ type: 'tool-input-start', ...idField, tool_name: 'Bash' }),
      genB({ type: 'tool-input-delta', ...idField, delta: '{"command":"ls"}' }),
      genB({ type: 'tool-input-end', ...idField }),
    );
    expect(out).toEqual([
      { kind: 'tool-input-start', id: 'c1', name: 'Bash' },
      { kind: 'tool-input-delta', id: 'c1', delta: '{"command":"ls"}' },
      { kind: 'tool-input-end', id: 'c1' },
    ]);
  });

  it.each([
    ['callId', { callId: 'call_read_1' }],
    ['toolCallId', { toolCallId: 'call_read_1' }],
    ['id', { id: 'call_read_1' }],
  ])('reads the id of a Generation B tool-call from %s (object input)', (_label, idField) => {
    const out = decodeAll(genB({ type: 'tool-call', ...idField, tool_name: 'Read', input: { path: '/tmp/demo.txt' } }));
    expect(out).toEqual([{ kind: 'tool-call', id: 'call_read_1', name: 'Read', input: { path: '/tmp/demo.txt' } }]);
  });

  it.each([['tool_name'], ['toolName'], ['name']])('reads the tool name from %s', (key) => {
    expect(decodeAll(genB({ type: 'tool-input-start', id: 't1', [key]: 'Grep' }))).toEqual([
      { kind: 'tool-input-start', id: 't1', name: 'Grep' },
    ]);
  });

  it('reads a Generation B finish: stop_reason and snake_case usage with both cache fields', () => {
    const usage = { input_tokens: 12, output_tokens: 34, cache_read_input_tokens: 5, cache_creation_input_tokens: 6 };
    expect(decodeAll(genB({ type: 'finish', stop_reason: 'tool-calls', usage }))).toEqual([
      {
        kind: 'finish',
        reason: 'tool-calls',
        usage: { inputTokens: 12, outputTokens: 34, cacheReadInputTokens: 5, cacheCreationInputTokens: 6 },
      },
    ]);
  });

  it('reads finishReason next to camelCase usage, and prefers finishReason when both reasons are sent', () => {
    expect(
      decodeAll(genB({ type: 'finish', finishReason: 'stop', stop_reason: 'x', usage: { outputTokens: 3 } })),
    ).toEqual([{ kind: 'finish', reason: 'stop', usage: { outputTokens: 3 } }]);
  });

  it('reads tokens-used counts from the event or from a nested usage object', () => {
    expect(
      decodeAll(
        genB({ type: 'tokens-used', inputTokens: 1, output_tokens: 2 }),
        genB({ type: 'tokens-used', usage: { input_tokens: 3, outputTokens: 4 } }),
      ),
    ).toEqual([
      { kind: 'usage', usage: { inputTokens: 1, outputTokens: 2 } },
      { kind: 'usage', usage: { inputTokens: 3, outputTokens: 4 } },
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

describe('UpstreamEventDecoder.recognized', () => {
  const recognizedAfter = (...payloads: unknown[]): boolean => {
    const decoder = new UpstreamEventDecoder();
    const out: UpstreamEvent[] = [];
    for (const payload of payloads) decoder.decode(payload, out);
    return decoder.recognized;
  };

  it('starts false', () => {
    expect(new UpstreamEventDecoder().recognized).toBe(false);
  });

  it.each([
    ['the connected preamble', { type: 'connected' }],
    ['the response_started preamble', { type: 'response_started', requestId: 'r1' }],
    ['a Generation B model event', genB({ type: 'text-delta', delta: 'x' })],
    ['a Generation A flat model event', model({ type: 'text-delta', id: '1', delta: 'x' })],
    ['a model event of a type nobody handles', model({ type: 'stream-start' })],
    ['an error frame in the data shape', { type: 'error', data: { code: 'bad_request', message: 'boom' } }],
    ['an error frame in the top-level shape', { type: 'error', code: 'rate_limited', message: 'slow down' }],
    ['a coding_agent event', { type: 'coding_agent.start', data: {} }],
    ['output_text_delta', { type: 'output_text_delta', text: 'a' }],
    ['response_done', { type: 'response_done', response: {} }],
    ['complete', { type: 'complete' }],
    ['fs_operation', { type: 'fs_operation', id: 'op_1', operation: 'read', path: 'a' }],
  ])('turns true on %s', (_label, payload) => {
    expect(recognizedAfter(payload)).toBe(true);
  });

  it.each([
    ['an Anthropic error', { type: 'error', error: { type: 'overloaded_error', message: 'busy' } }],
    ['an Anthropic stream event', { type: 'message_start', message: {} }],
    ['a model frame without an event object', { type: 'model', event: 'x' }],
    ['an unknown type', { type: 'something_new', text: 'x' }],
    ['JSON that is not an event', [{ type: 'connected' }]],
    ['no type', { event: { data: { type: 'text-delta', delta: 'x' } } }],
  ])('stays false on %s', (_label, payload) => {
    expect(recognizedAfter(payload, null, 'text', 42)).toBe(false);
  });

  it('emits nothing for the preambles and stays true once set', () => {
    const decoder = new UpstreamEventDecoder();
    const out: UpstreamEvent[] = [];
    decoder.decode({ type: 'connected' }, out);
    decoder.decode({ type: 'response_started' }, out);
    decoder.decode({ type: 'message_start' }, out);
    expect(out).toEqual([]);
    expect(decoder.recognized).toBe(true);
  });
});

describe('UpstreamEventDecoder: Generation B events read through both levels', () => {
  const flat = (event: Record<string, unknown>) => {
    const { data, ...rest } = event;
    return { type: 'model', event: { ...rest, ...(data as Record<string, unknown>) } };
  };
  // Each nested event must decode exactly as its merged form does (`data` wins where both levels have a key).
  const cases: Array<Record<string, unknown>> = [
    { data: { type: 'text-delta', delta: 'in data' } },
    { type: 'text-delta', data: { delta: 'type outside' } },
    { type: 'reasoning-delta', data: { text: 'text, not delta' } },
    { type: 'text-delta', delta: 'outer', data: { delta: 'inner wins' } },
    { type: 'text-delta', delta: 'outer kept', data: { id: '1' } },
    { type: 'text-delta', delta: 'outer', data: { delta: null, text: 'null inner hides outer delta' } },
    { type: 'reasoning-delta', data: { type: 'text-delta', delta: 'inner type wins' } },
    { data: { type: 'reasoning-delta', delta: 7 } },
    { type: 'text-start', data: { id: '1' } },
    { data: { type: 'text-end', id: '1' } },
    { type: 'reasoning-start', signature: 'outer', data: { signature: 'inner wins' } },
    { type: 'reasoning-end', signature: 'outer kept', data: {} },
    { type: 'tool-input-start', toolCallId: 'outer', data: { toolCallId: 'inner wins', toolName: 'Bash' } },
    {
      type: 'tool-input-start',
      toolCallId: 'outer toolCallId beats inner callId',
      data: { callId: 'c', name: 'Grep' },
    },
    { type: 'tool-input-delta', id: 't', data: { inputTextDelta: '{"a":1}' } },
    { data: { type: 'tool-input-end', callId: 'c' } },
    { type: 'tool-call', toolName: 'Read', data: { toolCallId: 'c', arguments: '{"path":"/x"}' } },
    { type: 'tool-call', input: { a: 1 }, data: { toolName: 'Read', input: null, arguments: 'null inner input' } },
    { type: 'finish', finishReason: 'stop', data: { usage: { input_tokens: 2, outputTokens: 3 } } },
    { data: { type: 'finish', stop_reason: 'end_turn', reason: 'other' } },
    { type: 'tokens-used', inputTokens: 1, data: { output_tokens: 2, usage: { input_tokens: 9 } } },
    { type: 'tokens-used', data: { usage: { cache_read_input_tokens: 4 } } },
    { type: 'error', message: 'outer', data: { code: 'bad_request', error: { message: 'nested' } } },
    { data: { type: 'error', error: { type: 'overloaded', message: 'busy' } } },
    { data: { type: 'stream-start' } },
  ];

  it('matches the merged event, case by case', () => {
    for (const event of cases) {
      expect(decodeAll({ type: 'model', event }), JSON.stringify(event)).toEqual(decodeAll(flat(event)));
    }
  });

  it('still drops the model channel once coding_agent events speak', () => {
    const out = decodeAll(
      { type: 'coding_agent.output_text.delta', text: 'from the agent' },
      { type: 'model', event: { data: { type: 'text-delta', delta: 'duplicate' } } },
      { type: 'model', event: { data: { type: 'reasoning-delta', delta: 'duplicate' } } },
    );
    expect(out).toEqual([{ kind: 'text-delta', text: 'from the agent' }]);
  });
});
