import { describe, expect, it } from 'vitest';
import { failureFromUpstreamError } from '../../main/core/orchids/failure';

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
});
