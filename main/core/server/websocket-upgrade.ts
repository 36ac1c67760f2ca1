/**
 * A WebSocket handshake on an API path (Codex CLI on its built-in `openai` provider opens `GET /v1/responses` as a
 * WebSocket before it posts): Orchids Tray serves its APIs over plain HTTP only.
 *
 * DECISION: answered 426 Upgrade Required, not the path's 405. Codex 0.171 reads a 426 on its WebSocket handshake as
 * "this server has no WebSocket transport" and posts over HTTP at once for the rest of the session; any other status
 * is a failed connection it retries five times, with back-off, before it falls back (each retry a `Reconnecting…`
 * line on screen and a 405 in the request log). The status names no protocol to switch to (`upgrade` is not set):
 * the one to use is the HTTP/1.1 the client already speaks.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

/** The refusal for a WebSocket handshake on an API path that answers only POST; undefined for any other request. */
export function websocketRefusal(req: IncomingMessage, path: string): ApiError | undefined {
  if (!/^websocket$/i.test(req.headers.upgrade ?? '')) return undefined;
  return new ApiError(
    'invalid_request_error',
    `Orchids Tray serves ${path} over HTTP only, not as a WebSocket: POST the request instead.`,
    426,
  );
}
