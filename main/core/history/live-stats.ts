import { startOfLocalDay, startOfNextLocalDay } from '../../../contract/local-day';
import type { RequestReport } from '../proxy/observer';
import type { HistoryRepo } from './history-repo';

export interface DayTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
}

export interface StatsSnapshot {
  today: DayTotals;
  /** The last 60 minutes, oldest first, one entry per minute (zeros included) for the requests-per-minute chart. */
  perMinute: Array<{ minute: number; requests: number; errors: number }>;
  /**
   * How many finished requests these figures include since the app started. A live report numbered above it is
   * not in them yet; one at or below it is, so a window that reads a snapshot while reports stream in neither
   * loses nor doubles one.
   */
  counted: number;
  /** The local midnight that began the day `today` counts, by the core's clock and time zone. */
  dayStartsAt: number;
  /** The local midnight that ends it: the window zeroes its "today" there without asking the core what day it is. */
  nextDayAt: number;
  /** The core's clock when it took the snapshot: the window times its wait for `nextDayAt` by it, not by its own. */
  takenAt: number;
}

const MINUTES = 60;

/**
 * Today's totals and a per-minute series kept in memory, so the window's overview never queries SQLite while
 * requests flow. Seeded from history at start, so a restart does not reset "today".
 */
export class LiveStats {
  /** When "today" starts and ends (local midnights): number compares per request instead of building a date string. */
  private dayStartsAt = 0;
  private nextDayAt = 0;
  private today: DayTotals = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0 };
  private readonly minutes = new Map<number, { requests: number; errors: number }>();
  private counted = 0;

  constructor(private readonly now: () => number = Date.now) {}

  seed(history: HistoryRepo): void {
    const now = this.now();
    this.dayStartsAt = startOfLocalDay(now);
    this.nextDayAt = startOfNextLocalDay(now);
    this.today = history.totalsSince(this.dayStartsAt);
    for (const row of history.perMinuteSince(now - MINUTES * 60_000)) {
      this.minutes.set(row.minute, { requests: row.requests, errors: row.errors });
    }
  }

  /** Counts a finished request and returns its number in the `counted` sequence. */
  record(report: RequestReport): number {
    this.rollDay(report.finishedAt);
    const failed = report.status >= 400;
    // A request belongs to the day it started in, as the seed from history counts it (started_at), so one that runs
    // across midnight is in neither day's live figures twice, nor moves day when the app restarts.
    if (report.startedAt >= this.dayStartsAt) {
      this.today.requests += 1;
      if (failed) this.today.errors += 1;
      this.today.inputTokens += report.inputTokens;
      this.today.outputTokens += report.outputTokens;
    }
    const minute = Math.floor(report.startedAt / 60_000);
    let slot = this.minutes.get(minute);
    if (!slot) {
      // A new minute: the only time the map grows, so the only time it may need trimming.
      slot = { requests: 0, errors: 0 };
      this.minutes.set(minute, slot);
      if (this.minutes.size > MINUTES * 2) this.trim(minute);
    }
    slot.requests += 1;
    if (failed) slot.errors += 1;
    return ++this.counted;
  }

  snapshot(): StatsSnapshot {
    const now = this.now();
    this.rollDay(now);
    const current = Math.floor(now / 60_000);
    const perMinute: StatsSnapshot['perMinute'] = [];
    for (let minute = current - MINUTES + 1; minute <= current; minute++) {
      const slot = this.minutes.get(minute);
      perMinute.push({ minute: minute * 60_000, requests: slot?.requests ?? 0, errors: slot?.errors ?? 0 });
    }
    const { dayStartsAt, nextDayAt } = this;
    return { today: { ...this.today }, perMinute, counted: this.counted, dayStartsAt, nextDayAt, takenAt: now };
  }

  private rollDay(at: number): void {
    if (at < this.nextDayAt) return;
    this.dayStartsAt = startOfLocalDay(at);
    this.nextDayAt = startOfNextLocalDay(at);
    this.today = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0 };
  }

  private trim(current: number): void {
    for (const minute of this.minutes.keys()) if (minute <= current - MINUTES) this.minutes.delete(minute);
  }
}
