/**
 * A WebSocket handshake on an API path (Codex CLI on its built-in `openai` provider opens `GET /v1/responses` as a
 * WebSocket before it posts): Orchids Tray serves its APIs over plain HTTP only.
 *
 * DECISION: answered 426 Upgrade Required, not the path's 405. Codex 0.171 reads a 426 on its WebSocket handshake as
 * "this server has no WebSocket transport" and posts over HTTP at once for the rest of the session; any other status
 * is a failed connection it retries five times, with back-off, before it falls back (each retry a `Reconnecting…`
 * line on screen and a 405 in the request log). The status names no protocol to switch to (`upgrade` is not set):
 * the one to use is the HTTP/1.1 the client already speaks.
 *
 * DECISION: a handshake without the right key is answered 400, not 401, with the same OpenAI-format body
 * (`invalid_api_key` and the proxy's words). Codex 0.171 retries a handshake's 401 (or 403) five times, falls back to
 * HTTP and retries the POST's 401 five more (about 14 s of `Reconnecting…` lines), and stops at once on a handshake's
 * 400, showing the body. The key is refused either way; only the status tells Codex not to ask again.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

const WEBSOCKET = /^websocket$/i;

/** The refusal for a WebSocket handshake on an API path that answers only POST; undefined for any other request. */
export function websocketRefusal(req: IncomingMessage, path: string): ApiError | undefined {
  if (!WEBSOCKET.test(req.headers.upgrade ?? '')) return undefined;
  return new ApiError(
    'invalid_request_error',
    `Orchids Tray serves ${path} over HTTP only, not as a WebSocket: POST the request instead.`,
    426,
  );
}

/** A missing or wrong key on a WebSocket handshake, as a 400 (see above); any other failure as it is. */
export function handshakeKeyRefusal(req: IncomingMessage, error: unknown): unknown {
  if (!(error instanceof ApiError) || error.status !== 401 || !WEBSOCKET.test(req.headers.upgrade ?? '')) return error;
  return error.withStatus(400);
}
