import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Message, MessagesRequest, TextBlock } from '../../main/core/anthropic/types';
import { encodeGenBBody, encodeGenBBodyYielding } from '../../main/core/orchids/gen-b/encode-body';
import { TimeSlices } from '../../main/core/util/time-slices';
import { buildGenBBody, GEN_B_MAX_TOKENS, thinkingModeFor } from '../../main/core/orchids/gen-b/request-builder';
import type { GenBBody, GenBToolResultBlock, GenBTransport } from '../../main/core/orchids/gen-b/types';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';
import { genBWireObject } from '../helpers/gen-b';

const request = (messages: Message[], extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 1024,
  messages,
  ...extra,
});

const ctx = { upstreamModel: 'claude-sonnet-4-6', thinkingMode: 'enabled' as const };
const build = (messages: Message[], extra: Partial<MessagesRequest> = {}): GenBBody =>
  buildGenBBody(request(messages, extra), ctx);
const wireText = (body: GenBBody, transport: GenBTransport): string => encodeGenBBody(body, transport).toString('utf8');
/** The content a client block becomes, alone in a user message. */
const convert = (block: unknown): unknown =>
  build([{ role: 'user', content: [block as TextBlock] }]).messages[0]?.content;

/** Messages as parsed JSON: the tests hand the builder shapes the Anthropic types do not name. */
const loose = (messages: unknown[]): Message[] => messages as Message[];

describe('the spec’s rendered examples, byte for byte', () => {
  const textTurn = [
    { role: 'user' as const, content: [{ type: 'text' as const, text: 'hello' }] },
    { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'ok' }] },
  ];
  const systemRules = { system: [{ type: 'text' as const, text: 'system rules' }] };

  it('§8.1: the WebSocket frame of a text-only turn', () => {
    const body = buildGenBBody(request(textTurn, systemRules), { ...ctx, thinkingMode: 'disabled' });
    body.maxTokens = 2048; // the spec's fixture configured 2048; this client always sends GEN_B_MAX_TOKENS
    expect(wireText(body, 'ws')).toBe(
      '{"messages":[{"role":"user","content":[{"text":"hello","type":"text"}]},' +
        '{"role":"assistant","content":[{"text":"ok","type":"text"}]}],' +
        '"modelName":"claude-sonnet-4-6","maxTokens":2048,' +
        '"config":{"system":"system rules","thinkingMode":"disabled"}}\n',
    );
  });

  it('§8.3: the SSE body adds model and system', () => {
    const body = buildGenBBody(request(textTurn, systemRules), ctx);
    body.maxTokens = 4096;
    expect(wireText(body, 'sse')).toBe(
      '{"messages":[{"role":"user","content":[{"text":"hello","type":"text"}]},' +
        '{"role":"assistant","content":[{"text":"ok","type":"text"}]}],' +
        '"model":"claude-sonnet-4-6","modelName":"claude-sonnet-4-6","system":"system rules","maxTokens":4096,' +
        '"config":{"system":"system rules","thinkingMode":"enabled"}}\n',
    );
  });

  const toolTurn = (result: Record<string, unknown>): Message[] =>
    loose([
      { role: 'user', content: [{ type: 'text', text: 'check demo' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'tool_1', name: 'Read', input: { file_path: '/tmp/demo.txt' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tool_1', content: 'demo result', ...result }] },
    ]);

  it('§8.2: the tool-result follow-up, with the default maxTokens and thinking', () => {
    // The spec prints this frame pretty; it is the same JSON, keys in the same order.
    const pretty = `{
  "messages": [
    {"role": "user", "content": [{"text": "check demo", "type": "text"}]},
    {"role": "assistant", "content": [
      {"id": "tool_1", "input": {"file_path": "/tmp/demo.txt"}, "name": "Read", "type": "tool_use"}]},
    {"role": "user",
     "content": [{"content": "demo result", "tool_use_id": "tool_1", "type": "tool_result"}],
     "ToolResults": [{"ToolUseID": "tool_1", "Content": "demo result"}]}
  ],
  "modelName": "claude-sonnet-4-6",
  "maxTokens": 12000,
  "config": {"system": "system rules", "thinkingMode": "enabled"}
}`;
    const body = build(toolTurn({}), systemRules);
    expect(wireText(body, 'ws')).toBe(`${JSON.stringify(JSON.parse(pretty))}\n`);
    expect(wireText(body, 'ws')).toContain(
      '{"role":"user","content":[{"content":"demo result","tool_use_id":"tool_1","type":"tool_result"}],' +
        '"ToolResults":[{"ToolUseID":"tool_1","Content":"demo result"}]}]',
    );
  });

  it('§8.2: the structured tool result (name, is_error, has_input)', () => {
    const body = build(toolTurn({ name: 'Read', is_error: true, has_input: true }), systemRules);
    expect(wireText(body, 'ws')).toContain(
      ',{"role":"user","content":[{"content":"demo result","has_input":true,"is_error":true,"name":"Read",' +
        '"tool_use_id":"tool_1","type":"tool_result"}],' +
        '"ToolResults":[{"Name":"Read","ToolUseID":"tool_1","Content":"demo result","IsError":true,' +
        '"HasInput":true}]}],' +
        '"modelName"',
    );
  });

  it('§8.2: a base64 image, its url fields dropped', () => {
    const image = {
      type: 'image',
      url: 'https://example.test/a.png',
      source: { type: 'base64', media_type: 'image/png', data: 'abc123', url: 'https://example.test/a.png' },
    };
    const body = build(loose([{ role: 'user', content: [image] }]));
    expect(wireText(body, 'ws')).toContain(
      '"content":[{"source":{"data":"abc123","media_type":"image/png"},"type":"image"}]',
    );
  });
});

describe('messages', () => {
  it('keeps the whole conversation in order, string content as a string and blocks as an array', () => {
    const body = build([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: [{ type: 'text', text: 'second' }] },
      { role: 'user', content: 'third' },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: [{ text: 'second', type: 'text' }] },
      { role: 'user', content: 'third' },
    ]);
  });

  it('trims roles and drops messages whose role is empty', () => {
    const body = build(
      loose([
        { role: ' user\n', content: 'a' },
        { role: '', content: 'dropped' },
        { role: '   ', content: 'dropped too' },
        { content: 'no role' },
        { role: 'assistant', content: 'b' },
      ]),
    );
    expect(body.messages).toEqual([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
    ]);
  });

  it('sends an empty block list as an empty array', () => {
    expect(build([{ role: 'user', content: [] }]).messages).toEqual([{ role: 'user', content: [] }]);
  });
});

