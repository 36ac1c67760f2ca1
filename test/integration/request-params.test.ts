import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, upstreamText, type ProtocolMode } from '../helpers/upstream';
import { HI, postMessages } from '../helpers/messages';

/**
 * /v1/messages takes what Anthropic's API takes, parameter by parameter (the SDK's `MessageCreateParams` and
 * `BetaMessageCreateParams`), and refuses what it refuses, with Anthropic's status, type and a message that names
 * the parameter.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const SUMMARY = 'Compacted so far: the user is naming orchids after planets.';

/** Every beta block type a client replays, every tool type, and the top-level parameters Orchids has no use for. */
const BETA_REQUEST: MessageCreateParamsNonStreaming = {
  model: 'claude-sonnet-4-6',
  max_tokens: 200,
  betas: ['context-management-2025-06-27', 'mcp-client-2025-11-20'],
  service_tier: 'auto',
  inference_geo: 'us',
  speed: 'standard',
  cache_control: { type: 'ephemeral', ttl: '1h' },
  container: 'container_fake_0001',
  context_management: { edits: [{ type: 'clear_tool_uses_20250919', keep: { type: 'tool_uses', value: 3 } }] },
  mcp_servers: [{ type: 'url', name: 'docs', url: 'https://mcp.example.test/sse' }],
  metadata: { user_id: 'user-fake-0001' },
  output_config: { effort: 'xhigh' },
  thinking: { type: 'adaptive', display: 'summarized' },
  system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral', ttl: '5m' } }],
  tools: [
    { name: 'lookup', description: 'Look a word up', input_schema: { type: 'object', properties: {} } },
    { type: 'bash_20250124', name: 'bash' },
    { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool', max_characters: 10_000 },
    { type: 'memory_20250818', name: 'memory' },
    { type: 'web_search_20250305', name: 'web_search', max_uses: 2 },
    { type: 'web_fetch_20250910', name: 'web_fetch' },
    { type: 'code_execution_20250825', name: 'code_execution' },
    { type: 'tool_search_tool_regex_20251119', name: 'tool_search_tool_regex' },
    { type: 'mcp_toolset', mcp_server_name: 'docs', cache_control: { type: 'ephemeral' } },
  ],
  messages: [
    { role: 'user', content: [{ type: 'compaction', content: SUMMARY }] },
    {
      role: 'assistant',
      content: [
        { type: 'server_tool_use', id: 'srvtoolu_fake_01', name: 'tool_search_tool_regex', input: { query: 'x' } },
        {
          type: 'tool_search_tool_result',
          tool_use_id: 'srvtoolu_fake_01',
          content: {
            type: 'tool_search_tool_search_result',
            tool_references: [{ type: 'tool_reference', tool_name: 'lookup' }],
          },
        },
        { type: 'mcp_tool_listing', mcp_server_name: 'docs', tools: [{ name: 'search', input_schema: {} }] },
        { type: 'fallback', from: { model: 'claude-opus-4-6' }, to: { model: 'claude-sonnet-4-6' } },
        { type: 'tool_use', id: 'toolu_fake_01', name: 'lookup', input: {} },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_fake_01',
          content: [{ type: 'tool_reference', tool_name: 'lookup' }],
        },
        { type: 'tool_addition', tool: { type: 'tool_reference', name: 'lookup' } },
        { type: 'text', text: 'Name the next orchid.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
    },
  ],
};

describe.each(PINNED_MODES)('request parameters Anthropic accepts ($name)', (mode: ProtocolMode) => {
  it('accepts every beta block, tool and top-level parameter; the compaction summary goes upstream', async () => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves });
    stack.sim.enqueue(sse([...text('Neptune.'), ...finish()]));
    const message = await stack.client().beta.messages.create(BETA_REQUEST);
    expect(message.content).toMatchObject([{ type: 'text', text: 'Neptune.' }]);

    const sent = stack.sim.requests.at(-1)!;
    expect(sent.rawBody).toContain(SUMMARY);
    expect(sent.rawBody).toContain('Name the next orchid.');
    if (mode.setting !== 'sse-a') return;
    // Generation A shows the model the client's tools: the ones the client runs, each with a schema to call it by.
    const tools = sent.body.tools as Array<{ name: string; description?: string; input_schema: any }>;
    expect(tools.map((t) => t.name)).toEqual(['lookup', 'bash', 'str_replace_based_edit_tool', 'memory']);
    for (const tool of tools.slice(1)) {
      expect(tool.description, tool.name).toMatch(/\w/);
      expect(tool.input_schema, tool.name).toMatchObject({ type: 'object', properties: { command: {} } });
    }
  });
});

