import { describe, expect, it } from 'vitest';
import { MessageAccumulator } from '../../main/core/anthropic/message-accumulator';
import { attemptOptions, StreamTranslator, type TranslatorOptions } from '../../main/core/anthropic/stream-translator';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { UpstreamEventDecoder } from '../../main/core/orchids/event-decoder';
import { SseParser } from '../../main/core/orchids/sse-parser';
import type { UpstreamEvent } from '../../main/core/orchids/types';
import { finish, renderSse, text, thinking, toolCall } from '../sim/steps';

type Payload = Record<string, any>;
type Options = Partial<Omit<TranslatorOptions, 'sink'>>;
const TOOLU = /^toolu_[0-9A-Za-z]{24}$/;

const STR = { type: 'string' };
/**
 * What the client declares unless a test says otherwise: a call to an undeclared tool becomes text, so tool tests
 * need tools. Read may need `path` renamed and Write (closed, as in Claude Code) may need `overwrite` dropped, so
 * both are buffered; Bash needs no repair, so it is forwarded live.
 */
const DECLARED: ToolDefinition[] = [
  {
    name: 'Read',
    input_schema: {
      type: 'object',
      properties: { file_path: STR, offset: { type: 'number' }, limit: { type: 'number' } },
    },
  },
  {
    name: 'Write',
    input_schema: {
      type: 'object',
      properties: { file_path: STR, content: STR },
      required: ['file_path', 'content'],
      additionalProperties: false,
    },
  },
  {
    name: 'Bash',
    input_schema: { type: 'object', properties: { command: STR, description: STR, timeout: { type: 'number' } } },
  },
];

function translator(options: Options = {}, forward?: TranslatorOptions['sink']) {
  const frames: Payload[] = [];
  const t = new StreamTranslator({
    ...{ messageId: 'msg_test', model: 'claude-sonnet-4-5', inputTokensEstimate: 100 },
    ...{ tools: DECLARED, includeThinking: false, ...options },
    sink: (name, payload) => {
      expect(payload.type).toBe(name); // Anthropic's SSE event name is always the payload's type
      frames.push(payload);
      forward?.(name, payload);
    },
  });
  return { t, frames };
}

/** start(), apply the events until one ends the turn, then complete() as on EOF. */
function run(events: UpstreamEvent[], options: Options = {}, forward?: TranslatorOptions['sink']) {
  const { t, frames } = translator(options, forward);
  t.start();
  for (const event of events) if (!t.apply(event)) break;
  return { t, frames, result: t.complete() };
}

const content = (frames: Payload[]) => frames.filter((f) => String(f.type).startsWith('content_block'));
const shape = (frames: Payload[]) => frames.map((f) => `${f.type}${f.index === undefined ? '' : `:${f.index}`}`);
const toolStarts = (frames: Payload[]) =>
  frames.filter((f) => f.type === 'content_block_start' && (f.content_block as Payload).type === 'tool_use');
const toolBlock = (frames: Payload[], i = 0) => toolStarts(frames)[i]!.content_block as Payload;
const toolJson = (frames: Payload[]) =>
  frames.flatMap((f) => {
    const delta = f.delta as Payload | undefined;
    return delta?.type === 'input_json_delta' ? [JSON.parse(delta.partial_json as string) as unknown] : [];
  });
const messageDelta = (frames: Payload[]) => frames.find((f) => f.type === 'message_delta')!;
const stopReason = (events: UpstreamEvent[]) => (messageDelta(run(events).frames).delta as Payload).stop_reason;

const td = (t: string): UpstreamEvent => ({ kind: 'text-delta', text: t });
const call = (id: string, name: string, input: string | Payload): UpstreamEvent => ({
  kind: 'tool-call',
  id,
  name,
  input,
});
const textStart = (index: number) => ({
  type: 'content_block_start',
  index,
  content_block: { type: 'text', text: '' },
});
const textDelta = (index: number, t: string) => ({
  type: 'content_block_delta',
  index,
  delta: { type: 'text_delta', text: t },
});
const stop = (index: number) => ({ type: 'content_block_stop', index });
const wholeBlock = (i: number) => [`content_block_start:${i}`, `content_block_delta:${i}`, `content_block_stop:${i}`];

