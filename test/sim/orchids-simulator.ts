/**
 * A local Clerk + Orchids upstream for integration tests, Playwright e2e and the benchmark. Real HTTP servers on
 * loopback (so the proxy's own undici pool and TLS-free connection reuse are exercised for real): Clerk, the
 * Generation A host (SSE, plus a JSON control API under `/__sim` for tests that run the simulator in another
 * process, see main.ts), the Generation B host (WebSocket and SSE, gen-b-host.ts) and the marketing site that
 * answers the credits action (site.ts).
 */
import type http from 'node:http';
import type { Socket } from 'node:net';
import { AgentScript, serveSseRequest, type AgentHost, type AgentResponder, type SimProtocols } from './agent';
import { createClerkHandler, SimAuthority, type ClerkControls, type SimUser } from './clerk';
import { serveControl } from './control';
import { GenBHost, SSE_B_PATH, WS_PATH, type WsUpgradeInfo } from './gen-b-host';
import { createServer, listen, readBody, sendJson, type SimTls } from './http-util';
import { SimSite, type SimCredits, type SiteActionCall } from './site';
import { emptyStats, GAUGES, type SimStats } from './stats';
import type { AgentRequestInfo, AgentResponse, SimStep } from './steps';
import { renderWsFrames } from './steps-gen-b';

export * from './steps';
export * from './steps-gen-b';
export { fakeJwt, decodeFakeJwt } from './fake-jwt';
export type { SimUser } from './clerk';
export type { SimStats } from './stats';
export type { AgentResponder, SimProtocols } from './agent';
export type { WsUpgradeInfo } from './gen-b-host';
export type { SimCredits, SiteActionCall } from './site';

export interface SimOptions {
  tokenTtlSeconds?: number;
  /**
   * How far Clerk's clock runs from this machine's, in seconds: its `Date` headers and its tokens' `iat` and `exp`
   * are shifted by it, while a token is still accepted for `tokenTtlSeconds` of real time. Default 0.
   */
  clerkClockOffsetSeconds?: number;
  /** Clerk replaces `__client` on every successful /v1/client and tokens call, as the real one does; default true */
  rotateClientCookie?: boolean;
  clerkDelayMs?: number;
  host?: string;
  clerkPort?: number;
  agentPort?: number;
  /** the Generation B host's port (WebSocket and SSE) */
  agentBPort?: number;
  /** the marketing site's port (credits) */
  sitePort?: number;
  /** close a WebSocket (1001) once it has had no request in flight for this long; default never */
  wsIdleTimeoutMs?: number;
  /** default true: each endpoint refuses the other generations' bodies with 400 (see shapes.ts) */
  checkShapes?: boolean;
  /** Serve every endpoint over TLS (https:// and wss://), offering HTTP/2 unless `h2: false`. */
  tls?: SimTls;
}

export interface SimUrls {
  clerkUrl: string;
  agentUrl: string;
  agentWsUrl: string;
  agentBUrl: string;
  /** the marketing site (www.orchids.app), for ORCHIDS_SITE_URL */
  siteUrl: string;
  controlUrl: string;
}

const MAX_RECORDED = 10_000;

interface SocketMeta {
  /** resetStats() bumps the epoch; a socket from an older epoch no longer counts in agentConnections */
  epoch: number;
  kind: 'unknown' | 'agent' | 'control' | 'other';
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_RECORDED) list.shift();
}

export class OrchidsSimulator {
  readonly stats: SimStats = emptyStats();
  /** every agent request, all three protocols; see AgentRequestInfo.protocol */
  readonly requests: AgentRequestInfo[] = [];
  /** every WebSocket upgrade attempt, accepted or refused */
  readonly upgrades: WsUpgradeInfo[] = [];
  private readonly authority: SimAuthority;
  private readonly script = new AgentScript();
  private readonly protocols: SimProtocols = { ws: true, sseB: true, sseA: true };
  private readonly clerkControls: ClerkControls;
  private readonly agentHost: AgentHost;
  private readonly genB: GenBHost;
  private readonly clerkServer: http.Server;
  private readonly agentServer: http.Server;
  private readonly site: SimSite;
  private readonly siteServer: http.Server;
  private readonly sockets = new Map<Socket, SocketMeta>();
  private recording = true;
  private epoch = 0;
  private urlSet: SimUrls = { clerkUrl: '', agentUrl: '', agentWsUrl: '', agentBUrl: '', siteUrl: '', controlUrl: '' };
  private closing: Promise<void> | undefined;

