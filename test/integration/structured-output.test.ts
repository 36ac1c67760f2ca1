import Anthropic from '@anthropic-ai/sdk';
import { jsonSchemaOutputFormat } from '@anthropic-ai/sdk/helpers/json-schema';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, upstreamText, type ProtocolMode } from '../helpers/upstream';

/**
 * Structured output through the official Anthropic SDK: a forced tool (`tool_choice`) and a JSON schema
 * (`output_config.format`) come back in the shape asked for, checked against the schema, on every protocol.
 * Generation B answers with JSON text (it cannot carry the client's tools); Generation A may answer with a real
 * tool call. The simulator is scripted to answer badly: invalid then valid, and invalid twice.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
    required: ['city'],
    additionalProperties: false,
  },
};
const OTHER_TOOL = {
  name: 'get_time',
  description: 'The time in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};
const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
} as const;

const ask = { model: 'claude-sonnet-4-6', max_tokens: 200 } as const;
const weatherQuestion = [{ role: 'user' as const, content: 'Weather in Paris?' }];

describe.each(PINNED_MODES)('structured output ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('a forced tool comes back as a tool_use whose input matches the schema', async () => {
    stack = await start();
    // Generation A can carry the tool and call it; Generation B writes the arguments as JSON text.
    stack.sim.enqueue((req) =>
      sse(
        req.protocol === 'sse-a'
          ? [...toolCall({ id: 'toolu_sim_weather_1', name: 'get_weather', input: { city: 'Paris' } }), ...finish()]
          : reply('{"city": "Paris", "days": 2}'),
      ),
    );
    const message = await stack.client().messages.create({
      ...ask,
      messages: weatherQuestion,
      tools: [WEATHER_TOOL, OTHER_TOOL],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toHaveLength(1);
    const [block] = message.content;
    expect(block).toMatchObject({ type: 'tool_use', name: 'get_weather' });
    expect((block as Anthropic.ToolUseBlock).input).toEqual(
      mode.expect === 'sse-a' ? { city: 'Paris' } : { city: 'Paris', days: 2 },
    );
    const upstream = upstreamText(answered(stack.sim.requests)[0]!);
    if (mode.expect === 'sse-a') expect(upstream).toContain('you must call the tool "get_weather"');
    else {
      expect(upstream).toContain('the arguments of its function "get_weather"');
      expect(upstream).toContain(JSON.stringify(WEATHER_TOOL.input_schema));
    }
  });

  it('tool_choice any accepts a {"name", "arguments"} answer for one of the tools, streamed', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('Sure:\n```json\n{"name": "get_time", "arguments": {"city": "Oslo"}}\n```')));
    const stream = stack.client().messages.stream({
      ...ask,
      messages: [{ role: 'user', content: 'Time in Oslo?' }],
      tools: [WEATHER_TOOL, OTHER_TOOL],
      tool_choice: { type: 'any' },
    });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'get_time', input: { city: 'Oslo' } }),
    ]);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
  });

  it('output_config JSON schema: messages.parse gets clean JSON, code fence and all removed', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('```json\n{"name": "Ada", "age": 36}\n```')));
    const message = await stack.client().messages.parse({
      ...ask,
      messages: [{ role: 'user', content: 'Who wrote the first program?' }],
      output_config: { format: jsonSchemaOutputFormat(PERSON_SCHEMA) },
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: '{"name":"Ada","age":36}' })]);
    expect(message.parsed_output).toEqual({ name: 'Ada', age: 36 });
    // The schema itself goes upstream (as the SDK sent it, key order aside).
    expect(upstreamText(stack.sim.requests.at(-1)!)).toMatch(
      /JSON Schema:\n\{"type":"object",.*"age":\{"type":"integer"\}/,
    );
  });

  it('a one-string schema answered in plain words needs no retry: the words are the string', async () => {
    stack = await start();
    // Claude Code names each session this way, and asks again several times when the answer does not parse.
    const TITLE_SCHEMA = {
      type: 'object',
      properties: { title: { type: 'string' } },
      required: ['title'],
      additionalProperties: false,
    } as const;
    stack.sim.enqueue(sse(reply('Weather lookup for Paris')));
    const message = await stack.client().messages.parse({
      ...ask,
      messages: [{ role: 'user', content: 'Name this session.' }],
      output_config: { format: jsonSchemaOutputFormat(TITLE_SCHEMA) },
    });
    expect(message.parsed_output).toEqual({ title: 'Weather lookup for Paris' });
    expect(answered(stack.sim.requests)).toHaveLength(1);
  });

  it('an invalid answer is retried once upstream, with the reason, before the client hears anything', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('{"name": "Ada", "age": "thirty-six"}', { inputTokens: 40, outputTokens: 9 })));
    stack.sim.enqueue(sse(reply('{"name": "Ada", "age": 36}', { inputTokens: 60, outputTokens: 8 })));
    const message = await stack.client().messages.parse({
      ...ask,
      messages: [{ role: 'user', content: 'Who?' }],
      output_config: { format: jsonSchemaOutputFormat(PERSON_SCHEMA) },
    });
    expect(message.parsed_output).toEqual({ name: 'Ada', age: 36 });
    // Both rounds were spent upstream.
    expect(message.usage).toMatchObject({ input_tokens: 100, output_tokens: 17 });
    const [first, second] = answered(stack.sim.requests);
    expect(upstreamText(first!)).not.toContain('rejected');
    expect(upstreamText(second!)).toContain('Your previous answer to this request was rejected because');
    expect(upstreamText(second!)).toContain('/age: must be integer');
    // The refused answer was a failed attempt: the second round is a retry, its account listed again.
    await stack.core.internals.history.flushNow();
    const row = stack.core.internals.historyRepo.query({ limit: 1 })[0]!;
    expect(row).toMatchObject({ status: 200, retries: 1, accountsTried: [stack.accountIds[0], stack.accountIds[0]] });
  });

  it('a forced tool answered invalidly twice is a clear 502 naming what failed, never an end_turn', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('I would rather chat about the weather.')));
    stack.sim.enqueue(sse(reply('{"city": 42}')));
    // The SDK's own retries, as a client that sets nothing has them: the proxy has retried already, and says so.
    const failure = await stack
      .client({ maxRetries: 2 })
      .messages.create({
        ...ask,
        messages: weatherQuestion,
        tools: [WEATHER_TOOL],
        tool_choice: { type: 'tool', name: 'get_weather' },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    const apiError = failure as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.headers?.get('x-should-retry')).toBe('false');
    const { message } = (apiError.error as { error: { message: string } }).error;
    expect(message).toContain('did not answer with a valid call to the tool "get_weather", twice');
    expect(message).toContain('/city: must be string');
    expect(answered(stack.sim.requests)).toHaveLength(2);
    await stack.core.internals.history.flushNow();
    const row = stack.core.internals.historyRepo.query({ limit: 1 })[0]!;
    expect(row).toMatchObject({ status: 502, errorType: 'api_error', stopReason: null, retries: 1 });
  });

  it('invalid twice on a stream: an error, not a message that quietly ends', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('not json')));
    stack.sim.enqueue(sse(reply('still not json')));
    const stream = stack.client().messages.stream({
      ...ask,
      messages: [{ role: 'user', content: 'Who?' }],
      output_config: { format: jsonSchemaOutputFormat(PERSON_SCHEMA) },
    });
    const failure = await stream.finalMessage().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as Error).message).toContain('did not answer with JSON matching the requested schema');
    expect((failure as Error).message).toContain('not JSON');
  });

  it('tool_choice none: the agent’s tool call never reaches the client', async () => {
    stack = await start();
    stack.sim.enqueue(
      sse([
        ...text('Checking. '),
        ...toolCall({ id: 'toolu_sim_weather_2', name: 'get_weather', input: { city: 'Paris' } }),
        ...text('It is sunny.', { id: '2' }),
        ...finish('tool-calls'),
      ]),
    );
    const message = await stack.client().messages.create({
      ...ask,
      messages: weatherQuestion,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'none' },
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content.map((block) => block.type)).toEqual(['text', 'text']);
    expect(JSON.stringify(message.content)).not.toContain('get_weather');
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain('Do not call any tool for this answer');
  });

  it('disable_parallel_tool_use: only the first of two calls reaches the client', async () => {
    stack = await start();
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_weather_3', name: 'get_weather', input: { city: 'Paris' } }),
        ...toolCall({ id: 'toolu_sim_weather_4', name: 'get_weather', input: { city: 'Rome' } }),
        ...finish('tool-calls'),
      ]),
    );
    const message = await stack.client().messages.create({
      ...ask,
      messages: weatherQuestion,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', input: { city: 'Paris' } })]);
  });
});

describe('structured output: requests that cannot be honoured are refused before anything is sent', () => {
  it.each([
    [
      'a tool_choice naming a tool the request does not declare',
      { tools: [WEATHER_TOOL], tool_choice: { type: 'tool', name: 'nope' } },
      /^tool_choice\.name: Tool 'nope' is not among the request's tools/,
    ],
    ['tool_choice any without tools', { tool_choice: { type: 'any' } }, /^tool_choice: .*needs at least one tool/],
    [
      'a schema that is not a JSON Schema',
      { output_config: { format: { type: 'json_schema', schema: { type: 'banana' } } } },
      /^output_config\.format\.schema: not a usable JSON Schema/,
    ],
    ['an unknown tool_choice type', { tool_choice: { type: 'sometimes' } }, /^tool_choice\.type: /],
  ])('%s → 400', async (_name, extra, message) => {
    stack = await startStack();
    const response = await request(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask, messages: weatherQuestion, ...extra }),
    });
    expect(response.statusCode).toBe(400);
    const body = (await response.body.json()) as { type: string; error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(message);
    expect(stack.sim.requests).toHaveLength(0);
  });
});