describe('StreamTranslator: text and thinking', () => {
  it('emits the exact Anthropic event sequence for a text turn', () => {
    const finishEvent: UpstreamEvent = { kind: 'finish', reason: 'stop', usage: { inputTokens: 12, outputTokens: 7 } };
    const { frames, result } = run([
      { kind: 'text-start' },
      td('Hello'),
      td(', world'),
      { kind: 'text-end' },
      finishEvent,
    ]);
    expect(frames[0]).toMatchObject({
      type: 'message_start',
      message: { id: 'msg_test', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5' },
    });
    expect(frames.slice(1)).toEqual([
      textStart(0),
      textDelta(0, 'Hello'),
      textDelta(0, ', world'),
      stop(0),
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: {
          input_tokens: 12,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 7,
          server_tool_use: null,
          output_tokens_details: null,
        },
      },
      { type: 'message_stop' },
    ]);
    expect(result).toEqual({ stopReason: 'end_turn', usage: { input_tokens: 12, output_tokens: 7 } });
  });

  it('opens blocks lazily: a text-start and text-end with no delta emit nothing and use no index', () => {
    const { frames } = run([
      { kind: 'text-start' },
      { kind: 'text-end' },
      { kind: 'text-start' },
      td('x'),
      { kind: 'text-end' },
    ]);
    expect(content(frames)).toEqual([textStart(0), textDelta(0, 'x'), stop(0)]);
    expect(content(run([{ kind: 'text-start' }, { kind: 'text-end' }, { kind: 'finish' }]).frames)).toEqual([]);
  });

  const withThinking = (sig: { atStart?: string; atEnd?: string }): UpstreamEvent[] => [
    { kind: 'thinking-start', signature: sig.atStart },
    { kind: 'thinking-delta', text: 'hmm' },
    { kind: 'thinking-end', signature: sig.atEnd },
    td('ok'),
    { kind: 'finish', reason: 'stop' },
  ];
  const signatureDelta = (signature: string) => ({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'signature_delta', signature },
  });

  it('emits a thinking block, with the signature from reasoning-start, when thinking is on', () => {
    expect(content(run(withThinking({ atStart: 'sig-1' }), { includeThinking: true }).frames)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      signatureDelta('sig-1'),
      stop(0),
      textStart(1),
      textDelta(1, 'ok'),
      stop(1),
    ]);
  });

  it('takes a signature that arrives with reasoning-end, and sends none when none arrived', () => {
    expect(content(run(withThinking({ atEnd: 'sig-2' }), { includeThinking: true }).frames)[2]).toEqual(
      signatureDelta('sig-2'),
    );
    const unsigned = run(withThinking({}), { includeThinking: true }).frames;
    expect(unsigned.some((f) => (f.delta as Payload | undefined)?.type === 'signature_delta')).toBe(false);
  });

  it('leaves thinking out entirely when the client did not ask for it; text then starts at index 0', () => {
    expect(content(run(withThinking({ atStart: 'sig-1' })).frames)).toEqual([
      textStart(0),
      textDelta(0, 'ok'),
      stop(0),
    ]);
  });

  it('numbers blocks from 0 across thinking, text and tool blocks, closing each before the next', () => {
    const events: UpstreamEvent[] = [
      { kind: 'thinking-delta', text: 'a' },
      td('b'),
      call('toolu_01ABCDEF', 'Read', '{}'),
      td('c'),
      { kind: 'thinking-delta', text: 'd' },
      { kind: 'finish' },
    ];
    const { frames } = run(events, { includeThinking: true });
    const starts = frames.filter((f) => f.type === 'content_block_start');
    expect(starts.map((f) => [f.index, (f.content_block as Payload).type])).toEqual([
      [0, 'thinking'],
      [1, 'text'],
      [2, 'tool_use'],
      [3, 'text'],
      [4, 'thinking'],
    ]);
    const order = shape(content(frames).filter((f) => f.type !== 'content_block_delta'));
    expect(order).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`content_block_start:${i}`, `content_block_stop:${i}`]));
  });
});

