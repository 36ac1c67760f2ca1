import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { validateMessagesRequest, RequestValidationError } from '../anthropic/validate';
import type { MessagesRequest } from '../anthropic/types';
import { findModel, listModels } from '../api/models-list';
import type { ApiRoutes, RouteContext } from '../api/routes';
import type { ModelMap } from '../orchids/model-map';
import type { MessagesProxy } from '../proxy/messages-proxy';
import { newRequestId } from '../util/ids';
import { ApiError, errorBody, sendError, sendJson } from './errors';
import { checkApiKey, checkHost, checkOrigin, isLoopbackHost, type GuardConfig } from './guards';
import { BodyError, decodeJson, readBody } from './json-body';

/** Anthropic's own limit for Messages API bodies. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface ServerOptions {
  host: string;
  port: number;
  /** Binding beyond loopback exposes the user's accounts to the network: it must be asked for by name. */
  allowNonLoopback: boolean;
  maxBodyBytes: number;
  /** The key clients must present; '' for none; null when one is stored but unreadable (then nobody gets in). */
  apiKey: () => string | null;
  allowedOrigins: () => readonly string[];
  modelMap: () => ModelMap;
  /** The input-token estimate count_tokens returns: the same one message_start reports. */
  estimateInput: (request: MessagesRequest) => number;
  health: () => Record<string, unknown>;
  proxy: MessagesProxy;
  /** /v1 routes of other APIs (OpenAI's), served with this server's key rule and body handling. */
  routes?: ApiRoutes;
  /** Serves other paths (the headless dashboard); returns false to fall through to 404. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;
  log?: (line: string) => void;
  /** While paused, /v1 requests get a clear 529 instead of reaching Orchids. */
  paused?: () => boolean;
}

export class ServerStartError extends Error {}

/**
 * The local Anthropic-compatible endpoint. Every response carries a `request-id`; every failure is an Anthropic
 * error body; nothing a client sends can take the process down.
 */
