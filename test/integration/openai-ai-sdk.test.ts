import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { AI_SDK_MODELS, loadAiSdk, type AiSdkModel } from '../helpers/ai-sdk';
import { PERSON_SCHEMA, refusal } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';
import { answered, upstreamText } from '../helpers/upstream';

let stack: Stack;
afterEach(async () => stack?.stop());

/**
 * The Vercel AI SDK (`ai` 7, with `@ai-sdk/openai` on Responses and Chat Completions and `@ai-sdk/openai-compatible`
 * on Chat Completions) against the real server: multi-step tool loops, streamed tools, tool_choice, structured output
 * and an abort, as IDE extensions built on it drive the proxy.
 */

let sdk: Awaited<ReturnType<typeof loadAiSdk>>;
beforeAll(async () => {
  sdk = await loadAiSdk();
});
const WEATHER_INPUT = {
  type: 'object' as const,
  properties: { city: { type: 'string' as const } },
  required: ['city'],
  additionalProperties: false,
};
const weather = () =>
  sdk.ai.tool({
    description: 'The weather in a city',
    inputSchema: sdk.ai.jsonSchema<{ city: string }>(WEATHER_INPUT),
    execute: async ({ city }: { city: string }) => ({ city, sky: 'sunny', celsius: 24 }),
  });
/** The shared OpenAI SDK schema, as the AI SDK's own JSON Schema type. */
type JsonSchema = Parameters<typeof sdk.ai.jsonSchema>[0];
const TWICE = 'did not answer with JSON matching the requested schema, twice (the request was retried once): ';
/** The Responses model replays its earlier text by item_reference unless told the server stores nothing. */
const STATELESS = { openai: { store: false } };
const weatherSteps = (id: string, city: string) => [
  ...toolCall({ id, name: 'get_weather', input: { city } }),
  ...finish('tool-calls'),
];
const weatherCall = (id: string, city: string) => sse(weatherSteps(id, city));

