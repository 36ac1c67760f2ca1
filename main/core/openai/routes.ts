/**
 * The OpenAI routes: `POST /v1/chat/completions` and `POST /v1/responses`. Each converts its request to the
 * Messages API and hands it to the same MessagesProxy as `/v1/messages`, with the format its answer is written in;
 * every error, from a missing key to a failed upstream, comes back in OpenAI's format.
 */
import type { MessagesRequest } from '../anthropic/types';
import type { ApiRoutes, RouteHandler } from '../api/routes';
import type { ApiFormat } from '../proxy/api-format';
import type { MessagesProxy } from '../proxy/messages-proxy';
import { ApiError } from '../server/errors';
import { BodyError } from '../server/json-body';
import { ChatFormat } from './chat-format';
import { readChatRequest } from './chat-request';
import { asClientError, OpenAIRequestError, sendOpenAIError } from './errors';
import { ResponsesFormat } from './responses-format';
import { readResponsesRequest } from './responses-request';

interface OpenAIRoutesDeps {
  proxy: MessagesProxy;
  log: (line: string) => void;
}

type Convert = (body: unknown) => { request: MessagesRequest; format: ApiFormat };

export function openAIRoutes(deps: OpenAIRoutesDeps): ApiRoutes {
  const chat = serve(deps, (body) => {
    const { request, options } = readChatRequest(body);
    return { request, format: new ChatFormat(options) };
  });
  const responses = serve(deps, (body) => {
    const { request, options } = readResponsesRequest(body);
    return { request, format: new ResponsesFormat(options) };
  });
  // Nothing to look up: guarded() turns the throw into the OpenAI error answer.
  const stored = guarded(deps, (context) => {
    throw new OpenAIRequestError(
      `Orchids Tray keeps no responses, so ${context.method} ${context.path} has nothing to find: ` +
        'it answers POST /v1/responses statelessly. ' +
        'Send the whole conversation in "input" instead of previous_response_id.',
      null,
      'not_found',
      404,
    );
  });
  return {
    match(path) {
      if (path === '/v1/chat/completions') return chat;
      if (path === '/v1/responses') return responses;
      return path.startsWith('/v1/responses/') ? stored : undefined;
    },
  };
}

/** A POST route: the key, the method, the body, the conversion, then the shared pipeline. */
function serve(deps: OpenAIRoutesDeps, convert: Convert): RouteHandler {
  return guarded(deps, async (context) => {
    if (context.method !== 'POST') {
      throw new OpenAIRequestError(
        `${context.path} accepts POST, not ${context.method}.`,
        null,
        'method_not_allowed',
        405,
      );
    }
    const body = await context.readJson();
    const { request, format } = convert(body);
    if (context.paused()) {
      throw new ApiError(
        'overloaded_error',
        'Orchids Tray is paused. Resume it from the tray menu or the window.',
        529,
      );
    }
    const { req, res, requestId, receivedAt } = context;
    await deps.proxy.handle(request, req, res, requestId, receivedAt, { format, incoming: body });
  });
}

/** Authorises, runs, and answers whatever was thrown in OpenAI's format. */
function guarded(deps: OpenAIRoutesDeps, handler: RouteHandler): RouteHandler {
  return async (context) => {
    try {
      context.authorize();
      await handler(context);
    } catch (error) {
      const { res } = context;
      if (res.headersSent) {
        if (!res.writableEnded) res.end();
        return;
      }
      // The rest of an oversized body was not read; the connection cannot carry another request.
      if (error instanceof BodyError && error.status === 413) res.setHeader('connection', 'close');
      sendOpenAIError(res, asClientError(error, deps.log));
    }
  };
}
