import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, thinking, toolCall } from '../sim/orchids-simulator';
import { loadAnthropicAiSdk } from '../helpers/ai-sdk';
import { startStack, type Stack } from '../helpers/stack';
import { upstreamText } from '../helpers/upstream';

let stack: Stack;
afterEach(async () => stack?.stop());

const WEATHER_SCHEMA = {
  type: 'object' as const,
  properties: { city: { type: 'string' as const } },
  required: ['city'],
};

/** The AI SDK's Anthropic provider pointed at the proxy, as its docs say: a base URL ending in /v1. */
async function aiClient(target: Stack) {
  const { ai, anthropic: provider } = await loadAnthropicAiSdk();
  const anthropic = provider.createAnthropic({ baseURL: `${target.url}/v1`, apiKey: 'test-not-a-real-key' });
  return { ai, anthropic, provider };
}

describe('the Vercel AI SDK (@ai-sdk/anthropic) against Orchids Tray', () => {
  it('streamText runs a multi-step tool loop and streams thinking with providerOptions', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(
      sse([
        ...thinking('Need the weather.', { signature: 'sig-1' }),
        ...toolCall({ id: 'toolu_sim_ai1', name: 'get_weather', input: { city: 'Lima' }, chunks: 3 }),
        ...finish('tool-calls'),
      ]),
    );
    stack.sim.enqueue(sse([...text('Lima is mild.'), ...finish('stop', { inputTokens: 10, outputTokens: 4 })]));
    const { ai, anthropic } = await aiClient(stack);
    const { jsonSchema, stepCountIs, streamText, tool } = ai;
    const calls: string[] = [];
    const result = streamText({
      model: anthropic('claude-sonnet-4-6'),
      prompt: 'Weather in Lima?',
      maxRetries: 0,
      stopWhen: stepCountIs(3),
      providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 2048 } } },
      tools: {
        get_weather: tool({
          description: 'The weather in a city',
          inputSchema: jsonSchema<{ city: string }>(WEATHER_SCHEMA),
          execute: async ({ city }) => {
            calls.push(city);
            return '18C';
          },
        }),
      },
    });
    let streamed = '';
    let reasoning = '';
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') streamed += part.text;
      if (part.type === 'reasoning-delta') reasoning += part.text;
      if (part.type === 'error') throw part.error;
    }
    expect(calls).toEqual(['Lima']);
    expect(streamed).toBe('Lima is mild.');
    expect(reasoning).toBe('Need the weather.');
    expect((await result.steps).length).toBe(2);
    expect(await result.finishReason).toBe('stop');
    const second = stack.sim.requests.at(-1)!;
    expect(upstreamText(second)).toContain('18C');
  });

  it('generateText keeps stopSequences, sends the thinking budget; an aborted streamText leaves it up', async () => {
    stack = await startStack({ protocol: 'sse-a' });
    const { ai, anthropic } = await aiClient(stack);
    stack.sim.enqueue(sse([...text('alpha END beta'), ...finish('stop')]));
    const stopped = await ai.generateText({
      model: anthropic('claude-sonnet-4-6'),
      prompt: 'x',
      maxRetries: 0,
      stopSequences: ['END'],
      providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 3000 } } },
    });
    expect(stopped.text).toBe('alpha ');
    expect(upstreamText(stack.sim.requests.at(-1)!)).toContain('<max_thinking_length>3000</max_thinking_length>');
    stack.sim.enqueue(sse([...text('part '), { delayMs: 30_000 }, ...text('never'), ...finish('stop')]));
    const controller = new AbortController();
    const aborted = ai.streamText({
      model: anthropic('claude-sonnet-4-6'),
      prompt: 'y',
      maxRetries: 0,
      abortSignal: controller.signal,
    });
    const parts: string[] = [];
    for await (const part of aborted.fullStream) {
      parts.push(part.type);
      if (part.type === 'text-delta') controller.abort();
    }
    expect(parts.at(-1)).toBe('abort');
    stack.sim.enqueue(sse(reply('Next.')));
    const again = await ai.generateText({ model: anthropic('claude-sonnet-4-6'), prompt: 'z', maxRetries: 0 });
    expect(again.text).toBe('Next.');
  });

  it("refusals are an APICallError with the proxy's message; web_search is offered and left out", async () => {
    stack = await startStack({ protocol: 'ws' });
    const { ai, anthropic, provider } = await aiClient(stack);
    const refusal = (options: Partial<Parameters<typeof ai.generateText>[0]>) =>
      ai.generateText({ model: anthropic('claude-sonnet-4-6'), prompt: 'x', maxRetries: 0, ...options } as never);
    await expect(
      refusal({ providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 10 } } } }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('budget_tokens') });
    await expect(
      refusal({
        tools: { code_execution: provider.anthropic.tools.codeExecution_20250825() },
        toolChoice: { type: 'tool', toolName: 'code_execution' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('forces a server tool') });
    expect(stack.sim.requests).toHaveLength(0);
    stack.sim.enqueue(sse(reply('No search needed.')));
    const searched = ai.streamText({
      model: anthropic('claude-sonnet-4-6'),
      prompt: 'search',
      maxRetries: 0,
      tools: { web_search: provider.anthropic.tools.webSearch_20250305({ maxUses: 2 }) },
    });
    expect(await searched.text).toBe('No search needed.');
    expect(stack.sim.requests).toHaveLength(1);
  });
});
