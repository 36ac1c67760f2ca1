import { describe, expect, it } from 'vitest';
import { readChatRequest } from '../../main/core/openai/chat-request';
import { OpenAIRequestError } from '../../main/core/openai/errors';
import { readResponsesRequest } from '../../main/core/openai/responses-request';

/** OpenAI requests become Messages API requests: what each part turns into. */
const PNG = 'iVBORw0KGgo=';
const chat = (extra: Record<string, unknown>) => readChatRequest({ model: 'claude-sonnet-4-6', ...extra });

describe('Chat Completions → Messages API', () => {
  it('leading system and developer text is the system; a later one stays in place', () => {
    const { request } = chat({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'Now be verbose.' },
        { role: 'user', content: 'again' },
      ],
    });
    expect(request.system).toBe('Be brief.\n\nUse metric units.');
    expect(request.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'Now be verbose.' },
      { role: 'user', content: 'again' },
    ]);
  });

  it('user parts: text, images by data URL or http URL, files as text or documents', () => {
    const { request } = chat({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
            { type: 'image_url', image_url: { url: 'https://images.example.test/a.png' } },
            {
              type: 'file',
              file: {
                filename: 'notes.txt',
                file_data: `data:text/plain;base64,${Buffer.from('plain notes').toString('base64')}`,
              },
            },
            { type: 'file', file: { filename: 'paper.pdf', file_data: 'JVBERi0=' } },
            { type: 'file', file: { file_id: 'file-abc' } },
          ],
        },
      ],
    });
    expect(request.messages[0]!.content).toEqual([
      { type: 'text', text: 'Look.' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      { type: 'image', source: { type: 'url', url: 'https://images.example.test/a.png' } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain notes' }, title: 'notes.txt' },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
        title: 'paper.pdf',
      },
      { type: 'document', source: { type: 'file', file_id: 'file-abc' } },
    ]);
  });

  it('an assistant turn with tool calls, then one tool message per result, become one message each', () => {
    const { request } = chat({
      messages: [
        { role: 'user', content: 'Weather in two cities?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city": ' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'snow' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rain' }] },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
          // What the model wrote is replayed, not refused: the upstream sees it as it was.
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { _raw: '{"city": ' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: 'snow' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'rain' },
        ],
      },
    ]);
  });

  it('reasoning_content an assistant message replays is its thinking block, first in the turn', () => {
    const { request } = chat({
      reasoning_effort: 'high',
      messages: [
        { role: 'user', content: 'List the files.' },
        {
          role: 'assistant',
          content: 'Running.',
          reasoning_content: 'I will run ls.',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'run', arguments: '{"cmd":"ls"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a.txt' },
        { role: 'assistant', content: 'One file.', reasoning_content: '' },
      ],
    });
    expect(request.messages.slice(1).map((m) => m.content)).toEqual([
      [
        // No signature: OpenAI's API carries none, and neither generation sends one upstream.
        { type: 'thinking', thinking: 'I will run ls.', signature: '' },
        { type: 'text', text: 'Running.' },
        { type: 'tool_use', id: 'call_1', name: 'run', input: { cmd: 'ls' } },
      ],
      [{ type: 'tool_result', tool_use_id: 'call_1', content: 'a.txt' }],
      [{ type: 'text', text: 'One file.' }],
    ]);
  });

  it('legacy functions: calls get ids their results answer, and calls come back one at a time', () => {
    const { request, options } = chat({
      functions: [{ name: 'lookup', parameters: { type: 'object' } }],
      function_call: { name: 'lookup' },
      messages: [
        { role: 'user', content: 'Find it.' },
        { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"q":"x"}' } },
        { role: 'function', name: 'lookup', content: 'found' },
      ],
    });
    expect(options.legacyFunctions).toBe(true);
    expect(request.tool_choice).toEqual({ type: 'tool', name: 'lookup', disable_parallel_tool_use: true });
    const [, call, result] = request.messages;
    const id = (call!.content as Array<{ id: string }>)[0]!.id;
    expect((result!.content as Array<{ tool_use_id: string }>)[0]!.tool_use_id).toBe(id);
  });

  it('parameters: limits, stop, reasoning effort, JSON output, serial tool calls', () => {
    const { request, options } = chat({
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 300,
      stop: 'END',
      reasoning_effort: 'medium',
      response_format: { type: 'json_object' },
      tools: [{ type: 'function', function: { name: 'f' } }],
      parallel_tool_calls: false,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      seed: 7,
    });
    expect(request).toMatchObject({
      max_tokens: 300,
      stop_sequences: ['END'],
      thinking: { type: 'enabled', budget_tokens: 8192 },
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      tools: [{ name: 'f', description: '', input_schema: { type: 'object', properties: {} } }],
      stream: true,
      temperature: 0.2,
    });
    expect(options).toEqual({
      model: 'claude-sonnet-4-6',
      includeUsage: true,
      legacyFunctions: false,
      kinds: new Map([['f', 'function']]),
    });
    expect(chat({ messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'minimal' }).request.thinking).toEqual(
      {
        type: 'disabled',
      },
    );
  });

  it('allowed_tools offers only the allowed functions, its mode mapped as auto and required are', () => {
    const tools = ['a', 'b', 'c'].map((name) => ({ type: 'function', function: { name } }));
    const allowed = (mode: string, names: string[]) => ({
      type: 'allowed_tools',
      allowed_tools: { mode, tools: names.map((name) => ({ type: 'function', function: { name } })) },
    });
    const required = chat({
      messages: [{ role: 'user', content: 'hi' }],
      tools,
      tool_choice: allowed('required', ['c', 'a']),
      parallel_tool_calls: false,
    }).request;
    // Declared order is kept, whatever order the choice names them in.
    expect(required.tools?.map((tool) => tool.name)).toEqual(['a', 'c']);
    expect(required.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    const auto = chat({ messages: [{ role: 'user', content: 'hi' }], tools, tool_choice: allowed('auto', ['b']) });
    expect(auto.request.tools?.map((tool) => tool.name)).toEqual(['b']);
    expect(auto.request.tool_choice).toEqual({ type: 'auto' });
    expect(() =>
      chat({
        messages: [{ role: 'user', content: 'hi' }],
        tools,
        tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'web_search' }] } },
      }),
    ).toThrow(/runs no hosted tools/);
  });

  it('every effort the openai SDK declares is a budget, each a step above the one before', () => {
    const efforts = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
    const budgets = efforts.map((effort): number => {
      const thinking = chat({ messages: [{ role: 'user', content: 'hi' }], reasoning_effort: effort }).request.thinking;
      expect(thinking?.type).toBe('enabled');
      return Number((thinking as { budget_tokens?: number } | undefined)?.budget_tokens ?? 0);
    });
    expect(budgets).toEqual([...budgets].sort((a, b) => a - b));
    expect(new Set(budgets).size).toBe(efforts.length);
    expect(() => chat({ messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'maximum' })).toThrow(/max/);
  });

  it.each([
    [{ n: 2 }, 'n'],
    [{ logprobs: true }, 'logprobs'],
    [
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] },
      'messages[0].content[0].image_url.url',
    ],
    [{ messages: [{ role: 'narrator', content: 'x' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ tool_choice: 'required' }, 'tool_choice'],
    [{ tools: [{ type: 'function', function: { name: 'f', parameters: 'object' } }] }, 'tools[0].function.parameters'],
    [{ presence_penalty: 2.5 }, 'presence_penalty'],
    [{ frequency_penalty: -3 }, 'frequency_penalty'],
    [{ temperature: 2.1 }, 'temperature'],
    [{ top_logprobs: 2 }, 'top_logprobs'],
    [{ audio: { voice: 'alloy', format: 'wav' } }, 'audio'],
  ])('refuses %j, naming %s', (extra, param) => {
    let error: unknown;
    try {
      chat({ messages: [{ role: 'user', content: 'hi' }], ...extra });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OpenAIRequestError);
    expect((error as OpenAIRequestError).param).toBe(param);
  });
});

