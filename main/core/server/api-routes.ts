import type { IncomingMessage, ServerResponse } from 'node:http';
import { validateMessagesRequest } from '../anthropic/validate';
import type { MessagesRequest } from '../anthropic/types';
import { codexCatalog, isCodexCatalogQuery } from '../api/codex-models';
import { findModel, isClaudeCodeDiscovery, listModels } from '../api/models-list';
import type { ModelMap } from '../orchids/model-map';
import type { MessagesProxy } from '../proxy/messages-proxy';
import { pausedError } from '../proxy/unavailable';
import { ApiError, ModelNotFoundError, sendJson } from './errors';

/** What a route's handler gets: the request, its id, and the body reader that applies every limit. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  receivedAt: number;
  /** The path, without its query string or a trailing slash. */
  path: string;
  /** For a prefix route, what follows the prefix, percent-decoded. */
  rest: string;
  /** The query string without its `?` ('' when there is none). */
  query: string;
  /**
   * Reads the body as JSON: the content type must be JSON in UTF-8; `Content-Encoding` is decoded; the decoded
   * size is held to the body limit and reserved from the body budget; large bodies are parsed without stalling
   * other clients. Throws the right client error for each failure.
   */
  json(): Promise<unknown>;
  /** The decoded body's size in bytes, once json() has read it (0 before). */
  bodyBytes: number;
}

/**
 * One API route under `/v1/`. The server runs its checks (Host, Origin, the API key, the connection reserve)
 * before any handler, answers HEAD for every GET route, and 405 for a known path with another method. To add a
 * route, add an entry to `anthropicRoutes` or pass more in `ServerOptions.routes` (the OpenAI routes are).
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** An exact path, or a prefix ending in `/` whose remainder becomes `ctx.rest`. */
  path: string;
  handle: (ctx: RouteContext) => void | Promise<void>;
  /**
   * Answers every error of this route, the server's own refusals included (a missing key, a body too large, the
   * budget's 529, a 405), in the route's API format: its body, and the status that API uses. Default: Anthropic's
   * `{"type":"error","error":{…}}` with the error's status. Errors after the headers went out end the response.
   */
  sendError?: (res: ServerResponse, error: ApiError) => void;
}

interface AnthropicRouteOptions {
  modelMap: () => ModelMap;
  /** The input-token estimate count_tokens returns: the same one message_start reports. */
  estimateInput: (request: MessagesRequest, bodyBytes: number) => number | Promise<number>;
  proxy: MessagesProxy;
  /** While paused, requests that would reach Orchids get a clear 529 instead. */
  paused?: () => boolean;
  /** The command the 529 names, as typed in another terminal (unavailableCommands). */
  resumeCommand?: string;
}

export function anthropicRoutes(options: AnthropicRouteOptions): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/v1/models',
      handle: ({ req, res, query }) => {
        const map = options.modelMap();
        // Codex CLI asks with its own query parameter for its own shape (its model catalog); every other client
        // reads the Anthropic/OpenAI list.
        const body = isCodexCatalogQuery(query)
          ? codexCatalog(map)
          : listModels(map, query, isClaudeCodeDiscovery(req.headers['user-agent']));
        sendJson(res, 200, JSON.stringify(body));
      },
    },
    {
      method: 'GET',
      path: '/v1/models/',
      handle: ({ res, rest }) => {
        const model = findModel(options.modelMap(), rest);
        if (!model) throw new ModelNotFoundError(rest);
        sendJson(res, 200, JSON.stringify(model));
      },
    },
    {
      method: 'POST',
      path: '/v1/messages/count_tokens',
      handle: async (ctx) => {
        const request = validateMessagesRequest(await ctx.json(), { requireMaxTokens: false });
        const inputTokens = await options.estimateInput(request, ctx.bodyBytes);
        sendJson(ctx.res, 200, JSON.stringify({ input_tokens: inputTokens }));
      },
    },
    {
      method: 'POST',
      path: '/v1/messages',
      handle: async (ctx) => {
        const request = validateMessagesRequest(await ctx.json(), { requireMaxTokens: true });
        if (options.paused?.()) throw pausedError(options.resumeCommand);
        await options.proxy.handle(request, ctx.req, ctx.res, ctx.requestId, ctx.receivedAt, {
          bodyBytes: ctx.bodyBytes,
        });
      },
    },
  ];
}

/**
 * The route for `path`, or, when the path is known but not for this method, the methods it allows and one of its
 * routes, whose API format the 405 is answered in.
 */
export type FoundRoute = { route: ApiRoute; rest: string } | { allowed: string[]; sameFormat: ApiRoute };

export function findRoute(routes: readonly ApiRoute[], method: string, path: string): FoundRoute | undefined {
  const wanted = method === 'HEAD' ? 'GET' : method;
  // Made only for a 405: every served request passes through here.
  let allowed: string[] | undefined;
  let sameFormat: ApiRoute | undefined;
  for (const route of routes) {
    const prefix = route.path.endsWith('/');
    const matches = prefix ? path.startsWith(route.path) && path.length > route.path.length : path === route.path;
    if (!matches) continue;
    // A path a route names exactly (`/v1/responses/input_tokens`) is no prefix route's remainder (a stored response's
    // id) with another method: a 405. Exact routes come before the prefix routes they sit under.
    if (prefix && sameFormat && !sameFormat.path.endsWith('/')) continue;
    if (route.method === wanted) return { route, rest: prefix ? path.slice(route.path.length) : '' };
    (allowed ??= []).push(route.method === 'GET' ? 'GET, HEAD' : route.method);
    sameFormat ??= route;
  }
  return sameFormat ? { allowed: allowed!, sameFormat } : undefined;
}

/**
 * A word for a client whose path is one of these routes with `/v1` doubled or left out, the commonest setup slip: a
 * base URL ending in `/v1` for a client that adds its own (the Anthropic SDK, Claude Code), or one without it for a
 * client that does not (OpenAI's SDK, most IDEs). Empty when the path is no such near miss.
 */
export function baseUrlHint(routes: readonly ApiRoute[], method: string, path: string): string {
  const served = (candidate: string): boolean => {
    const found = findRoute(routes, method, candidate);
    return found !== undefined && 'route' in found;
  };
  if (path.startsWith('/v1/v1/') && served(path.slice(3))) {
    return ' The path has /v1 twice: this client adds /v1 itself, so its base URL should not end in /v1.';
  }
  if (!path.startsWith('/v1/') && served(`/v1${path}`)) {
    return ` Did you mean /v1${path}? A client that does not add /v1 itself takes a base URL ending in /v1.`;
  }
  return '';
}

type ErrorFormat = Pick<ApiRoute, 'sendError'>;

/**
 * The API format a refusal is answered in: a route's own; on a path another API defines too, served in Anthropic's
 * format (the models list, a model: its 405, its 404), `shared`'s when the request is that API's client's; on a path
 * no route serves,
 * `unserved`'s (the API that defines the path), else Anthropic's (undefined). Worked out only when there is a refusal
 * to answer, so that a request served without one pays nothing for it.
 */
export function refusalFormat(
  found: FoundRoute | undefined,
  unserved: ErrorFormat | undefined,
  shared: () => ErrorFormat | undefined,
): ErrorFormat | undefined {
  if (!found) return unserved;
  const own = 'route' in found ? found.route : found.sameFormat;
  return own.sendError ? own : (shared() ?? own);
}