export class ProxyServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private inflight = 0;
  private readonly longLived = new Set<ServerResponse>();
  private idleWaiters: Array<() => void> = [];
  private guard: GuardConfig | undefined;
  boundPort = 0;

  private extraRoutes: ServerOptions['extraRoutes'];

  constructor(private readonly options: ServerOptions) {
    this.extraRoutes = options.extraRoutes;
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

  async start(): Promise<string> {
    if (this.server) return this.url;
    const { host, port } = this.options;
    if (!isLoopbackHost(host) && !this.options.allowNonLoopback) {
      throw new ServerStartError(
        `Refusing to listen on ${host}: that would let other machines use your Orchids accounts. ` +
          'Set ORCHIDS_TRAY_ALLOW_REMOTE=1 (and an API key) if you really mean it.',
      );
    }
    const server = http.createServer((req, res) => void this.route(req, res));
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    // Claude Code holds streams open for minutes; the server must not cut them.
    server.requestTimeout = 0;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') {
          reject(
            new ServerStartError(
              `Port ${port} on ${host} is already in use (another Orchids Tray, or another program). ` +
                'Stop it, or choose another port with ORCHIDS_TRAY_PORT.',
            ),
          );
        } else if (error.code === 'EACCES') {
          reject(
            new ServerStartError(
              `Not allowed to listen on ${host}:${port}; choose a port above 1024 with ORCHIDS_TRAY_PORT.`,
            ),
          );
        } else {
          reject(new ServerStartError(`Cannot listen on ${host}:${port}: ${error.message}`));
        }
      });
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.refreshGuard();
    return this.url;
  }

  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes what is left. */
  async stop(graceMs = 10_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const res of this.longLived) res.end();
    if (this.inflight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  get inflightRequests(): number {
    return this.inflight;
  }

  /**
   * A response that stays open for as long as its client wants (the live event stream) is not a request to wait
   * for: a graceful stop ends it at once instead of waiting out the grace period.
   */
  markLongLived(res: ServerResponse): void {
    if (this.longLived.has(res)) return;
    this.longLived.add(res);
    this.inflight -= 1;
    if (this.inflight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  refreshGuard(): void {
    const port = this.boundPort;
    const own = new Set<string>();
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) own.add(`http://${name}:${port}`);
    const extra = new Set<string>();
    if (!isLoopbackHost(this.options.host)) extra.add(this.options.host.toLowerCase());
    this.guard = { extraHosts: extra, allowedOrigins: new Set(this.options.allowedOrigins()), ownOrigins: own };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    const receivedAt = Date.now();
    res.setHeader('request-id', requestId);
    this.inflight += 1;
    res.once('close', () => {
      if (this.longLived.delete(res)) return;
      this.inflight -= 1;
      if (this.inflight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
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
      const raw = req.url ?? '/';
      const query = raw.indexOf('?');
      const pathname = query < 0 ? raw : raw.slice(0, query);
      const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.replace(/\/+$/, '') : pathname;
      const method = req.method ?? 'GET';

      if (method === 'OPTIONS') return this.preflight(res, origin);
      if (path === '/' && (method === 'GET' || method === 'HEAD')) {
        return sendJson(res, 200, JSON.stringify({ name: 'Orchids Tray', api: 'anthropic-messages', docs: '/health' }));
      }
      if (path === '/health' && method === 'GET') return sendJson(res, 200, JSON.stringify(this.options.health()));
      if (path.startsWith('/v1/')) {
        const served = this.options.routes?.match(path);
        if (served) {
          const context: RouteContext = {
            ...{ req, res, method, path, requestId, receivedAt },
            authorize: () => this.authorize(req),
            readJson: () => this.readJson(req),
            paused: () => this.options.paused?.() ?? false,
          };
          return await served(context);
        }
        return await this.api(req, res, path, method, requestId, receivedAt);
      }
      if (this.extraRoutes && (await this.extraRoutes(req, res, new URL(raw, 'http://localhost')))) return;
      throw new ApiError('not_found_error', `Not found: ${method} ${path}`);
    } catch (error) {
      this.fail(res, error, requestId);
    }
  }

  private async api(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    method: string,
    requestId: string,
    receivedAt: number,
  ): Promise<void> {
    this.authorize(req);
    if (path === '/v1/models' && method === 'GET') {
      return sendJson(res, 200, JSON.stringify(listModels(this.options.modelMap(), req.url)));
    }
    if (path.startsWith('/v1/models/') && method === 'GET') {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      const model = findModel(this.options.modelMap(), id);
      if (!model) throw new ApiError('not_found_error', `model: ${id}`);
      return sendJson(res, 200, JSON.stringify(model));
    }
    const isMessages = path === '/v1/messages';
    const isCount = path === '/v1/messages/count_tokens';
    if (!isMessages && !isCount) throw new ApiError('not_found_error', `Not found: ${method} ${path}`);
    if (method !== 'POST') throw new ApiError('not_found_error', `${path} accepts POST, not ${method}.`, 405);
    const body = await this.readJson(req);
    const request = validateMessagesRequest(body, { requireMaxTokens: isMessages });
    if (isCount) return sendJson(res, 200, JSON.stringify({ input_tokens: this.options.estimateInput(request) }));
    if (this.options.paused?.()) {
      throw new ApiError(
        'overloaded_error',
        'Orchids Tray is paused. Resume it from the tray menu or the window.',
        529,
      );
    }
    await this.options.proxy.handle(request, req, res, requestId, receivedAt);
  }

  /** The API-key rule of every /v1 route, whichever API it speaks. */
  private authorize(req: IncomingMessage): void {
    const apiKey = this.options.apiKey();
    if (apiKey === null) {
      throw new ApiError(
        'authentication_error',
        "Orchids Tray's stored API key cannot be read (its key file, secret.key, changed). " +
          'Set a new one in Settings or with: npm run cli -- settings set apiKey <key>',
      );
    }
    checkApiKey(req, apiKey);
  }

  /** A JSON request body, the same way for every API: content type, size limit, decoding. */
  private async readJson(req: IncomingMessage): Promise<unknown> {
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!contentType.startsWith('application/json')) {
      throw new ApiError('invalid_request_error', 'Content-Type must be application/json.');
    }
    return decodeJson(await readBody(req, this.options.maxBodyBytes));
  }

  private preflight(res: ServerResponse, origin: string | undefined): void {
    if (!origin) throw new ApiError('not_found_error', 'Preflight without an Origin.');
    res.writeHead(204, {
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers':
        'content-type, x-api-key, authorization, anthropic-version, anthropic-beta, ' +
        'anthropic-dangerous-direct-browser-access',
      'access-control-max-age': '600',
    });
    res.end();
  }

  private fail(res: ServerResponse, error: unknown, requestId: string): void {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if (error instanceof BodyError) {
      apiError = new ApiError(error.status === 413 ? 'request_too_large' : 'invalid_request_error', error.message);
      // The rest of an oversized body was not read; the connection cannot carry another request.
      if (error.status === 413) res.setHeader('connection', 'close');
    } else if (error instanceof RequestValidationError) apiError = new ApiError('invalid_request_error', error.message);
    else {
      this.options.log?.(`[server] ${requestId} unexpected error: ${(error as Error)?.stack ?? String(error)}`);
      apiError = new ApiError('api_error', 'Orchids Tray hit an internal error; the details are in its log.');
    }
    if (res.headersSent) {
      if (!res.writableEnded) res.end(`event: error\ndata: ${errorBody(apiError.type, apiError.message)}\n\n`);
      return;
    }
    sendError(res, apiError);
  }
}
