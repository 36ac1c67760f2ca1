/**
 * OpenAI's error format: `{"error": {"message", "type", "param", "code"}}`. The pipeline raises Anthropic-typed
 * ApiErrors; this maps each to the status and type an OpenAI client expects, so the official SDK raises the
 * error class that fits (BadRequestError, AuthenticationError, RateLimitError, InternalServerError ...).
 */
import type { ServerResponse } from 'node:http';
import type { AnthropicErrorType } from '../anthropic/types';
import { RequestValidationError } from '../anthropic/validate';
import { ApiError, sendJson } from '../server/errors';
import { BodyError } from '../server/json-body';

/** A request OpenAI's API would refuse, named the way OpenAI names it (`messages[0].content[1].type`). */
export class OpenAIRequestError extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'OpenAIRequestError';
  }
}

const MAPPING: Record<AnthropicErrorType, { type: string; code: string | null }> = {
  invalid_request_error: { type: 'invalid_request_error', code: null },
  // What OpenAI answers for a missing or wrong key.
  authentication_error: { type: 'invalid_request_error', code: 'invalid_api_key' },
  // What OpenAI answers when an account's credit is used up.
  billing_error: { type: 'insufficient_quota', code: 'insufficient_quota' },
  permission_error: { type: 'permission_error', code: null },
  not_found_error: { type: 'invalid_request_error', code: 'not_found' },
  request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  rate_limit_error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  api_error: { type: 'server_error', code: null },
  overloaded_error: { type: 'server_error', code: 'overloaded' },
};

/** Anthropic's 529 is no HTTP status OpenAI uses; an overloaded OpenAI server answers 503. */
export function openAIStatus(error: ApiError): number {
  return error.status === 529 ? 503 : error.status;
}

export function openAIErrorObject(error: ApiError | OpenAIRequestError): Record<string, unknown> {
  if (error instanceof OpenAIRequestError) {
    return { message: error.message, type: 'invalid_request_error', param: error.param, code: error.code };
  }
  const { type, code } = MAPPING[error.type] ?? { type: 'server_error', code: null };
  return { message: error.message, type, param: null, code };
}

export function sendOpenAIError(res: ServerResponse, error: ApiError | OpenAIRequestError): void {
  const status = error instanceof OpenAIRequestError ? error.status : openAIStatus(error);
  const headers = error instanceof ApiError ? error.headers : {};
  sendJson(res, status, JSON.stringify({ error: openAIErrorObject(error) }), headers);
}

/**
 * Anything a route may throw, as an error to show: the server's own body errors and validation errors keep their
 * meaning; anything else is an internal error, whose details go to the log, not to the client.
 */
export function asClientError(error: unknown, log: (line: string) => void): ApiError | OpenAIRequestError {
  if (error instanceof OpenAIRequestError || error instanceof ApiError) return error;
  if (error instanceof BodyError) {
    return new ApiError(error.status === 413 ? 'request_too_large' : 'invalid_request_error', error.message);
  }
  if (error instanceof RequestValidationError) return new OpenAIRequestError(error.message);
  log(`[openai] unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  return new ApiError('api_error', 'Orchids Tray hit an internal error; the details are in its log.');
}