describe.each(PINNED_MODES)('Anthropic-defined client tools ($name)', (mode: ProtocolMode) => {
  it('calls to memory and the text editor reach the client as its own tools, input intact', async () => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves });
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_memory_1', name: 'memory', input: { command: 'view', path: '/memories' } }),
        ...toolCall({
          id: 'toolu_sim_editor_1',
          name: 'str_replace_based_edit_tool',
          input: { command: 'insert', path: 'a.txt', insert_line: 0, insert_text: 'top\n' },
        }),
        ...finish('tool_use'),
      ]),
    );
    const message = await stack.client().beta.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      tools: [
        { type: 'memory_20250818', name: 'memory' },
        { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
      ],
      messages: [{ role: 'user', content: 'remember, then edit' }],
    });
    expect(message.content).toMatchObject([
      { type: 'tool_use', name: 'memory', input: { command: 'view', path: '/memories' } },
      {
        type: 'tool_use',
        name: 'str_replace_based_edit_tool',
        input: { command: 'insert', path: 'a.txt', insert_line: 0, insert_text: 'top\n' },
      },
    ]);
  });
});

describe.each(PINNED_MODES.slice(0, 2))("the agent's Read as Anthropic's text editor ($name)", (mode: ProtocolMode) => {
  // Generation B's agent calls its own Read with Claude Code's offset and limit; a client that declares only the
  // text editor gets a `view` of the same lines, not of the whole file.
  const read = { file_path: '/w/notes.txt', offset: 40, limit: 10 };
  const view = { path: '/w/notes.txt', view_range: [40, 49], command: 'view' };

  it.each<Anthropic.ToolTextEditor20250728 | Anthropic.ToolTextEditor20250124>([
    { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
    { type: 'text_editor_20250124', name: 'str_replace_editor' },
  ])('$type ($name): a non-streamed view carries the line range', async (tool) => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves });
    stack.sim.enqueue(
      sse([...toolCall({ id: 'toolu_sim_view_1', name: 'Read', input: read, chunks: 3 }), ...finish('tool-calls')]),
    );
    const message = await stack.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      tools: [tool],
      messages: [{ role: 'user', content: 'show lines 40 to 49 of notes.txt' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'toolu_sim_view_1', name: tool.name, input: view }]);
  });

  it('a streamed view is sent whole, its pieces one JSON input with the line range', async () => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves });
    stack.sim.enqueue(
      sse([
        ...text('Looking.'),
        ...toolCall({ id: 'toolu_sim_view_2', name: 'Read', input: read, chunks: 4 }),
        ...finish('tool-calls'),
      ]),
    );
    const pieces: string[] = [];
    const stream = stack.client().messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      tools: [{ type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }],
      messages: [{ role: 'user', content: 'show lines 40 to 49 of notes.txt' }],
    });
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta')
        pieces.push(event.delta.partial_json);
    });
    const message = await stream.finalMessage();
    // The agent's own keys never reach the client, not even in a first piece sent before the input was whole.
    expect(pieces.join('')).not.toMatch(/offset|limit|file_path/);
    expect(JSON.parse(pieces.join(''))).toEqual(view);
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'text', text: 'Looking.' }),
      { type: 'tool_use', id: 'toolu_sim_view_2', name: 'str_replace_based_edit_tool', input: view },
    ]);
  });
});

describe.each(PINNED_MODES.slice(0, 2))('a forced Anthropic-defined tool ($name)', (mode: ProtocolMode) => {
  it('is described to Generation B with its trained schema, and the answer is checked against it', async () => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves });
    stack.sim.enqueue(sse(reply('{"cmd": "ls"}')));
    stack.sim.enqueue(sse(reply('{"command": "ls -la"}')));
    const message = await stack.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      tools: [{ type: 'bash_20250124', name: 'bash' }],
      tool_choice: { type: 'tool', name: 'bash' },
      messages: [{ role: 'user', content: 'list the files' }],
    });
    expect(message.content).toMatchObject([{ type: 'tool_use', name: 'bash', input: { command: 'ls -la' } }]);
    const [first, second] = answered(stack.sim.requests);
    expect(upstreamText(first!)).toContain('"command":{"type":"string"}');
    expect(upstreamText(second!)).toContain('Your previous answer to this request was rejected because');
  });
});

