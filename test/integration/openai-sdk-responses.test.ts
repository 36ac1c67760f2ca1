import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, thinking, toolCall } from '../sim/orchids-simulator';
import { openaiFor, PERSON_SCHEMA, WEATHER } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';
import { PINNED_MODES, upstreamText, type ProtocolMode } from '../helpers/upstream';

let stack: Stack;
afterEach(async () => stack?.stop());

const openai = (options?: ConstructorParameters<typeof OpenAI>[0]): OpenAI => openaiFor(stack, options);

/**
 * The official OpenAI SDK against Orchids Tray's Responses route, on each upstream protocol: what the OpenAI client
 * sees, and what the upstream was sent, set beside /v1/messages where the two must agree.
 */

describe.each(PINNED_MODES)('the Responses API through the OpenAI SDK ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('answers input and instructions, non-streamed', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('Bonjour.', { inputTokens: 9, outputTokens: 2 })));
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      instructions: 'Answer in French.',
      input: 'Say hello.',
    });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Bonjour.');
    expect(response.output).toEqual([
      expect.objectContaining({
        type: 'message',
        role: 'assistant',
        content: [expect.objectContaining({ type: 'output_text', text: 'Bonjour.' })],
      }),
    ]);
    expect(response.usage).toMatchObject({ input_tokens: 9, output_tokens: 2, total_tokens: 11 });
    expect((response as unknown as { store: boolean }).store).toBe(false);
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain('Answer in French.');
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.query({ limit: 1 })[0]).toMatchObject({
      api: 'openai-responses',
      status: 200,
    });
  });

  it('streams Responses events, and the SDK assembles the same response', async () => {
    stack = await start();
    stack.sim.enqueue(sse([...text('Hello, '), ...text('world.', { id: '2' }), ...finish()]));
    const stream = openai().responses.stream({ model: 'claude-sonnet-4-6', input: 'greet' });
    const types: string[] = [];
    const deltas: string[] = [];
    stream.on('event', (event) => types.push(event.type));
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types.at(-1)).toBe('response.completed');
    expect(deltas.join('')).toBe('Hello, world.');
    expect(response.output_text).toBe('Hello, world.');
  });

  it('function calls out and function_call_output back in', async () => {
    stack = await start();
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_weather_3', name: 'get_weather', input: { city: 'Oslo' }, chunks: 2 }),
        ...finish('tool-calls'),
      ]),
    );
    const tools: OpenAI.Responses.FunctionTool[] = [
      { type: 'function', name: 'get_weather', parameters: WEATHER.function.parameters!, strict: false },
    ];
    const stream = openai().responses.stream({ model: 'claude-sonnet-4-6', input: 'Weather in Oslo?', tools });
    const argumentDeltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (event) => argumentDeltas.push(event.delta));
    const first = await stream.finalResponse();
    const call = first.output.find(
      (item) => item.type === 'function_call',
    ) as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({ name: 'get_weather', status: 'completed' });
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).toMatch(/^call_[A-Za-z0-9_-]+$/);
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Oslo' });
    expect(argumentDeltas.join('')).toBe(call.arguments);

    stack.sim.enqueue(sse(reply('Snowing in Oslo.')));
    const second = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      tools,
      input: [
        { role: 'user', content: 'Weather in Oslo?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: 'snow, -3 °C' },
      ],
    });
    expect(second.output_text).toBe('Snowing in Oslo.');
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain('snow, -3 °C');
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain(call.call_id);
  });

  it('a reasoning item replayed in input goes upstream as the thinking /v1/messages would replay', async () => {
    stack = await start();
    const reasoning = 'Oslo is in Norway; the tool needs the city alone.';
    stack.sim.enqueue(
      sse([
        ...thinking(reasoning, { signature: 'sig-sim-oslo' }),
        ...toolCall({ id: 'toolu_sim_weather_4', name: 'get_weather', input: { city: 'Oslo' } }),
        ...finish('tool-calls'),
      ]),
    );
    const tools: OpenAI.Responses.FunctionTool[] = [
      { type: 'function', name: 'get_weather', parameters: WEATHER.function.parameters!, strict: false },
    ];
    const ask = { model: 'claude-sonnet-4-6', tools, reasoning: { effort: 'high' as const } };
    const first = await openai().responses.create({ ...ask, input: 'Weather in Oslo?' });
    expect(first.output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    const call = first.output[1] as OpenAI.Responses.ResponseFunctionToolCall;

    // Every output item goes back in the next input, the reasoning item first, as Codex CLI sends them.
    stack.sim.enqueue(sse(reply('Snowing in Oslo.')));
    const second = await openai().responses.create({
      ...ask,
      input: [
        { role: 'user', content: 'Weather in Oslo?' },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: call.call_id, output: 'snow, -3 °C' },
      ],
    });
    expect(second.output_text).toBe('Snowing in Oslo.');
    const viaResponses = stack.sim.requests.at(-1)!;

    // The same turn through /v1/messages, its thinking block replayed as Anthropic clients do.
    stack.sim.enqueue(sse(reply('Snowing in Oslo.')));
    await stack.client().messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 1024,
      thinking: { type: 'enabled', budget_tokens: 16384 },
      tools: [{ name: 'get_weather', input_schema: WEATHER.function.parameters as { type: 'object' } }],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: reasoning, signature: 'sig-sim-oslo' },
            { type: 'tool_use', id: call.call_id, name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.call_id, content: 'snow, -3 °C' }] },
      ],
    });
    const viaMessages = stack.sim.requests.at(-1)!;
    if (mode.expect === 'sse-a') {
      // Generation A renders no thinking into its prompt, from either API.
      expect(upstreamText(viaResponses)).not.toContain(reasoning);
      expect(viaResponses.body.prompt).toBe(viaMessages.body.prompt);
      expect(viaResponses.body.chatHistory).toEqual(viaMessages.body.chatHistory);
    } else {
      // Generation B carries the thinking block's type alone, ahead of the call it led to.
      const assistant = (viaResponses.body.messages as Array<{ role: string; content: unknown }>).find(
        (m) => m.role === 'assistant',
      );
      expect(assistant?.content).toEqual([
        { type: 'thinking' },
        expect.objectContaining({ type: 'tool_use', id: call.call_id, name: 'get_weather' }),
      ]);
      expect(viaResponses.body.messages).toEqual(viaMessages.body.messages);
    }
  });

  it('text.format json_schema: the SDK parses the JSON answer', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('{"name": "Ada", "age": 36}')));
    const response = await openai().responses.parse({
      model: 'claude-sonnet-4-6',
      input: 'Who wrote the first program?',
      text: { format: { type: 'json_schema', name: 'person', schema: PERSON_SCHEMA, strict: true } },
    });
    expect(response.output_parsed).toEqual({ name: 'Ada', age: 36 });
  });
});
