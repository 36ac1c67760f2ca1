import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/core/db/database';
import { HistoryRepo } from '../../main/core/history/history-repo';
import { startOfLocalDay } from '../../contract/local-day';
import { LiveStats } from '../../main/core/history/live-stats';
import type { RequestReport } from '../../main/core/proxy/observer';
import { finishedReport } from '../helpers/request-report';
import { tempDir } from '../helpers/temp-dir';

function report(at: number, status = 200): RequestReport {
  return finishedReport({
    requestId: `req_${at}_${status}`,
    startedAt: at,
    finishedAt: at + 10,
    model: 'm',
    upstreamModel: 'm',
    status,
    stopReason: status === 200 ? 'end_turn' : null,
    inputTokens: 10,
    outputTokens: 5,
    firstByteMs: 3,
    durationMs: 10,
    errorType: status === 200 ? null : 'api_error',
  });
}

describe('LiveStats', () => {
  const noon = new Date(2026, 10, 25, 12, 0, 0).getTime();

  it('keeps today’s totals and a zero-filled per-minute series of the last hour', () => {
    let now = noon;
    const stats = new LiveStats(() => now);
    expect(stats.record(report(noon - 30 * 60_000))).toBe(1);
    expect(stats.record(report(noon - 60_000, 529))).toBe(2);
    expect(stats.record(report(noon - 60_000))).toBe(3);
    const snapshot = stats.snapshot();
    expect(snapshot.counted).toBe(3); // every report numbered up to 3 is in these figures
    expect(snapshot.today).toEqual({ requests: 3, errors: 1, inputTokens: 30, outputTokens: 15 });
    expect(snapshot.perMinute).toHaveLength(60);
    expect(snapshot.perMinute.at(-1)!.minute).toBe(Math.floor(noon / 60_000) * 60_000);
    expect(snapshot.perMinute.at(-2)).toMatchObject({ requests: 2, errors: 1 });
    expect(snapshot.perMinute.reduce((sum, m) => sum + m.requests, 0)).toBe(3);
    now = noon + 45 * 60_000; // the half-hour-old request has left the hour
    expect(stats.snapshot().perMinute.reduce((sum, m) => sum + m.requests, 0)).toBe(2);
  });

  it('starts a new day at local midnight; each snapshot states its day and the time by the core’s clock', () => {
    let now = noon;
    const stats = new LiveStats(() => now);
    stats.record(report(noon));
    const midnight = new Date(2026, 10, 26).getTime();
    expect(stats.snapshot()).toMatchObject({ dayStartsAt: new Date(2026, 10, 25).getTime(), nextDayAt: midnight });
    now = midnight - 1;
    expect(stats.snapshot()).toMatchObject({ today: { requests: 1 }, nextDayAt: midnight, takenAt: midnight - 1 });
    const tomorrow = midnight + 60_000;
    now = tomorrow;
    expect(stats.snapshot()).toMatchObject({ dayStartsAt: midnight, nextDayAt: new Date(2026, 10, 27).getTime() });
    expect(stats.snapshot().today.requests).toBe(0);
    stats.record(report(tomorrow));
    expect(stats.snapshot().today.requests).toBe(1);
  });

  it('counts a request that runs across midnight in the day it started, as a restart would', () => {
    const midnight = startOfLocalDay(noon) + 24 * 3600_000;
    let now = midnight + 30_000;
    const stats = new LiveStats(() => now);
    stats.record(report(midnight - 60_000));
    const late = { ...report(midnight - 20_000), finishedAt: midnight + 20_000, durationMs: 40_000 };
    expect(stats.record(late)).toBe(2); // numbered all the same, so the window's sequence has no hole
    expect(stats.snapshot().today.requests).toBe(0);
    stats.record(report(midnight + 10_000));
    now = midnight + 60_000;
    expect(stats.snapshot().today).toEqual({ requests: 1, errors: 0, inputTokens: 10, outputTokens: 5 });

    const db = openDatabase(path.join(tempDir('orchids-stats-'), 'db.sqlite'));
    const history = new HistoryRepo(db);
    history.insertMany([late, report(midnight + 10_000)].map((r) => ({ report: r, debugLog: null })));
    const restarted = new LiveStats(() => now);
    restarted.seed(history);
    expect(restarted.snapshot().today).toEqual(stats.snapshot().today);
    db.close();
  });

  it('is seeded from history, so a restart does not reset today', () => {
    const db = openDatabase(path.join(tempDir('orchids-stats-'), 'db.sqlite'));
    const history = new HistoryRepo(db);
    history.insertMany(
      [report(noon - 3600_000), report(noon - 120_000, 500), report(startOfLocalDay(noon) - 1000)].map((r) => ({
        report: r,
        debugLog: null,
      })),
    );
    const stats = new LiveStats(() => noon);
    stats.seed(history);
    expect(stats.snapshot().today).toEqual({ requests: 2, errors: 1, inputTokens: 20, outputTokens: 10 });
    expect(stats.snapshot().perMinute.find((m) => m.requests > 0)).toMatchObject({ requests: 1, errors: 1 });
    db.close();
  });
});

describe('history retention', () => {
  it('removes rows older than the age limit and beyond the newest N, oldest first', () => {
    const db = openDatabase(path.join(tempDir('orchids-history-'), 'db.sqlite'));
    const history = new HistoryRepo(db);
    const day = 86_400_000;
    const now = Date.UTC(2026, 10, 25);
    history.insertMany(
      [40, 20, 3, 2, 1, 0].map((ageDays) => ({ report: report(now - ageDays * day), debugLog: null })),
    );
    expect(history.prune(now - 30 * day, 1000)).toBe(1); // the 40-day-old row
    expect(history.prune(0, 3)).toBe(2); // keep the newest three
    expect(history.query({ limit: 10 }).map((row) => Math.round((now - row.startedAt) / day))).toEqual([0, 1, 2]);
    db.close();
  });
});
