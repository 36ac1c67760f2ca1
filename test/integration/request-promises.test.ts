/**
 * A budget for the promises one warm request makes on the real server: each async layer on the request path costs
 * a promise, a suspended frame and a hop through the microtask queue on every request, and a profile cannot see
 * one more layer (a time measurement on this machine does not resolve it). Counting is deterministic: a change that
 * adds an async layer, or wraps a settled value in a promise, fails here and says where.
 *
 * Counted with async_hooks: a promise counts when the innermost frame of ours at its creation is under main/core.
 * With hooks on, V8 also reports the throwaway promise of each `await`, so an async function counts one for itself
 * and one for every await it crosses. Left out: what runs on its own schedule (the recorders' timed flushes, the
 * background token renewal: a warm request takes its token from memory), the simulator and this file's client.
 * The budget is a ceiling, not an exact figure: a Node version that reports fewer promises still passes, and the
 * floor checks that the hook still sees the request path at all.
 */
import { createHook } from 'node:async_hooks';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack';
import { until } from '../helpers/wait';

/** Per warm request, streamed or not, over sse-a: see the breakdown a failure prints for where they come from. */
const PROMISE_BUDGET = 17;
const REQUESTS = 10;
const OFF_REQUEST_PATH = /main\/core\/(writers|history|logs|db|events|clerk|accounts)\//;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ protocol: 'sse-a' });
});
afterAll(async () => stack?.stop());

function post(stream: boolean): Promise<number> {
  const body = JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_tokens: 64,
    stream,
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
  });
  const { hostname, port } = new URL(stack.url);
  // Callbacks, not fetch: the client's own promises stay out of the count by construction.
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: hostname, port, path: '/v1/messages', method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Where a promise was made: the innermost frame under main/core, or undefined when none is on the stack. */
function ownerOf(stackText: string): string | undefined {
  // The first line is the message, the second the hook itself.
  for (const line of stackText.split('\n').slice(2)) {
    const at = /\/(main\/core\/[^:]+):\d+:\d+/.exec(line);
    if (at) return OFF_REQUEST_PATH.test(at[1]!) ? undefined : `${at[1]} ${/at (\S+) /.exec(line)?.[1] ?? ''}`;
    if (/\/test\/(sim|integration|helpers)\//.test(line)) return undefined;
  }
  return undefined;
}

async function countPromises(stream: boolean): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  const hook = createHook({
    init(_id, type) {
      if (type !== 'PROMISE') return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40;
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder);
      Error.stackTraceLimit = limit;
      const owner = ownerOf(holder.stack ?? '');
      if (owner) owners.set(owner, (owners.get(owner) ?? 0) + 1);
    },
  });
  hook.enable();
  try {
    for (let i = 0; i < REQUESTS; i++) expect(await post(stream)).toBe(200);
    // The server's last steps (the history row, the request's own promise) may follow the client's end.
    await until(() => stack.core.internals.server.inflightRequests === 0);
  } finally {
    hook.disable();
  }
  return owners;
}

describe('promises a warm request makes', () => {
  for (const stream of [true, false]) {
    it(`stays within the budget, ${stream ? 'streamed' : 'not streamed'}`, async () => {
      for (let i = 0; i < 20; i++) expect(await post(stream)).toBe(200); // token minted, protocol known
      const owners = await countPromises(stream);
      const total = [...owners.values()].reduce((sum, count) => sum + count, 0);
      const breakdown = [...owners]
        .sort((a, b) => b[1] - a[1])
        .map(([owner, count]) => `${(count / REQUESTS).toFixed(1)} ${owner}`)
        .join('\n');
      expect(total / REQUESTS, `promises per request, by where they were made:\n${breakdown}`).toBeLessThanOrEqual(
        PROMISE_BUDGET,
      );
      expect(total / REQUESTS, `the hook saw too few promises to be counting:\n${breakdown}`).toBeGreaterThanOrEqual(5);
    });
  }
});
