import { describe, expect, it } from 'vitest';
import { MessageAccumulator } from '../../main/core/anthropic/message-accumulator';
import { StreamTranslator } from '../../main/core/anthropic/stream-translator';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { UpstreamEventDecoder } from '../../main/core/orchids/event-decoder';
import type { UpstreamEvent } from '../../main/core/orchids/types';
import { CLINE_CLI_TOOLS, claudeCodeTools } from '../helpers/client-tools';

type Payload = Record<string, any>;
const CLAUDE_CODE = claudeCodeTools();

/** `null`: the client declared no tools. */
function translator(tools: ToolDefinition[] | null = CLAUDE_CODE) {
  const frames: Payload[] = [];
  const t = new StreamTranslator({
    messageId: 'msg_test',
    model: 'claude-sonnet-4-6',
    inputTokensEstimate: 10,
    tools: tools ?? undefined,
    includeThinking: false,
    sink: (_name, payload) => frames.push(payload),
  });
  t.start();
  frames.length = 0; // message_start is not what these tests look at
  return { t, frames };
}

const ID = 'toolu_live_0001';
const start = (name: string, id = ID): UpstreamEvent => ({ kind: 'tool-input-start', id, name });
const delta = (text: string, id = ID): UpstreamEvent => ({ kind: 'tool-input-delta', id, delta: text });
const end = (id = ID): UpstreamEvent => ({ kind: 'tool-input-end', id });
const call = (name: string, input: string | Payload, id = ID): UpstreamEvent => ({
  kind: 'tool-call',
  id,
  name,
  input,
});
const td = (text: string): UpstreamEvent => ({ kind: 'text-delta', text });

/** One line per frame: `start:0 tool_use Bash`, `delta:0 {"com`, `stop:0`, `message_delta tool_use`. */
function describeFrame(f: Payload): string {
  const block = f.content_block as Payload | undefined;
  const d = f.delta as Payload | undefined;
  switch (f.type) {
    case 'content_block_start':
      return `start:${f.index} ${block!.type}${block!.type === 'tool_use' ? ` ${block!.name}` : ''}`;
    case 'content_block_delta':
      return `delta:${f.index} ${String(d!.partial_json ?? d!.text ?? d!.thinking)}`;
    case 'content_block_stop':
      return `stop:${f.index}`;
    case 'message_delta':
      return `message_delta ${String(d!.stop_reason)}`;
    default:
      return String(f.type);
  }
}
const lines = (frames: Payload[]) => frames.map(describeFrame);
const toolUseStarts = (frames: Payload[]) =>
  frames.filter((f) => f.type === 'content_block_start' && (f.content_block as Payload).type === 'tool_use');
const toolInputs = (frames: Payload[]) => {
  const parts = new Map<number, string>();
  for (const f of frames) {
    const d = f.delta as Payload | undefined;
    if (d?.type === 'input_json_delta')
      parts.set(f.index as number, (parts.get(f.index as number) ?? '') + String(d.partial_json));
  }
  return [...parts.values()].map((json) => JSON.parse(json) as unknown);
};

describe('StreamTranslator: text blocks', () => {
  it('closes a text block on text-end, before anything else arrives', () => {
    const { t, frames } = translator();
    t.apply({ kind: 'text-start' });
    t.apply(td('Hi'));
    t.apply({ kind: 'text-end' });
    expect(lines(frames)).toEqual(['start:0 text', 'delta:0 Hi', 'stop:0']);
  });

  it('passes a whitespace-only "\\n" delta from the wire to the client', () => {
    const decoder = new UpstreamEventDecoder();
    const events: UpstreamEvent[] = [];
    for (const delta of ['Line one', '\n', '  ', 'Line two']) {
      decoder.decode({ type: 'model', event: { data: { type: 'text-delta', delta } } }, events);
    }
    const { t, frames } = translator();
    for (const event of events) t.apply(event);
    const text = frames.flatMap((f) =>
      (f.delta as Payload | undefined)?.type === 'text_delta' ? [(f.delta as Payload).text] : [],
    );
    expect(text).toEqual(['Line one', '\n', '  ', 'Line two']);
  });
});

