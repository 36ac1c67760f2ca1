import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, sse, text } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { sendUntil, StreamText, until } from '../helpers/wait';

let stack: Stack;
afterEach(async () => stack?.stop());

// Clerk rotates __client on every call, as real Clerk may: a rotated cookie not kept fails the next call.
const ROTATING = { rotateClientCookie: true } as const;

const body = JSON.stringify({
  model: 'claude-sonnet-4-6',
  max_tokens: 20,
  messages: [{ role: 'user', content: 'hi' }],
});
async function send(url: string): Promise<number> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  await response.body.dump();
  return response.statusCode;
}

describe('the token cache on the request path', () => {
  it('50 concurrent requests from cold share one Clerk call; the next 50 need none', async () => {
    stack = await startStack({ sim: ROTATING });
    stack.core.internals.tokens.invalidate(stack.accountIds[0]!);
    const statuses = await Promise.all(Array.from({ length: 50 }, () => send(stack.url)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // GET /v1/client offered a token with a minute to live: taken, so no POST …/tokens.
    expect(stack.sim.stats).toMatchObject({ clientLookups: 1, tokenRequests: 0, tokenMints: 1 });
    await Promise.all(Array.from({ length: 50 }, () => send(stack.url)));
    expect(stack.sim.stats).toMatchObject({ clientLookups: 1, tokenRequests: 0, tokenMints: 1 });
  });

  it('mints through POST …/tokens when the offered token would expire within the margin and refresh lead', async () => {
    // 35 s tokens: less than the 30 s margin plus the 10 s lead, so the offered one is not worth keeping.
    stack = await startStack({ sim: { ...ROTATING, tokenTtlSeconds: 35 } });
    stack.core.internals.tokens.invalidate(stack.accountIds[0]!);
    expect(await send(stack.url)).toBe(200);
    expect(stack.sim.stats).toMatchObject({ clientLookups: 1, tokenRequests: 1 });
  });

  it('a Clerk 429 fails the request after one Clerk call, and the account works once Clerk does', async () => {
    stack = await startStack({ sim: ROTATING });
    stack.core.internals.tokens.invalidate(stack.accountIds[0]!);
    stack.sim.setClerkFailure(429);
    expect(await send(stack.url)).not.toBe(200);
    expect(stack.sim.stats).toMatchObject({ clientLookups: 1, tokenRequests: 0 });
    stack.sim.setClerkFailure(undefined);
    expect(await send(stack.url)).toBe(200);
  });

  it('renews tokens in the background, so steady traffic never waits for Clerk', async () => {
    // 34 s tokens minus the 30 s margin leave 3-4 s of use (`exp` is whole seconds, floored); refreshing 2.5 s early,
    // and never sooner than a second after a mint, renews every 1-1.5 s and leaves a renewal at least 2 s to land
    // before its token runs out. (32 s tokens left between 0 and 1 s, which a busy machine's mint could miss.)
    stack = await startStack({ sim: { ...ROTATING, tokenTtlSeconds: 34 }, core: { tokenRefreshLeadMs: 2500 } });
    await send(stack.url);
    const missesBefore = stack.core.internals.tokens.stats.misses;
    // Traffic runs until two renewals have happened under it, however long the machine takes to get there.
    const requests = await sendUntil(
      async () => expect(await send(stack.url)).toBe(200),
      (sent) => stack.core.internals.tokens.stats.backgroundRefreshes >= 2 && sent > 20,
      'two background renewals under more than 20 requests',
    );
    expect(requests).toBeGreaterThan(20);
    expect(stack.core.internals.tokens.stats.misses).toBe(missesBefore); // no request found the cache empty
    expect(stack.core.internals.tokens.stats.backgroundRefreshes).toBeGreaterThanOrEqual(2);
    expect(stack.sim.stats.unauthorizedAgentRequests).toBe(0);
  });

  it('a session signed out elsewhere is marked by the background renewal, before any request fails', async () => {
    // The credits read would notice the sign-out too, 10 s after start: pushed out of the way, this is the renewal's.
    const creditsTiming = { firstSyncMs: 600_000, intervalMs: 600_000 };
    stack = await startStack({
      sim: { ...ROTATING, tokenTtlSeconds: 34 },
      core: { tokenRefreshLeadMs: 2500, creditsTiming },
    });
    const id = stack.accountIds[0]!;
    expect(await send(stack.url)).toBe(200); // keeps the account warm, so its token is renewed
    stack.sim.signOut(stack.users[0]!.userId);
    const agentRequests = stack.sim.stats.agentRequests + stack.sim.stats.wsRequests;
    await until(() => stack.core.accounts.list().find((a) => a.id === id)?.status === 'signed_out', {
      what: 'the account marked signed out',
    });
    expect(stack.core.accounts.list().find((a) => a.id === id)?.statusReason).toMatch(/sign in|cookie/i);
    expect(stack.sim.stats.agentRequests + stack.sim.stats.wsRequests).toBe(agentRequests);
  });
});

/** The simulator's counters for the agent of one protocol: Generation A over HTTP, or Generation B sockets. */
function agentStats(column: 'sse-a' | 'ws') {
  const stats = stack.sim.stats;
  return column === 'ws'
    ? {
        requests: stats.wsRequests,
        connections: stats.wsUpgrades,
        open: stats.openWsSockets,
        unauthorized: stats.wsRefusedUpgrades,
      }
    : {
        requests: stats.agentRequests,
        connections: stats.agentConnections,
        open: stats.openAgentConnections,
        unauthorized: stats.unauthorizedAgentRequests,
      };
}

describe.each(['sse-a', 'ws'] as const)('the upstream path over %s', (column) => {
  it('an upstream 401 drops the token, mints once more and retries once', async () => {
    stack = await startStack({ sim: ROTATING, protocol: column });
    await send(stack.url);
    stack.sim.revokeTokens(stack.users[0]!.userId);
    stack.sim.resetStats();
    expect(await send(stack.url)).toBe(200);
    // Over a socket: the pooled socket's token is refused (close 1008), the fresh dial with it gets a real 401,
    // one mint, and the dial after it serves.
    expect(agentStats(column).unauthorized).toBe(1);
    expect(stack.sim.stats.tokenMints).toBe(1);
    if (column === 'sse-a') expect(stack.sim.stats.agentRequests).toBe(2);
    else expect(stack.sim.stats.wsUpgrades).toBe(1);
  });

  it('reuses connections: 200 requests at concurrency 8 open at most 8 upstream connections', async () => {
    stack = await startStack({ sim: ROTATING, protocol: column });
    await send(stack.url);
    stack.sim.resetStats();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next++ < 200) expect(await send(stack.url)).toBe(200);
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(agentStats(column).requests).toBe(200);
    expect(agentStats(column).connections).toBeLessThanOrEqual(8);
    expect(stack.sim.stats).toMatchObject({ clientLookups: 0, tokenRequests: 0 });
  });

  it('a client that disconnects aborts its upstream request', async () => {
    stack = await startStack({ sim: ROTATING, protocol: column });
    stack.sim.enqueue(sse([{ raw: '' }, ...text('partial'), { delayMs: 5000 }, ...text('never'), ...finish()]));
    const controller = new AbortController();
    const response = await request(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body.replace('"max_tokens":20', '"max_tokens":20,"stream":true'),
      signal: controller.signal,
    });
    await new StreamText(response.body).until((seen) => seen.includes('partial'), { what: 'the first text' });
    expect(agentStats(column).open).toBe(1);
    controller.abort();
    await until(() => agentStats(column).open === 0);
    await until(() => stack.core.internals.server.inflightRequests === 0);
    // Its history row says which protocol had been answering it, as a finished request's does.
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.query({})[0]).toMatchObject({
      status: 499,
      errorType: 'client_closed',
      protocol: column,
    });
  });
});

describe('request counts', () => {
  it('counts every request in memory at once and in SQLite within the flush interval', async () => {
    stack = await startStack({ accounts: 2, sim: ROTATING });
    await Promise.all(Array.from({ length: 30 }, () => send(stack.url)));
    const live = stack.accountIds.map((id) => stack.core.internals.cache.get(id)!.requestCount);
    expect(live[0]! + live[1]!).toBe(30);
    await stack.core.internals.counts.flushNow();
    const stored = stack.core.internals.repo.list().map((a) => a.requestCount);
    expect(stored).toEqual(live);
  });
});
