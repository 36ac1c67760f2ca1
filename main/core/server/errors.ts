import { STATUS_CODES, type ServerResponse } from 'node:http';
import { ERROR_STATUS, type AnthropicErrorType } from '../anthropic/types';

/** An error the client should see, in Anthropic's format and with the status Anthropic pairs with its type. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly type: AnthropicErrorType,
    message: string,
    status?: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status ?? ERROR_STATUS[type];
  }

  /** The same refusal under another status: its class, and so its wording in each API's format, kept. */
  withStatus(status: number): ApiError {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as ApiError;
    return Object.defineProperties(copy, {
      ...Object.getOwnPropertyDescriptors(this),
      status: { value: status, enumerable: true },
    });
  }
}

/**
 * The upstream found the conversation longer than the model's context window. Its message begins as Anthropic's own
 * does ("prompt is too long"), the words Claude Code reads to compact its history and try again; the OpenAI routes
 * answer it with OpenAI's code for it (`context_length_exceeded`), which Codex reads the same way. pi reads neither
 * type nor code, on either API: it matches its error message against vendors' phrases, "prompt is too long" among
 * them, so the OpenAI routes keep these words too (pi-tui-summaries.test.ts).
 */
export class ContextOverflowError extends ApiError {
  constructor(detail: string) {
    super(
      'invalid_request_error',
      `prompt is too long: the conversation does not fit the model's context window (${detail}). ` +
        'Compact it or start a new one.',
      400,
    );
    this.name = 'ContextOverflowError';
  }
}

/** Anthropic's error body; a non-streamed one also names its request, as the SDKs' `ErrorResponse` reads it. */
export function errorBody(type: AnthropicErrorType, message: string, requestId?: string): string {
  const body = { type: 'error', error: { type, message } };
  return JSON.stringify(requestId === undefined ? body : { ...body, request_id: requestId });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, reasonPhrase(status), {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  // The server set the header before any handler ran, so every error answered here has one.
  const requestId = res.getHeader('request-id');
  const body = errorBody(error.type, error.message, typeof requestId === 'string' ? requestId : undefined);
  sendJson(res, error.status, body, error.headers);
}

/**
 * `GET /v1/models/{id}` of an id the model table does not have. Anthropic's API words it `model: <id>`; OpenAI's
 * format gives it OpenAI's own wording and `model_not_found` code (openai/errors.ts), which its SDKs and clients match.
 */
export class ModelNotFoundError extends ApiError {
  constructor(readonly model: string) {
    super('not_found_error', `model: ${model}`);
    this.name = 'ModelNotFoundError';
  }
}

/**
 * A known path asked with a method it does not take: a 405 that names the ones it does, in `Allow` too. Typed
 * `invalid_request_error`: Anthropic's error list (docs.anthropic.com, "HTTP errors") pairs each type with one status
 * and says that type is also used "for other 4XX status codes not listed", and 405 is not listed. `not_found_error`
 * would tell a client the path does not exist, when it does.
 */
export function methodNotAllowed(path: string, allow: string, method: string | undefined): ApiError {
  return new ApiError('invalid_request_error', `${path} accepts ${allow}, not ${method ?? 'GET'}.`, 405, { allow });
}

/** Node has no phrase for Anthropic's 529 and would write "unknown" on the status line. */
export function reasonPhrase(status: number): string {
  return status === 529 ? 'Overloaded' : (STATUS_CODES[status] ?? 'Error');
}

/**
 * A header value quoted back in an error, cut to its first 40 characters: the value is the client's and unbounded
 * (a 3,000-character charset came back whole), and its start is enough to recognise it.
 */
export function quotedHeaderValue(value: string): string {
  return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
}
