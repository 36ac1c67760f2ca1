import { NotFoundError, type Anthropic } from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, thinking, toolCall } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { ALL_MODES, upstreamModel, upstreamText, type ProtocolMode } from '../helpers/upstream';

let stack: Stack;
afterEach(async () => stack?.stop());

/**
 * Usage as Anthropic sends it for a request that used none of its extras. Typed with the SDK's own types, so a field
 * a newer SDK adds fails the type check until it is sent too.
 */
const usageOf = (input: number, output: number): Anthropic.Messages.Usage => ({
  input_tokens: input,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  output_tokens: output,
  service_tier: 'standard',
  inference_geo: 'not_available',
  server_tool_use: null,
  output_tokens_details: null,
  speed: 'standard',
});

const deltaUsageOf = (input: number, output: number): Anthropic.Messages.MessageDeltaUsage => ({
  input_tokens: input,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens: output,
  server_tool_use: null,
  output_tokens_details: null,
});

/** The same client behaviour whichever protocol carries it: each pinned, and auto finding the only one served. */
describe.each(ALL_MODES)('the official Anthropic SDK against Orchids Tray ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('gets a non-streamed answer', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('Four.', { inputTokens: 21, outputTokens: 2 })));
    const message = await stack.client().messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'What is 2+2?' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Four.' }]);
    expect(message.model).toBe('claude-sonnet-4-5');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 21, output_tokens: 2 });
    const upstream = stack.sim.requests.at(-1)!;
    expect(upstream.protocol).toBe(mode.expect);
    expect(upstreamModel(upstream)).toBe('claude-sonnet-4-6');
    expect(upstreamText(upstream)).toContain('What is 2+2?');
    // Generation A names the account in the body; Generation B knows it from the token alone.
    if (mode.expect === 'sse-a') expect(upstream.body.email).toBe(stack.users[0]!.email);
    else expect(upstream.body.email).toBeUndefined();
  });

  it('streams text, and the stream accumulates to the same message', async () => {
    stack = await start();
    stack.sim.enqueue(
      sse([
        ...text('Hello, ', { chunks: 1 }),
        ...text('world.'),
        ...finish('stop', { inputTokens: 5, outputTokens: 3 }),
      ]),
    );
    const deltas: string[] = [];
    const stream = stack.client().messages.stream({
      model: 'claude-opus-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'greet' }],
    });
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();
    expect(deltas.join('')).toBe('Hello, world.');
    expect(message.content.map((block) => (block.type === 'text' ? block.text : block.type))).toEqual([
      'Hello, ',
      'world.',
    ]);
    expect(message.usage.output_tokens).toBe(3);
  });

  it('streams text as it arrives rather than at the end', async () => {
    stack = await start();
    stack.sim.enqueue(sse([{ raw: '' }, ...text('first'), { delayMs: 600 }, ...text('second'), ...finish()]));
    const started = Date.now();
    let firstAt = 0;
    const stream = stack
      .client()
      .messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] });
    stream.on('text', (delta) => {
      if (delta === 'first') firstAt = Date.now();
    });
    await stream.finalMessage();
    const endedAt = Date.now();
    expect(firstAt).toBeGreaterThan(0);
    // The first delta reached the client while the upstream was still holding the second one back.
    expect(endedAt - firstAt).toBeGreaterThanOrEqual(450);
    expect(firstAt - started).toBeLessThan(endedAt - started - 450);
  });

  it('returns thinking blocks when thinking is on, and none when it is off', async () => {
    stack = await start();
    const steps = [...thinking('Let me think.', { signature: 'sig-sim-1' }), ...text('Answer.'), ...finish()];
    stack.sim.enqueue(sse(steps));
    stack.sim.enqueue(sse(steps));
    const client = stack.client();
    const withThinking = await client.messages
      .stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 2000,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'think' }],
      })
      .finalMessage();
    expect(withThinking.content[0]).toMatchObject({
      type: 'thinking',
      thinking: 'Let me think.',
      signature: 'sig-sim-1',
    });
    expect(withThinking.content[1]).toMatchObject({ type: 'text', text: 'Answer.' });
    const asked = stack.sim.requests.at(-1)!;
    if (mode.expect === 'sse-a') expect(asked.body.prompt).toContain('<thinking_mode>enabled</thinking_mode>');
    else expect(asked.body.config.thinkingMode).toBe('enabled');

    const without = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(without.content.map((block) => block.type)).toEqual(['text']);

    if (mode.expect !== 'sse-a') {
      stack.sim.enqueue(sse(steps));
      await client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 100,
        thinking: { type: 'disabled' },
        messages: [{ role: 'user', content: 'y' }],
      });
      expect(stack.sim.requests.at(-1)!.body.config.thinkingMode).toBe('disabled');
    }
  });

  it('carries a tool_use and the tool_result turn that answers it', async () => {
    stack = await start();
    const tools = [
      {
        name: 'Read',
        description: 'Read a file',
        input_schema: {
          type: 'object' as const,
          properties: { file_path: { type: 'string' }, limit: { type: 'number' } },
          required: ['file_path'],
        },
      },
    ];
    stack.sim.enqueue(
      sse([
        ...text('Reading it.'),
        ...toolCall({ id: 'toolu_sim_read_1', name: 'Read', input: { file_path: '/x/a.ts', limit: '20' } }),
        ...finish('tool-calls'),
      ]),
    );
    const client = stack.client();
    const first = await client.messages
      .stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 500,
        tools,
        messages: [{ role: 'user', content: 'Open a.ts' }],
      })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    // One call, even though the upstream announced it twice (tool-input-* and tool-call); the number repaired per
    // schema.
    expect(first.content.filter((block) => block.type === 'tool_use')).toHaveLength(1);
    expect(toolUse).toMatchObject({ id: 'toolu_sim_read_1', name: 'Read', input: { file_path: '/x/a.ts', limit: 20 } });

    stack.sim.enqueue(sse(reply('It exports one function.')));
    const second = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 500,
      tools,
      messages: [
        { role: 'user', content: 'Open a.ts' },
        { role: 'assistant', content: first.content.filter((block) => block.type !== 'thinking') as never },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_sim_read_1', content: 'export function a() {}' }],
        },
      ],
    });
    expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: 'It exports one function.' })]);
    const last = stack.sim.requests.at(-1)!;
    const seen = upstreamText(last);
    for (const part of ['Open a.ts', 'toolu_sim_read_1', '/x/a.ts', 'export function a() {}'])
      expect(seen).toContain(part);
    if (mode.expect === 'sse-a') {
      expect(last.body.prompt).toContain('export function a() {}');
      expect(JSON.stringify(last.body.chatHistory)).toContain('toolu_sim_read_1');
    } else {
      const turn = last.body.messages.at(-1);
      expect(turn.content).toEqual([
        { content: 'export function a() {}', tool_use_id: 'toolu_sim_read_1', type: 'tool_result' },
      ]);
      expect(turn.ToolResults).toEqual([{ ToolUseID: 'toolu_sim_read_1', Content: 'export function a() {}' }]);
    }
  });

  // Anthropic refuses a tool_use id outside ^[a-zA-Z0-9_-]+$ when a client replays the conversation to it.
  it.each([true, false])(
    'gives an upstream tool id Anthropic would refuse an id in its form, which comes back as sent (streamed: %s)',
    async (streamed) => {
      stack = await start();
      const tools = [{ name: 'Read', input_schema: { type: 'object' as const, properties: {} } }];
      stack.sim.enqueue(
        sse([
          ...toolCall({ id: 'tool:1/abc.def', name: 'Read', input: { file_path: 'a.ts' } }),
          ...toolCall({ id: 'tool:1/abc_def', name: 'Read', input: { file_path: 'b.ts' } }),
          ...finish('tool-calls'),
        ]),
      );
      const client = stack.client();
      const ask = {
        model: 'claude-sonnet-4-6',
        max_tokens: 500,
        tools,
        messages: [{ role: 'user' as const, content: 'Open' }],
      };
      const first = streamed ? await client.messages.stream(ask).finalMessage() : await client.messages.create(ask);
      const ids = first.content.flatMap((block) => (block.type === 'tool_use' ? [block.id] : []));
      expect(ids).toEqual(['toolu_o_tool_3a1_2fabc_2edef', 'toolu_o_tool_3a1_2fabc_5fdef']);

      stack.sim.enqueue(sse(reply('Both read.')));
      await client.messages.create({
        ...ask,
        messages: [
          ...ask.messages,
          { role: 'assistant', content: first.content as never },
          {
            role: 'user',
            content: ids.map((id, i) => ({ type: 'tool_result' as const, tool_use_id: id, content: `file ${i}` })),
          },
        ],
      });
      const last = stack.sim.requests.at(-1)!;
      if (mode.expect === 'sse-a') {
        const said = last.body.chatHistory.find((turn: { role: string }) => turn.role === 'assistant').content;
        for (const id of ids) expect(said).toContain(`<tool_use id="${id}" name="Read">`);
        expect(last.body.prompt).toContain(`<tool_result tool_use_id="${ids[0]}">file 0</tool_result>`);
        expect(last.body.prompt).toContain(`<tool_result tool_use_id="${ids[1]}">file 1</tool_result>`);
      } else {
        const [assistant, results] = last.body.messages.slice(-2);
        expect(assistant.content.map((block: { id: string }) => block.id)).toEqual(ids);
        expect(results.ToolResults.map((entry: { ToolUseID: string }) => entry.ToolUseID)).toEqual(ids);
        expect(results.content.map((block: { tool_use_id: string }) => block.tool_use_id)).toEqual(ids);
      }
    },
  );
});