describe('StreamTranslator: a tool call that needs no repair is forwarded live', () => {
  it('opens the block at tool-input-start and forwards each delta as it arrives', () => {
    const { t, frames } = translator();
    t.apply(td('Listing.'));
    t.apply(start('Bash'));
    expect(lines(frames)).toEqual(['start:0 text', 'delta:0 Listing.', 'stop:0', 'start:1 tool_use Bash']);
    expect(t.contentStarted).toBe(true);
    t.apply(delta('{"command":'));
    expect(lines(frames).at(-1)).toBe('delta:1 {"command":');
    t.apply(delta('"ls -la"}'));
    expect(lines(frames).at(-1)).toBe('delta:1 "ls -la"}');
    t.apply(end());
    expect(lines(frames).at(-1)).toBe('stop:1');
    expect((toolUseStarts(frames)[0]!.content_block as Payload).id).toBe(ID);
  });

  it('ignores the same-id tool-call that follows, and ends with tool_use', () => {
    const { t, frames } = translator();
    for (const event of [start('Edit'), delta('{"file_path":"/a","old_string":"x","new_string":"y"}'), end()])
      t.apply(event);
    t.apply(call('Edit', { file_path: '/a', old_string: 'x', new_string: 'y' }));
    t.apply({ kind: 'finish', reason: 'tool-calls' });
    t.complete();
    expect(toolUseStarts(frames)).toHaveLength(1);
    expect(toolInputs(frames)).toEqual([{ file_path: '/a', old_string: 'x', new_string: 'y' }]);
    expect(lines(frames).at(-2)).toBe('message_delta tool_use');
  });

  it('forwards under the client name an alias leads to', () => {
    const { t, frames } = translator();
    for (const event of [start('Task'), delta('{"description":"d","prompt":"p"}'), end()]) t.apply(event);
    expect((toolUseStarts(frames)[0]!.content_block as Payload).name).toBe('Agent');
  });

  it('holds text, thinking and other calls that arrive meanwhile until the live call closes, in order', () => {
    const { t, frames } = translator();
    t.apply(start('Bash'));
    t.apply(delta('{"command":"ls"'));
    t.apply(td('meanwhile'));
    t.apply(call('Bash', { command: 'pwd' }, 'toolu_other_0002'));
    t.apply({ kind: 'usage', usage: { inputTokens: 7 } });
    expect(lines(frames)).toEqual(['start:0 tool_use Bash', 'delta:0 {"command":"ls"']);
    t.apply(delta('}'));
    t.apply(end());
    expect(lines(frames)).toEqual([
      'start:0 tool_use Bash',
      'delta:0 {"command":"ls"',
      'delta:0 }',
      'stop:0',
      'start:1 text',
      'delta:1 meanwhile',
      'stop:1',
      'start:2 tool_use Bash',
      'delta:2 {"command":"pwd"}',
      'stop:2',
    ]);
    expect(t.usage().input_tokens).toBe(7);
  });

  it('sends what waited behind a live call whose end never came, when the turn finishes', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), delta('{"command":"ls"}'), td('after')]) t.apply(event);
    t.apply({ kind: 'finish', reason: 'tool-calls' });
    expect(t.failure).toBeUndefined();
    t.complete();
    expect(lines(frames)).toEqual([
      'start:0 tool_use Bash',
      'delta:0 {"command":"ls"}',
      'stop:0',
      'start:1 text',
      'delta:1 after',
      'stop:1',
      'message_delta tool_use',
      'message_stop',
    ]);
  });

  it('fills a live block whose input stream ended empty from the same-id tool-call, repaired', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), end(), td('held')]) t.apply(event);
    expect(lines(frames)).toEqual(['start:0 tool_use Bash']);
    t.apply(call('Bash', '{"command":"sleep 1","timeout":"1000"}'));
    expect(toolInputs(frames)).toEqual([{ command: 'sleep 1', timeout: 1000 }]);
    expect(lines(frames).slice(2)).toEqual(['stop:0', 'start:1 text', 'delta:1 held']);
  });

  it('sends an argument-less live call as {} when no tool-call follows its empty stream', () => {
    const { t, frames } = translator();
    for (const event of [start('CronList'), end()]) t.apply(event);
    t.complete();
    expect(toolInputs(frames)).toEqual([{}]);
  });

  it('completes a live call cut short from the same-id tool-call that repeats it', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), delta('{"command":"echo '), call('Bash', '{"command":"echo hi"}')])
      t.apply(event);
    expect(lines(frames)).toEqual(['start:0 tool_use Bash', 'delta:0 {"command":"echo ', 'delta:0 hi"}', 'stop:0']);
    t.apply(end());
    t.apply(call('Bash', '{"command":"echo hi"}'));
    expect(toolUseStarts(frames)).toHaveLength(1);
  });

  it('fails the turn, without a second block, when the tool-call contradicts what was streamed', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), delta('{"command":"rm -rf bu')]) t.apply(event);
    expect(t.apply(call('Bash', { command: 'ls' }))).toBe(false);
    expect(t.failure).toMatchObject({ kind: 'upstream-error', code: 'tool_input_mismatch' });
    t.closeOpen();
    expect(lines(frames)).toEqual(['start:0 tool_use Bash', 'delta:0 {"command":"rm -rf bu', 'stop:0']);
  });

  it('reports a failure, not a clean end, when the stream stops in the middle of a live input', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), delta('{"command":"rm -rf /tmp/bu')]) t.apply(event);
    // EOF here: the caller reads failure before completing.
    expect(t.failure).toMatchObject({ kind: 'upstream-error', code: 'tool_input_cut_off' });
    t.closeOpen();
    expect(lines(frames).at(-1)).toBe('stop:0');
  });

  it('reports the same when finish arrives before the live input is whole, or before any of it', () => {
    const partial = translator();
    for (const event of [start('Bash'), delta('{"comm'), { kind: 'finish' } as UpstreamEvent]) partial.t.apply(event);
    expect(partial.t.failure?.kind).toBe('upstream-error');
    const empty = translator();
    for (const event of [start('Bash'), { kind: 'finish' } as UpstreamEvent]) empty.t.apply(event);
    expect(empty.t.failure?.kind).toBe('upstream-error');
  });

  it('treats a repeated tool-input-start for the live call as nothing', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), start('Bash'), delta('{"command":"ls"}'), end(), start('Bash')]) t.apply(event);
    expect(lines(frames)).toEqual(['start:0 tool_use Bash', 'delta:0 {"command":"ls"}', 'stop:0']);
  });
});

