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
import { sendJson } from '../server/errors';
import { ChatFormat } from './chat-format';
import { readChatRequest } from './chat-request';
import { goalStoppedMessage, idleGoalTurns, MAX_IDLE_GOAL_TURNS } from './goal-turns';
import { OpenAIRequestError, sendOpenAIError } from './errors';
import { ResponsesFormat } from './responses-format';
import { readResponsesRequest } from './responses-request';

interface OpenAIRoutesDeps {
  proxy: MessagesProxy;
  /** The input-token estimate `/v1/messages/count_tokens` returns, for the same request read from Responses' body. */
  estimateInput: (request: MessagesRequest, bodyBytes: number) => number | Promise<number>;
  /** While paused, requests get a clear "paused" error instead of reaching Orchids. */
  paused: () => boolean;
  /** The command that error names, as typed in another terminal (unavailableCommands). */
  resumeCommand?: string;
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
  // Before the stored-response prefix routes, which would take both paths for a response id.
  const inputTokens: ApiRoute = {
    method: 'POST',
    path: '/v1/responses/input_tokens',
    sendError: sendOpenAIError,
    handle: async (ctx) => {
      const { request } = readResponsesRequest(await ctx.json());
      const count = await deps.estimateInput(request, ctx.bodyBytes);
      sendJson(ctx.res, 200, JSON.stringify({ object: 'response.input_tokens', input_tokens: count }));
    },
  };
  const compact: ApiRoute = {
    method: 'POST',
    path: '/v1/responses/compact',
    sendError: sendOpenAIError,
    handle: () => {
      throw new OpenAIRequestError(
        'Orchids Tray does not offer compaction (POST /v1/responses/compact): the Orchids upstream has no ' +
          'compacted state to return. Compact by asking for a summary in an ordinary POST /v1/responses turn, ' +
          'as Codex does with a custom model provider.',
        null,
        'not_found',
        404,
      );
    },
  };
  return [
    { method: 'POST', path: '/v1/chat/completions', sendError: sendOpenAIError, handle: chat },
    { method: 'POST', path: '/v1/responses', sendError: sendOpenAIError, handle: responses },
    inputTokens,
    compact,
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
    if (deps.paused()) throw pausedError(deps.resumeCommand);
    const { req, res, requestId, receivedAt } = ctx;
    const options = { format, incoming: body, bodyBytes: ctx.bodyBytes, genBRefusal };
    await deps.proxy.handle(request, req, res, requestId, receivedAt, options);
  };
}