describe.each(AI_SDK_MODELS)('the AI SDK (%s)', (which: AiSdkModel) => {
  const model = () => sdk.models(stack)[which];

  it('generateText runs a tool loop: the call, its result upstream, the final answer', async () => {
    stack = await startStack();
    stack.sim.enqueue(weatherCall('toolu_sim_loop_1', 'Rome'));
    stack.sim.enqueue(sse(reply('Rome is sunny, 24°C.', { inputTokens: 30, outputTokens: 7 })));
    const result = await sdk.ai.generateText({
      model: model(),
      system: 'You are terse.',
      prompt: 'Weather in Rome?',
      tools: { get_weather: weather() },
      stopWhen: sdk.ai.stepCountIs(3),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['get_weather', { city: 'Rome' }]]);
    expect(result.steps[0]!.finishReason).toBe('tool-calls');
    expect(result.text).toBe('Rome is sunny, 24°C.');
    expect(result.finishReason).toBe('stop');
    expect(result.steps[1]!.usage).toMatchObject({ inputTokens: 30, outputTokens: 7 });
    const second = upstreamText(stack.sim.requests.at(-1)!);
    expect(second).toContain('sunny');
    expect(second).toContain('You are terse.');
  });

  it('streamText streams text and a tool call, then the loop answers, with usage', async () => {
    stack = await startStack();
    const script = () => {
      stack.sim.enqueue(sse([...text('Checking. '), ...weatherSteps('toolu_sim_loop_2', 'Oslo')]));
      stack.sim.enqueue(
        sse([
          ...text('Oslo: '),
          ...text('sunny.', { id: '2' }),
          ...finish('stop', { inputTokens: 9, outputTokens: 4 }),
        ]),
      );
    };
    script();
    const result = sdk.ai.streamText({
      model: model(),
      prompt: 'Weather in Oslo?',
      tools: { get_weather: weather() },
      stopWhen: sdk.ai.stepCountIs(3),
      providerOptions: STATELESS,
    });
    const kinds: string[] = [];
    for await (const part of result.fullStream) kinds.push(part.type);
    expect(kinds).not.toContain('error');
    expect(kinds).toEqual(expect.arrayContaining(['tool-input-start', 'tool-input-delta', 'tool-call', 'tool-result']));
    expect(await result.text).toBe('Oslo: sunny.');
    const steps = await result.steps;
    expect(steps[0]!.text).toBe('Checking. ');
    expect(steps[0]!.toolCalls.map((c) => c.input)).toEqual([{ city: 'Oslo' }]);
    expect((await result.totalUsage).outputTokens).toBeGreaterThanOrEqual(4);
    if (which !== 'openai responses') return;

    // Left at its default, the Responses model refers to its earlier text by id: a clear 400, as the README says,
    // naming the option that fixes it.
    script();
    const errors: unknown[] = [];
    const stored = sdk.ai.streamText({
      model: model(),
      prompt: 'Weather in Oslo?',
      tools: { get_weather: weather() },
      stopWhen: sdk.ai.stepCountIs(3),
      onError: ({ error }: { error: unknown }) => errors.push(error),
    });
    for await (const part of stored.fullStream) if (part.type === 'error') errors.push(part.error);
    expect(errors[0]).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(
        new RegExp(
          'Orchids Tray keeps no responses: send the whole conversation in input instead of referring to item \\S+ ' +
            '\\(the Vercel AI SDK does so unless providerOptions\\.openai\\.store is false\\)\\.$',
        ),
      ),
    });
  });

  it('toolChoice required, a named tool and none: forced calls come back, none holds calls back', async () => {
    stack = await startStack();
    const ask = (toolChoice: 'required' | 'none' | { type: 'tool'; toolName: 'get_weather' }) =>
      sdk.ai.generateText({
        model: model(),
        prompt: 'Weather in Paris?',
        tools: { get_weather: weather() },
        toolChoice,
        providerOptions: STATELESS,
      });
    // required: a text answer is no answer, so it is asked again.
    stack.sim.enqueue(sse(reply('It is nice out.')));
    stack.sim.enqueue(weatherCall('toolu_sim_choice_1', 'Paris'));
    const before = answered(stack.sim.requests).length;
    const required = await ask('required');
    expect(required.toolCalls.map((c) => c.input)).toEqual([{ city: 'Paris' }]);
    expect(answered(stack.sim.requests).length - before).toBe(2);

    stack.sim.enqueue(weatherCall('toolu_sim_choice_2', 'Nice'));
    const named = await ask({ type: 'tool', toolName: 'get_weather' });
    expect(named.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['get_weather', { city: 'Nice' }]]);

    stack.sim.enqueue(sse([...text('No tools, then. '), ...weatherSteps('toolu_sim_choice_3', 'Lyon')]));
    const none = await ask('none');
    expect(none.toolCalls).toEqual([]);
    expect(none.text).toBe('No tools, then. ');
  });

  it('generateObject: the schema goes upstream and the answer comes back as its object', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse(reply('{"name": "Ada", "age": 36}')));
    const { object } = await sdk.ai.generateObject({
      model: model(),
      schema: sdk.ai.jsonSchema(PERSON_SCHEMA as JsonSchema),
      prompt: 'Who wrote the first program?',
    });
    expect(object).toEqual({ name: 'Ada', age: 36 });
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain('"age"');

    // An answer that misses the schema twice is an error the SDK raises, never an object. The SDK retries a 5xx
    // whatever x-should-retry says, so each retry would cost two more upstream turns: an app sets maxRetries.
    stack.sim.enqueue(sse(reply('{"name": "Ada", "age": "old"}')));
    stack.sim.enqueue(sse(reply('{"name": "Ada"}')));
    const before = answered(stack.sim.requests).length;
    const missed = await refusal(
      sdk.ai.generateObject({
        model: model(),
        schema: sdk.ai.jsonSchema(PERSON_SCHEMA as JsonSchema),
        prompt: 'Again?',
        maxRetries: 0,
      }),
    );
    expect(answered(stack.sim.requests).length - before).toBe(2);
    expect(missed).toMatchObject({
      statusCode: 502,
      message: expect.stringContaining(
        `${TWICE}the JSON does not match the schema: (root): must have required property 'age'`,
      ),
    });
  });

  it('abort mid-stream: the SDK stops at once, and the proxy serves the next request', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse([...text('Once upon'), { delayMs: 10_000 }, ...text(' a time.', { id: '2' }), ...finish()]));
    const controller = new AbortController();
    const started = Date.now();
    const result = sdk.ai.streamText({ model: model(), prompt: 'A story', abortSignal: controller.signal });
    let seen = '';
    for await (const part of result.fullStream) {
      if (part.type !== 'text-delta') continue;
      seen += part.text;
      controller.abort();
    }
    expect(seen).toBe('Once upon');
    expect(Date.now() - started).toBeLessThan(5_000);
    stack.sim.enqueue(sse(reply('Next.')));
    const next = await sdk.ai.generateText({ model: model(), prompt: 'again' });
    expect(next.text).toBe('Next.');
    // The aborted request is recorded as the client's going (499), not as an answer or the proxy's failure.
    await stack.core.internals.history.flushNow();
    const rows = stack.core.internals.historyRepo.query({ limit: 2 });
    expect(rows.map((row) => row.status).sort()).toEqual([200, 499]);
  });
});

describe.each(AI_SDK_MODELS)('what the AI SDK sets, on the wire (%s)', (which: AiSdkModel) => {
  const model = () => sdk.models(stack)[which];

  it('parallelToolCalls false lets one call through; maxOutputTokens and an image URL (not fetched) work', async () => {
    stack = await startStack();
    stack.sim.enqueue(
      sse([
        ...toolCall({ id: 'toolu_sim_par_1', name: 'get_weather', input: { city: 'Bern' } }),
        ...toolCall({ id: 'toolu_sim_par_2', name: 'get_weather', input: { city: 'Basel' } }),
        ...finish('tool-calls'),
      ]),
    );
    const options: Record<string, Record<string, boolean>> = which === 'openai-compatible'
      ? {}
      : { openai: { parallelToolCalls: false, store: false } };
    const one = await sdk.ai.generateText({
      model: model(),
      prompt: 'Weather in Bern and Basel?',
      tools: { get_weather: weather() },
      providerOptions: options,
      maxOutputTokens: 500,
    });
    expect(one.toolCalls.map((c) => c.input)).toEqual(
      which === 'openai-compatible' ? [{ city: 'Bern' }, { city: 'Basel' }] : [{ city: 'Bern' }],
    );

    // The compatible provider downloads an image URL itself (refusing this address) and sends the bytes.
    if (which === 'openai-compatible') return;
    stack.sim.enqueue(sse(reply('A cat.')));
    const picture = await sdk.ai.generateText({
      model: model(),
      maxOutputTokens: 16,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', image: new URL('http://192.0.2.1/cat.png') },
          ],
        },
      ],
      providerOptions: STATELESS,
    });
    expect(picture.text).toBe('A cat.');
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain('http://192.0.2.1/cat.png');
  });
});
