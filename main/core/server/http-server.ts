import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ServerHealth } from '../../../contract/status-views';
import { newRequestId } from '../util/ids';
import {
  anthropicRoutes,
  baseUrlHint,
  findRoute,
  refusalFormat,
  type ApiRoute,
  type FoundRoute,
  type RouteContext,
} from './api-routes';
import { BodyBudget, type BodyReservation } from './body-budget';
import { ConnectionGuard, DEFAULT_SERVER_LIMITS, type ServerLimits } from './connection-guard';
import { ApiError, methodNotAllowed, sendJson } from './errors';
import { handshakeKeyRefusal, websocketRefusal } from './websocket-upgrade';
import { answerFailure, answerPreflight, busy, decodePathPart, parseTarget, unreadableKey } from './failures';
import { InflightRequests } from './inflight';
import { checkApiKey, checkHost, checkOrigin, isDefaultLoopbackBind, originForm, type GuardConfig } from './guards';
import { decodeJson, decodeJsonBody, isLargeBody, withoutByteOrderMark, YIELDING_PARSE_BYTES } from './json-body';
import { readBody } from './read-body';
import { createServer, listen } from './listen';
import { ParserFailures } from './parser-failures';
import { checkJsonContentType } from './media-type';
import { checkRemoteStart, remoteHealth, remoteHostNames, requireRemoteKey } from './remote-access';
import type { ServerOptions } from './server-options';
import { QuietGc } from '../util/quiet-gc';
import { largeBodyLane } from '../util/turn-lane';

export { ServerStartError } from './listen';

/** The server's own read-only paths beside the `/v1/` routes and the dashboard: GET and HEAD only. */
export const HEALTH_PATH = '/health';
export const ROOT_PATH = '/';
/**
 * Claude Code's connectivity check (`claude doctor`, and its sign-in screen's) asks `<base URL>/api/hello` for a 200
 * and names any other status as a failure to connect. It sends no key, and the answer says nothing, so it is
 * answered before any key is asked for, remote mode's included.
 */
export const HELLO_PATH = '/api/hello';

const ROOT_ANSWER = JSON.stringify({ name: 'Orchids Tray', api: 'anthropic-messages', docs: '/health' });

type Unserved = ReturnType<NonNullable<ServerOptions['unserved']>>;
type ServedRoute = Extract<FoundRoute, { route: ApiRoute }>;

const isReadOnly = (method: string): boolean => method === 'GET' || method === 'HEAD';

/** A trailing slash names the same path (`/v1/models/`). */
const routePath = (pathname: string): string =>
  pathname.length > 1 && pathname.endsWith('/') ? pathname.replace(/\/+$/, '') : pathname;

/**
 * The local Anthropic-compatible endpoint. Every response carries a `request-id`; every failure is an Anthropic
 * error body; nothing a client sends can take the process down, and no client can hold more than its share of
 * memory (the body budget) or connections (the connection guard).
 */
export class ProxyServer {
  private server: http.Server | undefined;
  private readonly inflight = new InflightRequests();
  private guard: GuardConfig | undefined;
  private readonly limits: ServerLimits;
  private readonly connections: ConnectionGuard;
  private readonly budget: BodyBudget;
  private readonly routes: ApiRoute[];
  /** Large bodies continue past their parse one per turn of the event loop (util/turn-lane.ts). */
  private readonly largeBodies = largeBodyLane;
  private readonly quietGc = new QuietGc();
  private readonly parserFailures: ParserFailures;
  /** Listening beyond loopback on purpose: every route needs the API key, and listed Host names are accepted. */
  readonly remote: boolean;
  boundPort = 0;

  private extraRoutes: ServerOptions['extraRoutes'];

  constructor(private readonly options: ServerOptions) {
    this.extraRoutes = options.extraRoutes;
    this.limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
    this.connections = new ConnectionGuard(this.limits);
    this.parserFailures = new ParserFailures(() => this.connections.noteAbortedUpload());
    this.budget = new BodyBudget(options.bodyBudgetBytes ?? (() => 256 * 1024 * 1024));
    this.routes = [...anthropicRoutes(options), ...(options.routes ?? [])];
    this.remote = options.allowNonLoopback && !isDefaultLoopbackBind(options.host);
  }

  /** Mounts the dashboard and control routes once they exist (they need the core this server belongs to). */
  setExtraRoutes(handler: ServerOptions['extraRoutes']): void {
    this.extraRoutes = handler;
  }

