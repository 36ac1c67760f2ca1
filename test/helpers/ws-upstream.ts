import { createServer, STATUS_CODES, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { expect } from 'vitest';
import { UpstreamDispatcher } from '../../main/core/upstream/dispatcher';
import type { UpstreamExchange } from '../../main/core/upstream/transport';
import { WsTransport, type WsTransportOptions } from '../../main/core/upstream/ws';
import { Cancellation } from '../../main/core/util/cancellation';
import { fakeJwt } from '../sim/fake-jwt';
import { frameText } from '../sim/ws-agent';

/**
 * The harness of the ws-transport*.test.ts files: a loopback Orchids stand-in whose every answer a request names, and
 * the WsTransport under test, dialling it through the app's own dispatcher.
 */

export const DELTA = JSON.stringify({ type: 'model', event: { data: { type: 'text-delta', delta: 'hi' } } });
export const FINISH = JSON.stringify({ type: 'model', event: { data: { type: 'finish', stop_reason: 'stop' } } });
const STRAY = JSON.stringify({ type: 'model', event: { data: { type: 'text-delta', delta: 'stray' } } });
export const CONNECTED = JSON.stringify({ type: 'connected' });
export const MANY_DELTAS = 200;
export const COOKIE = '__client=fake_client_cookie; __session=fake_session_cookie';

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

export function collect(exchange: UpstreamExchange, onFrame?: () => void): Promise<Answer> {
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

export function token(lifetimeSeconds = 3600, nowMs = Date.now()): string {
  return fakeJwt({ sub: 'user_test1', exp: Math.floor(nowMs / 1000) + lifetimeSeconds });
}

export function body(scenario: Scenario): Buffer {
  return Buffer.from(`${JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], scenario })}\n`);
}

// Live bindings: setUp() and useTransport() put a test's own server and transport here, and the tests read them.
export let upstream: TestUpstream;
export let transport: WsTransport | undefined;
let dispatcher: Dispatcher | undefined;

/** For each test file's afterEach: what setUp() opened, closed, so no test meets another's sockets. */
export async function tearDown(): Promise<void> {
  transport?.close();
  transport = undefined;
  await upstream?.stop();
  await dispatcher?.destroy();
  dispatcher = undefined;
}

export async function setUp(options: Partial<WsTransportOptions> = {}): Promise<void> {
  upstream = await new TestUpstream().start();
  dispatcher = new UpstreamDispatcher({ connectTimeoutMs: 2000, firstByteTimeoutMs: 5000, idleTimeoutMs: 5000 });
  useTransport(upstream.url, options);
}

/** Replaces the transport under test (the dispatcher and the server stay). */
export function useTransport(url: string, options: Partial<WsTransportOptions> = {}): void {
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

export function send(
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

export async function roundTrip(scenario: Scenario, options: Parameters<typeof send>[1] = {}): Promise<Answer> {
  const exchange = await send(scenario, options);
  expect(exchange.status).toBe(200);
  return collect(exchange);
}
