/**
 * A local Clerk + Orchids upstream for integration tests, Playwright e2e and the benchmark. Two real HTTP servers
 * on loopback (so the proxy's own undici pool and TLS-free connection reuse are exercised for real), plus a JSON
 * control API under `/__sim` on the agent port for tests that run the simulator in another process (main.ts).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createClerkHandler, emptyStats, SimAuthority, type ClerkControls, type SimStats, type SimUser } from './clerk';
import { AgentScript, readBody, serveAgentRequest, type AgentHost, type AgentResponder } from './agent';
import type { AgentRequestInfo, AgentResponse } from './steps';

export * from './steps';
export { fakeJwt, decodeFakeJwt, FAKE_JWT_SIGNATURE } from './fake-jwt';
export type { SimUser, SimStats } from './clerk';
export type { AgentResponder } from './agent';

export interface SimOptions {
  tokenTtlSeconds?: number;
  rotateClientCookie?: boolean;
  clerkDelayMs?: number;
  host?: string;
  clerkPort?: number;
  agentPort?: number;
}

const MAX_RECORDED_REQUESTS = 10_000;
const KEEP_ALIVE_MS = 65_000;

interface SocketMeta {
  /** resetStats() bumps the epoch; a socket from an older epoch no longer counts in agentConnections */
  epoch: number;
  kind: 'unknown' | 'agent' | 'control';
}

function createServer(handler: http.RequestListener): http.Server {
  const server = http.createServer(handler);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000; // must exceed keepAliveTimeout or idle sockets get 408s
  return server;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function isAgentResponse(value: unknown): value is AgentResponse {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v.steps) || typeof v.status === 'number';
}

export class OrchidsSimulator {
  readonly stats: SimStats = emptyStats();
  readonly requests: AgentRequestInfo[] = [];
  private readonly authority: SimAuthority;
  private readonly script = new AgentScript();
  private readonly clerkControls: ClerkControls;
  private readonly agentHost: AgentHost;
  private readonly clerkServer: http.Server;
  private readonly agentServer: http.Server;
  private readonly sockets = new Map<Socket, SocketMeta>();
  private recording = true;
  private epoch = 0;
  private urls = { clerkUrl: '', agentUrl: '', controlUrl: '' };
  private closing: Promise<void> | undefined;

