import type { RequestReport } from '../../main/core/proxy/observer';

/** A finished, successful short request on account 1; tests override what they are about. */
export function finishedReport(overrides: Partial<RequestReport> & Pick<RequestReport, 'requestId' | 'startedAt'>) {
  const startedAt = overrides.startedAt;
  const report: RequestReport = {
    api: 'anthropic',
    model: 'claude-sonnet-4-6',
    upstreamModel: 'claude-sonnet-4-6',
    stream: false,
    finishedAt: startedAt + 5,
    status: 200,
    stopReason: 'end_turn',
    inputTokens: 3,
    outputTokens: 4,
    firstByteMs: 2,
    durationMs: 5,
    accountId: 1,
    accountsTried: [1],
    retries: 0,
    protocol: 'sse-a',
    accountName: 'account 1',
    accountEmail: 'user1@example.test',
    errorType: null,
    errorMessage: null,
    ...overrides,
  };
  return report;
}
