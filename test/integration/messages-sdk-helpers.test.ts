import { BadRequestError, APIUserAbortError } from '@anthropic-ai/sdk';
import { betaTool } from '@anthropic-ai/sdk/helpers/beta/json-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { upstreamText } from '../helpers/upstream';

let stack: Stack;
afterEach(async () => stack?.stop());

const WEATHER = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('the Anthropic SDK helpers and request forms against Orchids Tray', () => {
  it('messages.stream() streams tool input to on("inputJson") and finalMessage() holds the parsed input', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(
      sse([
        ...text('Checking.'),
        ...toolCall({ id: 'toolu_sim_weather1', name: 'get_weather', input: { city: 'Paris' }, chunks: 4 }),
        ...finish('tool-calls'),
      ]),
    );
    const partials: unknown[] = [];
    const stream = stack.client().messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      tools: [WEATHER],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    stream.on('inputJson', (_delta, snapshot) => partials.push(snapshot));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.at(-1)).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect(partials.at(-1)).toEqual({ city: 'Paris' });
  });

  it('beta toolRunner runs a tool loop to its end', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_weather2', name: 'get_weather', input: { city: 'Oslo' } }),
        ...finish('tool-calls'),
      ]),
    );
    stack.sim.enqueue(sse(reply('Oslo is cold.')));
    const seen: string[] = [];
    const runner = stack.client().beta.messages.toolRunner({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [
        betaTool({
          name: WEATHER.name,
          description: WEATHER.description,
          inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          run: (input) => {
            seen.push(input.city);
            return '-5C';
          },
        }),
      ],
    });
    const final = await runner.runUntilDone();
    expect(seen).toEqual(['Oslo']);
    expect(final.content).toEqual([{ type: 'text', text: 'Oslo is cold.' }]);
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain('-5C');
  });

  it('tool_choice tool and any give a tool_use; none gives text only', async () => {
    stack = await startStack({ protocol: 'ws' });
    const client = stack.client();
    for (const choice of [{ type: 'tool', name: 'get_weather' }, { type: 'any' }] as const) {
      stack.sim.enqueue(sse([...text('{"city":"Rome"}'), ...finish('stop')]));
      const message = await client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 200,
        tools: [WEATHER],
        tool_choice: choice,
        messages: [{ role: 'user', content: 'Rome?' }],
      });
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([
        expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Rome' } }),
      ]);
    }
    stack.sim.enqueue(
      sse([
        ...text('Sunny.'),
        ...toolCall({ id: 'toolu_sim_weather3', name: 'get_weather', input: { city: 'Rome' } }),
        ...finish('tool-calls'),
      ]),
    );
    const none = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      tools: [WEATHER],
      tool_choice: { type: 'none' },
      messages: [{ role: 'user', content: 'Rome?' }],
    });
    expect(none.content.map((b) => b.type)).toEqual(['text']);
    expect(none.stop_reason).toBe('end_turn');
  });

  it('disable_parallel_tool_use lets one call through', async () => {
    stack = await startStack({ protocol: 'sse-a' });
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_w4', name: 'get_weather', input: { city: 'A' } }),
        ...toolCall({ id: 'toolu_sim_w5', name: 'get_weather', input: { city: 'B' } }),
        ...finish('tool-calls'),
      ]),
    );
    const message = await stack.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      tools: [WEATHER],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: 'A and B?' }],
    });
    expect(message.content.filter((b) => b.type === 'tool_use')).toHaveLength(1);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('documents, search results, redacted thinking and cache_control go through', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(sse(reply('Read.')));
    const message = await stack.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 2000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      metadata: { user_id: 'user-123' },
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      tools: [{ ...WEATHER, cache_control: { type: 'ephemeral', ttl: '1h' } }],
      messages: [
        { role: 'user', content: 'first' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'redacted_thinking', data: 'opaque-redacted' },
            { type: 'text', text: 'ok' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'PLAIN DOC BODY' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' } },
            { type: 'text', text: 'summarise', cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
    });
    expect(message.content.at(-1)).toEqual({ type: 'text', text: 'Read.' });
    const up = upstreamText(stack.sim.requests.at(-1)!);
    expect(up).toContain('PLAIN DOC BODY');
  });

  // Anthropic's own search results for the model to read and cite: a real payload runs to thousands of characters.
  const LONG_RESULT = `SEARCH RESULT BODY ${'The river floods each spring. '.repeat(100)}END OF RESULT`;
  it.each(['ws', 'sse-a'] as const)(
    'a search_result block reaches the model whole: title, source, text (%s)',
    async (protocol) => {
      stack = await startStack({ protocol });
      stack.sim.enqueue(sse(reply('It floods.')));
      const searchResult = {
        type: 'search_result' as const,
        source: 'https://example.invalid/river',
        title: 'The river',
        content: [{ type: 'text' as const, text: LONG_RESULT }],
        citations: { enabled: true },
      };
      const message = await stack.client().messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 200,
        messages: [{ role: 'user', content: [searchResult, { type: 'text', text: 'When does it flood?' }] }],
      });
      expect(message.content).toEqual([{ type: 'text', text: 'It floods.' }]);
      const up = upstreamText(stack.sim.requests.at(-1)!);
      expect(up).toContain(`[Search result "The river" from https://example.invalid/river]\n${LONG_RESULT}`);
      expect(up).toContain('When does it flood?');
    },
  );

  it('server tools: offered among client tools is fine; forcing code_execution is a clear 400', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(sse(reply('Done.')));
    const client = stack.client();
    const ok = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      tools: [WEATHER, { type: 'web_search_20250305', name: 'web_search' }],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(ok.content).toEqual([{ type: 'text', text: 'Done.' }]);
    const forced = client.beta.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      betas: ['code-execution-2025-08-25'],
      tools: [{ type: 'code_execution_20250825', name: 'code_execution' }],
      tool_choice: { type: 'tool', name: 'code_execution' },
      messages: [{ role: 'user', content: 'run' }],
    });
    await expect(forced).rejects.toBeInstanceOf(BadRequestError);
    await expect(forced).rejects.toThrow(/code_execution/);
  });

  it('countTokens takes tools, system and thinking', async () => {
    stack = await startStack({ protocol: 'ws' });
    const counted = await stack.client().messages.countTokens({
      model: 'claude-sonnet-4-6',
      system: 'Be brief.',
      tools: [WEATHER],
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const beta = await stack.client().beta.messages.countTokens({
      model: 'claude-sonnet-4-6',
      betas: ['token-counting-2024-11-01'],
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(beta.input_tokens).toBeGreaterThan(0);
  });

  it('models.list() pages with limit and after_id, and auto-pagination walks every page', async () => {
    stack = await startStack({ protocol: 'ws' });
    const client = stack.client();
    const all = (await client.models.list()).data.map((m) => m.id);
    expect(all.length).toBeGreaterThan(3);
    const walked: string[] = [];
    for await (const model of client.models.list({ limit: 2 })) walked.push(model.id);
    expect(walked).toEqual(all);
    const page = await client.models.list({ limit: 2, after_id: all[1] });
    expect(page.data.map((m) => m.id)).toEqual(all.slice(2, 4));
    const before = await client.models.list({ limit: 2, before_id: all[3] });
    expect(before.data.map((m) => m.id)).toEqual(all.slice(1, 3));
  });

  it('abort mid-stream ends the SDK stream with APIUserAbortError and the proxy serves the next request', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(sse([...text('part one '), { delayMs: 30_000 }, ...text('never'), ...finish('stop')]));
    const stream = stack.client().messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'long' }],
    });
    const first = new Promise<void>((resolve) => stream.once('text', () => resolve()));
    await first;
    stream.abort();
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(APIUserAbortError);
    stack.sim.enqueue(sse(reply('Next.')));
    const next = await stack.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'again' }],
    });
    expect(next.content).toEqual([{ type: 'text', text: 'Next.' }]);
  });
  it('a beta stream with stop_sequences and an unknown anthropic-beta ends at the sequence', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(sse([...text('one two ', { chunks: 3 }), ...text('STOP three'), ...finish('stop')]));
    const stream = stack.client().beta.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 200,
      betas: ['future-thing-2099-01-01'],
      stop_sequences: ['STOP'],
      messages: [{ role: 'user', content: 'count' }],
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('STOP');
    expect(message.content).toEqual([{ type: 'text', text: 'one two ' }]);
  });
});