describe('content blocks', () => {
  it('text keeps only its text', () => {
    const text = { type: 'text', text: 'hi', cache_control: { type: 'ephemeral' }, citations: [{ cited_text: 'x' }] };
    expect(JSON.stringify(convert(text))).toBe('[{"text":"hi","type":"text"}]');
  });

  it('an image with base64 data and no media type keeps just the data', () => {
    expect(convert({ type: 'image', source: { type: 'base64', data: 'QUJD' } })).toEqual([
      { source: { data: 'QUJD' }, type: 'image' },
    ]);
  });

  it('an image by URL or by file id becomes a visible placeholder', () => {
    expect(convert({ type: 'image', source: { type: 'url', url: 'https://example.test/cat.png' } })).toEqual([
      { text: '[Image: https://example.test/cat.png (not fetched by Orchids Tray)]', type: 'text' },
    ]);
    expect(convert({ type: 'image', source: { type: 'file', file_id: 'file_011' } })).toEqual([
      { text: '[Image: file_011 (not fetched by Orchids Tray)]', type: 'text' },
    ]);
  });

  it('an image with nothing usable in its source is a bare image block', () => {
    expect(convert({ type: 'image', source: { type: 'base64', data: '' } })).toEqual([{ type: 'image' }]);
  });

  it('documents: base64 like an image, a URL or file id as a placeholder, text and content documents as text', () => {
    const pdf = { type: 'base64', media_type: 'application/pdf', data: 'JVBE' };
    expect(JSON.stringify(convert({ type: 'document', title: 'T', source: pdf }))).toBe(
      '[{"source":{"data":"JVBE","media_type":"application/pdf"},"type":"document"}]',
    );
    expect(convert({ type: 'document', source: { type: 'url', url: 'https://example.test/a.pdf' } })).toEqual([
      { text: '[Document: https://example.test/a.pdf (not fetched by Orchids Tray)]', type: 'text' },
    ]);
    expect(convert({ type: 'document', source: { type: 'file', file_id: 'file_022' } })).toEqual([
      { text: '[Document: file_022 (not fetched by Orchids Tray)]', type: 'text' },
    ]);
    const plain = { type: 'text', media_type: 'text/plain', data: 'plain words' };
    expect(convert({ type: 'document', source: plain })).toEqual([{ text: 'plain words', type: 'text' }]);
    expect(convert({ type: 'document', source: { type: 'content', content: 'as a string' } })).toEqual([
      { text: 'as a string', type: 'text' },
    ]);
    const blocks = [
      { type: 'text', text: 'one' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD' } },
      { type: 'text', text: 'two' },
    ];
    expect(convert({ type: 'document', source: { type: 'content', content: blocks } })).toEqual([
      { text: 'one\n\ntwo', type: 'text' },
    ]);
  });

  it('tool_use keeps its input object itself and the client’s own tool name', () => {
    const input = { command: 'ls -la', nested: { deep: [1, 2] } };
    const use = { type: 'tool_use', id: 'toolu_1', name: 'mcp__files__read', input, cache_control: {} };
    const [block] = convert(use) as [Record<string, unknown>];
    expect(JSON.stringify(block)).toBe(
      '{"id":"toolu_1","input":{"command":"ls -la","nested":{"deep":[1,2]}},' +
        '"name":"mcp__files__read","type":"tool_use"}',
    );
    expect(block['input']).toBe(input);
  });

  it('tool_use without input sends an empty object', () => {
    expect(convert({ type: 'tool_use', id: 'toolu_1', name: 'Now' })).toEqual([
      { id: 'toolu_1', input: {}, name: 'Now', type: 'tool_use' },
    ]);
  });

  it('tool_result content is referenced as sent, string or array, and null when missing', () => {
    const array = [
      { type: 'text', text: 'line', cache_control: { type: 'ephemeral' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'QUJD' } },
    ];
    const body = build(
      loose([
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'a', content: array, is_error: false },
            { type: 'tool_result', tool_use_id: 'b' },
            { type: 'text', text: 'and a note' },
          ],
        },
      ]),
    );
    const [message] = body.messages;
    const content = message?.content as GenBToolResultBlock[];
    expect(content[0]?.content).toBe(array);
    expect(message?.ToolResults?.[0]?.Content).toBe(array);
    // The block keeps `"content":null` (a map entry in the reference client); the entry drops it (omitempty, §4.2).
    expect(JSON.stringify(message)).toBe(
      `{"role":"user","content":[{"content":${JSON.stringify(array)},"tool_use_id":"a","type":"tool_result"},` +
        '{"content":null,"tool_use_id":"b","type":"tool_result"},{"text":"and a note","type":"text"}],' +
        `"ToolResults":[{"ToolUseID":"a","Content":${JSON.stringify(array)}},{"ToolUseID":"b"}]}`,
    );
  });

  it('ToolResults entries leave out what Go’s omitempty left out: a null content, an empty id; "" and [] stay', () => {
    const body = build(
      loose([
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'n', content: null },
            { type: 'tool_result', tool_use_id: '', content: 'no id' },
            { type: 'tool_result', tool_use_id: 'e', content: '' },
            { type: 'tool_result', tool_use_id: 'a', content: [] },
          ],
        },
      ]),
    );
    const wire = wireText(body, 'ws');
    expect(wire).toContain(
      '"ToolResults":[{"ToolUseID":"n"},{"Content":"no id"},{"ToolUseID":"e","Content":""},' +
        '{"ToolUseID":"a","Content":[]}]',
    );
    // The blocks themselves keep every key: the reference client wrote them from a map, not a struct.
    expect(wire).toContain(
      '"content":[{"content":null,"tool_use_id":"n","type":"tool_result"},' +
        '{"content":"no id","tool_use_id":"","type":"tool_result"},',
    );
  });

  it('only a message holding a tool_result gets ToolResults', () => {
    const body = build([
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'Bash', input: {} }] },
      { role: 'user', content: [{ type: 'text', text: 'no results here' }] },
    ]);
    for (const message of body.messages) expect(Object.keys(message)).toEqual(['role', 'content']);
  });

  it('thinking and redacted_thinking keep only their own type; other blocks only theirs', () => {
    const blocks = [
      { type: 'thinking', thinking: 'SECRET-THOUGHT', signature: 'SIG' },
      { type: 'redacted_thinking', data: 'REDACTED-DATA' },
      { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } },
      { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
    ];
    const content = build(loose([{ role: 'assistant', content: blocks }])).messages[0]?.content;
    // §4.3: every type but text, image, document, tool_use and tool_result becomes `{"type":<its type>}`.
    expect(content).toEqual([
      { type: 'thinking' },
      { type: 'redacted_thinking' },
      { type: 'server_tool_use' },
      { type: 'web_search_tool_result' },
    ]);
  });

  it('leaves the request it was given unchanged', () => {
    const messages = loose([
      { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'r', is_error: true }] },
    ]);
    const before = JSON.stringify(messages);
    build(messages, { system: 'rules' });
    expect(JSON.stringify(messages)).toBe(before);
  });
});

