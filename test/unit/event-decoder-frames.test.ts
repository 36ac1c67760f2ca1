import { describe, expect, it } from 'vitest';
import { UpstreamEventDecoder } from '../../main/core/orchids/event-decoder';
import type { UpstreamEvent } from '../../main/core/orchids/types';
import { decodeAll, genB, model } from '../helpers/event-decoder';

/**
 * The frames around the model's content: what ends a turn, errors in each shape, what is ignored, and which frames
 * show that the stream is Orchids's at all (`recognized`).
 */
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
