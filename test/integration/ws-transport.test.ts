import { createHook } from 'node:async_hooks';
import { createServer, STATUS_CODES, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureFromError, failureFromStatus } from '../../main/core/orchids/failure';
import { ORCHIDS_DESKTOP_USER_AGENT } from '../../main/core/orchids/desktop-identity';
import { UpstreamDispatcher } from '../../main/core/upstream/dispatcher';
import { WebSocketCloseError, type UpstreamExchange } from '../../main/core/upstream/transport';
import { TOKEN_REUSE_MARGIN_MS, urlWithToken, WsTransport, type WsTransportOptions } from '../../main/core/upstream/ws';
import { Cancellation } from '../../main/core/util/cancellation';
import { fakeJwt } from '../sim/fake-jwt';
import { frameText } from '../sim/ws-agent';
import { until } from '../helpers/wait';

const DELTA = JSON.stringify({ type: 'model', event: { data: { type: 'text-delta', delta: 'hi' } } });
const FINISH = JSON.stringify({ type: 'model', event: { data: { type: 'finish', stop_reason: 'stop' } } });
const STRAY = JSON.stringify({ type: 'model', event: { data: { type: 'text-delta', delta: 'stray' } } });
const CONNECTED = JSON.stringify({ type: 'connected' });
const MANY_DELTAS = 200;
const COOKIE = '__client=fake_client_cookie; __session=fake_session_cookie';

/**
 * What the test server does with a request frame, named in the body. It answers `DELTA` + `FINISH` by default.
 */
type Scenario =
  | 'answer'
  | 'hold' // answers once three requests are waiting
  | 'silent'
  | 'one-then-silent'
  | 'close-1000-before'
  | 'close-1000-after'
  | 'close-1008-before'
  | 'close-1011-after'
  | 'drop-after'
  | 'drop-if-reused' // drops the connection without a word when it is not the connection's first request
  | 'odd-frames'
  | 'error-frame'
  | 'wait-two-pings'
  | 'stray-after-finish' // DELTA, FINISH, then one more DELTA that belongs to no request
  | 'many-frames'; // MANY_DELTAS deltas, then FINISH

interface Received {
  text: string;
  isBinary: boolean;
}

/** A loopback Orchids stand-in: an HTTP server whose upgrades we accept, refuse or stall at will. */
class TestUpstream {
  readonly upgrades: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  readonly received: Received[] = [];
  readonly sockets = new Set<ServerSocket>();
  closedSockets = 0;
  pings = 0;
  /** Pings per connection, in the order the connections were accepted. */
  readonly pingsByConnection: number[] = [];
  refuse: { status: number; body: string; headers?: Record<string, string> } | undefined;
  stallUpgrades = false;
  /** Sent on every accepted socket at once, before any request: a per-socket `connected`. */
  greeting: string | undefined;
  private readonly stalled: Socket[] = [];
  private readonly held: ServerSocket[] = [];
  private readonly server: Server = createServer();
  private readonly wss = new WebSocketServer({ noServer: true });
  url = '';

