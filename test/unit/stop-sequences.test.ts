import { describe, expect, it } from 'vitest';
import { MessageAccumulator } from '../../main/core/anthropic/message-accumulator';
import { StopScanner } from '../../main/core/anthropic/stop-sequences';
import { StreamTranslator } from '../../main/core/anthropic/stream-translator';
import type { UpstreamEvent } from '../../main/core/orchids/types';

describe('StopScanner', () => {
  it('cuts at a sequence inside one delta, without it', () => {
    const scanner = new StopScanner(['END']);
    expect(scanner.push('Hello END world')).toEqual({ emit: 'Hello ', matched: 'END' });
  });

  it('finds a sequence split across deltas and never sends half of it', () => {
    const scanner = new StopScanner(['END']);
    expect(scanner.push('Hello E')).toEqual({ emit: 'Hello ' });
    expect(scanner.push('N')).toEqual({ emit: '' });
    expect(scanner.push('D and more')).toEqual({ emit: '', matched: 'END' });
  });

  it('lets held text go once it cannot start a sequence', () => {
    const scanner = new StopScanner(['END']);
    expect(scanner.push('the EN')).toEqual({ emit: 'the ' });
    expect(scanner.push('Ding')).toEqual({ emit: '', matched: 'END' });
    const other = new StopScanner(['END']);
    expect(other.push('the EN')).toEqual({ emit: 'the ' });
    expect(other.push('Xyz')).toEqual({ emit: 'ENXyz' });
  });

  it('stops at the earliest of several sequences', () => {
    const scanner = new StopScanner(['\n\n', 'Human:']);
    expect(scanner.push('a Human: b\n\nc')).toEqual({ emit: 'a ', matched: 'Human:' });
  });

  it('gives back what it held when the text ends', () => {
    const scanner = new StopScanner(['###']);
    expect(scanner.push('done #')).toEqual({ emit: 'done ' });
    expect(scanner.flush()).toBe('#');
    expect(scanner.flush()).toBe('');
  });
});

describe('stop sequences in the translator', () => {
  function run(events: UpstreamEvent[], stopSequences: string[]) {
    const accumulator = new MessageAccumulator();
    const translator = new StreamTranslator({
      messageId: 'msg_stop',
      model: 'm',
      inputTokensEstimate: 1,
      tools: undefined,
      includeThinking: false,
      stopSequences,
      sink: accumulator.sink,
    });
    translator.start();
    let applied = 0;
    for (const event of events) {
      applied++;
      if (!translator.apply(event)) break;
    }
    const { stopReason, usage } = translator.complete();
    return { applied, message: accumulator.result(stopReason, usage) };
  }

  it('ends the message at the sequence with stop_reason stop_sequence, ignoring what follows', () => {
    const { applied, message } = run(
      [
        { kind: 'text-delta', text: 'one, two, ST' },
        { kind: 'text-delta', text: 'OP three' },
        { kind: 'text-delta', text: 'four' },
        { kind: 'finish', reason: 'stop' },
      ],
      ['STOP'],
    );
    expect(applied).toBe(2);
    expect(message.content).toEqual([{ type: 'text', text: 'one, two, ' }]);
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('STOP');
  });

  it('held text goes out before a tool call or at the end of the turn, not lost', () => {
    const { message } = run(
      [
        { kind: 'text-delta', text: 'see S' },
        { kind: 'tool-call', id: 'toolu_stop_0000001', name: 'Read', input: '{}' },
        { kind: 'text-delta', text: 'and S' },
        { kind: 'finish', reason: 'stop' },
      ],
      ['STOP'],
    );
    // No tools declared, so the call is a line of text of its own, between the two (a paragraph apart from each).
    expect(message.content.map((block) => (block.type === 'text' ? block.text : block.type))).toEqual([
      'see S',
      expect.stringMatching(/^\n\n\[The agent called the tool "Read"/),
      '\n\nand S',
    ]);
  });

  it('a text that only looked like the start of a sequence is sent whole at its end', () => {
    const { message } = run(
      [{ kind: 'text-delta', text: 'almost ST' }, { kind: 'text-end' }, { kind: 'finish', reason: 'stop' }],
      ['STOP'],
    );
    expect(message.content).toEqual([{ type: 'text', text: 'almost ST' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.stop_sequence).toBeNull();
  });
});
