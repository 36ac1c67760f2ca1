import { APIError as AnthropicAPIError } from '@anthropic-ai/sdk';
import { APIError as OpenAIAPIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { sse, text, type SimStep } from '../sim/orchids-simulator';
import { connected, errorFrame, responseStarted } from '../sim/steps-gen-b';
import { openaiFor, refusal } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';

/**
 * The upstream refuses the conversation as too long ("input is too long") after its answer has begun: after a
 * preamble, after the proxy's status line went out (a ping), after some text. Each is read by the official SDKs the
 * clients are built on, through the real server on loopback, against the simulator on each protocol.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const PROTOCOLS = ['ws', 'sse-b', 'sse-a'] as const;
const OVERFLOW = errorFrame('bad_request', 'input is too long');
/** What each protocol sends before its answer: Gen B its `connected` and `response_started`, Gen A an SSE comment. */
const preamble = (protocol: (typeof PROTOCOLS)[number]): SimStep[] =>
  protocol === 'sse-a' ? [{ raw: ': connected\n\n' }] : [...connected(), ...responseStarted()];
const PROMPT = 'Summarise everything so far.';
const TOO_LONG = /^prompt is too long: .*input is too long/;

async function lastRow() {
  await stack.core.internals.history.flushNow();
  return stack.core.internals.historyRepo.query({})[0]!;
}

describe.each(PROTOCOLS)('a context overflow after the upstream began its answer (%s)', (protocol) => {
  it('after a preamble: a real 400 on each API, in the words each SDK raises as a context overflow', async () => {
    stack = await startStack({ protocol });
    // The preamble reaches the proxy in a read of its own, before the refusal.
    stack.sim.onAgentRequest(() => sse([...preamble(protocol), { delayMs: 80 }, ...OVERFLOW]));
    const messages = await refusal(
      stack
        .client()
        .messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: PROMPT }] })
        .finalMessage(),
    );
    expect(messages).toBeInstanceOf(AnthropicAPIError);
    expect(messages).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((messages as AnthropicAPIError).apiMessage).toMatch(TOO_LONG);
    expect(await lastRow()).toMatchObject({ status: 400, errorType: 'invalid_request_error', api: 'anthropic' });

    const openai = openaiFor(stack);
    const chat = await refusal(
      (async () => {
        const stream = await openai.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: PROMPT }],
          stream: true,
        });
        for await (const _ of stream);
      })(),
    );
    expect(chat).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      message: expect.stringMatching(/^400 prompt is too long: /),
    });
    expect(await lastRow()).toMatchObject({ status: 400, api: 'openai-chat' });

    const responses = await refusal(
      (async () => {
        const stream = await openai.responses.create({ model: 'gpt-4o', input: PROMPT, stream: true });
        for await (const _ of stream);
      })(),
    );
    expect(responses).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(await lastRow()).toMatchObject({ status: 400, api: 'openai-responses' });
  });

  it('after the status line went out (a ping): each stream ends with its API’s context-overflow error', async () => {
    stack = await startStack({ protocol, core: { pingIntervalMs: 100 } });
    stack.sim.onAgentRequest(() => sse([...preamble(protocol), { delayMs: 400 }, ...OVERFLOW]));

    const stream = stack
      .client()
      .messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: PROMPT }] });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const messages = await refusal(stream.finalMessage());
    expect(events).toEqual(['message_start']);
    // The SDK raises the SSE `error` event with no status; its type and words are what Claude Code reads.
    expect(messages).toBeInstanceOf(AnthropicAPIError);
    expect(messages).toMatchObject({ status: undefined, type: 'invalid_request_error' });
    expect((messages as AnthropicAPIError).apiMessage).toMatch(TOO_LONG);
    // The row keeps the refusal's status and words, though the client's status line said 200.
    expect(await lastRow()).toMatchObject({
      status: 400,
      errorType: 'invalid_request_error',
      errorMessage: expect.stringMatching(TOO_LONG),
      api: 'anthropic',
    });

    const openai = openaiFor(stack);
    const chunks: unknown[] = [];
    const chat = await refusal(
      (async () => {
        const chatStream = await openai.chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: PROMPT }],
          stream: true,
        });
        for await (const chunk of chatStream) chunks.push(chunk);
      })(),
    );
    expect(chunks).toHaveLength(1); // the role chunk
    expect(chat).toBeInstanceOf(OpenAIAPIError);
    expect(chat).toMatchObject({ code: 'context_length_exceeded', type: 'invalid_request_error' });
    expect((chat as OpenAIAPIError).message).toMatch(TOO_LONG);
    expect(await lastRow()).toMatchObject({ status: 400, api: 'openai-chat' });

    const seen: Array<{ type: string; response?: { error?: unknown } }> = [];
    const responses = await refusal(
      (async () => {
        const responseStream = await openai.responses.create({ model: 'gpt-4o', input: PROMPT, stream: true });
        for await (const event of responseStream) seen.push(event);
      })(),
    );
    // response.failed has the code Codex reads as "ran out of room"; the `error` event after it makes the SDK raise.
    const failed = seen.find((e) => e.type === 'response.failed');
    expect(failed?.response?.error).toEqual({
      code: 'context_length_exceeded',
      message: expect.stringMatching(TOO_LONG),
    });
    expect(responses).toBeInstanceOf(OpenAIAPIError);
    expect(responses).toMatchObject({ code: 'context_length_exceeded' });
    expect(await lastRow()).toMatchObject({ status: 400, api: 'openai-responses' });
  });

  it('after text reached the client: an error saying the answer was cut off, not a call to compact', async () => {
    stack = await startStack({ protocol });
    stack.sim.onAgentRequest(() => sse([...preamble(protocol), ...text('Half an ans'), { delayMs: 80 }, ...OVERFLOW]));
    let shown = '';
    const stream = stack
      .client()
      .messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: PROMPT }] });
    stream.on('text', (delta) => (shown += delta));
    const messages = await refusal(stream.finalMessage());
    expect(shown).toBe('Half an ans');
    expect(messages).toMatchObject({ status: undefined, type: 'invalid_request_error' });
    const words = (messages as AnthropicAPIError).apiMessage!;
    expect(words).toMatch(/^The answer was cut off: .*input is too long/);
    expect(words).not.toMatch(/prompt is too long/);
    expect(await lastRow()).toMatchObject({ errorMessage: words, outputTokens: expect.any(Number) });
  });
});
