import { describe, expect, it } from 'vitest';
import { StreamTranslator } from '../../main/core/anthropic/stream-translator';
import type { MessagesRequest } from '../../main/core/anthropic/types';
import type { UpstreamEvent } from '../../main/core/orchids/types';
import { withDeclinedCalls } from '../../main/core/proxy/declined-calls';
import { claudeCodeTools, claudeCodeWithToolSearch, deferredToolsReminder } from '../helpers/client-tools';

/**
 * A turn whose only calls name tools the client lacks is held (proxy/declined-calls.ts): what the agent said in it
 * and its calls go back to it, as it wrote them.
 */
const CLAUDE_CODE = claudeCodeTools();

function held(events: UpstreamEvent[], includeThinking = true) {
  const t = new StreamTranslator({
    messageId: 'msg_test',
    model: 'm',
    inputTokensEstimate: 1,
    tools: CLAUDE_CODE,
    includeThinking,
    holdDeclined: true,
    stopSequences: ['STOP'],
    sink: () => {},
  });
  t.start();
  for (const event of [...events, { kind: 'finish', reason: 'tool-calls' } as UpstreamEvent]) t.apply(event);
  return t.complete().held;
}

const td = (text: string): UpstreamEvent => ({ kind: 'text-delta', text });
const think = (text: string): UpstreamEvent => ({ kind: 'thinking-delta', text });
const call = (name: string, id: string): UpstreamEvent => ({ kind: 'tool-call', id, name, input: { todos: [] } });
const todo = (id: string) => call('TodoWrite', id);

/** The assistant turn the agent is sent back, one short line a block. */
function replayed(events: UpstreamEvent[], includeThinking = true): string[] {
  const turn = held(events, includeThinking);
  expect(turn).toBeDefined();
  const request: MessagesRequest = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'Go.' }] };
  const assistant = withDeclinedCalls(request, turn!).messages.at(-2)!;
  expect(assistant.role).toBe('assistant');
  return (assistant.content as Array<Record<string, unknown>>).map((block) => {
    if (block['type'] === 'tool_use') return `call ${block['name'] as string} ${block['id'] as string}`;
    if (block['type'] === 'thinking') return `thinking ${block['thinking'] as string}`;
    return `text ${block['text'] as string}`;
  });
}

describe('StreamTranslator: a turn held for calls the client lacks', () => {
  it('keeps what the agent said, block by block, in order; not the line naming the call', () => {
    const turn = held([
      { kind: 'thinking-start', signature: 'sig-1' },
      think('Plan '),
      think('first.'),
      { kind: 'thinking-end' },
      td('Planning'),
      // Held back in case it began the stop sequence: released when the text ends, and kept.
      td(' ST'),
      { kind: 'text-end' },
      todo('toolu_todo_1'),
      td('Then more.'),
      todo('toolu_todo_2'),
    ]);
    expect(turn?.calls.map((c) => c.id)).toEqual(['toolu_todo_1', 'toolu_todo_2']);
    expect(turn?.said).toEqual([
      { type: 'thinking', thinking: 'Plan first.', signature: 'sig-1' },
      { type: 'text', text: 'Planning ST' },
      { type: 'text', text: 'Then more.' },
    ]);
    expect(turn?.blocks).toBe(5);
  });

  it('keeps no thinking the client was not sent', () => {
    const turn = held([think('Hidden.'), td('Shown.'), todo('toolu_todo_1')], false);
    expect(turn?.said).toEqual([{ type: 'text', text: 'Shown.' }]);
  });
});