describe('StreamTranslator: tool calls', () => {
  const streamed = (id: string, parts: string[]): UpstreamEvent[] => [
    { kind: 'tool-input-start', id, name: 'Read' },
    ...parts.map((delta): UpstreamEvent => ({ kind: 'tool-input-delta', id, delta })),
  ];
  const ID = 'toolu_01ABCDEF';

  it('emits a call announced by tool-input-* and a same-id tool-call once, whole, in one input_json_delta', () => {
    const input = '{"file_path":"/x/a.ts"}';
    const end: UpstreamEvent[] = [
      { kind: 'tool-input-end', id: ID },
      call(ID, 'Read', input),
      { kind: 'finish', reason: 'tool-calls' },
    ];
    const { frames } = run([...streamed(ID, ['{"file_', 'path":"/x/a.ts"}']), ...end]);
    expect(content(frames)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: ID, name: 'Read', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: input } },
      stop(0),
    ]);
  });

  it('takes the input of a tool-call that arrives before its stream ended, and emits it once', () => {
    const late: UpstreamEvent[] = [
      { kind: 'tool-input-delta', id: ID, delta: '"/x/a.ts"}' },
      { kind: 'tool-input-end', id: ID },
    ];
    const { frames } = run([
      ...streamed(ID, ['{"file_path":']),
      call(ID, 'Read', { file_path: '/x/a.ts' }),
      ...late,
      { kind: 'finish' },
    ]);
    expect(toolStarts(frames)).toHaveLength(1);
    expect(toolJson(frames)).toEqual([{ file_path: '/x/a.ts' }]);
  });

  it('uses the streamed input when the same-id tool-call carries none', () => {
    expect(toolJson(run([...streamed(ID, ['{"file_path":"/b"}']), call(ID, 'Read', '')]).frames)).toEqual([
      { file_path: '/b' },
    ]);
  });

  it('emits a tool-call that arrives alone, closing the open text block first', () => {
    const { frames, result } = run([
      td('Reading.'),
      call('toolu_ABCDEFGH', 'Bash', { command: 'ls' }),
      { kind: 'finish' },
    ]);
    expect(shape(content(frames))).toEqual([...wholeBlock(0), ...wholeBlock(1)]);
    expect(toolJson(frames)).toEqual([{ command: 'ls' }]);
    expect(result.stopReason).toBe('tool_use');
  });

  it("resolves the upstream name to the client's declared tool and repairs input by that tool's schema", () => {
    const tools: ToolDefinition[] = [
      {
        name: 'read_file',
        input_schema: {
          type: 'object',
          properties: { path: { type: 'string' }, show_line_numbers: { type: 'boolean' } },
        },
      },
      { name: 'run_shell', input_schema: { type: 'object', properties: { cmd: { type: 'string' } } } },
    ];
    const { frames } = run([call(ID, 'Read', '{"path":"true","show_line_numbers":"true"}')], { tools });
    expect(toolBlock(frames).name).toBe('read_file');
    // "true" becomes a boolean only where the schema says boolean; the string property keeps its text.
    expect(toolJson(frames)).toEqual([{ path: 'true', show_line_numbers: true }]);
  });

  it('sends a call as text, not as a tool_use, when the client declared no tools at all', () => {
    const { t, frames, result } = run([call(ID, 'Read', '{"show_line_numbers":"true"}')], { tools: undefined });
    expect(toolStarts(frames)).toEqual([]);
    expect(t.unmappedToolCalls).toEqual([{ name: 'Read', input: { show_line_numbers: 'true' } }]);
    expect(result.stopReason).toBe('end_turn');
  });

  it('replaces short or missing upstream ids with distinct toolu_ ids, still de-duplicating by upstream id', () => {
    const { frames } = run([
      ...streamed('0', ['{"a":1}']),
      { kind: 'tool-input-end', id: '0' },
      call('0', 'Read', '{"a":1}'),
      call('1', 'Read', '{"a":2}'),
      call('', 'Read', '{"a":3}'),
      call('', 'Read', '{"a":4}'),
    ]);
    const ids = toolStarts(frames).map((f) => (f.content_block as Payload).id as string);
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(id).toMatch(TOOLU);
    expect(new Set(ids).size).toBe(4);
    expect(toolJson(frames)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }]);
  });
});

