import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestValidationError } from '../anthropic/validate-checks';
import type { ApiRoute } from './api-routes';
import { cliCommand } from '../util/cli-command';
import { ApiError, errorBody, sendError } from './errors';
import { BodyError } from './json-body';
import { ClientGoneError } from './read-body';

/** Seconds a client is told to wait when the body budget or the connection reserve turns it away. */
const BUSY_RETRY_AFTER_S = 2;

/** The client errors every layer below may throw, as the answer they get; undefined for a real internal error. */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof BodyError) {
    switch (error.status) {
      case 413:
        return new ApiError('request_too_large', error.message);
      case 529:
        return busy(error.message);
      case 415:
        return new ApiError('invalid_request_error', error.message, 415);
      default:
        return new ApiError('invalid_request_error', error.message, error.status);
    }
  }
  if (error instanceof RequestValidationError) return new ApiError('invalid_request_error', error.message);
  // decodeURIComponent on a path with a broken %-escape, wherever it happened.
  if (error instanceof URIError) return new ApiError('invalid_request_error', 'The URL has invalid percent-encoding.');
  return undefined;
}

export function busy(message: string): ApiError {
  return new ApiError('overloaded_error', message, 529, { 'retry-after': String(BUSY_RETRY_AFTER_S) });
}

/** The plain form, for a server composed without its folder's command (tests, the bench). */
export const SET_API_KEY_COMMAND = cliCommand('settings set apiKey <key>');

export function unreadableKey(setApiKeyCommand = SET_API_KEY_COMMAND): ApiError {
  return new ApiError(
    'authentication_error',
    "Orchids Tray's stored API key cannot be read (its key file, secret.key, changed). " +
      `Set a new one in Settings or with: ${setApiKeyCommand}`,
  );
}

export function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ApiError('invalid_request_error', 'The URL has invalid percent-encoding.');
  }
}

/**
 * The request target as a URL for the other routes. Leading slashes and backslashes are collapsed first: `//x` or
 * `/\\x` would otherwise be read as a host name (and a bad one throws).
 */
export function parseTarget(raw: string): URL {
  try {
    return new URL(raw.replace(/^[/\\]+/, '/'), 'http://localhost');
  } catch {
    throw new ApiError('invalid_request_error', 'The request target is not a valid URL path.');
  }
}

/** A browser's CORS preflight from an allowed origin (checkOrigin already refused the others). */
export function answerPreflight(res: ServerResponse, origin: string | undefined): void {
  if (!origin) throw new ApiError('not_found_error', 'Preflight without an Origin.');
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers':
      'content-type, content-encoding, x-api-key, authorization, anthropic-version, anthropic-beta, ' +
      'anthropic-dangerous-direct-browser-access',
    'access-control-max-age': '600',
  });
  res.end();
}

export interface FailureContext {
  requestId: string;
  /** The route the request was for, when known: a refusal is answered in that route's API format. */
  route: Pick<ApiRoute, 'sendError'> | undefined;
  log: ((line: string) => void) | undefined;
  /** The client left mid-upload: counted, never logged (it used to be a five-line stack per stalled upload). */
  clientGone: () => void;
}

/** Whatever went wrong, answered in the API's own error format; an internal error is logged and named as such. */
export function answerFailure(req: IncomingMessage, res: ServerResponse, error: unknown, ctx: FailureContext): void {
  if (error instanceof ClientGoneError) {
    ctx.clientGone();
    res.destroy();
    return;
  }
  const apiError = toApiError(error);
  if (!apiError) {
    ctx.log?.(`[server] ${ctx.requestId} unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  }
  const answer =
    apiError ?? new ApiError('api_error', 'Orchids Tray hit an internal error; the details are in its log.');
  // A body refused as too large (or undecodable) is not read on: the connection closes after the answer. A body
  // refused for the budget is at most the body limit, so it is read and discarded instead, and the client, still
  // sending it, gets the 529 to retry on rather than a broken pipe.
  if (!req.complete && (answer.status === 413 || answer.status === 415)) res.setHeader('connection', 'close');
  const route = ctx.route;
  if (res.headersSent) {
    // An event stream of Anthropic's can carry the error; another API's stream just ends.
    if (!res.writableEnded) {
      if (route?.sendError) res.end();
      else res.end(`event: error\ndata: ${errorBody(answer.type, answer.message)}\n\n`);
    }
    return;
  }
  if (route?.sendError) {
    route.sendError(res, answer);
    return;
  }
  sendError(res, answer);
}