describe('the official Anthropic SDK: what needs no upstream protocol', () => {
  it('counts tokens with the same estimate message_start reports', async () => {
    stack = await startStack();
    const params = {
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user' as const, content: 'count these few words please' }],
    };
    const counted = await stack.client().messages.countTokens(params);
    expect(counted.input_tokens).toBeGreaterThan(0);
    stack.sim.enqueue(sse([...text('ok'), ...finish()])); // no upstream usage: the estimate stands
    const events: Array<{ type: string; message?: { usage: { input_tokens: number } } }> = [];
    const stream = stack.client().messages.stream({ ...params, max_tokens: 10 });
    stream.on('streamEvent', (event) => events.push(event as never));
    await stream.finalMessage();
    expect(events[0]?.message?.usage.input_tokens).toBe(counted.input_tokens);
  });

  it("answers a non-streamed message with Anthropic's fields and every field of its usage", async () => {
    stack = await startStack();
    const params = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
    stack.sim.enqueue(sse(reply('Hi.', { inputTokens: 21, outputTokens: 2 })));
    const message = await stack.client().messages.create(params);
    expect(message.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
    expect(message).toEqual({
      id: message.id,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'Hi.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: usageOf(21, 2),
    });
    // In Anthropic's order, not only its fields.
    expect(Object.keys(message.usage)).toEqual(Object.keys(usageOf(21, 2)));
  });

  it("streams every field of Anthropic's usage: message_start's, message_delta's, the final message's", async () => {
    stack = await startStack();
    const params = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
    const client = stack.client();
    const estimate = (await client.messages.countTokens(params)).input_tokens;
    const run = async () => {
      const events: Anthropic.Messages.RawMessageStreamEvent[] = [];
      const stream = client.messages.stream(params);
      // A copy: the SDK accumulates the final message into message_start's own objects.
      stream.on('streamEvent', (event) => events.push(structuredClone(event)));
      const final = await stream.finalMessage();
      const start = events.find((event) => event.type === 'message_start')!;
      const delta = events.find((event) => event.type === 'message_delta')!;
      return { start: start.message.usage, delta: delta.usage, final: final.usage };
    };

    // Orchids reports no input count: message_delta repeats message_start's estimate.
    stack.sim.enqueue(sse([...text('Hi.'), ...finish('stop')]));
    const estimated = await run();
    expect(estimated.start).toEqual(usageOf(estimate, 1));
    expect(Object.keys(estimated.start)).toEqual(Object.keys(usageOf(estimate, 1)));
    expect(estimated.delta).toEqual(deltaUsageOf(estimate, estimated.final.output_tokens));
    expect(estimated.final).toEqual(usageOf(estimate, estimated.final.output_tokens));

    // Orchids reports a cache write without its lifetime: no split is made up where the answer is whole. A stream's
    // message_start went out before the report, and message_delta has no cache_creation to correct it with.
    const cacheCounts = { cacheReadInputTokens: 700, cacheCreationInputTokens: 30 };
    const counts = { type: 'tokens-used', inputTokens: 40, outputTokens: 3, ...cacheCounts };
    const steps = [...text('Hi.'), { data: { type: 'model', event: counts } }, ...finish('stop')];
    stack.sim.enqueue(sse(steps));
    const reported = await run();
    const cached = { cache_creation_input_tokens: 30, cache_read_input_tokens: 700 };
    expect(reported.delta).toEqual({ ...deltaUsageOf(40, 3), ...cached });
    expect(reported.final).toEqual({ ...usageOf(40, 3), ...cached });
    stack.sim.enqueue(sse(steps));
    const whole = await client.messages.create(params);
    expect(whole.usage).toEqual({ ...usageOf(40, 3), ...cached, cache_creation: null });
  });

  it("names the request in an error's body as Anthropic does, the same id as its request-id header", async () => {
    stack = await startStack();
    const failure = await stack
      .client()
      .models.retrieve('no-such-model')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
    const notFound = failure as NotFoundError;
    expect(notFound.requestID).toMatch(/^req_/);
    expect(notFound.error).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: 'model: no-such-model' },
      request_id: notFound.requestID,
    });
    // The server's own refusals (here a 405, before any handler) carry it too.
    const refused = await fetch(`${stack.url}/v1/messages`, { headers: { 'x-api-key': 'test-not-a-real-key' } });
    expect(refused.status).toBe(405);
    expect(((await refused.json()) as { request_id: string }).request_id).toBe(refused.headers.get('request-id'));
  });

  it("streams Anthropic's events with exactly Anthropic's fields, each `event:` name its data's type", async () => {
    stack = await startStack();
    stack.sim.enqueue(
      sse([
        ...thinking('Hmm.', { signature: 'sig-1' }),
        ...text('Reading.', { chunks: 1 }),
        ...toolCall({ id: 'toolu_sim_wire_1', name: 'Read', input: { path: 'a' }, chunks: 1 }),
        ...finish('tool-calls', { inputTokens: 9, outputTokens: 4 }),
      ]),
    );
    const response = await fetch(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'test-not-a-real-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 2000,
        stream: true,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        tools: [{ name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
        messages: [{ role: 'user', content: 'read a' }],
      }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const frames = (await response.text()).split('\n\n').filter(Boolean);
    const events = frames
      .map((frame) => {
        const [eventLine, dataLine, ...rest] = frame.split('\n');
        expect(rest).toEqual([]);
        const data = JSON.parse(dataLine!.replace(/^data: /, '')) as Record<string, unknown>;
        expect(eventLine).toBe(`event: ${String(data.type)}`);
        return data;
      })
      .filter((event) => event.type !== 'ping');
    const start = events[0] as { message: { id: string; usage: { input_tokens: number } } };
    expect(start.message.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
    expect(events).toEqual([
      {
        type: 'message_start',
        message: {
          id: start.message.id,
          type: 'message',
          role: 'assistant',
          content: [],
          model: 'claude-sonnet-4-5',
          stop_reason: null,
          stop_sequence: null,
          usage: usageOf(start.message.usage.input_tokens, 1),
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-1' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Reading.' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_sim_wire_1', name: 'Read', input: {} },
      },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"path":"a"}' } },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: deltaUsageOf(9, 4),
      },
      { type: 'message_stop' },
    ]);
  });

  it('lists models from the mapping table', async () => {
    stack = await startStack();
    const ids: string[] = [];
    for await (const model of stack.client().models.list()) ids.push(model.id);
    expect(ids).toContain('claude-sonnet-4-5');
    expect(ids).toContain('claude-opus-4-6');
    expect(ids.some((id) => id.includes('*'))).toBe(false);
    // Every field of the SDK's ModelInfo is there, for a client that reads one; null where the map cannot know.
    expect(await stack.client().models.retrieve('claude-sonnet-4-5')).toEqual({
      type: 'model',
      id: 'claude-sonnet-4-5',
      // The table sends claude-sonnet-4-5 to claude-sonnet-4-6, and the name says so.
      display_name: 'Claude Sonnet 4.5 (runs Claude Sonnet 4.6)',
      // Not a field of ModelInfo: the SDK passes it through (Claude Code's /model shows it).
      description: 'Runs Claude Sonnet 4.6 on Orchids',
      created_at: '2025-01-01T00:00:00Z',
      capabilities: null,
      deprecated_at: null,
      lifecycle: 'active',
      line: 'sonnet',
      // Anthropic's published window for a Claude model; another vendor's is not known (below).
      max_input_tokens: 200_000,
      max_tokens: null,
      retires_at: null,
      object: 'model',
      created: 1735689600,
      owned_by: 'orchids',
    });
    expect((await stack.client().models.retrieve('gemini-3-pro')).max_input_tokens).toBeNull();
    stack.core.settings.set('modelMap', { 'my-model': 'claude-sonnet-4-6' });
    const after: string[] = [];
    for await (const model of stack.client().models.list()) after.push(model.id);
    expect(after).toEqual(['my-model']);
  });
});
