import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { observeServerDate, serverClockOffsetMs } from '../../main/core/clerk/server-clock';
import { startStack, type Stack } from '../helpers/stack';
import { sendUntil } from '../helpers/wait';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  // The offset is process-wide, as the clock it corrects is: the next test starts from a clock that agrees.
  const now = Date.now();
  observeServerDate(new Date(now).toUTCString(), now);
});

async function send(url: string): Promise<number> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.body.dump();
  return response.statusCode;
}

describe("this machine's clock against Clerk's", () => {
  it('two minutes ahead: tokens are not taken for expired, so requests never wait for Clerk', async () => {
    // Clerk's 60 s tokens end, on this clock, a minute before they are issued.
    stack = await startStack({ sim: { clerkClockOffsetSeconds: -120 } });
    expect(serverClockOffsetMs()).toBeLessThan(-118_000);
    const before = { ...stack.core.internals.tokens.stats };
    const mintsBefore = stack.sim.stats.tokenMints;
    for (let i = 0; i < 20; i += 1) expect(await send(stack.url)).toBe(200);
    const after = stack.core.internals.tokens.stats;
    expect(after.misses - before.misses).toBe(0);
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(20);
    expect(stack.sim.stats.tokenMints - mintsBefore).toBe(0);
    // Said once, when first seen: it explains token behaviour a person would otherwise find odd.
    expect(stack.logs.filter((line) => line.startsWith('[clerk]'))).toEqual([
      "[clerk] this machine's clock runs 2 min ahead of Clerk's; token lifetimes are read on its clock",
    ]);
  });

  it('two minutes behind: a token is renewed before Clerk lets it lapse, so no request meets a 401', async () => {
    // 34 s tokens leave 3-4 s of use (see pool-and-tokens); on this clock they would seem to live two minutes more.
    const running = await startStack({
      sim: { clerkClockOffsetSeconds: 120, tokenTtlSeconds: 34 },
      core: { tokenRefreshLeadMs: 2500 },
    });
    stack = running;
    expect(serverClockOffsetMs()).toBeGreaterThan(118_000);
    await sendUntil(
      async () => expect(await send(running.url)).toBe(200),
      (sent) => running.core.internals.tokens.stats.backgroundRefreshes >= 2 && sent > 20,
      'two background renewals under more than 20 requests',
    );
    expect(running.sim.stats.unauthorizedAgentRequests).toBe(0);
  });
});