describe('StreamTranslator: end of turn', () => {
  it.each([
    [
      'tool_use whenever a tool was emitted, whatever finish said',
      [call('toolu_ABCDEFGH', 'Read', '{}'), { kind: 'finish', reason: 'stop' }],
      'tool_use',
    ],
    ['max_tokens for length', [td('x'), { kind: 'finish', reason: 'length' }], 'max_tokens'],
    ['end_turn for stop', [td('x'), { kind: 'finish', reason: 'stop' }], 'end_turn'],
    ['end_turn for tool-calls without a tool', [td('x'), { kind: 'finish', reason: 'tool-calls' }], 'end_turn'],
    ['end_turn for a finish without a reason', [td('x'), { kind: 'finish' }], 'end_turn'],
    // Spec §5.5: the original passed unknown reasons through; Anthropic clients accept only their own.
    ['refusal for content-filter', [td('x'), { kind: 'finish', reason: 'content-filter' }], 'refusal'],
    ['end_turn for a reason Anthropic has no name for', [td('x'), { kind: 'finish', reason: 'other' }], 'end_turn'],
    ['end_turn at EOF without finish', [td('x')], 'end_turn'],
  ] as Array<[string, UpstreamEvent[], string]>)('stop_reason is %s', (_label, events, expected) => {
    expect(stopReason(events)).toBe(expected);
  });

  it('on EOF without finish closes the open block and emits only pending calls whose JSON is complete', () => {
    const pending = (id: string, name: string, delta?: string): UpstreamEvent[] => [
      { kind: 'tool-input-start', id, name },
      ...(delta === undefined ? [] : [{ kind: 'tool-input-delta', id, delta } as UpstreamEvent]),
    ];
    const { frames, result } = run([
      td('partial'),
      ...pending('toolu_COMPLETE', 'Read', '{"file_path":"/a"}'),
      ...pending('toolu_TRUNCATED', 'Write', '{"file_path":"/b","cont'),
      ...pending('toolu_NOINPUT', 'Read'),
    ]);
    expect(shape(frames)).toEqual([
      'message_start',
      ...wholeBlock(0),
      ...wholeBlock(1),
      'message_delta',
      'message_stop',
    ]);
    expect(toolBlock(frames).id).toBe('toolu_COMPLETE');
    expect(result.stopReason).toBe('tool_use');
  });

  it('estimates usage when the upstream reports none, and message_delta repeats the input estimate', () => {
    // Estimator (protocol 8.3): "Hello" 1 + "," 1 + "world" 1 + "!" 1 = 4 tokens.
    const { frames, result } = run([td('Hello, world!'), { kind: 'finish', reason: 'stop' }], {
      inputTokensEstimate: 321,
    });
    expect(result.usage).toEqual({ input_tokens: 321, output_tokens: 4 });
    expect(messageDelta(frames).usage).toEqual({
      input_tokens: 321,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 4,
      server_tool_use: null,
      output_tokens_details: null,
    });
  });

  it('lets upstream usage win over the estimate, cache token fields included', () => {
    const { frames, result } = run([
      td('Hello, world!'),
      { kind: 'usage', usage: { inputTokens: 1234, cacheReadInputTokens: 700 } },
      { kind: 'finish', reason: 'stop', usage: { outputTokens: 56, cacheCreationInputTokens: 30 } },
    ]);
    const expected = {
      input_tokens: 1234,
      output_tokens: 56,
      cache_read_input_tokens: 700,
      cache_creation_input_tokens: 30,
    };
    expect(result.usage).toEqual(expected);
    expect(messageDelta(frames).usage).toEqual({ ...expected, server_tool_use: null, output_tokens_details: null });
  });

  // Spec §5.5: each tokens-used (and finish.usage) carries the turn's running totals; a later one replaces the
  // earlier, field by field, and nothing is summed.
  it('takes a later usage report over an earlier one instead of adding them up', () => {
    const { result } = run([
      { kind: 'usage', usage: { inputTokens: 10, outputTokens: 5 } },
      td('Hello'),
      { kind: 'usage', usage: { inputTokens: 12, outputTokens: 20 } },
      { kind: 'finish', reason: 'stop', usage: { outputTokens: 34 } },
    ]);
    expect(result.usage).toEqual({ input_tokens: 12, output_tokens: 34 });
  });

  it('ignores everything after finish', () => {
    const { t, frames } = translator();
    t.start();
    expect([t.apply(td('a')), t.apply({ kind: 'finish', reason: 'stop' }), t.finished]).toEqual([true, false, true]);
    const before = frames.length;
    expect(t.apply(td('late'))).toBe(false);
    expect(frames.length).toBe(before);
  });

  it.each([
    [
      { kind: 'error', code: 'bad_request', message: 'boom' },
      { kind: 'upstream-error', code: 'bad_request', message: 'boom' },
    ],
    [
      { kind: 'credits-exhausted', message: 'No credits' },
      { kind: 'credits-exhausted', message: 'No credits' },
    ],
  ] as Array<[UpstreamEvent, unknown]>)('stops on %o and records the failure', (event, failure) => {
    const { t, frames } = translator();
    t.start();
    t.apply(td('partial'));
    expect(t.apply(event)).toBe(false);
    expect(t.failure).toEqual(failure);
    expect(t.finished).toBe(false);
    const before = frames.length;
    expect(t.apply(td('more'))).toBe(false);
    expect(t.apply({ kind: 'finish' })).toBe(false);
    expect(frames.length).toBe(before);
    t.closeOpen(); // the caller ends the open block before its error event
    expect(frames.at(-1)).toEqual(stop(0));
  });

  it('reports contentStarted only once a content block has been sent', () => {
    const { t } = translator();
    t.start();
    const quiet: UpstreamEvent[] = [
      { kind: 'usage', usage: { inputTokens: 1 } },
      { kind: 'text-start' },
      { kind: 'thinking-delta', text: 'hidden' }, // thinking is off, so nothing is sent
      { kind: 'tool-input-start', id: 'toolu_ABCDEFGH', name: 'Read' },
    ];
    for (const event of quiet) {
      t.apply(event);
      expect(t.contentStarted).toBe(false);
    }
    t.apply({ kind: 'tool-input-delta', id: 'toolu_ABCDEFGH', delta: '{"file_path":"/a"}' });
    expect(t.contentStarted).toBe(false); // buffered, not yet sent
    t.apply({ kind: 'tool-input-end', id: 'toolu_ABCDEFGH' });
    expect(t.contentStarted).toBe(true);
  });
});

