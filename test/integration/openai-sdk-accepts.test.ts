import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { openaiFor, refusal, WEATHER } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, type ProtocolMode } from '../helpers/upstream';

let stack: Stack;
afterEach(async () => stack?.stop());

const openai = (options?: ConstructorParameters<typeof OpenAI>[0]): OpenAI => openaiFor(stack, options);

/**
 * Through the official OpenAI SDK, on both OpenAI routes: tool_choice allowed_tools, and where what a request may ask
 * for (allowed tools, a format without a schema, top_logprobs, metadata) ends, held to what OpenAI itself accepts.
 */

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
