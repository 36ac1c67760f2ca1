/**
 * OpenAI's error format: `{"error": {"message", "type", "param", "code"}}`. The server and the pipeline raise
 * Anthropic-typed ApiErrors; this maps each to the status and type an OpenAI client expects, so the official SDK
 * raises the error class that fits (BadRequestError, AuthenticationError, RateLimitError, InternalServerError ...).
 */
import type { ServerResponse } from 'node:http';
import type { AnthropicErrorType } from '../anthropic/types';
import { ApiError, ContextOverflowError, ModelNotFoundError, sendJson } from '../server/errors';
import { WrongApiKeyError } from '../server/guards';

/**
 * A request OpenAI's API would refuse, named the way OpenAI names it (`messages[0].content[1].type`). An ApiError,
 * so the server answers it like any other client error, in the route's format.
 */
export class OpenAIRequestError extends ApiError {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    status = 400,
  ) {
    super('invalid_request_error', message, status);
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

export function openAIErrorObject(error: ApiError): Record<string, unknown> {
  if (error instanceof OpenAIRequestError) {
    return { message: error.message, type: 'invalid_request_error', param: error.param, code: error.code };
  }
  if (error instanceof WrongApiKeyError) {
    return {
      message:
        'Incorrect API key provided: it is not the key set in Orchids Tray (Settings → API key, or ' +
        'ORCHIDS_TRAY_API_KEY).',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    };
  }
  if (error instanceof ModelNotFoundError) {
    return {
      message: `The model \`${error.model}\` does not exist or you do not have access to it.`,
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    };
  }
  if (error instanceof ContextOverflowError) {
    return { message: error.message, type: 'invalid_request_error', param: null, code: 'context_length_exceeded' };
  }
  // A known path asked with another method (the server's own 405). OpenAI's type for a request at a wrong URL is
  // invalid_request_error ("Invalid URL (GET /)", code null); what code its 405 carries is not published, so the
  // code names the case for a client to branch on.
  if (error.status === 405) {
    return { message: error.message, type: 'invalid_request_error', param: null, code: 'method_not_allowed' };
  }
  const { type, code } = MAPPING[error.type] ?? { type: 'server_error', code: null };
  return { message: error.message, type, param: null, code };
}

export function sendOpenAIError(res: ServerResponse, error: ApiError): void {
  sendJson(res, openAIStatus(error), JSON.stringify({ error: openAIErrorObject(error) }), error.headers);
}
