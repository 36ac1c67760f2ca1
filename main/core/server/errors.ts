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

/** Node has no phrase for Anthropic's 529 and would write "unknown" on the status line. */
export function reasonPhrase(status: number): string {
  return status === 529 ? 'Overloaded' : (STATUS_CODES[status] ?? 'Error');
}