describe('StreamTranslator: a tool call that may need repair is buffered and sent whole', () => {
  it("buffers Write (the agent's overwrite must go) and sends it once, repaired, at tool-input-end", () => {
    const { t, frames } = translator();
    t.apply(start('Write'));
    t.apply(delta('{"file_path":"/a","content":"x",'));
    t.apply(delta('"overwrite":true}'));
    expect(frames).toEqual([]);
    expect(t.contentStarted).toBe(false);
    t.apply(end());
    t.apply(call('Write', { file_path: '/a', content: 'x', overwrite: true }));
    expect(lines(frames)).toEqual(['start:0 tool_use Write', 'delta:0 {"file_path":"/a","content":"x"}', 'stop:0']);
  });

  it("buffers Read (the agent's path must become file_path)", () => {
    const { t, frames } = translator();
    for (const event of [start('Read'), delta('{"path":"/tmp/demo.txt"}')]) t.apply(event);
    expect(frames).toEqual([]);
    t.apply(call('Read', { path: '/tmp/demo.txt' }));
    t.apply(end());
    expect(toolInputs(frames)).toEqual([{ file_path: '/tmp/demo.txt' }]);
    expect(toolUseStarts(frames)).toHaveLength(1);
  });

  it("buffers the agent's Edit for Cline CLI and sends it once, whole, as its editor's input", () => {
    const { t, frames } = translator(CLINE_CLI_TOOLS);
    t.apply(start('Edit'));
    t.apply(delta('{"file_path":"/w/a.ts","old_string":"let x",'));
    t.apply(delta('"new_string":"const x","replace_all":false}'));
    expect(frames).toEqual([]);
    t.apply(end());
    t.apply(call('Edit', { file_path: '/w/a.ts', old_string: 'let x', new_string: 'const x', replace_all: false }));
    t.apply({ kind: 'finish', reason: 'tool-calls' });
    t.complete();
    expect(lines(frames)).toEqual([
      'start:0 tool_use editor',
      'delta:0 {"path":"/w/a.ts","old_text":"let x","new_text":"const x"}',
      'stop:0',
      'message_delta tool_use',
      'message_stop',
    ]);
  });

  it("buffers the agent's ranged Read for Cline CLI and keeps the range in read_files' entry", () => {
    const { t, frames } = translator(CLINE_CLI_TOOLS);
    for (const event of [start('Read'), delta('{"file_path":"/w/a.ts",'), delta('"offset":5,"limit":10}'), end()])
      t.apply(event);
    expect(toolInputs(frames)).toEqual([{ files: [{ path: '/w/a.ts', start_line: 5, end_line: 14 }] }]);
    expect((toolUseStarts(frames)[0]!.content_block as Payload).name).toBe('read_files');
  });

  it('buffers a call whose name maps to nothing by name, so its input can still find a tool', () => {
    const { t, frames } = translator();
    for (const event of [start('fetch_page'), delta('{"url":"https://example.test","prompt":"p"}'), end()])
      t.apply(event);
    expect((toolUseStarts(frames)[0]!.content_block as Payload).name).toBe('WebFetch');
  });
});