describe('MessageAccumulator', () => {
  it("builds the non-streamed message from the translator's events", () => {
    const accumulator = new MessageAccumulator();
    const tools: ToolDefinition[] = [
      {
        name: 'read_file',
        input_schema: { type: 'object', properties: { path: { type: 'string' }, limit: { type: 'number' } } },
      },
    ];
    const options = { messageId: 'msg_1', model: 'claude-opus-4-1', tools, includeThinking: true };
    const { result } = run(
      [
        { kind: 'thinking-start', signature: 'sig-A' },
        { kind: 'thinking-delta', text: 'Let me ' },
        { kind: 'thinking-delta', text: 'look.' },
        { kind: 'thinking-end' },
        td("I'll read "),
        td('the file.'),
        call('toolu_01ABCDEF', 'Read', '{"path":"/x/a.ts","limit":"20"}'),
        { kind: 'finish', reason: 'tool-calls', usage: { inputTokens: 1234, outputTokens: 56 } },
      ],
      options,
      accumulator.sink,
    );
    expect(accumulator.result(result.stopReason, result.usage)).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-4-1',
      content: [
        { type: 'thinking', thinking: 'Let me look.', signature: 'sig-A' },
        { type: 'text', text: "I'll read the file." },
        { type: 'tool_use', id: 'toolu_01ABCDEF', name: 'read_file', input: { path: '/x/a.ts', limit: 20 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 1234, output_tokens: 56 },
    });
    expect(accumulator.hasContent).toBe(true);
  });

  it('yields an empty content list for a turn without content', () => {
    const accumulator = new MessageAccumulator();
    const { result } = run([{ kind: 'finish' }], {}, accumulator.sink);
    expect(accumulator.hasContent).toBe(false);
    expect(accumulator.result(result.stopReason, result.usage).content).toEqual([]);
  });

  it('matches the stream end to end: simulator bytes, parser, decoder, translator, accumulator', () => {
    const wire = renderSse([
      ...thinking('Plan.', { signature: 'sig-B' }),
      ...text('Héllo 👋', { chunks: 3 }),
      ...toolCall({ id: 'toolu_01XYZ123', name: 'Read', input: { file_path: '/x/a.ts' }, chunks: 2 }),
      ...finish('tool-calls', { inputTokens: 40, outputTokens: 5 }),
    ]);
    const decoder = new UpstreamEventDecoder();
    const events: UpstreamEvent[] = [];
    const parser = new SseParser({ onJson: (value) => decoder.decode(value, events) });
    parser.push(Buffer.from(wire));
    parser.end();
    const accumulator = new MessageAccumulator();
    const { result } = run(events, { includeThinking: true }, accumulator.sink);
    expect(accumulator.result(result.stopReason, result.usage).content).toEqual([
      { type: 'thinking', thinking: 'Plan.', signature: 'sig-B' },
      { type: 'text', text: 'Héllo 👋' },
      { type: 'tool_use', id: 'toolu_01XYZ123', name: 'Read', input: { file_path: '/x/a.ts' } },
    ]);
    expect(result).toEqual({ stopReason: 'tool_use', usage: { input_tokens: 40, output_tokens: 5 } });
  });
});

