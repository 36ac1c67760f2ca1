import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { observeServerDate, serverClockOffsetMs } from '../../main/core/clerk/server-clock';
import type { Health } from '../../contract/status-views';
import { runCli } from '../../main/cli';
import { attachAppControl } from '../../main/core/control/app-control';
import { getHealth } from '../helpers/messages';
import { simEnv } from '../helpers/sim-env';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
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

/** `npm run cli -- proxy status` against the running stack, through its control transport as a person runs it. */
async function proxyStatus(running: Stack): Promise<string[]> {
  attachAppControl(running.core, { distDir: tempDir() }).announce(running.url);
  const lines: string[] = [];
  await runCli(['proxy', 'status'], (line) => lines.push(line), {
    ORCHIDS_TRAY_DATA_DIR: running.dataDir,
    ...simEnv(running.sim),
  });
  return lines;
}

const CLOCK_LINE = /clock/i;
const offsetSeconds = (health: Health) => health.upstream.clerkClockOffsetSeconds;

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
    // Where a person looks besides the log: Clerk's clock minus this one, so negative when this one runs ahead.
    // The Date header is in whole seconds, read a moment after it was written: up to a second less.
    expect(offsetSeconds(await getHealth(stack.url))).toBeOneOf([-120, -121]);
    expect((await proxyStatus(stack)).filter((line) => CLOCK_LINE.test(line))).toEqual([
      "This machine's clock runs 2 min ahead of Clerk's; token lifetimes are read on its clock.",
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
    expect(offsetSeconds(await getHealth(running.url))).toBeOneOf([120, 119]);
    // 119 s is said in seconds (under two minutes), so either wording is the right one.
    expect((await proxyStatus(running)).filter((line) => CLOCK_LINE.test(line))).toEqual([
      expect.stringMatching(
        /^This machine's clock runs (2 min|119 s) behind Clerk's; token lifetimes are read on its clock\.$/,
      ),
    ]);
  });

  it('in step: /health says 0 and proxy status has no clock line', async () => {
    stack = await startStack({ sim: { clerkClockOffsetSeconds: 3 } }); // inside the ignored band
    expect(await send(stack.url)).toBe(200);
    expect((await getHealth(stack.url)).upstream.clerkClockOffsetSeconds).toBe(0);
    const lines = await proxyStatus(stack);
    expect(lines.filter((line) => CLOCK_LINE.test(line))).toEqual([]);
    expect(lines).toContainEqual(expect.stringMatching(/^WebSocket pool: /));
  });
});
