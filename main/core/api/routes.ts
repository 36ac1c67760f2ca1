import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Routes served beside the Messages API, each answering in its own API's format. The HTTP server keeps what is
 * common to every /v1 route (Host and Origin checks, the API-key rule, body limits and decoding) and hands a route
 * these to apply, so the rules cannot drift apart between APIs.
 */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Without the query string or a trailing slash. */
  path: string;
  requestId: string;
  receivedAt: number;
  /** The API-key rule of every /v1 route; throws an ApiError (authentication_error) when the key is wrong. */
  authorize(): void;
  /** The body as JSON, with the server's content-type rule, size limit and decoding; throws BodyError or ApiError. */
  readJson(): Promise<unknown>;
  /** Paused from the tray or the window: requests get a clear "paused" error instead of reaching Orchids. */
  paused(): boolean;
}

export type RouteHandler = (context: RouteContext) => Promise<void>;

export interface ApiRoutes {
  /** The handler serving this path, or undefined when the table has none (the server then routes it itself). */
  match(path: string): RouteHandler | undefined;
}
