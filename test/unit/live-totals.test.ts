import { describe, expect, it } from 'vitest';
import type { RequestView, StatsView } from '../../contract/request-views';
import { LatestRead } from '../../renderer/src/lib/latest-read';
import { asOf, coreClockAhead, withReports } from '../../renderer/src/lib/live-totals';

// Local times, so the tests mean the same midnight in any time zone.
const at = (day: number, h: number, m: number, s = 0): number => new Date(2027, 0, day, h, m, s).getTime();
const minute = (n: number): number => 1_800_000_000_000 + n * 60_000;

function stats(counted: number, requests: number): StatsView {
  return {
    dayStartsAt: new Date(minute(0)).setHours(0, 0, 0, 0),
    nextDayAt: new Date(minute(0)).setHours(24, 0, 0, 0),
    takenAt: minute(1) + 30_000,
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

describe('withReports across local midnight', () => {
  const minuteOf = (t: number): number => Math.floor(t / 60_000) * 60_000;

  /** A snapshot the core took at `takenAt`, with the day it states. */
  function snapshotAt(takenAt: number, counted: number, requests: number): StatsView {
    const day = new Date(takenAt).getDate();
    return {
      ...stats(counted, requests),
      perMinute: [{ minute: minuteOf(takenAt), requests, errors: 0 }],
      dayStartsAt: at(day, 0, 0),
      nextDayAt: at(day + 1, 0, 0),
      takenAt,
    };
  }
  const finished = (seq: number, startedAt: number, finishedAt: number, status = 200): RequestView => ({
    ...report(seq, status, startedAt),
    finishedAt,
  });

  it("the new day's first requests start the new day's totals instead of joining yesterday's", () => {
    const evening = snapshotAt(at(1, 23, 59, 30), 7, 7);
    const moved = withReports(evening, [finished(8, at(2, 0, 0, 5), at(2, 0, 0, 6), 529)]);
    expect(moved.today).toEqual({ requests: 1, errors: 1, inputTokens: 10, outputTokens: 1 });
    expect(moved.dayStartsAt).toBe(at(2, 0, 0));
    // The next report of the new day adds to it, and yesterday's do not come back.
    expect(withReports(moved, [finished(9, at(2, 0, 1), at(2, 0, 1, 2))]).today.requests).toBe(2);
  });

  it('a request that ran across midnight counts in the day it started, as the core counts it', () => {
    const evening = snapshotAt(at(1, 23, 59, 30), 7, 7);
    const before = withReports(evening, [finished(8, at(1, 23, 59, 40), at(1, 23, 59, 50))]);
    expect(before.today.requests).toBe(8);
    const across = withReports(before, [finished(9, at(1, 23, 59, 55), at(2, 0, 0, 20))]);
    expect(across.today).toEqual({ requests: 0, errors: 0, inputTokens: 0, outputTokens: 0 });
    // Its minute still has it: the chart is by start, across the day as the snapshot's is.
    expect(across.perMinute.at(-1)).toEqual({ minute: minuteOf(at(1, 23, 59)), requests: 9, errors: 0 });
    expect(withReports(across, [finished(10, at(2, 0, 0, 30), at(2, 0, 0, 40))]).today.requests).toBe(1);
  });

  it("the day turns where the core says it does, not at the window's own midnight", () => {
    // A core whose day runs 05:00 to 05:00 by the window's reckoning (another time zone, say): the window keeps
    // counting into the core's day past its own midnight, and turns at the core's.
    const core: StatsView = {
      ...snapshotAt(at(1, 23, 59, 30), 7, 7),
      dayStartsAt: at(1, 5, 0),
      nextDayAt: at(2, 5, 0),
    };
    const late = withReports(core, [finished(8, at(2, 0, 0, 5), at(2, 0, 0, 6))]);
    expect(late.today.requests).toBe(8);
    expect(late.dayStartsAt).toBe(at(1, 5, 0));
    const turned = withReports(late, [finished(9, at(2, 5, 0, 1), at(2, 5, 0, 2))]);
    expect(turned.today.requests).toBe(1);
    expect([turned.dayStartsAt, turned.nextDayAt]).toEqual([at(2, 5, 0), at(3, 0, 0)]);
  });
});

describe('asOf: the day turning with no request', () => {
  const evening: StatsView = { ...stats(7, 7), dayStartsAt: at(1, 0, 0), nextDayAt: at(2, 0, 0) };

  it("keeps today's totals until the core's next day starts, then zeroes them and moves to that day", () => {
    expect(asOf(evening, at(1, 23, 59, 59))).toBe(evening);
    const turned = asOf(evening, at(2, 0, 0));
    expect(turned.today).toEqual({ requests: 0, errors: 0, inputTokens: 0, outputTokens: 0 });
    expect([turned.dayStartsAt, turned.nextDayAt]).toEqual([at(2, 0, 0), at(3, 0, 0)]);
    // The chart is the last hour, not the day: it keeps the minutes before midnight.
    expect(turned.perMinute).toEqual(evening.perMinute);
    expect(turned.counted).toBe(7);
    // A report after the turn starts the new day's count, and a second turn at the same instant changes nothing.
    expect(withReports(turned, [report(8, 200, at(2, 0, 0, 5))]).today.requests).toBe(1);
    expect(asOf(turned, at(2, 0, 0))).toBe(turned);
  });

  it("a window asleep across days wakes in the day that holds the instant, counted from the core's", () => {
    const woke = asOf(evening, at(4, 9, 0));
    expect([woke.dayStartsAt, woke.nextDayAt]).toEqual([at(4, 0, 0), at(5, 0, 0)]);
    expect(woke.today.requests).toBe(0);
  });

  it("applied on top of a read taken after midnight, the turn leaves the new day's figures alone", () => {
    const morning: StatsView = { ...stats(9, 2), dayStartsAt: at(2, 0, 0), nextDayAt: at(3, 0, 0) };
    expect(asOf(morning, evening.nextDayAt)).toBe(morning);
  });
});

describe("coreClockAhead: the core's clock against the window's", () => {
  it('reckons the snapshot taken half way between the ask and the answer', () => {
    // Asked at 1,000 and answered at 1,200 by the window's clock; the core's said 31,100: 30 s ahead.
    expect(coreClockAhead(31_100, 1_000, 1_200)).toBe(30_000);
    expect(coreClockAhead(1_100 - 30_000, 1_000, 1_200)).toBe(-30_000);
  });
});
