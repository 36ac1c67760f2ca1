import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, thinking, toolCall } from '../sim/orchids-simulator';
import { openaiFor, PERSON_SCHEMA, WEATHER } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, upstreamModel, upstreamText, type ProtocolMode } from '../helpers/upstream';

let stack: Stack;
afterEach(async () => stack?.stop());

const openai = (options?: ConstructorParameters<typeof OpenAI>[0]): OpenAI => openaiFor(stack, options);

/**
 * The official OpenAI SDK against Orchids Tray's Chat Completions route, on each upstream protocol. The same pipeline
 * serves it as /v1/messages: these tests look at what the OpenAI client sees, and at what the upstream was sent.
 * The Responses API is in openai-sdk-responses.test.ts, what OpenAI accepts and refuses in openai-sdk-accepts.test.ts
 * and openai-sdk-errors.test.ts.
 */

describe.each(PINNED_MODES)('Chat Completions through the OpenAI SDK ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('answers a plain request in chat.completion shape, with usage', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('Four.', { inputTokens: 21, outputTokens: 2 })));
    const completion = await openai().chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'developer', content: 'Answer with digits spelled out.' },
        { role: 'user', content: 'What is 2+2?' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('claude-sonnet-4-5');
    expect(completion.choices).toEqual([
      expect.objectContaining({
        index: 0,
        finish_reason: 'stop',
        message: expect.objectContaining({ role: 'assistant', content: 'Four.' }),
      }),
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 2, total_tokens: 23 });
    const upstream = stack.sim.requests.at(-1)!;
    expect(upstream.protocol).toBe(mode.expect);
    expect(upstreamModel(upstream)).toBe('claude-sonnet-4-6');
    expect(upstreamText(upstream)).toContain('You are terse.');
    expect(upstreamText(upstream)).toContain('Answer with digits spelled out.');
    expect(upstreamText(upstream)).toContain('What is 2+2?');
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.query({ limit: 1 })[0]).toMatchObject({
      api: 'openai-chat',
      status: 200,
      stopReason: 'end_turn',
    });
  });

  it('streams chunks as they arrive, ending with a usage chunk when include_usage is on', async () => {
    stack = await start();
    stack.sim.enqueue(
      sse([...text('Hello, '), ...text('world.', { id: '2' }), ...finish('stop', { inputTokens: 5, outputTokens: 3 })]),
    );
    const stream = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'greet' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello, world.');
    expect(chunks.filter((chunk) => chunk.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason)).toEqual([
      'stop',
    ]);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('returns a tool call, and a tool result round trip reaches the upstream', async () => {
    stack = await start();
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_weather_1', name: 'get_weather', input: { city: 'Paris' } }),
        ...finish('tool-calls'),
      ]),
    );
    const first = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER],
    });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    // OpenAI's tool-call ids, not the upstream's toolu_ ones; echoed back, the pair still matches upstream.
    expect(call.id).toMatch(/^call_[A-Za-z0-9_-]+$/);
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    stack.sim.enqueue(sse(reply('It is 18 °C in Paris.')));
    const second = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        choice.message,
        { role: 'tool', tool_call_id: call.id, content: 'sunny, 18 °C' },
      ],
      tools: [WEATHER],
    });
    expect(second.choices[0]!.message.content).toBe('It is 18 °C in Paris.');
    const upstream = stack.sim.requests.at(-1)!;
    expect(upstreamText(upstream)).toContain('sunny, 18 °C');
    expect(upstreamText(upstream)).toContain(call.id);
  });

  it('streams a tool call as tool_calls deltas: index, id and name first, then argument fragments', async () => {
    stack = await start();
    stack.sim.enqueue(
      sse([
        ...text('Let me check.'),
        ...toolCall({ id: 'toolu_sim_weather_2', name: 'get_weather', input: { city: 'Lisbon' }, chunks: 3 }),
        ...finish('tool-calls'),
      ]),
    );
    const stream = openai().chat.completions.stream({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Weather in Lisbon?' }],
      tools: [WEATHER],
    });
    const deltas: OpenAI.Chat.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    stream.on('chunk', (chunk) => deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? [])));
    const completion = await stream.finalChatCompletion();
    expect(deltas[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(deltas.slice(1).every((delta) => delta.index === 0 && delta.id === undefined)).toBe(true);
    expect(deltas.map((delta) => delta.function?.arguments ?? '').join('')).toBe('{"city":"Lisbon"}');
    const message = completion.choices[0]!.message;
    expect(message.content).toBe('Let me check.');
    expect((message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall).function).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Lisbon"}',
    });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('response_format json_schema: the answer is JSON of that schema, parsed by the SDK', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('```json\n{"name": "Ada", "age": 36}\n```')));
    const completion = await openai().chat.completions.parse({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Who wrote the first program?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: PERSON_SCHEMA, strict: true } },
    });
    expect(completion.choices[0]!.message.content).toBe('{"name":"Ada","age":36}');
    expect(completion.choices[0]!.message.parsed).toEqual({ name: 'Ada', age: 36 });
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain('"age":{"type":"integer"}');
  });

  it('tool_choice naming a function: an invalid answer is retried, the valid one comes back as its call', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('The weather is nice.')));
    stack.sim.enqueue(sse(reply('{"city": "Paris"}')));
    const completion = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [WEATHER],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: false,
    });
    const call = completion.choices[0]!.message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(answered(stack.sim.requests)).toHaveLength(2);
  });

  it('reasoning_effort returns the thinking as reasoning_content; usage counts its tokens on both APIs', async () => {
    stack = await start();
    const answer = () =>
      sse([
        ...thinking('Two and two make four, so the answer is four.'),
        ...text('Four.'),
        ...finish('stop', { inputTokens: 9, outputTokens: 40 }),
      ]);
    stack.sim.enqueue(answer());
    const completion = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'What is 2+2?' }],
      reasoning_effort: 'low',
    });
    const message = completion.choices[0]!.message as OpenAI.Chat.ChatCompletionMessage & {
      reasoning_content?: string;
    };
    expect(message.content).toBe('Four.');
    expect(message.reasoning_content).toBe('Two and two make four, so the answer is four.');
    // OpenAI counts reasoning inside completion_tokens and says how much of it was reasoning.
    const reasoningTokens = completion.usage!.completion_tokens_details!.reasoning_tokens!;
    expect(reasoningTokens).toBeGreaterThan(5);
    expect(reasoningTokens).toBeLessThan(40);

    stack.sim.enqueue(answer());
    const stream = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'What is 2+2?' }],
      reasoning_effort: 'low',
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage!.completion_tokens_details!.reasoning_tokens).toBe(reasoningTokens);

    stack.sim.enqueue(answer());
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      input: 'What is 2+2?',
      reasoning: { effort: 'low' },
    });
    expect(response.usage!.output_tokens_details.reasoning_tokens).toBe(reasoningTokens);
    stack.sim.enqueue(answer());
    const streamed = await openai()
      .responses.stream({
        model: 'claude-sonnet-4-6',
        input: 'What is 2+2?',
        reasoning: { effort: 'low' },
      })
      .finalResponse();
    expect(streamed.usage!.output_tokens_details.reasoning_tokens).toBe(reasoningTokens);
  });

  it('images: a data URL goes up as the image, an http URL as a line naming it (never fetched)', async () => {
    stack = await start();
    const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${pixel}` } },
            { type: 'image_url', image_url: { url: 'https://images.example.test/cat.png' } },
          ],
        },
      ],
    });
    const upstream = stack.sim.requests.at(-1)!;
    expect(upstreamText(upstream)).toContain('https://images.example.test/cat.png');
    if (mode.expect === 'sse-a') expect(upstreamText(upstream)).toContain('[Image image/png base64');
    else expect(upstream.rawBody).toContain(pixel);
  });
});
