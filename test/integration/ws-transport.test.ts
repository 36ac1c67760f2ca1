import { createHook } from 'node:async_hooks';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { failureFromError, failureFromStatus } from '../../main/core/orchids/failure';
import { ORCHIDS_DESKTOP_USER_AGENT } from '../../main/core/orchids/desktop-identity';
import { WebSocketCloseError } from '../../main/core/upstream/transport';
import { urlWithToken } from '../../main/core/upstream/ws';
import { Cancellation } from '../../main/core/util/cancellation';
import { until } from '../helpers/wait';
import {
  body,
  collect,
  COOKIE,
  DELTA,
  FINISH,
  MANY_DELTAS,
  roundTrip,
  send,
  setUp,
  tearDown,
  token,
  transport,
  upstream,
  useTransport,
} from '../helpers/ws-upstream';

/**
 * WsTransport: how it dials, how a dial is refused or fails, and how an answer ends. What becomes of a socket after
 * that is in ws-transport-sockets.test.ts.
 */
afterEach(tearDown);

describe('WsTransport: dialling and reuse', () => {
  it('dials the token URL with the desktop headers; the body is one text frame, trailing newline kept', async () => {
    await setUp();
    const jwt = token();
    const answer = await roundTrip('answer', { jwt });
    expect(answer.frames).toEqual([JSON.parse(DELTA), JSON.parse(FINISH)]);
    expect(upstream.received).toEqual([{ text: body('answer').toString('utf8'), isBinary: false }]);
    const upgrade = upstream.upgrades[0]!;
    expect(upgrade.url).toBe(`/agent/ws/coding-agent?token=${encodeURIComponent(jwt)}`);
    expect(upgrade.headers['user-agent']).toBe(ORCHIDS_DESKTOP_USER_AGENT);
    expect(upgrade.headers.origin).toBe('https://www.orchids.app');
    expect(upgrade.headers.cookie).toBe(COOKIE);
    expect(upgrade.headers.authorization).toBeUndefined();
    expect(upgrade.headers['sec-websocket-extensions']).toBeUndefined();
    // Spec §3.3: no subprotocol either; the URL's token is the only addition to a plain upgrade.
    expect(upgrade.headers['sec-websocket-protocol']).toBeUndefined();
  });

  it('adds the token with & when the URL already has a query, escaping it', async () => {
    expect(urlWithToken('wss://agent.example.test/ws?region=eu', 'a+b/c=')).toBe(
      'wss://agent.example.test/ws?region=eu&token=a%2Bb%2Fc%3D',
    );
    await setUp();
    useTransport(`${upstream.url}?region=eu`);
    const jwt = token();
    await roundTrip('answer', { jwt });
    expect(upstream.upgrades[0]!.url).toBe(`/agent/ws/coding-agent?region=eu&token=${encodeURIComponent(jwt)}`);
  });

  it('carries sequential requests of one account on one socket', async () => {
    await setUp();
    for (let i = 0; i < 4; i++) expect((await roundTrip('answer')).error).toBeUndefined();
    expect(upstream.upgrades).toHaveLength(1);
    expect(upstream.received).toHaveLength(4);
    expect(transport!.stats).toMatchObject({ dials: 1, reuses: 3, open: 1, idle: 1 });
  });

  it('gives parallel requests of one account parallel sockets, and keeps at most poolSize of them idle', async () => {
    await setUp({ poolSize: () => 2 });
    // The server answers only once all three requests are in: a request waiting for another's socket would hang.
    const answers = await Promise.all([roundTrip('hold'), roundTrip('hold'), roundTrip('hold')]);
    expect(answers.map((a) => a.error)).toEqual([undefined, undefined, undefined]);
    expect(upstream.upgrades).toHaveLength(3);
    await until(() => upstream.closedSockets === 1);
    expect(transport!.stats).toMatchObject({ dials: 3, idle: 2 });
    await until(() => transport!.stats.open === 2);
  });

  it('keeps accounts apart', async () => {
    await setUp();
    await roundTrip('answer', { accountId: 1 });
    await roundTrip('answer', { accountId: 2 });
    await roundTrip('answer', { accountId: 1 });
    expect(transport!.stats).toMatchObject({ dials: 2, reuses: 1, idle: 2 });
  });

  it('hands frames over without a promise per frame (an object listener would cost four each)', async () => {
    await setUp();
    await roundTrip('answer'); // the socket is dialled and idle: what follows is the answer alone
    let promises = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'PROMISE') promises += 1;
      },
    });
    hook.enable();
    const answer = await roundTrip('many-frames');
    hook.disable();
    expect(answer.frames).toHaveLength(MANY_DELTAS + 1);
    expect(upstream.upgrades).toHaveLength(1);
    expect(promises).toBeLessThan(MANY_DELTAS / 4);
  });
});

