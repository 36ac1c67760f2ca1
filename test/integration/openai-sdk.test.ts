import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, thinking, toolCall, upstreamError } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, upstreamModel, upstreamText, type ProtocolMode } from '../helpers/upstream';

/**
 * The official OpenAI SDK against Orchids Tray's Chat Completions and Responses routes, on each upstream protocol.
 * The same pipeline serves them as /v1/messages: these tests look at what the OpenAI client sees, and at what the
 * upstream was sent.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const openai = (options: ConstructorParameters<typeof OpenAI>[0] = {}): OpenAI =>
  new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: 'test-not-a-real-key', maxRetries: 0, ...options });

const WEATHER: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};

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

const TIME: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'The local time in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const asResponsesTool = (tool: OpenAI.Chat.ChatCompletionFunctionTool): OpenAI.Responses.FunctionTool => ({
  type: 'function',
  name: tool.function.name,
  description: tool.function.description ?? null,
  parameters: tool.function.parameters ?? null,
  strict: false,
});
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: unknown) => error,
  );

describe.each(PINNED_MODES)('tool_choice allowed_tools through the OpenAI SDK ($name)', (mode: ProtocolMode) => {
  it('only the allowed functions go upstream; auto lets the model choose, required forces one of them', async () => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves });
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_allowed_1', name: 'get_weather', input: { city: 'Rome' } }),
        ...finish('tool-calls'),
      ]),
    );
    const chat = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [WEATHER, TIME],
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_weather' } }] },
      },
    });
    const call = chat.choices[0]!.message.tool_calls![0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Rome"}' });
    const offered = JSON.stringify(stack.sim.requests.at(-1)!.body);
    expect(offered).not.toContain('get_time');
    expect(offered).not.toContain('The local time in a city');
    // Generation A carries the client's tools; Generation B's agent is given none unless one is forced.
    expect(offered.includes('The weather in a city')).toBe(mode.expect === 'sse-a');

    // required: a text answer is no answer, so it is asked again, and the call is to the one allowed function.
    stack.sim.enqueue(sse(reply('It is noon somewhere.')));
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_allowed_2', name: 'get_time', input: { city: 'Oslo' } }),
        ...finish('tool-calls'),
      ]),
    );
    const before = answered(stack.sim.requests).length;
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      input: 'What time is it in Oslo?',
      tools: [asResponsesTool(WEATHER), asResponsesTool(TIME)],
      tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'get_time' }] },
    });
    const fc = response.output.find(
      (item) => item.type === 'function_call',
    ) as OpenAI.Responses.ResponseFunctionToolCall;
    expect(fc).toMatchObject({ name: 'get_time', arguments: '{"city":"Oslo"}' });
    expect(answered(stack.sim.requests).length - before).toBe(2);
    const forced = JSON.stringify(stack.sim.requests.at(-1)!.body);
    expect(forced).toContain('The local time in a city');
    expect(forced).not.toContain('get_weather');
    // The response repeats the choice as it was asked.
    expect(response.tool_choice).toEqual({
      type: 'allowed_tools',
      mode: 'required',
      tools: [{ type: 'function', name: 'get_time' }],
    });
  });
});

describe('what OpenAI accepts, through the OpenAI SDK', () => {
  it('allowed_tools naming an undeclared function, or a mode OpenAI lacks: a 400 before anything is sent', async () => {
    stack = await startStack();
    const undeclared = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [WEATHER],
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_time' } }] },
        },
      }),
    );
    // OpenAI's own words for a choice of a tool the request does not declare.
    expect(undeclared).toBeInstanceOf(OpenAI.BadRequestError);
    expect(undeclared).toMatchObject({
      status: 400,
      param: 'tool_choice',
      code: null,
      message: "400 Tool choice 'get_time' not found in 'tools' parameter.",
    });
    const undeclaredResponse = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'hi',
        tools: [asResponsesTool(WEATHER)],
        tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'get_time' }] },
      }),
    );
    expect(undeclaredResponse).toMatchObject({ status: 400, param: 'tool_choice', code: null });
    const badMode = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'hi',
        tools: [asResponsesTool(WEATHER)],
        tool_choice: {
          type: 'allowed_tools',
          mode: 'none' as 'auto',
          tools: [{ type: 'function', name: 'get_weather' }],
        },
      }),
    );
    expect(badMode).toMatchObject({ status: 400, param: 'tool_choice.mode', code: 'invalid_value' });
    const empty = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [WEATHER],
        tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } },
      }),
    );
    expect(empty).toMatchObject({ status: 400, param: 'tool_choice.allowed_tools.tools', code: 'empty_array' });
    expect(stack.sim.requests).toHaveLength(0);
  });

  it('a Chat json_schema format without a schema asks for any JSON object; Responses refuses it', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse(reply('Sure, here you go.')));
    stack.sim.enqueue(sse(reply('{"city": "Lisbon", "sunny": true}')));
    const completion = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Describe Lisbon as JSON.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'anything' } },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ city: 'Lisbon', sunny: true });
    // The prose answer was not JSON, so it was asked again, as json_object would be.
    expect(answered(stack.sim.requests)).toHaveLength(2);

    const schemaless = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'hi',
        text: { format: { type: 'json_schema', name: 'anything' } as OpenAI.Responses.ResponseFormatTextConfig },
      }),
    );
    expect(schemaless).toMatchObject({ status: 400, param: 'text.format.schema', code: 'missing_required_parameter' });
  });

  it('top_logprobs 0 is answered on both APIs; metadata is held to OpenAI’s limits and echoed', async () => {
    stack = await startStack();
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];
    const chat = await openai().chat.completions.create({ model: 'claude-sonnet-4-6', messages, top_logprobs: 0 });
    expect(chat.choices[0]!.message.content).toBe('Hello from the Orchids simulator.');
    const off = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages,
      logprobs: false,
      top_logprobs: 0,
    });
    expect(off.choices[0]!.message.content).toBe('Hello from the Orchids simulator.');
    const zero = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'hi', top_logprobs: 0 });
    expect(zero.output_text).toBe('Hello from the Orchids simulator.');

    // At the limits, counted in characters (an emoji is one, though two UTF-16 units): answered, and echoed.
    const full = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`]));
    full.k0 = '😀'.repeat(512);
    delete full.k1;
    full['K'.repeat(64)] = 'long key';
    const echoed = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'hi', metadata: full });
    expect(echoed.metadata).toEqual(full);
    const chatted = await openai().chat.completions.create({ model: 'claude-sonnet-4-6', messages, metadata: full });
    expect(chatted.choices[0]!.message.content).toBe('Hello from the Orchids simulator.');
    const sent = stack.sim.requests.length;

    const refusals: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ top_logprobs: 2 }, { param: 'top_logprobs', code: null }],
      [{ top_logprobs: -1 }, { param: 'top_logprobs', code: 'integer_below_min_value' }],
      [
        { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) },
        { param: 'metadata', code: 'object_above_max_properties' },
      ],
      [
        { metadata: { ['K'.repeat(65)]: 'v' } },
        { param: `metadata.${'K'.repeat(65)}`, code: 'property_name_above_max_length' },
      ],
      [{ metadata: { note: 'x'.repeat(513) } }, { param: 'metadata.note', code: 'string_above_max_length' }],
      [{ metadata: { count: 3 } }, { param: 'metadata.count', code: 'invalid_type' }],
    ];
    for (const [extra, expected] of refusals) {
      const refused = await refusal(
        openai().chat.completions.create({ model: 'claude-sonnet-4-6', messages, ...extra }),
      );
      expect(refused, JSON.stringify(extra)).toBeInstanceOf(OpenAI.BadRequestError);
      expect(refused, JSON.stringify(extra)).toMatchObject({ status: 400, ...expected });
    }
    expect(
      await refusal(openai().chat.completions.create({ model: 'claude-sonnet-4-6', messages, top_logprobs: 2 })),
    ).toMatchObject({ message: "400 The 'top_logprobs' parameter is only allowed when 'logprobs' is enabled." });
    const responseRefusals: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ top_logprobs: 3 }, { param: 'top_logprobs', code: 'unsupported_parameter' }],
      [{ top_logprobs: 21 }, { param: 'top_logprobs', code: 'integer_above_max_value' }],
      ...refusals.slice(2),
    ];
    for (const [extra, expected] of responseRefusals) {
      const refused = await refusal(openai().responses.create({ model: 'claude-sonnet-4-6', input: 'hi', ...extra }));
      expect(refused, JSON.stringify(extra)).toBeInstanceOf(OpenAI.BadRequestError);
      expect(refused, JSON.stringify(extra)).toMatchObject({ status: 400, ...expected });
    }
    expect(stack.sim.requests).toHaveLength(sent);
  });
});

describe('models and errors through the OpenAI SDK', () => {
  it('models.list and models.retrieve read the shared /v1/models body', async () => {
    stack = await startStack();
    const page = await openai().models.list();
    const ids = page.data.map((model) => model.id);
    expect(ids).toContain('claude-sonnet-4-6');
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'orchids', created: expect.any(Number) });
    expect(await openai().models.retrieve('claude-opus-4-6')).toMatchObject({ id: 'claude-opus-4-6', object: 'model' });
  });

  it('errors come back in OpenAI’s shape, as the SDK’s error classes', async () => {
    stack = await startStack();
    const refused = await openai()
      .chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], n: 2 })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(refused).toMatchObject({
      status: 400,
      param: 'n',
      code: 'unsupported_parameter',
      type: 'invalid_request_error',
    });

    const stateful = await openai()
      .responses.create({ model: 'claude-sonnet-4-6', input: 'hi', previous_response_id: 'resp_earlier' })
      .catch((error: unknown) => error);
    expect(stateful).toBeInstanceOf(OpenAI.BadRequestError);
    expect((stateful as Error).message).toContain('keeps no responses');

    stack.core.settings.set('apiKey', 'test-key-0123456789');
    const unauthorised = await openai()
      .chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(unauthorised).toBeInstanceOf(OpenAI.AuthenticationError);
    const allowed = await openai({ apiKey: 'test-key-0123456789' }).chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(allowed.choices[0]!.message.content).toBe('Hello from the Orchids simulator.');
  });

  it('refuses what OpenAI refuses: stream_options not streamed, formats and functions misnamed', async () => {
    stack = await startStack();
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];

    // OpenAI's own words and fields for it: no code.
    const unstreamed = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages,
        stream_options: { include_usage: true },
      }),
    );
    expect(unstreamed).toBeInstanceOf(OpenAI.BadRequestError);
    expect(unstreamed).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      param: 'stream_options',
      code: null,
      message: "400 The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    });
    const unstreamedResponse = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'hi',
        stream: false,
        stream_options: { include_obfuscation: false },
      }),
    );
    expect(unstreamedResponse).toMatchObject({ status: 400, param: 'stream_options', code: null });
    const notABoolean = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages,
        stream: true,
        stream_options: { include_usage: 'yes' as unknown as boolean },
      }),
    );
    expect(notABoolean).toMatchObject({ status: 400, param: 'stream_options.include_usage', code: 'invalid_type' });

    const unnamed = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages,
        response_format: {
          type: 'json_schema',
          json_schema: { schema: PERSON_SCHEMA } as unknown as OpenAI.ResponseFormatJSONSchema['json_schema'],
        },
      }),
    );
    expect(unnamed).toMatchObject({
      status: 400,
      param: 'response_format.json_schema.name',
      code: 'missing_required_parameter',
    });
    const unnamedText = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'hi',
        text: {
          format: {
            type: 'json_schema',
            schema: PERSON_SCHEMA,
          } as unknown as OpenAI.Responses.ResponseFormatTextConfig,
        },
      }),
    );
    expect(unnamedText).toMatchObject({ status: 400, param: 'text.format.name', code: 'missing_required_parameter' });
    const dotted = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages,
        tools: [{ type: 'function', function: { name: 'weather.get', parameters: { type: 'object' } } }],
      }),
    );
    expect(dotted).toMatchObject({ status: 400, param: 'tools[0].function.name', code: 'invalid_value' });
    const long = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'hi',
        tools: [{ type: 'function', name: 'f'.repeat(65), parameters: null, strict: null }],
      }),
    );
    expect(long).toMatchObject({ status: 400, param: 'tools[0].name', code: 'string_above_max_length' });
    const described = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages,
        tools: [{ type: 'function', function: { name: 'f', description: 7 as unknown as string } }],
      }),
    );
    expect(described).toMatchObject({ status: 400, param: 'tools[0].function.description', code: 'invalid_type' });
    for (const param of ['tool_choice', 'parallel_tool_calls'] as const) {
      const toolless = await refusal(
        openai().chat.completions.create({
          model: 'claude-sonnet-4-6',
          messages,
          ...(param === 'tool_choice' ? { tool_choice: 'auto' } : { parallel_tool_calls: false }),
        }),
      );
      expect(toolless).toBeInstanceOf(OpenAI.BadRequestError);
      expect(toolless).toMatchObject({
        status: 400,
        param,
        message: `400 Invalid value for '${param}': '${param}' is only allowed when 'tools' are specified.`,
      });
    }
    const unnamedChoice = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages,
        tools: [WEATHER],
        tool_choice: { type: 'function' } as unknown as OpenAI.Chat.ChatCompletionNamedToolChoice,
      }),
    );
    expect(unnamedChoice).toMatchObject({ status: 400, param: 'tool_choice.function' });
    const tiny = await refusal(
      openai().responses.create({ model: 'claude-sonnet-4-6', input: 'hi', max_output_tokens: 15 }),
    );
    expect(tiny).toMatchObject({ status: 400, param: 'max_output_tokens', code: 'integer_below_min_value' });
    // What a response repeats back is held to OpenAI's values, so it never echoes what OpenAI would refuse.
    const summary = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'hi',
        reasoning: { effort: 'low', summary: 'brief' as 'auto' },
      }),
    );
    expect(summary).toMatchObject({ status: 400, param: 'reasoning.summary', code: 'invalid_value' });
    const truncation = await refusal(
      openai().responses.create({ model: 'claude-sonnet-4-6', input: 'hi', truncation: 'middle' as 'auto' }),
    );
    expect(truncation).toMatchObject({ status: 400, param: 'truncation', code: 'invalid_value' });
    // None of them reached the upstream.
    expect(stack.sim.requests).toHaveLength(0);

    // The same requests done right are answered.
    const streamed = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of streamed) usage = chunk.usage ?? usage;
    expect(usage?.total_tokens).toBeGreaterThan(0);
    const nulled = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages,
      stream_options: null,
    });
    expect(nulled.choices[0]!.message.content).toBe('Hello from the Orchids simulator.');
  });

  it('a stream cut off after content: both streams raise an APIError instead of ending quietly', async () => {
    stack = await startStack();
    const cutOff = () => sse([...text('Half an ans'), { delayMs: 50 }, { destroy: true }]);
    stack.sim.enqueue(cutOff());
    const chunks: string[] = [];
    const chatFailure = await (async () => {
      const stream = await openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      for await (const chunk of stream) chunks.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((error: unknown) => error);
    expect(chunks.join('')).toBe('Half an ans');
    expect(chatFailure).toBeInstanceOf(OpenAI.APIError);
    expect((chatFailure as Error).message).toContain('cut off');

    stack.sim.enqueue(cutOff());
    const responseFailure = await openai()
      .responses.stream({ model: 'claude-sonnet-4-6', input: 'hi' })
      .finalResponse()
      .catch((error: unknown) => error);
    expect(responseFailure).toBeInstanceOf(OpenAI.APIError);
    expect((responseFailure as Error).message).toContain('cut off');
  });

  it('a conversation too long for the model: context_length_exceeded on both APIs, streamed or not', async () => {
    stack = await startStack();
    stack.sim.onAgentRequest(() => sse(upstreamError('context_window_exceeded', 'conversation exceeds the window')));
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];
    const failures = [
      await openai()
        .chat.completions.create({ model: 'claude-sonnet-4-6', messages })
        .catch((error: unknown) => error),
      await openai()
        .chat.completions.create({ model: 'claude-sonnet-4-6', messages, stream: true })
        .catch((error: unknown) => error),
      await openai()
        .responses.create({ model: 'claude-sonnet-4-6', input: 'hi' })
        .catch((error: unknown) => error),
      await openai()
        .responses.stream({ model: 'claude-sonnet-4-6', input: 'hi' })
        .finalResponse()
        .catch((error: unknown) => error),
    ];
    for (const failure of failures) {
      // Before any content, a real status: the SDK's BadRequestError with the code Codex reads to compact.
      expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
      expect(failure).toMatchObject({ status: 400, code: 'context_length_exceeded', type: 'invalid_request_error' });
      expect((failure as Error).message).toContain('context_window_exceeded');
    }
  });

  it('no account at all: an error, not retried, that says how to add one', async () => {
    stack = await startStack({ accounts: 0 });
    const failure = await openai({ maxRetries: 2 })
      .chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(424);
    expect((failure as Error).message).toContain('no accounts');
    // x-should-retry: false kept the SDK from asking again: one request reached the proxy.
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.query({})).toHaveLength(1);
  });
});