  private constructor(options: SimOptions) {
    this.authority = new SimAuthority(this.stats, {
      tokenTtlSeconds: options.tokenTtlSeconds ?? 60,
      rotateClientCookie: options.rotateClientCookie ?? true,
      clockOffsetMs: (options.clerkClockOffsetSeconds ?? 0) * 1000,
    });
    this.agentHost = {
      authority: this.authority,
      stats: this.stats,
      script: this.script,
      protocols: this.protocols,
      checkShapes: options.checkShapes ?? true,
      record: (info) => {
        if (this.recording) pushBounded(this.requests, info);
      },
    };
    this.clerkControls = { delayMs: options.clerkDelayMs ?? 0, failureStatus: undefined };
    this.clerkServer = createServer(createClerkHandler(this.authority, this.stats, this.clerkControls), options.tls);
    this.clerkServer.on('connection', (socket: Socket) => {
      this.stats.clerkConnections++;
      this.track(socket, 'other'); // tracked only so close() can end it
    });
    this.agentServer = createServer((req, res) => this.onAgentHttp(req, res), options.tls);
    this.agentServer.on('connection', (socket: Socket) => {
      this.stats.agentConnections++;
      this.stats.openAgentConnections++;
      const meta = this.track(socket, 'unknown');
      socket.once('close', () => {
        if (meta.kind !== 'control') this.stats.openAgentConnections--;
      });
    });
    this.genB = new GenBHost(this.agentHost, {
      idleTimeoutMs: options.wsIdleTimeoutMs,
      tls: options.tls,
      recordUpgrade: (info) => {
        if (this.recording) pushBounded(this.upgrades, info);
      },
    });
    this.site = new SimSite(this.authority, this.stats);
    this.siteServer = createServer((req, res) => {
      this.site.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(error) });
        else res.destroy();
      });
    }, options.tls);
    this.siteServer.on('connection', (socket: Socket) => this.track(socket, 'other'));
    this.genB.server.on('connection', (socket: Socket) => {
      this.stats.agentBConnections++;
      this.stats.openAgentBConnections++;
      this.track(socket, 'other');
      socket.once('close', () => this.stats.openAgentBConnections--);
    });
  }

  static async start(options: SimOptions = {}): Promise<OrchidsSimulator> {
    const sim = new OrchidsSimulator(options);
    const host = options.host ?? '127.0.0.1';
    const hostPart = host.includes(':') ? `[${host}]` : host;
    try {
      const clerkPort = await listen(sim.clerkServer, options.clerkPort ?? 0, host);
      const agentPort = await listen(sim.agentServer, options.agentPort ?? 0, host);
      const agentBPort = await listen(sim.genB.server, options.agentBPort ?? 0, host);
      const sitePort = await listen(sim.siteServer, options.sitePort ?? 0, host);
      const s = options.tls ? 's' : '';
      sim.urlSet = {
        clerkUrl: `http${s}://${hostPart}:${clerkPort}`,
        agentUrl: `http${s}://${hostPart}:${agentPort}/agent/coding-agent`,
        agentWsUrl: `ws${s}://${hostPart}:${agentBPort}${WS_PATH}`,
        agentBUrl: `http${s}://${hostPart}:${agentBPort}${SSE_B_PATH}`,
        siteUrl: `http${s}://${hostPart}:${sitePort}`,
        controlUrl: `http${s}://${hostPart}:${agentPort}/__sim`,
      };
    } catch (error) {
      await sim.close();
      throw error;
    }
    sim.authority.issuer = sim.urlSet.clerkUrl;
    return sim;
  }

  /** Clerk frontend API base; paths /v1/client ... */
  get clerkUrl(): string {
    return this.urlSet.clerkUrl;
  }
  /** Generation A SSE */
  get agentUrl(): string {
    return this.urlSet.agentUrl;
  }
  /** Generation B WebSocket, without the `?token=` the client appends */
  get agentWsUrl(): string {
    return this.urlSet.agentWsUrl;
  }
  /** Generation B SSE (another port, standing in for another host than agentUrl) */
  get agentBUrl(): string {
    return this.urlSet.agentBUrl;
  }
  /** The marketing site: home page, Next.js chunks and the credits server action */
  get siteUrl(): string {
    return this.urlSet.siteUrl;
  }
  get controlUrl(): string {
    return this.urlSet.controlUrl;
  }
  urls(): SimUrls {
    return { ...this.urlSet };
  }

  /** The returned object is live: with rotation on, its clientCookie/clientUat follow Clerk's Set-Cookie. */
  addUser(partial?: Partial<SimUser>): SimUser {
    return this.authority.addUser(partial);
  }
  listUsers(): SimUser[] {
    return this.authority.listUsers();
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
  /** Also ends open WebSockets dialled with those tokens, at their next request frame (close 1008). */
  revokeTokens(userId: string): void {
    this.authority.revokeTokens(userId);
  }
  setClerkFailure(status: number | undefined): void {
    this.clerkControls.failureStatus = status;
  }
  setClerkDelay(ms: number): void {
    this.clerkControls.delayMs = ms;
  }

  /** Queued answers serve every protocol; an AgentRequestInfo's `protocol` tells a function which one asked. */
  enqueue(response: AgentResponse | ((req: AgentRequestInfo) => AgentResponse), userId?: string): void {
    this.script.enqueue(response, userId);
  }
  onAgentRequest(responder: AgentResponder | undefined): void {
    this.script.responder = responder;
  }
  /** The unscripted answer of the Generation A endpoint. */
  setDefaultResponse(response: AgentResponse): void {
    this.script.defaultResponse = response;
  }
  /** The unscripted answer of both Generation B endpoints (WebSocket and SSE). */
  setDefaultResponseB(response: AgentResponse): void {
    this.script.defaultResponseB = response;
  }
  /** Scripted responses not consumed yet. */
  pendingResponses(): number {
    return this.script.pending();
  }

  /** Turns endpoints on or off (a disabled one answers 404); returns what is served now. */
  setProtocols(changes: Partial<Record<keyof SimProtocols, boolean | undefined>>): SimProtocols {
    for (const key of ['ws', 'sseB', 'sseA'] as const) {
      const value = changes[key];
      if (value !== undefined) this.protocols[key] = value;
    }
    return this.servedProtocols();
  }
  servedProtocols(): SimProtocols {
    return { ...this.protocols };
  }

  /**
   * Refuses every WebSocket upgrade with this status (body default "<status> <reason phrase>"); undefined accepts
   * again.
   */
  refuseUpgrades(status: number | undefined, body?: string, headers?: Record<string, string>): void {
    this.genB.refusal = status === undefined ? undefined : { status, body, headers };
  }

  /**
   * Sends these frames (data or raw steps only) on every WebSocket as soon as it is upgraded, before any request:
   * the spec does not know whether `connected` comes once per socket or per request (§10 item 9). undefined stops.
   */
  greetWsSockets(steps: readonly SimStep[] | undefined): void {
    this.genB.greeting = steps === undefined ? undefined : renderWsFrames(steps);
  }

  /**
   * Closes every open WebSocket with no request in flight, as a server recycling idle sockets does; returns how
   * many.
   */
  closeIdleWsSockets(code = 1001, reason = 'idle'): number {
    return this.genB.closeIdle(code, reason);
  }

  /** What the credits action answers for this user from now on (default FREE with 150,000 left). */
  setCredits(userId: string, credits: SimCredits): void {
    this.site.setCredits(userId, credits);
  }
  /** A new site deployment: the credits action gets a new id, and the old one is "not found" from then on. */
  redeploySite(): void {
    this.site.redeploy();
  }
  /** Every credits action call waits this long before it is answered (0: at once). */
  setSiteDelay(ms: number): void {
    this.site.actionDelayMs = ms;
  }
  /** The next credits action call is answered with this body (and status) instead, once per call. */
  scriptSiteReply(body: string, status = 200): void {
    this.site.scriptReply(body, status);
  }
  /**
   * On, the credits action answers only calls carrying the site's current router state tree and deployment id;
   * without them, HTTP 500 with an error digest, as a Next.js deployment that wants them does.
   */
  requireSiteRouterState(on: boolean): void {
    this.site.requireRouterState(on);
  }
  /** The site's routes change: a new router state tree, same action id and deployment. */
  changeSiteRouterTree(): void {
    this.site.changeRouterTree();
  }
  /** The router state tree (as the header carries it) and deployment id the site currently expects. */
  get siteRouterState(): { tree: string; deploymentId: string } {
    return { tree: this.site.routerStateTree, deploymentId: this.site.deploymentId };
  }
  /** Every credits action call the site received (the last 1,000). */
  get siteCalls(): readonly SiteActionCall[] {
    return this.site.calls;
  }
  /** The credits action's id as the site's current deployment registers it. */
  get siteActionId(): string {
    return this.site.actionId;
  }

  setRecording(on: boolean): void {
    this.recording = on;
  }

  /** Zeroes the counters; the gauges of live sockets (open…) stay true. */
  resetStats(): void {
    this.epoch++;
    for (const key of Object.keys(this.stats) as (keyof SimStats)[]) {
      if (!GAUGES.includes(key)) this.stats[key] = 0;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const servers = [this.clerkServer, this.agentServer, this.genB.server, this.siteServer];
      const closed = servers.map(
        (server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      );
      // Sockets still tracked have not emitted 'close' yet; waiting for it leaves the stats final after close().
      const socketsClosed = [...this.sockets.keys()].map(
        (s) => new Promise<void>((resolve) => s.once('close', () => resolve())),
      );
      // An HTTP/2 server has no closeAllConnections(); its sockets are destroyed with the rest below.
      for (const server of servers) if ('closeAllConnections' in server) server.closeAllConnections();
      for (const socket of this.sockets.keys()) socket.destroy();
      this.genB.close();
      await Promise.all([...closed, ...socketsClosed]);
    })();
    return this.closing;
  }

  private track(socket: Socket, kind: SocketMeta['kind']): SocketMeta {
    const meta: SocketMeta = { epoch: this.epoch, kind };
    this.sockets.set(socket, meta);
    socket.once('close', () => this.sockets.delete(socket));
    return meta;
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
      ? serveControl(this, req, res, path)
      : path === '/agent/coding-agent'
        ? serveSseRequest(this.agentHost, 'sse-a', req, res)
        : readBody(req).then(() => sendJson(res, 404, { error: `simulator: no route ${req.method} ${path}` }));
    work.catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(error) });
      else res.destroy();
    });
  }
}
