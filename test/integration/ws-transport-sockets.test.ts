import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureFromError } from '../../main/core/orchids/failure';
import { TOKEN_REUSE_MARGIN_MS } from '../../main/core/upstream/ws';
import { Cancellation } from '../../main/core/util/cancellation';
import { until } from '../helpers/wait';
import {
  collect,
  CONNECTED,
  DELTA,
  FINISH,
  roundTrip,
  send,
  setUp,
  tearDown,
  token,
  transport,
  upstream,
} from '../helpers/ws-upstream';

/**
 * WsTransport's sockets after the dial: servers that close or drop them, clients that go away, timeouts and pings.
 */
afterEach(tearDown);

describe('WsTransport: sockets that die', () => {
  it('drops an idle socket the server closed and dials a new one for the next request', async () => {
    await setUp();
    await roundTrip('answer');
    for (const ws of upstream.sockets) ws.close(1001, 'going away');
    await until(() => transport!.stats.open === 0 && transport!.stats.idle === 0);
    expect((await roundTrip('answer')).error).toBeUndefined();
    expect(transport!.stats).toMatchObject({ dials: 2, reuses: 0, retries: 0 });
  });

  it('sends the request again on a fresh socket when a reused one dies before answering', async () => {
    await setUp();
    await roundTrip('drop-if-reused');
    const answer = await roundTrip('drop-if-reused');
    expect(answer.error).toBeUndefined();
    expect(answer.frames).toEqual([JSON.parse(FINISH)]);
    expect(upstream.received).toHaveLength(3);
    expect(transport!.stats).toMatchObject({ dials: 2, reuses: 1, retries: 1 });
  });

  // Spec §10 item 10: frames carry no request id, so a socket still talking after its turn cannot be trusted.
  it('retires a socket that sends a frame after its turn ended: nothing of it reaches the next request', async () => {
    await setUp();
    const first = await roundTrip('stray-after-finish');
    expect(first.frames).toEqual([JSON.parse(DELTA), JSON.parse(FINISH)]);
    await until(() => transport!.stats.open === 0 && transport!.stats.idle === 0);
    const second = await roundTrip('answer');
    expect(second.frames).toEqual([JSON.parse(DELTA), JSON.parse(FINISH)]);
    expect(transport!.stats).toMatchObject({ dials: 2, reuses: 0, retries: 0 });
  });

  // Spec §10 item 9: whether `connected` comes per socket or per request is unknown; per socket must not retire it.
  it('keeps a socket whose server greets it with connected before its first request', async () => {
    await setUp();
    upstream.greeting = CONNECTED;
    const first = await roundTrip('answer');
    // The greeting goes to the first request or nowhere, depending on when it arrives; the answer is the same.
    expect(first.frames.filter((frame) => JSON.stringify(frame) !== CONNECTED)).toEqual([
      JSON.parse(DELTA),
      JSON.parse(FINISH),
    ]);
    expect((await roundTrip('answer')).frames).toEqual([JSON.parse(DELTA), JSON.parse(FINISH)]);
    expect(transport!.stats).toMatchObject({ dials: 1, reuses: 1, open: 1 });
  });

  it('reports a refusal of the retry dial as the exchange status', async () => {
    await setUp();
    await roundTrip('drop-if-reused');
    upstream.refuse = { status: 429, body: '{"error":"slow down"}', headers: { 'retry-after': '3' } };
    const exchange = await send('drop-if-reused');
    expect(exchange.status).toBe(429);
    expect(exchange.headers['retry-after']).toBe('3');
    expect(await exchange.text(100)).toBe('{"error":"slow down"}');
  });

  it('does not reuse a socket whose token is about to expire, and retires one whose token lapses in use', async () => {
    let clock = Date.now();
    await setUp({ now: () => clock });
    const lifetime = Math.ceil(TOKEN_REUSE_MARGIN_MS / 1000) + 20;
    await roundTrip('answer', { jwt: token(lifetime, clock) });
    expect(transport!.stats.idle).toBe(1);
    clock += 25_000; // the first socket's token now has less than the margin left
    const second = token(3600, clock);
    await roundTrip('answer', { jwt: second });
    expect(upstream.upgrades[1]!.url).toContain(encodeURIComponent(second));
    await until(() => upstream.closedSockets === 1);
    expect(transport!.stats).toMatchObject({ dials: 2, reuses: 0, idle: 1 });
    await roundTrip('answer');
    expect(transport!.stats).toMatchObject({ dials: 2, reuses: 1 });

    // A socket dialled with a token already inside the margin carries its request, then closes.
    await roundTrip('answer', { accountId: 2, jwt: token(10, clock) });
    await until(() => upstream.closedSockets === 2);
    expect(transport!.stats.idle).toBe(1);
  });
});

