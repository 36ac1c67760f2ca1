/**
 * The local day "today" means, in the core's live figures (main/core/history/live-stats.ts) and in the window's
 * running totals (renderer/src/lib/live-totals.ts): one definition, so the two turn the day at the same instant.
 * Pure: it runs in the main process and in the page alike.
 */

/** The local midnight that begins the day holding `at`. */
export function startOfLocalDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The local midnight that ends the day holding `at` (not always 24 h later: clocks change). */
export function startOfNextLocalDay(at: number): number {
  const d = new Date(at);
  d.setHours(24, 0, 0, 0);
  return d.getTime();
}