describe('count_tokens', () => {
  it('takes the beta parameters /v1/messages takes', async () => {
    stack = await startStack();
    const { model, messages, system, tools, thinking, output_config, context_management, mcp_servers, betas } =
      BETA_REQUEST;
    const counted = await stack.client().beta.messages.countTokens({
      ...{ model, messages, system, tools, thinking, output_config, context_management, mcp_servers, betas },
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});

describe('request parameters Anthropic refuses', () => {
  // Validation answers before any upstream is chosen, so one stack serves every case.
  let refusing: Stack;
  beforeAll(async () => {
    refusing = await startStack();
  });
  afterAll(async () => refusing.stop());
  const user = [{ role: 'user', content: 'hi' }];
  it.each([
    ['thinking.type', { thinking: { type: 'sometimes' } }, /^thinking: Input tag 'sometimes'/],
    ['thinking budget missing', { thinking: { type: 'enabled' } }, /^thinking\.enabled\.budget_tokens: Field required/],
    [
      'thinking budget below 1024',
      { thinking: { type: 'enabled', budget_tokens: 512 } },
      /^thinking\.enabled\.budget_tokens: Input should be greater than or equal to 1024/,
    ],
    ['thinking.display', { thinking: { type: 'adaptive', display: 'full' } }, /^thinking\.adaptive\.display: /],
    ['service_tier', { service_tier: 'priority' }, /^service_tier: Input should be 'auto' or 'standard_only'/],
    ['output_config.effort', { output_config: { effort: 'extreme' } }, /^output_config\.effort: Input should be/],
    ['metadata.user_id', { metadata: { user_id: 42 } }, /^metadata\.user_id: Input should be a valid string/],
    ['cache_control ttl', { cache_control: { type: 'ephemeral', ttl: '10m' } }, /^cache_control\.ttl: /],
    [
      'a block cache_control type',
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'forever' } }] }] },
      /^messages\.0\.content\.0\.cache_control\.type: Input should be 'ephemeral'/,
    ],
    [
      'a system block cache_control ttl',
      { system: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '2h' } }] },
      /^system\.0\.cache_control\.ttl: /,
    ],
    ['speed', { speed: 'warp' }, /^speed: Input should be 'standard' or 'fast'/],
    [
      'an image media type',
      {
        messages: [
          {
            role: 'user',
            content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'Qk0=' } }],
          },
        ],
      },
      /^messages\.0\.content\.0\.source\.media_type: Input should be 'image\/jpeg'/,
    ],
    [
      'a document source type',
      { messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'blob', data: 'x' } }] }] },
      /^messages\.0\.content\.0\.source: Input tag 'blob'/,
    ],
    ['an mcp_toolset without its server', { tools: [{ type: 'mcp_toolset' }] }, /^tools\.0\.mcp_server_name: Field/],
    [
      // A forced web search is answered instead (web-search-answer.test.ts).
      "a forced server tool (it runs on Anthropic's side, and nothing here runs it)",
      {
        tools: [{ type: 'code_execution_20250825', name: 'code_execution' }],
        tool_choice: { type: 'tool', name: 'code_execution' },
      },
      /^tool_choice\.name: tool_choice 'code_execution' forces a server tool/,
    ],
  ])('%s: a 400 invalid_request_error naming it, and nothing sent upstream', async (_name, change, message) => {
    const before = refusing.sim.requests.length;
    const response = await postMessages(refusing.url, { ...HI, messages: user, ...change });
    const body = (await response.body.json()) as { type: string; error: { type: string; message: string } };
    expect(response.statusCode).toBe(400);
    expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(body.error.message).toMatch(message);
    expect(refusing.sim.requests.length).toBe(before);
  });

  it('the SDK raises a BadRequestError for a thinking budget Anthropic refuses', async () => {
    const sent = refusing.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 100 },
      messages: [{ role: 'user', content: 'think' }],
    });
    await expect(sent).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(sent).rejects.toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error' } } });
  });
});