describe('WsTransport: clients, timeouts and keepalive', () => {
  it('closes the socket when the client goes away mid-answer', async () => {
    await setUp();
    const signal = new Cancellation();
    const exchange = await send('one-then-silent', { signal });
    const answer = await collect(exchange, () => signal.abort());
    expect(answer.error?.name).toBe('AbortError');
    await until(() => upstream.closedSockets === 1 && transport!.stats.open === 0);
    await roundTrip('answer');
    expect(transport!.stats).toMatchObject({ dials: 2, reuses: 0 });
  });

  it('pings while a request runs, and not while a socket is idle', async () => {
    await setUp({ pingIntervalMs: 30 });
    await roundTrip('answer', { accountId: 1 });
    const answer = await roundTrip('wait-two-pings', { accountId: 2 });
    expect(answer.frames).toEqual([JSON.parse(FINISH)]);
    // Account 2's socket saw two ping intervals go by; account 1's idle socket got nothing meanwhile.
    expect(upstream.pingsByConnection).toHaveLength(2);
    expect(upstream.pingsByConnection[0]).toBe(0);
    expect(upstream.pingsByConnection[1]).toBeGreaterThanOrEqual(2);
  });

  // Spec §5.3: the original pinged every 10 s. The interval is the transport's own default; compose.ts sets none.
  it('pings every 10 s by default: none before 10 s, the second at 20 s', async () => {
    await setUp({ firstByteTimeoutMs: () => 60_000, idleTimeoutMs: () => 60_000 });
    // Only the request's clock is faked: socket I/O stays real, and `until` keeps its own real timer.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const answer = collect(await send('wait-two-pings'));
      await vi.advanceTimersByTimeAsync(9_900);
      await new Promise((resolve) => setImmediate(resolve));
      expect(upstream.pings).toBe(0);
      await vi.advanceTimersByTimeAsync(100);
      await until(() => upstream.pings === 1);
      await vi.advanceTimersByTimeAsync(9_900);
      await new Promise((resolve) => setImmediate(resolve));
      expect(upstream.pings).toBe(1);
      await vi.advanceTimersByTimeAsync(100);
      expect((await answer).frames).toEqual([JSON.parse(FINISH)]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('UND_ERR_HEADERS_TIMEOUT when no frame comes: after send() on a new socket, from it on a reused one', async () => {
    await setUp({ firstByteTimeoutMs: () => 150 });
    const fresh = await roundTrip('silent');
    expect(fresh.error?.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    await until(() => upstream.closedSockets === 1);

    await roundTrip('answer');
    const error = await send('silent').catch((e: Error & { code?: string }) => e);
    expect((error as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(failureFromError(error).kind).toBe('timeout');
    await until(() => upstream.closedSockets === 2 && transport!.stats.open === 0);
  });

  it('waits past the idle limit for the first frame: before it, only the first-frame limit counts', async () => {
    // The answer comes after two pings (≥ 160 ms), three idle limits after the request frame went out.
    await setUp({ idleTimeoutMs: () => 50, firstByteTimeoutMs: () => 5000, pingIntervalMs: 80 });
    const answer = await roundTrip('wait-two-pings');
    expect(answer.error).toBeUndefined();
    expect(answer.frames).toEqual([JSON.parse(FINISH)]);
    expect(transport!.stats.idle).toBe(1);
  });

  it('fails with UND_ERR_BODY_TIMEOUT when the answer goes silent', async () => {
    // A first-frame limit far beyond the test's own timeout: the idle limit must take over at the first frame.
    await setUp({ idleTimeoutMs: () => 150, firstByteTimeoutMs: () => 60_000 });
    const answer = await roundTrip('one-then-silent');
    expect(answer.frames).toEqual([JSON.parse(DELTA)]);
    expect(answer.error?.code).toBe('UND_ERR_BODY_TIMEOUT');
    await until(() => upstream.closedSockets === 1 && transport!.stats.open === 0);
  });
});