describe("StreamTranslator: the agent's MultiEdit for a client with only an Edit", () => {
  const multiEdit = {
    file_path: '/work/app.ts',
    edits: [
      { old_string: 'let a = 1;', new_string: 'const a = 1;' },
      { old_string: 'old()', new_string: 'renamed()', replace_all: true },
    ],
  };

  it('becomes one Edit call an edit, in order, the first with the agent id, and the turn ends in tool_use', () => {
    const { t, frames } = translator();
    for (const event of [start('MultiEdit'), delta(JSON.stringify(multiEdit)), end()]) t.apply(event);
    t.apply({ kind: 'finish', reason: 'tool-calls' });
    const { stopReason } = t.complete();
    expect(toolUseStarts(frames).map((f) => (f.content_block as Payload).id)).toEqual([ID, `${ID}-2`]);
    expect(lines(frames)).toEqual([
      'start:0 tool_use Edit',
      'delta:0 {"file_path":"/work/app.ts","old_string":"let a = 1;","new_string":"const a = 1;"}',
      'stop:0',
      'start:1 tool_use Edit',
      'delta:1 {"file_path":"/work/app.ts","old_string":"old()","new_string":"renamed()","replace_all":true}',
      'stop:1',
      'message_delta tool_use',
      'message_stop',
    ]);
    expect(stopReason).toBe('tool_use');
    expect(t.unmappedToolCalls).toEqual([]);
  });

  it("reaches Anthropic's text editor as str_replace commands", () => {
    const { t, frames } = translator([{ type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }] as never);
    t.apply(call('MultiEdit', multiEdit));
    const inputs = frames
      .filter((f) => f.type === 'content_block_delta')
      .map((f) => JSON.parse(String((f.delta as Payload).partial_json)));
    expect(inputs).toEqual([
      { command: 'str_replace', path: '/work/app.ts', old_str: 'let a = 1;', new_str: 'const a = 1;' },
      expect.objectContaining({ command: 'str_replace', old_str: 'old()', new_str: 'renamed()' }),
    ]);
  });

  it('stays declined where the client allows one call a turn, or has a MultiEdit of its own', () => {
    const frames: Payload[] = [];
    const single = new StreamTranslator({
      messageId: 'msg_test',
      model: 'claude-sonnet-4-6',
      inputTokensEstimate: 10,
      tools: CLAUDE_CODE,
      includeThinking: false,
      toolPolicy: { maxToolUses: 1 },
      sink: (_name, payload) => frames.push(payload),
    });
    single.apply(call('MultiEdit', multiEdit));
    expect(toolUseStarts(frames)).toEqual([]);
    expect(single.unmappedToolCalls.map((c) => c.name)).toEqual(['MultiEdit']);

    const own = translator([...CLAUDE_CODE, { name: 'MultiEdit', input_schema: { type: 'object' } }]);
    own.t.apply(call('MultiEdit', multiEdit));
    expect(toolUseStarts(own.frames).map((f) => (f.content_block as Payload).name)).toEqual(['MultiEdit']);
  });
});

