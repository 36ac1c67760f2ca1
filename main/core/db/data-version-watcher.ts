import { dataVersion, type Db } from './database';

/**
 * Notices commits made by another connection (the CLI writing while the app runs) by polling SQLite's
 * `data_version`: one tiny pragma per interval, and a callback only when something changed.
 */
export class DataVersionWatcher {
  private timer: NodeJS.Timeout | undefined;
  private last: number;

  constructor(
    private readonly db: Db,
    private readonly onChange: () => void,
    private readonly intervalMs: number,
  ) {
    this.last = dataVersion(db);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** True when another connection committed since the last check (and the callback ran). */
  check(): boolean {
    const current = dataVersion(this.db);
    if (current === this.last) return false;
    this.last = current;
    this.onChange();
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
