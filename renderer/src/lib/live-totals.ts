import type { RequestView, StatsView } from '../../../contract/request-views';

const MINUTES = 60;

/**
 * `stats` moved by the reports it does not count yet; reports come in the order the core numbered them. Each report
 * carries its number in the core's count and each snapshot says how many it counts, so a report that crosses a
 * snapshot in flight is applied once: not lost when the snapshot lands after it, not doubled when it already had it.
 */
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
