import { describe, expect, it } from 'vitest';
import type { RequestView, StatsView } from '../../contract/request-views';
import { LatestRead } from '../../renderer/src/lib/latest-read';
import { withReports } from '../../renderer/src/lib/live-totals';

const minute = (n: number): number => 1_800_000_000_000 + n * 60_000;

function stats(counted: number, requests: number): StatsView {
  return {
    today: { requests, errors: 0, inputTokens: requests * 10, outputTokens: requests },
    perMinute: [
      { minute: minute(0), requests: 0, errors: 0 },
      { minute: minute(1), requests, errors: 0 },
    ],
    counted,
    accounts: [],
  };
}

function report(statsSeq: number, status = 200, at = minute(1) + 5_000): RequestView {
  return {
    requestId: `req_${statsSeq}`,
    startedAt: at,
    finishedAt: at + 10,
    model: 'm',
    upstreamModel: 'm',
    stream: true,
    status,
    stopReason: null,
    inputTokens: 10,
    outputTokens: 1,
    firstByteMs: 1,
    durationMs: 10,
    accountId: 1,
    accountsTried: [1],
    retries: 0,
    protocol: 'ws',
    api: 'anthropic',
    accountName: null,
    accountEmail: null,
    errorType: null,
    errorMessage: null,
    debugLog: null,
    statsSeq,
  };
}

describe('withReports', () => {
  it('adds only the reports the snapshot does not count, once each', () => {
    const moved = withReports(stats(3, 3), [report(2), report(3), report(4), report(4), report(5, 529)]);
    expect(moved.today).toEqual({ requests: 5, errors: 1, inputTokens: 50, outputTokens: 5 });
    expect(moved.perMinute.at(-1)).toEqual({ minute: minute(1), requests: 5, errors: 1 });
    expect(moved.counted).toBe(5);
    expect(withReports(moved, [report(5)])).toBe(moved);
  });

  it('opens a new minute at the end of the hour and drops the oldest past sixty', () => {
    const full: StatsView = {
      ...stats(0, 0),
      perMinute: Array.from({ length: 60 }, (_, i) => ({ minute: minute(i - 59), requests: 0, errors: 0 })),
    };
    const moved = withReports(full, [report(1, 200, minute(1) + 1)]);
    expect(moved.perMinute).toHaveLength(60);
    expect(moved.perMinute.at(-1)).toEqual({ minute: minute(1), requests: 1, errors: 0 });
    expect(moved.perMinute[0]!.minute).toBe(minute(-58));
  });

  it('a request after a quiet spell keeps one entry per minute and an hour of them, as the snapshot draws it', () => {
    const full: StatsView = {
      ...stats(0, 0),
      perMinute: Array.from({ length: 60 }, (_, i) => ({
        minute: minute(i - 59),
        requests: i === 59 ? 2 : 0,
        errors: 0,
      })),
    };
    const moved = withReports(full, [report(1, 200, minute(10) + 1)]);
    expect(moved.perMinute).toHaveLength(60);
    expect(moved.perMinute.map((m) => m.minute)).toEqual(Array.from({ length: 60 }, (_, i) => minute(i - 49)));
    expect(moved.perMinute.find((m) => m.minute === minute(0))).toEqual({ minute: minute(0), requests: 2, errors: 0 });
    expect(moved.perMinute.at(-1)).toEqual({ minute: minute(10), requests: 1, errors: 0 });
    expect(moved.perMinute.slice(50, 59).every((m) => m.requests === 0)).toBe(true);
  });

  it('a request more than an hour after the last keeps only the new hour', () => {
    const moved = withReports(stats(0, 4), [report(1, 200, minute(200) + 1)]);
    expect(moved.perMinute.map((m) => m.minute)).toEqual(Array.from({ length: 60 }, (_, i) => minute(i + 141)));
    expect(moved.perMinute.reduce((n, m) => n + m.requests, 0)).toBe(1);
  });
});

describe('statistics read through LatestRead, moved by withReports', () => {
  const moving = (reports: RequestView[]) => (s: StatsView) => withReports(s, reports);

  it('a snapshot taken before reports that arrive ahead of it loses none of them', () => {
    const read = new LatestRead<StatsView>();
    const ticket = read.ask();
    read.keep(moving([report(4), report(5)])); // finished after the snapshot was taken, delivered before it landed
    expect(read.answer(ticket, stats(3, 3))!.today.requests).toBe(5);
  });

  it('a snapshot that already counts the reports delivered after it does not count them twice', () => {
    const read = new LatestRead<StatsView>();
    const ticket = read.ask();
    read.keep(moving([report(4), report(5)])); // already in the snapshot below
    const current = read.answer(ticket, stats(5, 5))!;
    expect(current.today.requests).toBe(5);
    expect(withReports(current, [report(4), report(5)]).today.requests).toBe(5);
    // A report kept while the next read is on its way is applied on top of it only if it does not count it.
    const next = read.ask();
    read.keep(moving([report(6)]));
    expect(read.answer(next, stats(5, 5))!.today.requests).toBe(6);
    const third = read.ask();
    read.keep(moving([report(6)]));
    expect(read.answer(third, stats(6, 6))!.today.requests).toBe(6);
  });

  it('only the answer to the newest question is used', () => {
    const read = new LatestRead<StatsView>();
    const older = read.ask();
    const newer = read.ask();
    expect(read.answer(older, stats(1, 1))).toBeNull();
    expect(read.answer(newer, stats(2, 2))!.today.requests).toBe(2);
  });
});