describe('StreamTranslator: a call to a tool the client did not declare', () => {
  it("becomes a text block showing the agent's plan, recorded, and the turn does not end in tool_use", () => {
    const { t, frames } = translator();
    for (const event of [
      start('TodoWrite'),
      delta('{"todos":[{"content":"TODO"}]}'),
      end(),
      call('TodoWrite', { todos: [{ content: 'TODO' }] }),
    ]) {
      t.apply(event);
    }
    t.apply({ kind: 'finish', reason: 'tool-calls' });
    const { stopReason } = t.complete();
    expect(toolUseStarts(frames)).toEqual([]);
    const text = frames.find((f) => (f.delta as Payload | undefined)?.type === 'text_delta')!.delta as Payload;
    expect(text.text).toBe("The agent's plan (this client has no to-do tool to show it in):\n- [ ] TODO");
    expect(t.unmappedToolCalls).toEqual([{ name: 'TodoWrite', input: { todos: [{ content: 'TODO' }] } }]);
    expect(stopReason).toBe('end_turn');
  });

  // Cline joins a message's text blocks as they are: the note is set apart only where texts would run together.
  it.each([
    { before: 'Planning.', after: 'Reading.', texts: ['Planning.', '\n\n[The agent', '\n\nReading.'] },
    { before: 'Planning.\n', after: ' Reading.', texts: ['Planning.\n', '[The agent', ' Reading.'] },
  ])('sets the note apart from $before and $after by a paragraph break where they would meet', (c) => {
    const { t, frames } = translator();
    t.apply({ kind: 'text-start' });
    t.apply(td(c.before));
    t.apply({ kind: 'text-end' });
    t.apply(call('EnterPlanMode', {}));
    t.apply(td(c.after));
    t.apply({ kind: 'finish', reason: 'stop' });
    t.complete();
    const texts = frames.flatMap((f) => {
      const d = f.delta as Payload | undefined;
      return d?.type === 'text_delta' ? [d.text as string] : [];
    });
    expect(texts.map((x) => (x.includes('[The agent') ? x.slice(0, x.indexOf('[The agent') + 10) : x))).toEqual(
      c.texts,
    );
  });

  it('truncates a long input in the text, but records it whole', () => {
    const content = 'x'.repeat(5000);
    const { t, frames } = translator();
    t.apply(call('TodoWrite', { todos: content }));
    const text = String((frames.find((f) => f.type === 'content_block_delta')!.delta as Payload).text);
    expect(text.length).toBeLessThan(600);
    expect(text).toContain('…');
    expect(t.unmappedToolCalls[0]!.input).toEqual({ todos: content });
  });

  it('sits between text blocks, and keeps tool_use when another call did map', () => {
    const { t, frames } = translator();
    for (const event of [
      td('Looking.'),
      call('TodoWrite', { todos: [] }, 'toolu_todo_0001'),
      call('Bash', { command: 'ls' }),
      td('Done.'),
    ]) {
      t.apply(event);
    }
    expect(t.complete().stopReason).toBe('tool_use');
    expect(
      frames.filter((f) => f.type === 'content_block_start').map((f) => (f.content_block as Payload).type),
    ).toEqual(['text', 'text', 'tool_use', 'text']);
  });

  it('becomes text when the client declared no tools at all', () => {
    const { t, frames } = translator(null);
    for (const event of [start('Bash'), delta('{"command":"ls"}'), end()]) t.apply(event);
    expect(toolUseStarts(frames)).toEqual([]);
    expect(t.unmappedToolCalls).toEqual([{ name: 'Bash', input: { command: 'ls' } }]);
  });

  it('is recorded once however often it is announced', () => {
    const { t } = translator();
    for (const event of [
      start('TodoWrite'),
      delta('{"todos":[]}'),
      end(),
      call('TodoWrite', '{"todos":[]}'),
      call('TodoWrite', '{"todos":[]}'),
    ]) {
      t.apply(event);
    }
    t.complete();
    expect(t.unmappedToolCalls).toHaveLength(1);
  });
});

