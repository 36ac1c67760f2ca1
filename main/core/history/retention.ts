import type { HistoryRepo } from './history-repo';

/** Rows kept at most, whatever the retention in days says: a bound on the file for very busy installs. */
const MAX_ROWS = 200_000;

/**
 * Removes history older than the retention setting. Runs in the history writer after a batch, at most once per
 * `everyMs`, so pruning never lands on the request path and costs one DELETE a minute at most.
 */
export class HistoryRetention {
  private lastPrune = 0;

  constructor(
    private readonly repo: Pick<HistoryRepo, 'prune'>,
    private readonly retentionDays: () => number,
    private readonly now: () => number = Date.now,
    private readonly everyMs = 60_000,
  ) {}

  afterWrite(): void {
    const now = this.now();
    if (now - this.lastPrune <= this.everyMs) return;
    this.lastPrune = now;
    this.repo.prune(now - this.retentionDays() * 86_400_000, MAX_ROWS);
  }
}
