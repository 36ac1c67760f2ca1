import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import {
  checkApiKey,
  checkHost,
  checkOrigin,
  isDefaultLoopbackBind,
  isLoopbackHost,
  originForm,
  type GuardConfig,
} from './guards';
import { decodeJson, decodeJsonBody, isLargeBody, YIELDING_PARSE_BYTES } from './json-body';
import { readBody } from './read-body';
import { createServer, listen, ServerStartError } from './listen';
import { ParserFailures } from './parser-failures';
import { checkJsonContentType } from './media-type';
import { remoteHealth, remoteHostNames, requireRemoteKey } from './remote-access';
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
    if (!isLoopbackHost(host) && !this.options.allowNonLoopback) {
      throw new ServerStartError(
        `Refusing to listen on ${host}: that would let other machines use your Orchids accounts. ` +
          'Set ORCHIDS_TRAY_ALLOW_REMOTE=1 (and an API key) if you really mean it' +
          (this.options.hostUndo ? `; to listen on this machine only, ${this.options.hostUndo}.` : '.'),
      );
    }
    if (this.remote && !this.options.apiKey()) {
      throw new ServerStartError(
        `Refusing to listen on ${host} without an API key: ` +
          'anyone who can reach that address could use your Orchids accounts. ' +
          'Set one with ORCHIDS_TRAY_API_KEY=<key>, or: npm run cli -- settings set apiKey <key>',
      );
    }
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
    let unserved: ReturnType<NonNullable<ServerOptions['unserved']>>;
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
      // A file saved with a UTF-8 byte order mark (Windows Notepad's way) and sent as it is, `curl -d @file`:
      // RFC 8259 lets a parser ignore the mark, which JSON.parse would call a character where a value belongs.
      const json = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
      // readBody has checked that the bytes are UTF-8. A small body is parsed in place: no second async step
      // (its promise and its hop) between a short request's last byte and its handler.
      const value = json.length < YIELDING_PARSE_BYTES ? decodeJson(json, true) : await this.parseLargeJson(json);
      parsed?.(body.length);
      return value;
    };
    try {
      const guard = this.guard!;
      checkHost(req, guard);
      const origin = checkOrigin(req, guard);
      if (origin) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('vary', 'origin');
      }
      // The API's paths are plain ASCII: splitting off the query is enough, and much cheaper than a URL object
      // on every request. Only other paths (the dashboard) get a parsed URL.
      const raw = originForm(req.url ?? '/');
      const queryAt = raw.indexOf('?');
      const pathname = queryAt < 0 ? raw : raw.slice(0, queryAt);
      path = pathname.length > 1 && pathname.endsWith('/') ? pathname.replace(/\/+$/, '') : pathname;
      const method = req.method ?? 'GET';
      const readOnly = method === 'GET' || method === 'HEAD';

      if (method === 'OPTIONS') return answerPreflight(res, origin);
      if (path === HEALTH_PATH && readOnly) {
        const details = this.options.health();
        return sendJson(
          res,
          200,
          JSON.stringify(this.remote ? remoteHealth(req, details, this.options.apiKey()) : details),
        );
      }
      if (path === HELLO_PATH && readOnly) return sendJson(res, 200, '{"status":"ok"}');
      const apiKey = this.options.apiKey();
      found = path.startsWith('/v1/') ? findRoute(this.routes, method, path) : undefined;
      unserved = found ? undefined : this.options.unserved?.(req, method, path);
      if (this.remote) requireRemoteKey(req, apiKey, path.startsWith('/_tray'));
      if (path === ROOT_PATH && readOnly) {
        return sendJson(res, 200, JSON.stringify({ name: 'Orchids Tray', api: 'anthropic-messages', docs: '/health' }));
      }
      if (path.startsWith('/v1/')) {
        if (apiKey === null) throw unreadableKey();
        checkApiKey(req, apiKey);
        if (unserved) throw unserved.error;
        if (!found) {
          throw new ApiError(
            'not_found_error',
            `Not found: ${method} ${path}.${baseUrlHint(this.routes, method, path)}`,
          );
        }
        if ('allowed' in found) {
          throw websocketRefusal(req, path) ?? methodNotAllowed(path, found.allowed.join(', '), method);
        }
        // An API request takes one of the connections not kept in reserve once it is being worked on; until
        // its body has arrived it is only waiting, and may be displaced like any other waiting connection.
        const startServing = (): void => {
          releaseApi = this.connections.enterApi();
          if (!releaseApi) throw busy('Orchids Tray is serving as many API requests as it takes at once.');
          this.connections.serve(socket);
        };
        const ctx: RouteContext = {
          req,
          res,
          requestId,
          receivedAt,
          path,
          rest: found.route.path.endsWith('/') ? decodePathPart(found.rest) : '',
          query: queryAt < 0 ? '' : raw.slice(queryAt + 1),
          json: () =>
            readJson(this.options.maxBodyBytes, (bytes) => {
              ctx.bodyBytes = bytes;
              startServing();
            }),
          bodyBytes: 0,
        };
        // A route without a body is being worked on from the start; one with a body once it has arrived.
        if (found.route.method !== 'POST') startServing();
        return await found.route.handle(ctx);
      }
      this.connections.serve(socket);
      if (this.extraRoutes && (await this.extraRoutes(req, res, parseTarget(raw), readJson))) return;
      // The server's own read-only paths asked with another method: a 405 like the API routes', not "not found".
      if (path === HEALTH_PATH || path === ROOT_PATH || path === HELLO_PATH) {
        throw methodNotAllowed(path, 'GET, HEAD', method);
      }
      throw (
        unserved?.error ??
        new ApiError('not_found_error', `Not found: ${method} ${path}.${baseUrlHint(this.routes, method, path)}`)
      );
    } catch (error) {
      answerFailure(req, res, path.startsWith('/v1/') ? handshakeKeyRefusal(req, error) : error, {
        requestId,
        route: refusalFormat(found, unserved?.format, () => this.options.sharedPathFormat?.(req, path)),
        log: this.options.log,
        clientGone: () => this.connections.noteAbortedUpload(),
      });
    }
  }

  private async parseLargeJson(body: Buffer): Promise<unknown> {
    const value = await decodeJsonBody(body, true);
    await this.largeBodies.pass();
    return value;
  }
}
