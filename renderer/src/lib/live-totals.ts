import type { RequestView, StatsView } from '../../../contract/views';

/** Reports kept while a snapshot is on its way; more than this between two snapshots is a window long asleep. */
const PENDING_LIMIT = 5_000;

/**
 * Today's totals and the per-minute series, moved by live reports between snapshots. Each report carries its
 * number in the core's count and each snapshot says how many it counts, so a report that crosses a snapshot in
 * flight is applied exactly once: not lost when the snapshot lands after it, not doubled when the snapshot already
 * had it.
 */
export class LiveTotals {
  private pending: RequestView[] = [];
  private asked = 0;

  /** Call before asking for a snapshot; pass the returned ticket to `snapshot` so only the newest answer counts. */
  ask(): number {
    return ++this.asked;
  }

  /** The snapshot with every report it does not count yet, or null when a newer snapshot is already on its way. */
  snapshot(ticket: number, stats: StatsView): StatsView | null {
    if (ticket !== this.asked) return null;
    this.pending = this.pending.filter((r) => r.statsSeq > stats.counted);
    return withReports(stats, this.pending);
  }

  /** Keeps live reports until a snapshot counts them. */
  keep(reports: readonly RequestView[]): void {
    this.pending.push(...reports);
    if (this.pending.length > PENDING_LIMIT) this.pending.splice(0, this.pending.length - PENDING_LIMIT);
  }
}

const MINUTES = 60;

/** `stats` moved by the reports it does not count yet; reports come in the order the core numbered them. */
export function withReports(stats: StatsView, reports: readonly RequestView[]): StatsView {
  if (!reports.some((r) => r.statsSeq > stats.counted)) return stats;
  const today = { ...stats.today };
  const perMinute = stats.perMinute.map((m) => ({ ...m }));
  let counted = stats.counted;
  for (const r of reports) {
    if (r.statsSeq <= counted) continue;
    counted = r.statsSeq;
    const failed = r.status >= 400;
    today.requests += 1;
    if (failed) today.errors += 1;
    today.inputTokens += r.inputTokens;
    today.outputTokens += r.outputTokens;
    const minute = Math.floor(r.startedAt / 60_000) * 60_000;
    let slot = perMinute.find((m) => m.minute === minute);
    if (!slot && minute > (perMinute.at(-1)?.minute ?? 0)) {
      perMinute.push((slot = { minute, requests: 0, errors: 0 }));
      perMinute.splice(0, perMinute.length - MINUTES);
    }
    if (slot) {
      slot.requests += 1;
      if (failed) slot.errors += 1;
    }
  }
  return { ...stats, today, perMinute, counted };
}
