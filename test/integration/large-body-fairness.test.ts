import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack';

/**
 * Issue 12, item 1: after a large body is parsed, its token estimate and its upstream encoding take hundreds of
 * milliseconds (for 31 MB, ~150 and ~300). Done in one go, every other client waited for them; worked in time
 * slices, a short request sent meanwhile is answered before the large one's upstream request even starts.
 *
 * Asserted on order, not time: the short request is sent the moment the large one has been parsed (its
 * `request.started` event, delivered on the next turn of the event loop), and when its answer is complete the
 * simulator must have seen only its upstream request, not the large one's (the Generation B SSE host counts each
 * request as its headers arrive). Before the fix the large body was encoded and sent before the short request was
 * even read, so the simulator had seen both.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ protocol: 'sse-b' });
});
afterAll(async () => {
  await stack?.stop();
});

const agent = new Agent();
afterAll(() => agent.close());

async function post(body: string): Promise<{ status: number; text: string }> {
  const response = await request(`${stack.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    dispatcher: agent,
  });
  return { status: response.statusCode, text: await response.body.text() };
}

const short = JSON.stringify({
  model: 'claude-sonnet-4-6',
  max_tokens: 50,
  messages: [{ role: 'user', content: 'hi' }],
});

/** A long conversation of `bytes` bytes of JSON, as the hardening run sent (2 KB turns, non-ASCII included). */
function largeBody(bytes: number): string {
  const turn = 'The proxy forwards every byte — «quoted» and ünïcödé, word123. '.repeat(32);
  const count = Math.ceil(bytes / (turn.length + 40));
  const messages = Array.from({ length: count }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: turn,
  }));
  return JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 50, messages });
}

describe('a large body does not hold up other clients', () => {
  it('a short request sent once a 16 MB body is parsed is answered before that body goes upstream', async () => {
    expect((await post(short)).status).toBe(200); // the token minted and the upstream connection open
    stack.sim.resetStats();
    const bus = stack.core.internals.bus;
    let shortAnswer: Promise<{ status: number; text: string; upstreamSeen: number }> | undefined;
    const unsubscribe = bus.subscribe((batch) => {
      if (shortAnswer || !batch.some((event) => event.type === 'request.started')) return;
      shortAnswer = post(short).then((answer) => ({ ...answer, upstreamSeen: stack.sim.stats.sseBRequests }));
    });
    // Deliver on every turn of the event loop (a `now` far enough on each time), not every 100 ms.
    let turning = true;
    let now = Date.now();
    const turn = (): void => {
      bus.deliver((now += 1_000));
      if (turning) setImmediate(turn);
    };
    setImmediate(turn);
    try {
      const large = await post(largeBody(16 * 1024 * 1024));
      expect(large.status, large.text.slice(0, 300)).toBe(200);
      expect(shortAnswer).toBeDefined();
      const answer = await shortAnswer!;
      expect(answer.status).toBe(200);
      expect(answer.upstreamSeen, 'upstream requests the simulator had seen when the short answer was complete').toBe(
        1,
      );
      expect(stack.sim.stats.sseBRequests).toBe(2);
    } finally {
      turning = false;
      unsubscribe();
    }
  });
});