describe('WsTransport: refused and failed dials', () => {
  it.each([
    [401, 'signed_out'],
    [403, 'blocked'],
    [404, 'client'],
    [429, 'rate_limited'],
  ] as const)('reports a refused upgrade %i with its status, headers and body', async (status, kind) => {
    await setUp();
    const errorBody = JSON.stringify({ error: `refused with ${status}` });
    upstream.refuse = { status, body: errorBody, headers: status === 429 ? { 'retry-after': '7' } : {} };
    const exchange = await send('answer');
    expect(exchange.status).toBe(status);
    const text = await exchange.text(8192);
    expect(text).toBe(errorBody);
    const failure = failureFromStatus(exchange.status, text, exchange.headers['retry-after']);
    expect(failure.kind).toBe(kind);
    if (status === 429) expect(failure.retryAfterMs).toBe(7000);
    expect(transport!.stats).toMatchObject({ dials: 1, open: 0, idle: 0 });
  });

  it('rejects with the connection error code when nothing listens', async () => {
    await setUp();
    // A port that was free a moment ago (fetch refuses the well-known "closed" ports like 9 before dialling).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    useTransport(`ws://127.0.0.1:${port}/agent`);
    const error = await send('answer').catch((e: Error & { code?: string }) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(failureFromError(error).kind).toBe('network');
  });

  it('gives up on a handshake that takes longer than the connect timeout', async () => {
    await setUp({ connectTimeoutMs: () => 150 });
    upstream.stallUpgrades = true;
    const error = await send('answer').catch((e: Error) => e);
    expect((error as { code?: string }).code).toBe('UND_ERR_CONNECT_TIMEOUT');
    expect(failureFromError(error).kind).toBe('timeout');
  });

  it('stops a dial when the client goes away', async () => {
    await setUp();
    upstream.stallUpgrades = true;
    const signal = new Cancellation();
    const pending = send('answer', { signal });
    await until(() => upstream.upgrades.length === 1);
    signal.abort();
    const error = await pending.catch((e: Error) => e);
    expect((error as Error).name).toBe('AbortError');
  });
});

describe('WsTransport: how answers end', () => {
  it('ends cleanly on close 1000 before or after the first frame, the socket gone', async () => {
    await setUp();
    expect(await roundTrip('close-1000-before')).toEqual({ frames: [], malformed: [], error: undefined });
    const after = await roundTrip('close-1000-after');
    expect(after.frames).toEqual([JSON.parse(DELTA)]);
    expect(after.error).toBeUndefined();
    await until(() => transport!.stats.open === 0);
    expect(transport!.stats).toMatchObject({ dials: 2, idle: 0 });
  });

  it.each([
    // 1011 is the server saying it broke (like a 5xx); the others are the path failing.
    ['close-1008-before', 1008, 'policy', true, 0, 'network'],
    ['close-1011-after', 1011, 'boom', false, 1, 'server'],
    ['drop-after', 1006, '', false, 1, 'network'],
  ] as const)(
    'fails with WebSocketCloseError on %s',
    async (scenario, code, reason, beforeFirstFrame, frames, kind) => {
      await setUp();
      const answer = await roundTrip(scenario);
      expect(answer.frames).toHaveLength(frames);
      expect(answer.error).toBeInstanceOf(WebSocketCloseError);
      expect(answer.error).toMatchObject({ code, reason, beforeFirstFrame });
      expect(failureFromError(answer.error).kind).toBe(kind);
    },
  );

  it('ends the turn on an error frame or a flat finish, keeping the socket; odd frames pass through', async () => {
    await setUp();
    const odd = await roundTrip('odd-frames');
    expect(odd.malformed).toEqual(['not json']);
    expect(odd.frames).toEqual([JSON.parse(DELTA), { type: 'model', event: { type: 'finish', finishReason: 'stop' } }]);
    const failed = await roundTrip('error-frame');
    expect(failed.frames).toEqual([{ type: 'error', data: { code: 'bad_request', message: 'boom' } }]);
    expect(failed.error).toBeUndefined();
    await roundTrip('answer');
    expect(transport!.stats).toMatchObject({ dials: 1, reuses: 2, idle: 1 });
  });

  it('keeps frames that arrive before consume() and gives the socket back without waiting for it', async () => {
    await setUp();
    const exchange = await send('answer');
    await until(() => transport!.stats.idle === 1);
    const answer = await collect(exchange);
    expect(answer.frames).toEqual([JSON.parse(DELTA), JSON.parse(FINISH)]);
  });

  it('dump() discards the answer and the socket still goes back to the pool', async () => {
    await setUp();
    (await send('answer')).dump();
    await until(() => transport!.stats.idle === 1);
    await roundTrip('answer');
    expect(transport!.stats).toMatchObject({ dials: 1, reuses: 1 });
  });
});
