import { RequestValidationError } from '../anthropic/validate';
import { ApiError } from './errors';
import { BodyError } from './json-body';

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
        return new ApiError('invalid_request_error', error.message);
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

export function unreadableKey(): ApiError {
  return new ApiError(
    'authentication_error',
    "Orchids Tray's stored API key cannot be read (its key file, secret.key, changed). " +
      'Set a new one in Settings or with: npm run cli -- settings set apiKey <key>',
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
