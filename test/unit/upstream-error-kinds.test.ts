import { describe, expect, it } from 'vitest';
import { failureFromStatus, failureFromUpstreamError } from '../../main/core/orchids/failure';

/**
 * Generation B has no frame of its own for credits or quota (spec §10 item 13): only the code and message of an
 * `error` frame say it, in words the original matched by substring. Each row is a spelling seen in the original's
 * code or tests, or a plain variant of one.
 */
describe('failureFromUpstreamError: which account state an error frame means', () => {
  it.each([
    ['credits_exhausted', 'You have run out of credits.', 'quota'],
    ['upstream_error', 'Credits exhausted for this billing period', 'quota'],
    ['bad_request', 'insufficient_funds', 'quota'],
    ['quota_limit', 'no remaining quota', 'quota'],
    ['http_402', '402 Payment Required', 'quota'],
    ['rate_limit', 'Too Many Requests', 'rate_limited'],
    ['http_429', '429 slow down', 'rate_limited'],
    ['unauthorized', 'no active sessions', 'signed_out'],
    ['http_403', '403 Forbidden', 'blocked'],
    ['llm_unavailable', 'the model is overloaded', 'server'],
    ['internal_error', 'boom', 'server'],
    ['timeout', 'deadline exceeded', 'timeout'],
    ['bad_request', 'input is too long', 'client'],
    ['something_new', 'a message nobody has seen', 'unknown'],
  ] as const)('%s / "%s" is %s', (code, message, kind) => {
    const failure = failureFromUpstreamError(code, message);
    expect(failure.kind).toBe(kind);
    expect(failure.message).toBe(`Orchids reported ${code}: ${message}`);
  });

  it('a credits message wins over the bad_request code it came with, and is never read as a wrong body shape', () => {
    expect(failureFromUpstreamError('bad_request', 'You have run out of credits.')).toEqual({
      kind: 'quota',
      message: 'Orchids reported bad_request: You have run out of credits.',
    });
  });

  it('a bad_request about the body may mean a wrong protocol while one is being probed', () => {
    expect(failureFromUpstreamError('bad_request', 'messages must be an array')).toMatchObject({
      kind: 'client',
      mismatch: 'unless-confirmed',
    });
  });

  it.each([
    ['bad_request', 'input is too long'],
    ['context_window_exceeded', 'the conversation exceeds the window'],
    ['invalid_request_error', 'prompt is too long: 212000 tokens > 200000 maximum'],
    ['upstream_error', "This model's maximum context length is 400000 tokens (context_length_exceeded)"],
  ])('%s / "%s" says the conversation outgrew the model, which the client can compact', (code, message) => {
    expect(failureFromUpstreamError(code, message)).toMatchObject({ kind: 'client', contextOverflow: true });
  });

  it.each([
    ['max_token_limit', 'max_tokens is above the limit'],
    ['bad_request', 'messages must be an array'],
    ['credits_exhausted', 'input is too long to bill: out of credits'],
  ])('%s / "%s" is not a context overflow', (code, message) => {
    expect(failureFromUpstreamError(code, message).contextOverflow).toBeUndefined();
  });
});

describe('failureFromStatus: a context overflow in an HTTP refusal', () => {
  it('a 400 whose body says the input is too long is one; a 400 about something else, or a 413, is not', () => {
    expect(failureFromStatus(400, '{"error":"input is too long"}')).toMatchObject({
      kind: 'client',
      status: 400,
      contextOverflow: true,
    });
    expect(failureFromStatus(400, '{"error":"messages must be an array"}').contextOverflow).toBeUndefined();
    // A body too large for the server's limit is not about the model's window.
    expect(failureFromStatus(413, 'Request Entity Too Large').contextOverflow).toBeUndefined();
    // Only the request's own fault: a 500 quoting the words stays a server failure to retry.
    expect(failureFromStatus(500, 'input is too long').contextOverflow).toBeUndefined();
  });
});
