import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { httpError } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { onlyServing } from '../helpers/upstream';
import { simConfig } from '../helpers/sim-env';
import { OrchidsCore } from '../../main/core/core';
import { until } from '../helpers/wait';
import { getHealth } from '../helpers/messages';

/**
 * `auto`: per account, ws then sse-b then sse-a, staying on the first that answers like an Orchids agent, falling
 * back only before anything reached the client, and never mistaking "this account, now" for "wrong protocol".
 */
let stack: Stack;
let foreign: http.Server | undefined;
afterEach(async () => {
  await stack?.stop();
  await new Promise((resolve) => (foreign ? foreign.close(resolve) : resolve(undefined)));
  foreign = undefined;
});

async function ask(): Promise<{ status: number; text: string; requestId: string; json?: any }> {
  const response = await request(`${stack.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const text = await response.body.text();
  const json = response.headers['content-type']?.toString().includes('json') ? JSON.parse(text) : undefined;
  return { status: response.statusCode, text, requestId: String(response.headers['request-id']), json };
}

const account = () => stack.core.internals.cache.get(stack.accountIds[0]!)!;
const served = () => stack.sim.requests.filter((r) => r.rejected === undefined).map((r) => r.protocol);

async function historyProtocol(requestId: string) {
  await stack.core.internals.history.flushNow();
  return stack.core.internals.historyRepo.get(requestId)?.protocol;
}

describe('auto protocol detection', () => {
  it.each(['ws', 'sse-b', 'sse-a'] as const)(
    'finds %s when it is all the service speaks, and remembers it',
    async (only) => {
      stack = await startStack({ serves: onlyServing(only) });
      const first = await ask();
      expect(first.status).toBe(200);
      expect(account().protocol).toBe(only);
      expect(await historyProtocol(first.requestId)).toBe(only);
      expect(stack.core.accounts.get(stack.accountIds[0]!).protocol).toBe(only);

      // Remembered: the next request goes straight there, probing nothing else.
      stack.sim.resetStats();
      stack.sim.requests.length = 0;
      const upgradesBefore = stack.sim.upgrades.length;
      expect((await ask()).status).toBe(200);
      expect(served()).toEqual([only]);
      if (only !== 'ws') expect(stack.sim.upgrades.length).toBe(upgradesBefore);
    },
  );

  it('falls back before the first byte when the remembered protocol goes away, and remembers the new one', async () => {
    stack = await startStack();
    expect((await ask()).status).toBe(200);
    expect(account().protocol).toBe('ws');
    stack.sim.setProtocols({ ws: false });
    stack.sim.closeIdleWsSockets(1001);
    await until(() => stack.sim.stats.openWsSockets === 0);
    const moved = await ask();
    expect(moved.status).toBe(200);
    expect(moved.text).toContain('Hello from the Orchids simulator.');
    expect(account().protocol).toBe('sse-b');
    expect(await historyProtocol(moved.requestId)).toBe('sse-b');
  });

  it('tries the preferred protocols again once a remembered fallback is a few minutes old', async () => {
    stack = await startStack({ serves: onlyServing('sse-a'), core: { protocolReprobeMs: 300 } });
    expect((await ask()).status).toBe(200);
    expect(account().protocol).toBe('sse-a');
    stack.sim.setProtocols({ ws: true, sseB: true });
    // Within the interval the fallback is trusted: no probe of the others.
    stack.sim.requests.length = 0;
    expect((await ask()).status).toBe(200);
    expect(served()).toEqual(['sse-a']);
    await until(() => Date.now() - account().protocolCheckedAt! >= 300, {
      what: 'the remembered fallback to be older than the re-probe interval',
    });
    expect((await ask()).status).toBe(200);
    expect(account().protocol).toBe('ws');
  });

  it.each([
    [401, 'signed_out', 424],
    [403, 'blocked', 424],
    [402, 'quota_exhausted', 402],
    [429, 'cooling_down', 529],
  ] as const)(
    'a refused upgrade %i is the account’s trouble, not a wrong protocol: no fallback',
    async (status, state, answered) => {
      stack = await startStack();
      stack.sim.refuseUpgrades(status, `${status} refused`, status === 429 ? { 'retry-after': '30' } : undefined);
      const result = await ask();
      expect(result.status).toBe(answered);
      expect(account().status).toBe(state);
      expect(stack.sim.stats.sseBRequests + stack.sim.stats.agentRequests).toBe(0);
      expect(account().protocol).toBe('');
    },
  );

  it('a 400 for the body on a protocol being probed moves on; on a known one it is the request’s fault', async () => {
    // The Generation B SSE address points at Generation A's endpoint, which refuses a Generation B body with a 400.
    stack = await startStack({ serves: { ws: false, sseB: true, sseA: true } });
    (stack.core.config as { agentBUrl: string }).agentBUrl = stack.sim.agentUrl;
    expect((await ask()).status).toBe(200);
    expect(account().protocol).toBe('sse-a');

    stack.sim.onAgentRequest(() => httpError(400, '{"error":"input is too long"}'));
    const refused = await ask();
    expect(refused.status).toBe(400);
    expect(refused.json.error.type).toBe('invalid_request_error');
    expect(account().protocol).toBe('sse-a');
  });

  it('an address that answers 200 but not as an Orchids agent is not mistaken for one', async () => {
    foreign = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Not Orchids</title>');
    });
    await new Promise<void>((resolve) => foreign!.listen(0, '127.0.0.1', resolve));
    stack = await startStack({ serves: { ws: false, sseB: true, sseA: true } });
    (stack.core.config as { agentBUrl: string }).agentBUrl =
      `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/agent/coding-agent`;
    const result = await ask();
    expect(result.status).toBe(200);
    expect(result.text).toContain('Hello from the Orchids simulator.');
    expect(account().protocol).toBe('sse-a');
  });

  it('when nothing answers in any protocol the error says so and names the addresses to check', async () => {
    stack = await startStack({
      serves: { ws: false, sseB: false, sseA: false },
      core: { sameAccountBackoffMs: () => 60_000 },
    });
    const result = await ask();
    expect(result.status).toBe(529);
    expect(result.json.error.message).toMatch(
      /No Orchids endpoint answered in a protocol Orchids Tray speaks.*ws: .*404.*sse-b: .*404.*sse-a: .*404/s,
    );
    expect(result.json.error.message).toContain('ORCHIDS_AGENT_WS_URL');
    expect(result.json.error.message).toContain(`npm run cli -- accounts test ${stack.accountIds[0]}`);
  });

  it('a pinned protocol is used alone, even when another would answer', async () => {
    stack = await startStack();
    stack.core.settings.set('upstreamProtocol', 'sse-b');
    expect((await ask()).status).toBe(200);
    stack.core.settings.set('upstreamProtocol', 'sse-a');
    expect((await ask()).status).toBe(200);
    expect(served()).toEqual(['sse-b', 'sse-a']);
    // No socket was ever needed: the pool's counters say so rather than going missing.
    expect((await getHealth(stack.url)).upstream.ws).toEqual({
      dials: 0,
      reuses: 0,
      retries: 0,
      strays: 0,
      open: 0,
      idle: 0,
    });
    stack.core.settings.set('upstreamProtocol', 'ws');
    stack.sim.setProtocols({ ws: false });
    const refused = await ask();
    expect(refused.status).not.toBe(200);
    expect(stack.sim.stats.sseBRequests).toBe(1);
    // The account still looks ready, so the error itself says the pin is the cause and what to set instead.
    expect(refused.json.error.message).toContain('The upstream protocol is pinned to ws');
    expect(refused.json.error.message).toContain('set upstreamProtocol to auto');
  });

  it('what an account answered on survives a restart', async () => {
    stack = await startStack({ serves: onlyServing('sse-b') });
    expect((await ask()).status).toBe(200);
    await stack.core.stop(1000);
    const again = new OrchidsCore({
      env: {},
      config: { dataDir: stack.dataDir, ...simConfig(stack.sim) },
      port: 0,
      log: () => {},
    });
    try {
      expect(again.internals.cache.get(stack.accountIds[0]!)!.protocol).toBe('sse-b');
    } finally {
      await again.stop(100);
    }
  });
});
