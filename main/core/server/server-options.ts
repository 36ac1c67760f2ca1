/**
 * What the proxy server is built with: the contract between the server (http-server.ts) and the app that composes
 * it (compose.ts, core-parts.ts), kept apart so that the app's parts can name it without the server's workings.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MessagesRequest } from '../anthropic/types';
import type { ModelMap } from '../orchids/model-map';
import type { MessagesProxy } from '../proxy/messages-proxy';
import type { ApiRoute } from './api-routes';
import type { ApiError } from './errors';
import type { ServerLimits } from './connection-guard';

/** Anthropic's own limit for Messages API bodies. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface ServerOptions {
  host: string;
  port: number;
  /** Binding beyond loopback exposes the user's accounts to the network: it must be asked for by name. */
  allowNonLoopback: boolean;
  /**
   * How to put the host back to loopback, named in the refusal: a host saved in Settings by someone who did not mean
   * remote mode must not leave them with only "set ORCHIDS_TRAY_ALLOW_REMOTE=1".
   */
  hostUndo?: string;
  /**
   * How to set an API key from a terminal, named in the refusals that want one: printed for this app's folder and
   * platform (printedCommand), so on a non-default folder it sets the key of the app that refused, not the default's.
   */
  setApiKeyCommand?: string;
  maxBodyBytes: number;
  /** Request bodies in flight, in bytes, across all requests (setting requestBodyBudgetMb). */
  bodyBudgetBytes?: () => number;
  /** The key clients must present; '' for none; null when one is stored but unreadable (then nobody gets in). */
  apiKey: () => string | null;
  allowedOrigins: () => readonly string[];
  /** Host names remote clients may use besides the machine's own addresses (setting allowedHosts). */
  allowedHosts?: () => readonly string[];
  /** The machine's own addresses, for remote mode's Host check (default: every network interface's). */
  ownAddresses?: () => string[];
  limits?: Partial<ServerLimits>;
  modelMap: () => ModelMap;
  /**
   * The input-token estimate count_tokens returns: the same one message_start reports. A large body's (see
   * isLargeBody) is worked out in time slices, hence the promise.
   */
  estimateInput: (request: MessagesRequest, bodyBytes: number) => number | Promise<number>;
  health: () => Record<string, unknown>;
  proxy: MessagesProxy;
  /** More API routes under /v1/, after the Anthropic ones. */
  routes?: ApiRoute[];
  /**
   * For a path no route serves: another API's 404 and the format it is answered in, when that API defines the path
   * (OpenAI's `/v1/embeddings`, or `/embeddings` without its `/v1`); undefined for Anthropic's 404.
   */
  unserved?: (
    req: IncomingMessage,
    method: string,
    path: string,
  ) => { error: ApiError; format: Pick<ApiRoute, 'sendError'> } | undefined;
  /**
   * For a path another API defines too (the models list, a model) served by a route in Anthropic's format: that API's
   * format for a refusal (a 405, a model it does not know) when the request is its client's; undefined for Anthropic's.
   */
  sharedPathFormat?: (req: IncomingMessage, path: string) => Pick<ApiRoute, 'sendError'> | undefined;
  /** Serves other paths (the headless dashboard); returns false to fall through to 404. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, url: URL, json: JsonBody) => boolean | Promise<boolean>;
  log?: (line: string) => void;
  /** While paused, /v1 requests get a clear 529 instead of reaching Orchids. */
  paused?: () => boolean;
  /** The command that 529 names, as typed in another terminal (unavailableCommands). */
  resumeCommand?: string;
}

/**
 * Reads the request's body as JSON with every check the `/v1` routes apply (the media type, UTF-8, the encodings),
 * refused past `limit` bytes decoded, and held against the server's body budget until the response is over.
 */
export type JsonBody = (limit: number) => Promise<unknown>;