describe('MessageAccumulator with a live call cut short', () => {
  it('does not throw when the block closes on incomplete JSON', () => {
    const accumulator = new MessageAccumulator();
    const t = new StreamTranslator({
      messageId: 'msg_test',
      model: 'm',
      inputTokensEstimate: 1,
      tools: CLAUDE_CODE,
      includeThinking: false,
      sink: accumulator.sink,
    });
    t.start();
    for (const event of [start('Bash'), delta('{"command":"ec')]) t.apply(event);
    expect(t.failure?.kind).toBe('upstream-error');
    expect(() => t.closeOpen()).not.toThrow();
  });
});

/** Spec §10 items 3-4: a `tool-call` in an id spelling nobody has seen decodes with no id at all. */
describe('StreamTranslator: a tool-call without an id after a streamed call', () => {
  const idless = (name: string, input: string | Payload) => call(name, input, '');

  it('is the live call announced again: one block, the streamed input', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), delta('{"command":"ls"}'), end(), idless('Bash', { command: 'ls' })])
      t.apply(event);
    t.apply({ kind: 'finish', reason: 'tool-calls' });
    t.complete();
    expect(toolUseStarts(frames)).toHaveLength(1);
    expect(toolInputs(frames)).toEqual([{ command: 'ls' }]);
    expect(lines(frames).at(-2)).toBe('message_delta tool_use');
  });

  it('fills a live call whose stream ended empty, instead of waiting behind it', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), end(), idless('Bash', { command: 'pwd' })]) t.apply(event);
    expect(lines(frames)).toEqual(['start:0 tool_use Bash', 'delta:0 {"command":"pwd"}', 'stop:0']);
  });

  it('is a buffered call announced again: one block, repaired once', () => {
    const { t, frames } = translator();
    for (const event of [start('Read'), delta('{"path":"/a"}'), end(), idless('Read', { path: '/a' })]) t.apply(event);
    t.complete();
    expect(toolUseStarts(frames)).toHaveLength(1);
    expect(toolInputs(frames)).toEqual([{ file_path: '/a' }]);
  });

  it('pairs with the oldest streamed call of its name; other names and later calls stay calls of their own', () => {
    const { t, frames } = translator();
    const events = [
      start('Bash', 'toolu_stream_1'),
      delta('{"command":"ls"}', 'toolu_stream_1'),
      end('toolu_stream_1'),
      start('Bash', 'toolu_stream_2'),
      delta('{"command":"pwd"}', 'toolu_stream_2'),
      end('toolu_stream_2'),
      idless('Bash', { command: 'ls' }),
      idless('Bash', { command: 'pwd' }),
      idless('Read', { file_path: '/b' }),
      idless('Bash', { command: 'whoami' }),
    ];
    for (const event of events) t.apply(event);
    t.complete();
    expect(toolInputs(frames)).toEqual([
      { command: 'ls' },
      { command: 'pwd' },
      { file_path: '/b' },
      { command: 'whoami' },
    ]);
  });

  it('a same-id tool-call that confirmed the stream leaves nothing for an id-less one to repeat', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), delta('{"command":"ls"}'), end(), call('Bash', { command: 'ls' })])
      t.apply(event);
    t.apply(idless('Bash', { command: 'ls' }));
    t.complete();
    // Announced three ways, but the last is a second call the agent made: the id-carrying pair was already whole.
    expect(toolUseStarts(frames)).toHaveLength(2);
  });
});