describe('the body around the messages', () => {
  it('modelName is the caller’s upstream model and maxTokens is always 12000', () => {
    const body = buildGenBBody(request([{ role: 'user', content: 'hi' }], { max_tokens: 64000 }), {
      upstreamModel: 'claude-opus-4-6',
      thinkingMode: 'enabled',
    });
    expect(GEN_B_MAX_TOKENS).toBe(12000);
    expect(body.modelName).toBe('claude-opus-4-6');
    expect(body.maxTokens).toBe(12000);
    expect(body.config.thinkingMode).toBe('enabled');
  });

  it('config.system is the top-level system, then every system message, trimmed, empty parts dropped', () => {
    const body = build(
      loose([
        { role: 'user', content: 'hi' },
        { role: 'system', content: '  second  ' },
        { role: 'assistant', content: 'hello' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'third' },
            { type: 'image', source: { type: 'base64', data: 'QUJD' } },
            { type: 'text', text: ' \n ' },
            { type: 'text', text: '\nfourth\n' },
          ],
        },
      ]),
      {
        system: [
          { type: 'text', text: ' first ' },
          { type: 'text', text: '' },
          { type: 'other', text: 'not text' },
        ],
      },
    );
    expect(body.config.system).toBe('first\n\nsecond\n\nthird\n\nfourth');
    // System messages stay in the conversation too.
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'system', 'assistant', 'system']);
    expect(body.messages[1]?.content).toBe('  second  ');
  });

  it('config.system from a string system alone, and empty when there is none', () => {
    expect(build([{ role: 'user', content: 'hi' }], { system: '\n rules \n' }).config.system).toBe('rules');
    expect(build([{ role: 'user', content: 'hi' }]).config.system).toBe('');
    expect(wireText(build([{ role: 'user', content: 'hi' }]), 'ws')).toContain('"config":{"system":"","thinkingMode"');
  });

  it('the WebSocket form has exactly messages, modelName, maxTokens, config; SSE adds model and system', () => {
    const body = build([{ role: 'user', content: 'hi' }], { system: 'rules', tools: [{ name: 'Bash' }] });
    const ws = JSON.parse(wireText(body, 'ws')) as Record<string, unknown>;
    const sse = JSON.parse(wireText(body, 'sse')) as Record<string, unknown>;
    expect(Object.keys(ws)).toEqual(['messages', 'modelName', 'maxTokens', 'config']);
    expect(Object.keys(sse)).toEqual(['messages', 'model', 'modelName', 'system', 'maxTokens', 'config']);
    expect(Object.keys(ws['config'] as object)).toEqual(['system', 'thinkingMode']);
    expect(sse['model']).toBe(sse['modelName']);
    expect(sse['system']).toBe((sse['config'] as { system: string }).system);
    expect(sse['system']).toBe('rules');
  });

  it('the SSE form has no top-level system when the text is empty (omitempty); config.system stays', async () => {
    const small = build([{ role: 'user', content: 'hi' }]);
    expect(wireText(small, 'sse')).toBe(
      '{"messages":[{"role":"user","content":"hi"}],"model":"claude-sonnet-4-6","modelName":"claude-sonnet-4-6",' +
        '"maxTokens":12000,"config":{"system":"","thinkingMode":"enabled"}}\n',
    );
    // Past the one-string bound, and in time slices: the same bytes either way.
    const large = build([{ role: 'user', content: 'x'.repeat(40_000) }]);
    const expected =
      `{"messages":[{"role":"user","content":"${'x'.repeat(40_000)}"}],"model":"claude-sonnet-4-6",` +
      '"modelName":"claude-sonnet-4-6","maxTokens":12000,"config":{"system":"","thinkingMode":"enabled"}}\n';
    expect(wireText(large, 'sse')).toBe(expected);
    const sliced = await encodeGenBBodyYielding(large, 'sse', new TimeSlices(0), 40_100);
    expect(sliced.toString('utf8')).toBe(expected);
    const withSystem = build([{ role: 'user', content: 'x'.repeat(40_000) }], { system: 'rules' });
    const slicedWithSystem = await encodeGenBBodyYielding(withSystem, 'sse', new TimeSlices(0), 40_100);
    expect(slicedWithSystem.toString('utf8')).toBe(wireText(withSystem, 'sse'));
    expect(wireText(withSystem, 'sse')).toContain('"modelName":"claude-sonnet-4-6","system":"rules","maxTokens"');
  });

  it('writes exactly those keys whatever object it is handed', () => {
    const body = build([{ role: 'user', content: 'hi' }]);
    const untidy = {
      config: { thinkingMode: 'disabled', system: 's', extra: 1 },
      maxTokens: 1,
      extra: true,
      modelName: 'm',
      messages: [],
    };
    expect(wireText(untidy as unknown as GenBBody, 'ws')).toBe(
      '{"messages":[],"modelName":"m","maxTokens":1,"config":{"system":"s","thinkingMode":"disabled"}}\n',
    );
    expect(wireText(body, 'ws').endsWith('}\n')).toBe(true);
    expect(wireText(body, 'sse').endsWith('}\n')).toBe(true);
  });
});

