import { describe, expect, it } from 'vitest';
import { readUsage } from '../../main/core/orchids/event-decoder';
import { finish, nested, text, toolCall } from '../sim/steps';
import { decodeAll, genB, model, payloadsOf } from '../helpers/event-decoder';

/**
 * Where a field of a model event may be and what it may be called: Generation B's nesting in event.data and its
 * snake_case, the tool-call and usage spellings, and both levels at once.
 */
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
