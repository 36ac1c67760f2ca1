import { describe, expect, it } from 'vitest';
import {
  bareTextDeltas,
  connected,
  drop,
  errorFrame,
  finish,
  nested,
  renderWsFrames,
  respell,
  responseStarted,
  textParts,
  toolCall,
  tokensUsed,
  wsClose,
  type SimStep,
} from '../sim/orchids-simulator';
import { DEFAULT_FRAMES } from '../helpers/gen-b-sim';

/** The simulator's Generation B step builders, as frames: no simulator runs here. */

describe('Generation B builders', () => {
  it('spells model events every way the spec allows', () => {
    const steps = [
      ...toolCall({ id: 'toolu_sim1', name: 'Read', input: { file_path: '/x' } }),
      ...finish('tool-calls', { inputTokens: 1, outputTokens: 2 }),
    ];
    const flat = respell(steps, {
      layout: 'flat',
      callIdKey: 'toolCallId',
      inputIdKey: 'toolCallId',
      toolNameKey: 'toolName',
      stopReasonKey: 'finishReason',
      usageCase: 'camel',
      toolInput: 'string',
    });
    const ev = (i: number, list: SimStep[]) => (list[i] as { data: { event: any } }).data.event;
    expect(ev(0, flat)).toEqual({ type: 'tool-input-start', toolCallId: 'toolu_sim1', toolName: 'Read' });
    expect(ev(1, flat)).toEqual({ type: 'tool-input-delta', toolCallId: 'toolu_sim1', delta: '{"file_path":"/x"}' });
    expect(ev(3, flat)).toEqual({
      type: 'tool-call',
      toolCallId: 'toolu_sim1',
      toolName: 'Read',
      input: '{"file_path":"/x"}',
    });
    expect(ev(4, flat)).toEqual({
      type: 'finish',
      finishReason: 'tool-calls',
      usage: { inputTokens: 1, outputTokens: 2 },
    });
    const byId = nested(steps, { callIdKey: 'id' });
    expect(ev(3, byId)).toEqual({
      data: { type: 'tool-call', id: 'toolu_sim1', tool_name: 'Read', input: { file_path: '/x' } },
    });
    const noInputIds = nested(steps, { inputIdKey: 'none' });
    expect([0, 1, 2].map((i) => ev(i, noInputIds).data)).toEqual([
      { type: 'tool-input-start', tool_name: 'Read' },
      { type: 'tool-input-delta', delta: '{"file_path":"/x"}' },
      { type: 'tool-input-end' },
    ]);
    expect(ev(3, nested(steps, { callIdKey: 'none' }))).toEqual({
      data: { type: 'tool-call', tool_name: 'Read', input: { file_path: '/x' } },
    });
    expect(nested(bareTextDeltas(['a', '\n'])).map((step) => ev(0, [step]))).toEqual([
      { data: { type: 'text-delta', id: '1', delta: 'a' } },
      { data: { type: 'text-delta', id: '1', delta: '\n' } },
    ]);
    expect(ev(0, nested(tokensUsed(3, 4)))).toEqual({
      data: { type: 'tokens-used', input_tokens: 3, output_tokens: 4 },
    });
    expect(ev(0, nested(tokensUsed(3, 4), { usageCase: 'camel' }))).toEqual({
      data: { type: 'tokens-used', inputTokens: 3, outputTokens: 4 },
    });
  });

  it('builds preambles, both error shapes, closes and a whitespace-only delta', () => {
    expect(connected()).toEqual([{ data: { type: 'connected' } }]);
    expect(responseStarted({ id: 'r1' })).toEqual([{ data: { type: 'response_started', id: 'r1' } }]);
    expect(errorFrame('rate_limit', 'too many requests')).toEqual([
      { data: { type: 'error', data: { code: 'rate_limit', message: 'too many requests' } } },
    ]);
    expect(errorFrame('rate_limit', 'too many requests', 'flat')).toEqual([
      { data: { type: 'error', code: 'rate_limit', message: 'too many requests' } },
    ]);
    expect(wsClose(1008, 'policy')).toEqual([{ close: 1008, reason: 'policy' }]);
    expect(drop()).toEqual([{ destroy: true }]);
    const parts = nested(textParts(['Hi', '\n', 'there']));
    expect(renderWsFrames(parts)[2]).toBe(
      '{"type":"model","event":{"data":{"type":"text-delta","id":"1","delta":"\\n"}}}',
    );
    expect(renderWsFrames([{ raw: 'not json' }, { delayMs: 1 }, { close: 1000 }, ...finish()])).toHaveLength(2);
    expect(DEFAULT_FRAMES.at(-1)).toBe(
      '{"type":"model","event":{"data":{"type":"finish","stop_reason":"stop",' +
        '"usage":{"input_tokens":12,"output_tokens":7}}}}',
    );
  });
});