describe('StreamTranslator with a tool-input stream that ends empty', () => {
  it('waits for the same-id tool-call to bring the input, or sends an argument-less call at the end', () => {
    const events: Array<{ name: string; payload: Record<string, unknown> }> = [];
    const translator = new StreamTranslator({
      messageId: 'msg_test',
      model: 'claude-sonnet-4-6',
      inputTokensEstimate: 1,
      tools: [...DECLARED, { name: 'TodoRead', input_schema: { type: 'object', properties: {} } }],
      includeThinking: false,
      sink: (name, payload) => events.push({ name, payload }),
    });
    translator.start();
    translator.apply({ kind: 'tool-input-start', id: 'toolu_empty_0001', name: 'Read' });
    translator.apply({ kind: 'tool-input-end', id: 'toolu_empty_0001' });
    translator.apply({ kind: 'tool-call', id: 'toolu_empty_0001', name: 'Read', input: '{"file_path":"/a"}' });
    translator.apply({ kind: 'tool-input-start', id: 'toolu_empty_0002', name: 'TodoRead' });
    translator.apply({ kind: 'tool-input-end', id: 'toolu_empty_0002' });
    translator.complete();
    const inputs = events
      .filter((e) => (e.payload.delta as { type?: string } | undefined)?.type === 'input_json_delta')
      .map((e) => JSON.parse((e.payload.delta as { partial_json: string }).partial_json));
    expect(inputs).toEqual([{ file_path: '/a' }, {}]);
  });
});

describe('attemptOptions', () => {
  it("carries every member of the request's options, with the attempt's sink and, when given, its tool policy", () => {
    const base: Required<Omit<TranslatorOptions, 'sink'>> = {
      messageId: 'msg_1',
      model: 'm',
      inputTokensEstimate: 7,
      tools: [{ name: 'Read', input_schema: { type: 'object' } }],
      deferredToolSource: { messages: [] },
      includeThinking: true,
      toolPolicy: { withhold: true, maxToolUses: 1 },
      stopSequences: ['STOP'],
      holdDeclined: true,
      followsNote: true,
    };
    const sink = () => {};
    expect(attemptOptions(base, sink)).toEqual({ ...base, sink });
    const policy = { agentTools: true };
    const options = attemptOptions(base, sink, policy);
    expect(options).toEqual({ ...base, toolPolicy: policy, sink });
    expect(options.sink).toBe(sink);
    expect(options.toolPolicy).toBe(policy);
  });
});