describe('StreamTranslator: a live call whose stream carried only whitespace', () => {
  it('still waits for the same-id tool-call, so the client never assembles " " as the input', () => {
    const { t, frames } = translator();
    for (const event of [start('Bash'), delta(' '), end()]) t.apply(event);
    expect(lines(frames)).toEqual(['start:0 tool_use Bash', 'delta:0  ']);
    t.apply(call('Bash', { command: 'ls' }));
    expect(toolInputs(frames)).toEqual([{ command: 'ls' }]);
    expect(lines(frames).at(-1)).toBe('stop:0');
  });
});

describe('StreamTranslator end to end with Generation B frames', () => {
  const genB = (data: Payload) => ({ type: 'model', event: { data } });

  it('turns the gen-b 8.4 exchange into text, a live Bash, a repaired Read and tool_use', () => {
    const decoder = new UpstreamEventDecoder();
    const events: UpstreamEvent[] = [];
    const frames = [
      { type: 'connected' },
      { type: 'response_started' },
      genB({ type: 'text-start' }),
      genB({ type: 'text-delta', delta: 'Let me look.' }),
      genB({ type: 'text-delta', delta: '\n' }),
      genB({ type: 'tool-input-start', id: 'toolu_bash_1', tool_name: 'Bash' }),
      genB({ type: 'tool-input-delta', id: 'toolu_bash_1', delta: '{"command":"ls"}' }),
      genB({ type: 'tool-input-end', id: 'toolu_bash_1' }),
      genB({ type: 'tool-call', callId: 'toolu_bash_1', tool_name: 'Bash', input: { command: 'ls' } }),
      genB({ type: 'tool-call', callId: 'call_read_1', tool_name: 'Read', input: { path: '/tmp/demo.txt' } }),
      genB({ type: 'finish', stop_reason: 'tool-calls', usage: { input_tokens: 12, output_tokens: 34 } }),
    ];
    for (const frame of frames) decoder.decode(frame, events);
    expect(decoder.recognized).toBe(true);
    const { t, frames: out } = translator();
    for (const event of events) if (!t.apply(event)) break;
    expect(t.failure).toBeUndefined();
    const result = t.complete();
    expect(lines(out).slice(0, -1)).toEqual([
      'start:0 text',
      'delta:0 Let me look.',
      'delta:0 \n',
      'stop:0',
      'start:1 tool_use Bash',
      'delta:1 {"command":"ls"}',
      'stop:1',
      'start:2 tool_use Read',
      'delta:2 {"file_path":"/tmp/demo.txt"}',
      'stop:2',
      'message_delta tool_use',
    ]);
    expect(result).toEqual({ stopReason: 'tool_use', usage: { input_tokens: 12, output_tokens: 34 } });
  });

  it('ends with tool_use when the stream stops without finish after a live call', () => {
    const { t } = translator();
    for (const event of [start('Bash'), delta('{"command":"ls"}'), end()]) t.apply(event);
    expect(t.failure).toBeUndefined();
    expect(t.complete().stopReason).toBe('tool_use');
  });
});