  get isRunning(): boolean {
    return this.server?.listening ?? false;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.boundPort}`;
  }

  /** Counters for /health: connections, the body budget. */
  stats(): ServerHealth {
    return {
      remote: this.remote,
      connections: this.connections.stats(),
      bodyBudget: {
        bytes: this.budget.bytes,
        inUse: this.budget.inUse,
        peak: this.budget.peak,
        refused: this.budget.refused,
      },
    };
  }

  async start(): Promise<string> {
    if (this.server) return this.url;
    const { host, port } = this.options;
    checkRemoteStart(this.options, this.remote);
    const server = createServer(
      this.limits,
      (req, res) => void this.route(req, res),
      (error, socket) => this.parserFailures.failedUnder(error, socket),
    );
    server.on('connection', (socket) => this.connections.admit(socket));
    await listen(server, host, port);
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.refreshGuard();
    return this.url;
  }

  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes what is left. */
  async stop(graceMs = 10_000): Promise<void> {
    this.quietGc.stop();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await this.inflight.drain(graceMs);
    server.closeAllConnections();
    for (const socket of this.connections.sockets()) socket.destroy();
    await closed;
  }

  get inflightRequests(): number {
    return this.inflight.size;
  }

  /** The live event stream and its kin: a graceful stop ends them at once instead of waiting for them. */
  markLongLived(res: ServerResponse): void {
    this.inflight.markLongLived(res);
  }

  refreshGuard(): void {
    const port = this.boundPort;
    const own = new Set<string>();
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) own.add(`http://${name}:${port}`);
    const extra = this.remote
      ? remoteHostNames(this.options.host, this.options.ownAddresses?.(), this.options.allowedHosts?.() ?? [])
      : new Set<string>();
    this.guard = { extraHosts: extra, allowedOrigins: new Set(this.options.allowedOrigins()), ownOrigins: own };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const receivedAt = Date.now();
    res.setHeader('request-id', requestId);
    this.inflight.begin();
    const socket = req.socket;
    const current = this.parserFailures.track(req, res);
    let bodyReservation: BodyReservation | undefined;
    let releaseApi: (() => void) | undefined;
    let largeBody = false;
    // `on`, not `once`: a response closes only once, and `once` would wrap the listener in two more objects.
    res.on('close', () => {
      bodyReservation?.release();
      if (largeBody) this.quietGc.ended();
      else this.quietGc.requestEnded();
      releaseApi?.();
      this.connections.wait(socket);
      this.inflight.end(res);
      this.parserFailures.done(socket, current);
    });
    // Known before any key is checked (remote mode's included), so that every refusal on a known path is in that
    // route's API format (chosen only when there is one to answer: refusalFormat).
    let path = '';
    let found: FoundRoute | undefined;
    let unserved: Unserved;
    // `parsed` runs once the body is parsed: an API route counts its bytes and starts serving there, inside this one
    // async step (a wrapper awaiting it was two more promises a request).
    const readJson = async (limit: number, parsed?: (bytes: number) => void): Promise<unknown> => {
      checkJsonContentType(req.headers['content-type']);
      const reservation = (bodyReservation = this.budget.open());
      const interrupt = this.parserFailures.reading(current);
      let body: Buffer;
      try {
        body = await readBody(req, limit, {
          reservation,
          largestReservable: this.budget.largestBody,
          checkUtf8: true,
          interrupted: interrupt,
        });
      } finally {
        // A block, not `.finally()` on the promise: that was three more promises a request (request-promises.test.ts).
        current.interrupt = undefined;
      }
      largeBody = isLargeBody(body.length);
      const json = withoutByteOrderMark(body);
      // readBody has checked that the bytes are UTF-8. A small body is parsed in place: no second async step
      // (its promise and its hop) between a short request's last byte and its handler.
      const value = json.length < YIELDING_PARSE_BYTES ? decodeJson(json, true) : await this.parseLargeJson(json);
      parsed?.(body.length);
      return value;
    };
    try {
      const origin = this.admit(req, res);
      // The API's paths are plain ASCII: splitting off the query is enough, and much cheaper than a URL object
      // on every request. Only other paths (the dashboard) get a parsed URL.
      const raw = originForm(req.url ?? '/');
      const queryAt = raw.indexOf('?');
      path = routePath(queryAt < 0 ? raw : raw.slice(0, queryAt));
      const method = req.method ?? 'GET';
      if (this.answerOpenPath(req, res, method, path, origin)) return;
      const apiKey = this.options.apiKey();
      const api = path.startsWith('/v1/');
      found = api ? findRoute(this.routes, method, path) : undefined;
      unserved = found ? undefined : this.options.unserved?.(req, method, path);
      if (this.remote) requireRemoteKey(req, apiKey, path.startsWith('/_tray'), this.options.setApiKeyCommand);
      if (path === ROOT_PATH && isReadOnly(method)) return sendJson(res, 200, ROOT_ANSWER);
      if (api) {
        const served = this.servedRoute(req, method, path, apiKey, found, unserved);
        const ctx: RouteContext = {
          req,
          res,
          requestId,
          receivedAt,
          path,
          rest: served.route.path.endsWith('/') ? decodePathPart(served.rest) : '',
          query: queryAt < 0 ? '' : raw.slice(queryAt + 1),
          json: () =>
            readJson(this.options.maxBodyBytes, (bytes) => {
              ctx.bodyBytes = bytes;
              releaseApi = this.startServing(socket);
            }),
          bodyBytes: 0,
        };
        // A route without a body is being worked on from the start; one with a body once it has arrived.
        if (served.route.method !== 'POST') releaseApi = this.startServing(socket);
        return await served.route.handle(ctx);
      }
      this.connections.serve(socket);
      if (this.extraRoutes && (await this.extraRoutes(req, res, parseTarget(raw), readJson))) return;
      throw this.unanswered(method, path, unserved);
    } catch (error) {
      answerFailure(req, res, path.startsWith('/v1/') ? handshakeKeyRefusal(req, error) : error, {
        requestId,
        route: refusalFormat(found, unserved?.format, () => this.options.sharedPathFormat?.(req, path)),
        log: this.options.log,
        clientGone: () => this.connections.noteAbortedUpload(),
      });
    }
  }

  /** The Host and Origin guards; an accepted Origin is returned, and told it may read the answer. */
  private admit(req: IncomingMessage, res: ServerResponse): string | undefined {
    const guard = this.guard!;
    checkHost(req, guard);
    const origin = checkOrigin(req, guard);
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
    }
    return origin;
  }

  /** What is answered before any key is asked for, remote mode's included: true when it was. */
  private answerOpenPath(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    origin: string | undefined,
  ): boolean {
    if (method === 'OPTIONS') answerPreflight(res, origin);
    else if (path === HEALTH_PATH && isReadOnly(method)) {
      const details = this.options.health();
      sendJson(res, 200, JSON.stringify(this.remote ? remoteHealth(req, details, this.options.apiKey()) : details));
    } else if (path === HELLO_PATH && isReadOnly(method)) sendJson(res, 200, '{"status":"ok"}');
    else return false;
    return true;
  }

  /** The refusals before an API route is dispatched: the key, then a path or method this server does not serve. */
  private servedRoute(
    req: IncomingMessage,
    method: string,
    path: string,
    apiKey: string | null,
    found: FoundRoute | undefined,
    unserved: Unserved,
  ): ServedRoute {
    if (apiKey === null) throw unreadableKey(this.options.setApiKeyCommand);
    checkApiKey(req, apiKey);
    if (unserved) throw unserved.error;
    if (!found) throw this.notFound(method, path);
    if ('allowed' in found) {
      throw websocketRefusal(req, path) ?? methodNotAllowed(path, found.allowed.join(', '), method);
    }
    return found;
  }

  /**
   * An API request takes one of the connections not kept in reserve once it is being worked on; until its body has
   * arrived it is only waiting, and may be displaced like any other waiting connection. Returns its release.
   */
  private startServing(socket: Socket): () => void {
    const release = this.connections.enterApi();
    if (!release) throw busy('Orchids Tray is serving as many API requests as it takes at once.');
    this.connections.serve(socket);
    return release;
  }

  /** A path neither the API nor the dashboard answered. */
  private unanswered(method: string, path: string, unserved: Unserved): Error {
    // The server's own read-only paths asked with another method: a 405 like the API routes', not "not found".
    if (path === HEALTH_PATH || path === ROOT_PATH || path === HELLO_PATH) {
      return methodNotAllowed(path, 'GET, HEAD', method);
    }
    return unserved?.error ?? this.notFound(method, path);
  }

  private notFound(method: string, path: string): ApiError {
    return new ApiError('not_found_error', `Not found: ${method} ${path}.${baseUrlHint(this.routes, method, path)}`);
  }

  private async parseLargeJson(body: Buffer): Promise<unknown> {
    const value = await decodeJsonBody(body, true);
    await this.largeBodies.pass();
    return value;
  }
}
