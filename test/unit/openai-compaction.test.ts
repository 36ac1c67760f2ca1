import { describe, expect, it } from 'vitest';
import { COMPACTION_REQUEST } from '../../main/core/openai/compaction';
import { readResponsesRequest } from '../../main/core/openai/responses-request';
import { ResponsesFormat } from '../../main/core/openai/responses-format';

/**
 * Codex CLI's remote compaction on its built-in `openai` provider: a `compaction_trigger` input item asks for the
 * conversation's summary, answered as the one `compaction` output item Codex requires, which comes back as input in
 * later requests and goes upstream as that summary (compaction.ts).
 */
const HISTORY = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Print the code.' }] },
  { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"echo KIWI-7"}' },
  { type: 'function_call_output', call_id: 'call_1', output: 'KIWI-7' },
];

function read(input: unknown[]) {
  return readResponsesRequest({ model: 'claude-sonnet-4-6', stream: true, store: false, input });
}

const lastText = (request: ReturnType<typeof read>['request']): string => {
  const content = request.messages.at(-1)!.content;
  return typeof content === 'string' ? content : JSON.stringify(content);
};

/** A streamed answer of two text deltas (and a tool call the model should not have made), as the pipeline emits it. */
function stream(format: ResponsesFormat): Array<{ type: string; [key: string]: any }> {
  const encoder = format.streamEncoder();
  const feed: Array<[string, Record<string, unknown>]> = [
    ['message_start', { message: { id: 'msg_abc', usage: { input_tokens: 9, output_tokens: 0 } } }],
    ['content_block_start', { index: 0, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'SUMMARY: echo ' } }],
    ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'printed KIWI-7.' } }],
    ['content_block_stop', { index: 0 }],
    ['content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'x', input: {} } }],
    ['content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{}' } }],
    ['content_block_stop', { index: 1 }],
    ['message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } }],
    ['message_stop', {}],
  ];
  const wire = feed.map(([name, payload]) => encoder.encode(name, payload)).join('');
  return wire
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => JSON.parse(/^data: (.*)$/m.exec(frame)![1]!));
}

describe('a compaction_trigger item', () => {
  it('is read as the request to summarise, the history before it kept, and marks the answer a compaction', () => {
    const { request, options } = read([...HISTORY, { type: 'compaction_trigger' }]);
    expect(options.compaction).toBe(true);
    expect(lastText(request)).toContain(COMPACTION_REQUEST);
    expect(JSON.stringify(request.messages)).toContain('KIWI-7');
    expect(read(HISTORY).options.compaction).toBe(false);
  });

  it('streamed, its answer is one compaction item and no text: added and done, then in response.completed', () => {
    const { options } = read([...HISTORY, { type: 'compaction_trigger' }]);
    const events = stream(new ResponsesFormat(options));
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4]);
    const item = events[3]!.item;
    expect(item).toMatchObject({ type: 'compaction', encrypted_content: expect.any(String) });
    expect(events[4]!.response.output).toEqual([item]);
  });

  it('not streamed, the response output is the one compaction item', () => {
    const { options } = read([...HISTORY, { type: 'compaction_trigger' }]);
    const body = JSON.parse(
      new ResponsesFormat(options).renderMessage({
        id: 'msg_abc',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-6',
        content: [{ type: 'text', text: 'SUMMARY: all done.' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 9, output_tokens: 4 },
      }),
    );
    expect(body.output).toHaveLength(1);
    expect(body.output[0].type).toBe('compaction');
  });
});

describe('a compaction item sent back', () => {
  it('goes upstream as the summary it carries, in the user’s turn', () => {
    const { options } = read([...HISTORY, { type: 'compaction_trigger' }]);
    const item = stream(new ResponsesFormat(options))[3]!.item;
    const { request } = read([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Print the code.' }] },
      item,
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Go on.' }] },
    ]);
    const sent = JSON.stringify(request.messages);
    expect(sent).toContain('SUMMARY: echo printed KIWI-7.');
    expect(sent).toContain('Go on.');
    expect(request.messages.every((m) => m.role === 'user' || m.role === 'assistant')).toBe(true);
  });

  it('OpenAI’s own sealed one is left out, as only OpenAI can open it', () => {
    const sealed = { type: 'compaction', id: 'cmp_1', encrypted_content: 'gAAAAABsealed-by-openai' };
    const { request } = read([sealed, { type: 'message', role: 'user', content: 'Go on.' }]);
    expect(JSON.stringify(request.messages)).not.toContain('sealed');
    expect(lastText(request)).toContain('Go on.');
  });
});