  async start(): Promise<this> {
    this.server.on('upgrade', (req, socket: Socket, head) => {
      this.upgrades.push({ url: req.url ?? '', headers: req.headers });
      if (this.refuse) {
        const { status, body, headers = {} } = this.refuse;
        const extra = Object.entries(headers)
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('');
        socket.end(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\n` +
            `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${extra}\r\n${body}`,
        );
        return;
      }
      if (this.stallUpgrades) {
        this.stalled.push(socket);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/agent/ws/coding-agent`;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    for (const socket of this.stalled) socket.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(ws: ServerSocket): void {
    this.sockets.add(ws);
    if (this.greeting !== undefined) ws.send(this.greeting);
    let requests = 0;
    let pings = 0;
    let onPing: (() => void) | undefined;
    const connection = this.pingsByConnection.push(0) - 1;
    ws.on('ping', () => {
      this.pings += 1;
      pings += 1;
      this.pingsByConnection[connection] = pings;
      onPing?.();
    });
    ws.on('close', () => {
      this.closedSockets += 1;
      this.sockets.delete(ws);
    });
    ws.on('message', (data, isBinary) => {
      requests += 1;
      const text = frameText(data);
      this.received.push({ text, isBinary });
      const scenario = (JSON.parse(text) as { scenario: Scenario }).scenario;
      switch (scenario) {
        case 'answer':
          ws.send(DELTA);
          ws.send(FINISH);
          break;
        case 'hold':
          this.held.push(ws);
          if (this.held.length === 3) for (const held of this.held.splice(0)) held.send(FINISH);
          break;
        case 'silent':
          break;
        case 'one-then-silent':
          ws.send(DELTA);
          break;
        case 'close-1000-before':
          ws.close(1000);
          break;
        case 'close-1000-after':
          ws.send(DELTA);
          ws.close(1000);
          break;
        case 'close-1008-before':
          ws.close(1008, 'policy');
          break;
        case 'close-1011-after':
          ws.send(DELTA);
          ws.close(1011, 'boom');
          break;
        case 'drop-after':
          ws.send(DELTA, () => ws.terminate());
          break;
        case 'drop-if-reused':
          if (requests > 1) ws.terminate();
          else ws.send(FINISH);
          break;
        case 'odd-frames':
          ws.send('not json');
          ws.send(Buffer.from(DELTA), { binary: true });
          ws.send(JSON.stringify({ type: 'model', event: { type: 'finish', finishReason: 'stop' } }));
          break;
        case 'error-frame':
          ws.send(JSON.stringify({ type: 'error', data: { code: 'bad_request', message: 'boom' } }));
          break;
        case 'many-frames':
          for (let i = 0; i < MANY_DELTAS; i++) ws.send(DELTA);
          ws.send(FINISH);
          break;
        case 'stray-after-finish':
          ws.send(DELTA);
          ws.send(FINISH);
          ws.send(STRAY);
          break;
        case 'wait-two-pings':
          onPing = () => {
            if (pings >= 2) ws.send(FINISH);
          };
          break;
      }
    });
  }
}

interface Answer {
  frames: unknown[];
  malformed: string[];
  error: (Error & { code?: string }) | undefined;
}

function collect(exchange: UpstreamExchange, onFrame?: () => void): Promise<Answer> {
  return new Promise((resolve) => {
    const answer: Answer = { frames: [], malformed: [], error: undefined };
    exchange.consume({
      frame: (value) => {
        answer.frames.push(value);
        onFrame?.();
      },
      malformed: (raw) => answer.malformed.push(raw),
      batchEnd: () => undefined,
      end: () => resolve(answer),
      error: (error) => {
        answer.error = error;
        resolve(answer);
      },
    });
  });
}

function token(lifetimeSeconds = 3600, nowMs = Date.now()): string {
  return fakeJwt({ sub: 'user_test1', exp: Math.floor(nowMs / 1000) + lifetimeSeconds });
}

function body(scenario: Scenario): Buffer {
  return Buffer.from(`${JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], scenario })}\n`);
}

let upstream: TestUpstream;
let transport: WsTransport | undefined;
let dispatcher: Dispatcher | undefined;

afterEach(async () => {
  transport?.close();
  transport = undefined;
  await upstream?.stop();
  await dispatcher?.destroy();
  dispatcher = undefined;
});

async function setUp(options: Partial<WsTransportOptions> = {}): Promise<void> {
  upstream = await new TestUpstream().start();
  dispatcher = new UpstreamDispatcher({ connectTimeoutMs: 2000, firstByteTimeoutMs: 5000, idleTimeoutMs: 5000 });
  useTransport(upstream.url, options);
}

/** Replaces the transport under test (the dispatcher and the server stay). */
function useTransport(url: string, options: Partial<WsTransportOptions> = {}): void {
  transport?.close();
  const shared = dispatcher!;
  transport = new WsTransport({
    url: () => url,
    dispatcher: () => shared,
    connectTimeoutMs: () => 2000,
    firstByteTimeoutMs: () => 5000,
    idleTimeoutMs: () => 5000,
    poolSize: () => 4,
    ...options,
  });
}

function send(
  scenario: Scenario,
  options: { accountId?: number; jwt?: string; signal?: Cancellation } = {},
): Promise<UpstreamExchange> {
  return transport!.send({
    accountId: options.accountId ?? 1,
    token: options.jwt ?? token(),
    cookieHeader: COOKIE,
    body: body(scenario),
    signal: options.signal ?? new Cancellation(),
  });
}

async function roundTrip(scenario: Scenario, options: Parameters<typeof send>[1] = {}): Promise<Answer> {
  const exchange = await send(scenario, options);
  expect(exchange.status).toBe(200);
  return collect(exchange);
}

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