describe('a held turn goes back to the agent in the order it wrote it', () => {
  it('text between two calls stays between them: A, X, B, Y', () => {
    const order = replayed([
      td('A'),
      { kind: 'text-end' },
      todo('toolu_todo_x'),
      td('B'),
      { kind: 'text-end' },
      call('MultiEdit', 'toolu_todo_y'),
    ]);
    expect(order).toEqual(['text A', 'call TodoWrite toolu_todo_x', 'text B', 'call MultiEdit toolu_todo_y']);
  });

  it('thinking first where it came first, and thinking between calls where it came', () => {
    const order = replayed([
      think('Plan.'),
      { kind: 'thinking-end' },
      todo('toolu_todo_x'),
      think('Again.'),
      { kind: 'thinking-end' },
      td('B'),
      todo('toolu_todo_y'),
      td('After.'),
    ]);
    expect(order).toEqual([
      'thinking Plan.',
      'call TodoWrite toolu_todo_x',
      'thinking Again.',
      'text B',
      'call TodoWrite toolu_todo_y',
      'text After.',
    ]);
  });

  it('calls before anything said, and two calls in a row, keep their places', () => {
    expect(replayed([todo('toolu_todo_x'), call('MultiEdit', 'toolu_todo_y'), td('Done.')])).toEqual([
      'call TodoWrite toolu_todo_x',
      'call MultiEdit toolu_todo_y',
      'text Done.',
    ]);
  });

  it('text held back for a stop sequence goes back ahead of the call that released it', () => {
    // ' ST' may begin "STOP": it waits, and the call's note is what ends the text it belongs to.
    expect(replayed([td('A ST'), todo('toolu_todo_x'), td('B')])).toEqual([
      'text A ST',
      'call TodoWrite toolu_todo_x',
      'text B',
    ]);
  });

  it('thinking the client was not sent leaves the calls in place among the text', () => {
    expect(
      replayed(
        [think('Hidden.'), td('A'), todo('toolu_todo_x'), think('Hidden too.'), td('B'), todo('toolu_todo_y')],
        false,
      ),
    ).toEqual(['text A', 'call TodoWrite toolu_todo_x', 'text B', 'call TodoWrite toolu_todo_y']);
  });
});

describe('the tools a declined call is told the client has', () => {
  /** The list in the result withDeclinedCalls answers an ExitPlanMode call with. */
  function offered(request: MessagesRequest): string[] {
    const call = { id: 'toolu_plan_1', name: 'ExitPlanMode', input: {}, index: 0 };
    const results = withDeclinedCalls(request, { calls: [call], said: [], saidBefore: [0] }).messages.at(-1)!;
    const text = String((results.content as Array<{ content: unknown }>)[0]!.content);
    return /Its tools are: ([^.]*)\./.exec(text)![1]!.split(', ');
  }
  // Claude Code 2.1.332 once its ToolSearch loaded an MCP tool: that tool declared, still marked `defer_loading`,
  // beside its placeholder; the tool it did not load only named in the reminder.
  const lookup = 'mcp__warehouse__lookup_stock';
  const mcpTool = { name: lookup, input_schema: { type: 'object', properties: {} }, defer_loading: true };
  const request = (loaded: boolean): MessagesRequest => ({
    model: 'm',
    max_tokens: 10,
    tools: [...claudeCodeWithToolSearch(), ...(loaded ? [mcpTool] : [])],
    messages: [
      { role: 'user', content: [{ type: 'text', text: deferredToolsReminder([lookup, 'mcp__warehouse__open']) }] },
      ...(loaded
        ? ([
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_s', name: 'ToolSearch', input: {} }] },
            {
              role: 'user',
              content: [
                {
                  type: 'tool_result',
                  tool_use_id: 'toolu_s',
                  content: [{ type: 'tool_reference', tool_name: lookup }],
                },
              ],
            },
          ] as MessagesRequest['messages'])
        : []),
    ],
  });

  it('names a tool its tool search loaded, declared marked deferred, and never the placeholder', () => {
    const names = offered(request(true));
    expect(names).toEqual(expect.arrayContaining([lookup, 'mcp__warehouse__open']));
    expect(names).not.toContain('DeferredToolPlaceholder');
    expect(offered(request(false))).toEqual(expect.arrayContaining([lookup, 'mcp__warehouse__open']));
  });
});