describe('Responses → Messages API', () => {
  it('reads input items: messages, calls and outputs; skips encrypted reasoning; instructions are the system', () => {
    const { request, options } = readResponsesRequest({
      model: 'claude-sonnet-4-6',
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Prefer Celsius.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather?' },
            { type: 'input_image', image_url: `data:image/png;base64,${PNG}` },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_9', output: 'snow' },
      ],
      text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' } } },
      reasoning: { effort: 'high', summary: 'auto' },
      max_output_tokens: 500,
    });
    expect(request.system).toBe('Be brief.\n\nPrefer Celsius.');
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_9', name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_9', content: 'snow' }] },
    ]);
    expect(request).toMatchObject({
      max_tokens: 500,
      thinking: { type: 'enabled', budget_tokens: 16384 },
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
    });
    expect(options.echo).toMatchObject({
      instructions: 'Be brief.',
      store: false,
      max_output_tokens: 500,
      reasoning: { effort: 'high', summary: 'auto' },
    });
  });

  it('a replayed reasoning item is the thinking block opening the assistant turn it preceded', () => {
    const { request } = readResponsesRequest({
      model: 'claude-sonnet-4-6',
      input: [
        { role: 'user', content: 'List the files.' },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [],
          content: [{ type: 'reasoning_text', text: 'I will run ls.' }],
          encrypted_content: null,
        },
        { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"cmd":"ls"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
        // Only a summary to read: its parts are the thinking.
        {
          type: 'reasoning',
          id: 'rs_2',
          summary: [
            { type: 'summary_text', text: 'One file.' },
            { type: 'summary_text', text: 'Say so.' },
          ],
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'a.txt' }] },
        { type: 'function_call', call_id: 'call_2', name: 'shell', arguments: '{"cmd":"wc a.txt"}' },
        { type: 'function_call_output', call_id: 'call_2', output: '3' },
        // Sealed by OpenAI: nothing readable, nothing sent.
        { type: 'reasoning', id: 'rs_3', summary: [], encrypted_content: 'gAAAA-opaque' },
        { type: 'message', role: 'assistant', content: 'Three lines.' },
        // Reasoning that led to no kept output before the user spoke again is dropped, not moved to a later turn.
        { type: 'reasoning', id: 'rs_4', summary: [], content: [{ type: 'reasoning_text', text: 'Interrupted.' }] },
        { role: 'user', content: 'Thanks.' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'List the files.' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I will run ls.', signature: '' },
          { type: 'tool_use', id: 'call_1', name: 'shell', input: { cmd: 'ls' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'a.txt' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'One file.\n\nSay so.', signature: '' },
          { type: 'text', text: 'a.txt' },
          { type: 'tool_use', id: 'call_2', name: 'shell', input: { cmd: 'wc a.txt' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_2', content: '3' }] },
      { role: 'assistant', content: 'Three lines.' },
      { role: 'user', content: 'Thanks.' },
    ]);
  });

  it("reasoning between a turn's text and its call joins that turn where it came", () => {
    const { request } = readResponsesRequest({
      model: 'claude-sonnet-4-6',
      input: [
        { role: 'user', content: 'Go.' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Looking.' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'ls first.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{}' },
      ],
    });
    expect(request.messages.at(-1)).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Looking.' },
        { type: 'thinking', thinking: 'ls first.', signature: '' },
        { type: 'tool_use', id: 'call_1', name: 'shell', input: {} },
      ],
    });
  });

  it.each([
    [{ content: 'thought' }, 'input[1].content', 'invalid_type'],
    [{ content: ['thought'] }, 'input[1].content[0]', 'invalid_type'],
    [{ content: [{ type: 'output_text', text: 'x' }] }, 'input[1].content[0].type', 'invalid_value'],
    [{ content: [{ type: 'reasoning_text' }] }, 'input[1].content[0].text', 'missing_required_parameter'],
    [{ summary: [{ type: 'summary_text', text: 7 }] }, 'input[1].summary[0].text', 'invalid_type'],
    [{ summary: {} }, 'input[1].summary', 'invalid_type'],
  ])('a reasoning item shaped %j is a 400 naming %s', (shape, param, code) => {
    let error: unknown;
    try {
      readResponsesRequest({
        model: 'claude-sonnet-4-6',
        input: [
          { role: 'user', content: 'hi' },
          { type: 'reasoning', id: 'rs_1', ...shape },
        ],
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OpenAIRequestError);
    expect(error).toMatchObject({ param, code, status: 400 });
  });

  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
    [{ store: true }, 'store'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
    [{ input: [{ type: 'web_search_call', id: 'ws_1' }] }, 'input[0].type'],
    [{ tools: [{ type: 'telepathy' }] }, 'tools[0].type'],
    [{ input: [] }, 'input'],
    [{ background: true }, 'background'],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
  ])('refuses %j, naming %s', (extra, param) => {
    let error: unknown;
    try {
      readResponsesRequest({ model: 'claude-sonnet-4-6', input: 'hi', ...extra });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OpenAIRequestError);
    expect((error as OpenAIRequestError).param).toBe(param);
  });
});

describe('parameters the README lists as accepted and ignored', () => {
  const ignored = {
    seed: 7,
    user: 'u-1',
    metadata: { team: 'a' },
    logit_bias: { '50256': -100 },
    service_tier: 'auto',
    prediction: { type: 'content', content: 'x' },
    store: false,
  };
  it('Chat Completions: taken without a word, and none of them reaches the Messages request', () => {
    const { request } = chat({ messages: [{ role: 'user', content: 'hi' }], ...ignored, presence_penalty: 1 });
    for (const name of [...Object.keys(ignored), 'presence_penalty']) expect(request).not.toHaveProperty(name);
  });
  it('Responses: the same, plus truncation and include; truncation is echoed as OpenAI echoes it', () => {
    const { request, options } = readResponsesRequest({
      model: 'claude-sonnet-4-6',
      input: 'hi',
      ...ignored,
      truncation: 'auto',
      include: ['reasoning.encrypted_content'],
      background: false,
    });
    for (const name of [...Object.keys(ignored), 'truncation', 'include']) expect(request).not.toHaveProperty(name);
    expect(options.echo).toMatchObject({ truncation: 'auto', user: 'u-1', metadata: { team: 'a' }, store: false });
  });
});