  private constructor(options: SimOptions) {
    this.authority = new SimAuthority(this.stats, {
      tokenTtlSeconds: options.tokenTtlSeconds ?? 60,
      rotateClientCookie: options.rotateClientCookie ?? false,
    });
    this.agentHost = {
      authority: this.authority,
      stats: this.stats,
      script: this.script,
      record: (info) => this.record(info),
    };
    this.clerkControls = { delayMs: options.clerkDelayMs ?? 0, failureStatus: undefined };
    this.clerkServer = createServer(createClerkHandler(this.authority, this.stats, this.clerkControls));
    this.clerkServer.on('connection', (socket: Socket) => {
      this.stats.clerkConnections++;
      this.sockets.set(socket, { epoch: this.epoch, kind: 'control' }); // tracked only so close() can end it
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.agentServer = createServer((req, res) => this.onAgentHttp(req, res));
    this.agentServer.on('connection', (socket: Socket) => {
      this.stats.agentConnections++;
      this.stats.openAgentConnections++;
      const meta: SocketMeta = { epoch: this.epoch, kind: 'unknown' };
      this.sockets.set(socket, meta);
      socket.once('close', () => {
        this.sockets.delete(socket);
        if (meta.kind !== 'control') this.stats.openAgentConnections--;
      });
    });
  }

  static async start(options: SimOptions = {}): Promise<OrchidsSimulator> {
    const sim = new OrchidsSimulator(options);
    const host = options.host ?? '127.0.0.1';
    const origin = (port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    try {
      const clerkPort = await listen(sim.clerkServer, options.clerkPort ?? 0, host);
      const agentPort = await listen(sim.agentServer, options.agentPort ?? 0, host);
      sim.urls = {
        clerkUrl: origin(clerkPort),
        agentUrl: `${origin(agentPort)}/agent/coding-agent`,
        controlUrl: `${origin(agentPort)}/__sim`,
      };
    } catch (error) {
      await sim.close();
      throw error;
    }
    sim.authority.issuer = sim.urls.clerkUrl;
    return sim;
  }

  /** Clerk frontend API base; paths /v1/client ... */
  get clerkUrl(): string {
    return this.urls.clerkUrl;
  }
  get agentUrl(): string {
    return this.urls.agentUrl;
  }
  get controlUrl(): string {
    return this.urls.controlUrl;
  }

  /** The returned object is live: with rotation on, its clientCookie/clientUat follow Clerk's Set-Cookie. */
  addUser(partial?: Partial<SimUser>): SimUser {
    return this.authority.addUser(partial);
  }
  user(userId: string): SimUser | undefined {
    return this.authority.user(userId);
  }
  userByEmail(email: string): SimUser | undefined {
    return this.authority.userByEmail(email);
  }
  currentCookie(userId: string): string | undefined {
    return this.authority.user(userId)?.clientCookie;
  }
  signOut(userId: string): void {
    this.authority.signOut(userId);
  }
  revokeTokens(userId: string): void {
    this.authority.revokeTokens(userId);
  }
  setClerkFailure(status: number | undefined): void {
    this.clerkControls.failureStatus = status;
  }
  setClerkDelay(ms: number): void {
    this.clerkControls.delayMs = ms;
  }

  enqueue(response: AgentResponse | ((req: AgentRequestInfo) => AgentResponse), userId?: string): void {
    this.script.enqueue(response, userId);
  }
  onAgentRequest(responder: AgentResponder | undefined): void {
    this.script.responder = responder;
  }
  setDefaultResponse(response: AgentResponse): void {
    this.script.defaultResponse = response;
  }
  /** Scripted responses not consumed yet. */
  pendingResponses(): number {
    return this.script.pending();
  }

  setRecording(on: boolean): void {
    this.recording = on;
  }

  /** Zeroes the counters; openAgentConnections is a gauge of live sockets and stays true. */
  resetStats(): void {
    this.epoch++;
    for (const key of Object.keys(this.stats) as (keyof SimStats)[]) {
      if (key !== 'openAgentConnections') this.stats[key] = 0;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = [this.clerkServer, this.agentServer].map(
        (server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      );
      // Sockets still tracked have not emitted 'close' yet; waiting for it leaves the stats final after close().
      const socketsClosed = [...this.sockets.keys()].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
      for (const server of [this.clerkServer, this.agentServer]) server.closeAllConnections();
      for (const socket of this.sockets.keys()) socket.destroy();
      await Promise.all([...closed, ...socketsClosed]);
    })();
    return this.closing;
  }

  private record(info: AgentRequestInfo): void {
    if (!this.recording) return;
    this.requests.push(info);
    if (this.requests.length > MAX_RECORDED_REQUESTS) this.requests.shift();
  }

  /** A socket's first request decides whether it is proxy traffic or control traffic. */
  private classify(socket: Socket, control: boolean): void {
    const meta = this.sockets.get(socket);
    if (!meta || meta.kind !== 'unknown') return;
    meta.kind = control ? 'control' : 'agent';
    if (!control) return;
    this.stats.openAgentConnections--;
    if (meta.epoch === this.epoch) this.stats.agentConnections--;
  }

  private onAgentHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const control = path === '/__sim' || path.startsWith('/__sim/');
    this.classify(req.socket, control);
    const work = control
      ? this.onControl(req, res, path)
      : path === '/agent/coding-agent'
        ? serveAgentRequest(this.agentHost, req, res)
        : readBody(req).then(() => sendJson(res, 404, { error: `simulator: no route ${req.method} ${path}` }));
    work.catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  }

  private async onControl(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      if (raw.trim() !== '') body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { error: 'control body is not JSON' });
    }
    const ok = { ok: true };
    const userId = typeof body.userId === 'string' ? body.userId : undefined;
    try {
      switch (`${req.method} ${path.slice('/__sim'.length)}`) {
        case 'POST /users':
          return sendJson(res, 200, this.addUser(body as Partial<SimUser>));
        case 'GET /users':
          return sendJson(res, 200, this.authority.listUsers());
        case 'GET /stats':
          return sendJson(res, 200, this.stats);
        case 'POST /reset-stats':
          this.resetStats();
          return sendJson(res, 200, ok);
        case 'GET /requests':
          return sendJson(res, 200, this.requests);
        case 'POST /enqueue':
          if (!isAgentResponse(body.response)) return sendJson(res, 400, { error: 'response needs steps or status' });
          this.enqueue(body.response, userId);
          return sendJson(res, 200, ok);
        case 'POST /default-response':
          if (!isAgentResponse(body.response)) return sendJson(res, 400, { error: 'response needs steps or status' });
          this.setDefaultResponse(body.response);
          return sendJson(res, 200, ok);
        case 'POST /sign-out':
          this.signOut(userId ?? '');
          return sendJson(res, 200, ok);
        case 'POST /revoke-tokens':
          this.revokeTokens(userId ?? '');
          return sendJson(res, 200, ok);
        case 'POST /clerk-failure':
          this.setClerkFailure(typeof body.status === 'number' ? body.status : undefined);
          return sendJson(res, 200, ok);
        case 'POST /recording':
          this.setRecording(body.on !== false);
          return sendJson(res, 200, ok);
        default:
          return sendJson(res, 404, { error: `simulator: no control route ${req.method} ${path}` });
      }
    } catch (error) {
      return sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