describe('thinkingModeFor', () => {
  const withThinking = (thinking?: MessagesRequest['thinking']): MessagesRequest =>
    request([{ role: 'user', content: 'hi' }], thinking ? { thinking } : {});

  it.each([
    ['enabled', { type: 'enabled', budget_tokens: 2048 }, 'enabled'],
    ['adaptive', { type: 'adaptive' }, 'enabled'],
    ['disabled', { type: 'disabled' }, 'disabled'],
    ['absent', undefined, 'enabled'],
  ] as const)('auto follows the client: %s → %s', (_name, thinking, expected) => {
    expect(thinkingModeFor(withThinking(thinking), 'auto')).toBe(expected);
  });

  it('a forced mode wins over the client', () => {
    expect(thinkingModeFor(withThinking({ type: 'enabled' }), 'disabled')).toBe('disabled');
    expect(thinkingModeFor(withThinking({ type: 'disabled' }), 'enabled')).toBe('enabled');
  });
});

describe('the real Claude Code request', () => {
  const req = JSON.parse(fs.readFileSync(CLAUDE_CODE_REQUEST, 'utf8')) as MessagesRequest;
  const body = buildGenBBody(req, { upstreamModel: 'claude-opus-4-6', thinkingMode: thinkingModeFor(req, 'auto') });
  const ws = wireText(body, 'ws');

  it('carries the user’s text verbatim, and the system message as the client sent it', () => {
    const userBlocks = req.messages[0]?.content as TextBlock[];
    expect(body.messages[0]?.content).toEqual(userBlocks.map((b) => ({ text: b.text, type: 'text' })));
    expect(body.messages[1]).toEqual({ role: 'system', content: req.messages[1]?.content });
    expect(JSON.parse(ws).messages[0].content.at(-1).text).toBe('hello');
  });

  it('puts the top-level system blocks, then the system message, into config.system', () => {
    const systemMessage = (req.messages[1]?.content as string).trim();
    const parts = [...(req.system as TextBlock[]).map((b) => b.text.trim()), systemMessage];
    expect(parts.every((p) => p.length > 0)).toBe(true);
    expect(body.config.system).toBe(parts.join('\n\n'));
    // Spec §4.5: from 9a041b5 the reference client kept `cc_entrypoint=…` in Claude Code's billing line verbatim.
    expect(body.config.system).toContain('cc_entrypoint=sdk-cli');
  });

  it('sends no tools and follows thinking: adaptive', () => {
    expect(req.thinking).toEqual({ type: 'adaptive' });
    expect(body.config.thinkingMode).toBe('enabled');
    expect(Object.keys(JSON.parse(ws))).toEqual(['messages', 'modelName', 'maxTokens', 'config']);
    expect(ws).not.toContain('"tools"');
    expect(ws).not.toContain('input_schema');
  });

  it('encodes both forms as exactly JSON.stringify would', () => {
    expect(ws).toBe(`${JSON.stringify(genBWireObject(body, 'ws'))}\n`);
    expect(wireText(body, 'sse')).toBe(`${JSON.stringify(genBWireObject(body, 'sse'))}\n`);
  });
});
