import { APIError } from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { afterEach, describe, expect, it } from 'vitest';
import { sse } from '../sim/orchids-simulator';
import { connected, errorFrame, responseStarted } from '../sim/steps-gen-b';
import { refusal } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';
import { answered } from '../helpers/upstream';

/**
 * Claude Code 2.1, its stream ended by a context overflow after a ping had sent the 200, sends the same conversation
 * once more unstreamed (midstream-overflow-clients.test.ts): the proxy answers that resend with the refusal it just
 * had, without an account or the upstream. Through the real server on loopback and the simulator, with the SDK
 * Claude Code is built on.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const TOO_LONG = /^prompt is too long: .*input is too long/;
const SYSTEM = 'You are a coding agent.';
const TOOLS = [{ name: 'Read', description: 'Reads a file.', input_schema: { type: 'object' as const } }];
const CONVERSATION: MessageParam[] = [{ role: 'user', content: 'Summarise everything so far.' }];

/** Refused after the preamble, `pause` ms in: with pings every 100 ms, 400 ms is after the 200 went out. */
async function refusing(pingIntervalMs: number) {
  stack = await startStack({ protocol: 'ws', core: { pingIntervalMs } });
  stack.sim.onAgentRequest(() =>
    sse([...connected(), ...responseStarted(), { delayMs: 400 }, ...errorFrame('bad_request', 'input is too long')]),
  );
}

const upstreamCount = () => answered(stack.sim.requests).length;

/** The streamed turn, as Claude Code sends it; the stream's end (an error event, or a 400) is returned. */
function streamed(messages: MessageParam[]) {
  const body = { model: 'claude-sonnet-4-6', max_tokens: 32000, system: SYSTEM, tools: TOOLS, messages };
  return refusal(stack.client().messages.stream(body).finalMessage());
}

/** Claude Code's resend: the same conversation without streaming (max_tokens capped at 64000, here unchanged). */
function unstreamed(messages: MessageParam[], maxTokens = 32000) {
  const body = { model: 'claude-sonnet-4-6', max_tokens: maxTokens, system: SYSTEM, tools: TOOLS, messages };
  // Claude Code gives its resend a timeout (5 minutes), without which the SDK refuses so large a max_tokens unstreamed.
  return refusal(stack.client().messages.create(body, { timeout: 300_000 }));
}

async function rows() {
  await stack.core.internals.history.flushNow();
  return stack.core.internals.historyRepo.query({}).reverse();
}

describe('the unstreamed resend of a conversation refused as too long after a ping', () => {
  it('is answered with the same 400 at once, without the upstream; used once, then forgotten', async () => {
    await refusing(100);
    const first = await streamed(CONVERSATION);
    // After the ping: an error event the SDK raises with no status.
    expect(first).toMatchObject({ status: undefined, type: 'invalid_request_error' });
    expect(upstreamCount()).toBe(1);

    // Another max_tokens, as Claude Code's resend has when it asked for more than 64000: still the same conversation.
    const second = await unstreamed(CONVERSATION, 20000);
    expect(second).toBeInstanceOf(APIError);
    expect(second).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((second as APIError).message).toMatch(/^400 prompt is too long: /);
    expect(upstreamCount()).toBe(1);

    const [streamedRow, resentRow] = await rows();
    expect(streamedRow).toMatchObject({ stream: true, status: 400, protocol: 'ws' });
    expect(resentRow?.errorMessage).toBe(streamedRow?.errorMessage);
    // The proxy's own answer: no account, no protocol, no attempt, no tokens.
    expect(resentRow).toMatchObject({
      stream: false,
      status: 400,
      errorType: 'invalid_request_error',
      errorMessage: expect.stringMatching(TOO_LONG),
      accountId: null,
      accountsTried: [],
      protocol: null,
      retries: 0,
      inputTokens: 0,
      outputTokens: 0,
    });

    // Used: the next unstreamed send goes upstream, and is refused there.
    expect(await unstreamed(CONVERSATION)).toMatchObject({ status: 400 });
    expect(upstreamCount()).toBe(2);
  });

  it('a changed conversation goes upstream', async () => {
    await refusing(100);
    await streamed(CONVERSATION);
    expect(upstreamCount()).toBe(1);
    const oneMore: MessageParam[] = [
      ...CONVERSATION,
      { role: 'assistant', content: 'Working on it.' },
      { role: 'user', content: 'Go on.' },
    ];
    expect(await unstreamed(oneMore)).toMatchObject({ status: 400 });
    expect(upstreamCount()).toBe(2);
    const compacted: MessageParam[] = [{ role: 'user', content: 'Summary: nothing yet. Go on.' }];
    expect(await unstreamed(compacted)).toMatchObject({ status: 400 });
    expect(upstreamCount()).toBe(3);
    // The refused conversation itself is still remembered.
    expect(await unstreamed(CONVERSATION)).toMatchObject({ status: 400 });
    expect(upstreamCount()).toBe(3);
  });

  it('a refusal the client got as a real 400 (no ping yet) is not remembered', async () => {
    await refusing(10_000);
    expect(await streamed(CONVERSATION)).toMatchObject({ status: 400 });
    expect(await unstreamed(CONVERSATION)).toMatchObject({ status: 400 });
    expect(upstreamCount()).toBe(2);
  });
});
