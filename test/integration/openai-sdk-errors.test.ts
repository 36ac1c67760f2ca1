import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { sse, text, upstreamError } from '../sim/orchids-simulator';
import { openaiFor, PERSON_SCHEMA, refusal, WEATHER } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
afterEach(async () => stack?.stop());

const openai = (options?: ConstructorParameters<typeof OpenAI>[0]): OpenAI => openaiFor(stack, options);

/**
 * Through the official OpenAI SDK: the models routes, and every way a request fails (refused before it is sent on, cut
 * off, too long, no account) as the SDK's own error classes.
 */

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
