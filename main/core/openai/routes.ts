/**
 * The OpenAI routes: `POST /v1/chat/completions` and `POST /v1/responses`, as entries of the server's one route
 * table. Each converts its request to the Messages API and hands it to the same MessagesProxy as `/v1/messages`,
 * with the format its answer is written in. The server applies the same key rule and body handling as to every
 * other route (content type and encoding, size limit, body budget, a parse that yields); every error, from a
 * missing key to a failed upstream, comes back in OpenAI's format.
 */
import type { MessagesRequest } from '../anthropic/types';
import type { ApiFormat } from '../proxy/api-format';
import type { MessagesProxy } from '../proxy/messages-proxy';
import { pausedError } from '../proxy/unavailable';
import type { ApiRoute, RouteContext } from '../server/api-routes';
import { ChatFormat } from './chat-format';
import { readChatRequest } from './chat-request';
import { goalStoppedMessage, idleGoalTurns, MAX_IDLE_GOAL_TURNS } from './goal-turns';
import { OpenAIRequestError, sendOpenAIError } from './errors';
import { ResponsesFormat } from './responses-format';
import { readResponsesRequest } from './responses-request';

interface OpenAIRoutesDeps {
  proxy: MessagesProxy;
  /** While paused, requests get a clear "paused" error instead of reaching Orchids. */
  paused: () => boolean;
}

type Convert = (body: unknown) => { request: MessagesRequest; format: ApiFormat; genBRefusal?: string };

export function openAIRoutes(deps: OpenAIRoutesDeps): ApiRoute[] {
  const chat = serve(deps, (body) => {
    const { request, options } = readChatRequest(body);
    return { request, format: new ChatFormat(options) };
  });
  const responses = serve(deps, (body) => {
    const { request, options } = readResponsesRequest(body);
    // Read after the body passed as valid: a turn of Codex's goal loop that Generation B would never end.
    const idle = idleGoalTurns((body as { input?: unknown }).input);
    const genBRefusal = idle >= MAX_IDLE_GOAL_TURNS ? goalStoppedMessage(idle) : undefined;
    return { request, format: new ResponsesFormat(options), genBRefusal };
  });
  // Retrieving, cancelling or deleting a stored response: nothing is stored to find.
  const stored = (method: ApiRoute['method']): ApiRoute => ({
    method,
    path: '/v1/responses/',
    sendError: sendOpenAIError,
    handle: (ctx) => {
      throw new OpenAIRequestError(
        `Orchids Tray keeps no responses, so ${method} ${ctx.path} has nothing to find: ` +
          'it answers POST /v1/responses statelessly. ' +
          'Send the whole conversation in "input" instead of previous_response_id.',
        null,
        'not_found',
        404,
      );
    },
  });
  return [
    { method: 'POST', path: '/v1/chat/completions', sendError: sendOpenAIError, handle: chat },
    { method: 'POST', path: '/v1/responses', sendError: sendOpenAIError, handle: responses },
    stored('GET'),
    stored('POST'),
    stored('DELETE'),
  ];
}

/** A POST route: the body, the conversion, then the shared pipeline. */
function serve(deps: OpenAIRoutesDeps, convert: Convert): (ctx: RouteContext) => Promise<void> {
  return async (ctx) => {
    const body = await ctx.json();
    const { request, format, genBRefusal } = convert(body);
    if (deps.paused()) throw pausedError();
    const { req, res, requestId, receivedAt } = ctx;
    const options = { format, incoming: body, bodyBytes: ctx.bodyBytes, genBRefusal };
    await deps.proxy.handle(request, req, res, requestId, receivedAt, options);
  };
}
