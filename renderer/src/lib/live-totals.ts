import { startOfNextLocalDay } from '../../../contract/local-day';
import type { RequestView, StatsView } from '../../../contract/request-views';

const MINUTES = 60;

/**
 * `stats` as of the instant `at` on the core's clock: past the core's `nextDayAt`, "today" is a new day with nothing
 * in it yet (the next read brings its figures). Which day the totals are and where it ends are the core's, from the
 * core's clock and time zone, as every snapshot states them.
 */
export function asOf(stats: StatsView, at: number): StatsView {
  if (at < stats.nextDayAt) return stats;
  return { ...stats, today: { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0 }, ...dayAfter(stats, at) };
}

/**
 * How far the core's clock is ahead of the window's (behind, when negative), from a snapshot's `takenAt` and the
 * window's clock when it asked and when the answer came: the core took it in between, reckoned half way.
 */
export function coreClockAhead(takenAt: number, askedAt: number, answeredAt: number): number {
  return takenAt - (askedAt + answeredAt) / 2;
}

/**
 * The day that holds `at`, counted on from the core's `nextDayAt`, where the day after the core's begins. Only that
 * day's end is reckoned here, and a re-read within half a minute replaces both with the core's own.
 */
function dayAfter(day: Pick<StatsView, 'nextDayAt'>, at: number): Pick<StatsView, 'dayStartsAt' | 'nextDayAt'> {
  let dayStartsAt = day.nextDayAt;
  let nextDayAt = startOfNextLocalDay(dayStartsAt);
  while (at >= nextDayAt) [dayStartsAt, nextDayAt] = [nextDayAt, startOfNextLocalDay(nextDayAt)];
  return { dayStartsAt, nextDayAt };
}

/**
 * `stats` moved by the reports it does not count yet; reports come in the order the core numbered them. Each report
 * carries its number in the core's count and each snapshot says how many it counts, so a report that crosses a
 * snapshot in flight is applied once: not lost when the snapshot lands after it, not doubled when it already had it.
 * Days turn as in the core's LiveStats: a report finished after midnight starts the new day's totals, and a request
 * counts in the day it started, so one running across midnight is in neither day's live totals (history has it in
 * the day before, where the next snapshot keeps it).
 */
export function withReports(stats: StatsView, reports: readonly RequestView[]): StatsView {
  if (!reports.some((r) => r.statsSeq > stats.counted)) return stats;
  let today = { ...stats.today };
  let day = { dayStartsAt: stats.dayStartsAt, nextDayAt: stats.nextDayAt };
  const perMinute = stats.perMinute.map((m) => ({ ...m }));
  let counted = stats.counted;
  for (const r of reports) {
    if (r.statsSeq <= counted) continue;
    counted = r.statsSeq;
    const failed = r.status >= 400;
    if (r.finishedAt >= day.nextDayAt) {
      day = dayAfter(day, r.finishedAt);
      today = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0 };
    }
    if (r.startedAt >= day.dayStartsAt) {
      today.requests += 1;
      if (failed) today.errors += 1;
      today.inputTokens += r.inputTokens;
      today.outputTokens += r.outputTokens;
    }
    const minute = Math.floor(r.startedAt / 60_000) * 60_000;
    let slot = perMinute.find((m) => m.minute === minute);
    if (!slot && minute > (perMinute.at(-1)?.minute ?? 0)) slot = openMinute(perMinute, minute);
    if (slot) {
      slot.requests += 1;
      if (failed) slot.errors += 1;
    }
  }
  return { ...stats, today, perMinute, counted, ...day };
}

/**
 * Opens `minute` at the end of the hour the way the core's snapshot draws it: one entry per minute, the quiet ones
 * empty, the last sixty minutes only. Pushing the one new minute alone made a request after a quiet spell stretch
 * the sixty entries over more than an hour until the next snapshot.
 */
function openMinute(perMinute: StatsView['perMinute'], minute: number): StatsView['perMinute'][number] {
  const hourStart = minute - (MINUTES - 1) * 60_000;
  const last = perMinute.at(-1)?.minute;
  for (let m = Math.max(hourStart, last === undefined ? minute : last + 60_000); m < minute; m += 60_000) {
    perMinute.push({ minute: m, requests: 0, errors: 0 });
  }
  const slot = { minute, requests: 0, errors: 0 };
  perMinute.push(slot);
  const firstKept = perMinute.findIndex((m) => m.minute >= hourStart);
  perMinute.splice(0, firstKept);
  return slot;
}
