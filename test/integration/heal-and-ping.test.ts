import { afterEach, describe, expect, it } from 'vitest';
import { finish, httpError, sse, text } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { until } from '../helpers/wait';
import { parseSse } from '../helpers/sse';
import { HI, postMessages } from '../helpers/messages';

let stack: Stack;
afterEach(async () => stack?.stop());

// Clerk rotates __client on every call, as real Clerk may: a rotated cookie not kept fails the next call.
const ROTATING = { rotateClientCookie: true } as const;

async function ask(stream = true) {
  const response = await postMessages(stack.url, { ...HI, max_tokens: 20, stream });
  return { status: response.statusCode, raw: await response.body.text() };
}

describe('ping while the upstream is silent', () => {
  it('keeps a quiet stream alive with ping events, and the answer still arrives whole', async () => {
    stack = await startStack({ sim: ROTATING, core: { pingIntervalMs: 200 } });
    stack.sim.enqueue(sse([{ raw: '' }, ...text('thinking hard'), { delayMs: 900 }, ...text(' — done.'), ...finish()]));
    const { raw } = await ask();
    const events = parseSse(raw);
    const firstText = events.findIndex((e) => e.data?.delta?.type === 'text_delta');
    const pings = events.filter((e, i) => e.event === 'ping' && i > firstText);
    expect(pings.length).toBeGreaterThanOrEqual(2); // the 900 ms of silence, at a 200 ms interval
    expect(
      events
        .filter((e) => e.data?.delta?.type === 'text_delta')
        .map((e) => e.data.delta.text)
        .join(''),
    ).toBe('thinking hard — done.');
    expect(events.at(-1)!.event).toBe('message_stop');
  });
});

describe('accounts heal by themselves', () => {
  it('an account out of credits is probed through Clerk when its time comes and returns to ready', async () => {
    stack = await startStack({ sim: ROTATING, core: { statePolicy: { quotaRetryMs: 300 } } });
    const [id] = stack.accountIds as [number];
    stack.sim.enqueue(httpError(402, 'payment required'));
    expect((await ask(false)).status).toBe(402); // the only account is out of credits
    expect(stack.core.internals.cache.get(id)!.status).toBe('quota_exhausted');
    const mintsBefore = stack.sim.stats.tokenMints;
    await until(() => stack.core.internals.cache.get(id)!.status === 'ready');
    expect(stack.sim.stats.tokenMints).toBeGreaterThan(mintsBefore); // the probe asked Clerk, not Orchids
    expect((await ask(false)).status).toBe(200);
  });

  it.each(['sse-a', 'ws'] as const)(
    'a failing account (circuit open) is probed with a request that costs no credits and comes back (%s)',
    async (protocol) => {
      stack = await startStack({
        sim: ROTATING,
        protocol,
        core: {
          statePolicy: { failingThreshold: 1, failingBaseMs: 300 },
          maxTransientRetries: 0,
          sameAccountBackoffMs: () => 60_000,
        },
      });
      const [id] = stack.accountIds as [number];
      stack.sim.enqueue(httpError(503, 'llm_unavailable'));
      await ask(false);
      expect(stack.core.internals.cache.get(id)!.status).toBe('failing');
      const modelCallsBefore = stack.sim.requests.length;
      // The probe is a plain GET on the host of the account's protocol: Generation A's endpoint, or the socket host.
      const hits = (): number =>
        protocol === 'ws' ? stack.sim.stats.agentBConnections : stack.sim.stats.agentRequests;
      const hitsBefore = hits();
      await until(() => stack.core.internals.cache.get(id)!.status === 'ready');
      // The probe reached Orchids (a GET the endpoint refuses) without asking the model anything: no credits spent.
      expect(hits()).toBeGreaterThan(hitsBefore);
      expect(stack.sim.requests.length).toBe(modelCallsBefore);
    },
  );

  it('a signed-out account stays out while Clerk keeps refusing its cookie', async () => {
    stack = await startStack({ sim: ROTATING, core: { statePolicy: { signedOutRetryMs: 200 } } });
    const [id] = stack.accountIds as [number];
    stack.sim.signOut(stack.users[0]!.userId);
    stack.core.internals.tokens.invalidate(id);
    expect((await ask(false)).status).toBe(424); // the only account is signed out: the person must act
    expect(stack.core.internals.cache.get(id)!.status).toBe('signed_out');
    // Each probe Clerk refuses leaves the account out a little longer and adds one to its streak.
    const account = () => stack.core.internals.cache.get(id)!;
    const streakBefore = account().failureStreak;
    await until(() => account().status !== 'signed_out' || account().failureStreak >= streakBefore + 3, {
      what: 'three probes of the signed-out account to be refused',
    });
    expect(stack.core.internals.cache.get(id)!.status).toBe('signed_out');
  });

  it('a signed-out account heals once Clerk takes its cookie again, keeping the cookie the probe rotated', async () => {
    stack = await startStack({ sim: ROTATING, core: { statePolicy: { signedOutRetryMs: 200 } } });
    const [id] = stack.accountIds as [number];
    const user = stack.users[0]!;
    stack.sim.setClerkFailure(401);
    stack.core.internals.tokens.invalidate(id);
    expect((await ask(false)).status).toBe(424); // the only account is signed out: the person must act
    expect(stack.core.internals.cache.get(id)!.status).toBe('signed_out');

    stack.sim.setClerkFailure(undefined);
    const cookieBeforeProbe = stack.sim.currentCookie(user.userId);
    await until(() => stack.core.internals.cache.get(id)!.status === 'ready');
    // The probe asked Clerk, which rotated the cookie; the account kept the new one.
    expect(stack.sim.currentCookie(user.userId)).not.toBe(cookieBeforeProbe);
    expect(stack.core.internals.accounts.openCookies(stack.core.internals.cache.get(id)!).client).toBe(
      stack.sim.currentCookie(user.userId),
    );
    // The next request must ask Clerk with the stored cookie, not ride on a token the probe brought along.
    stack.core.internals.tokens.invalidate(id);
    stack.sim.resetStats();
    expect((await ask(false)).status).toBe(200);
    expect(stack.sim.stats.clientLookups).toBe(1);
    expect(stack.core.internals.cache.get(id)!.status).toBe('ready');
  });
});
