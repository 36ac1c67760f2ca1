import type {
  AccountCount,
  DebugRecordResult,
  HistoryQuery,
  HistoryView,
  StatsView,
} from '../../../contract/request-views';
import type { HistoryEntry, HistoryRepo } from '../history/history-repo';
import type { LiveStats } from '../history/live-stats';
import type { DebugLogWriter } from '../logs/debug-log-writer';
import type { SecretRedactor } from '../logs/redact';
import type { QueueWriter } from '../writers/queue-writer';
import { debugRecordView, historyView } from './views';

export interface HistoryAppDeps {
  repo: HistoryRepo;
  writer: QueueWriter<HistoryEntry>;
  debugLogs: DebugLogWriter;
  redactor: SecretRedactor;
  stats: LiveStats;
  counts: () => AccountCount[];
}

/** Finished requests: the history table, each request's debug record, and today's live totals. */
export class HistoryApp {
  constructor(private readonly deps: HistoryAppDeps) {}

  /**
   * Rows are written in batches (up to a second late), so the queue is written first: a request that finished a
   * moment ago is in the answer, as the person who just sent it expects (`logs` right after a request).
   */
  async query(query: HistoryQuery): Promise<HistoryView[]> {
    await this.deps.writer.flushNow();
    return this.deps.repo.query(query).map(historyView);
  }

  /** One request's history row and debug record, including a request that finished a moment ago. */
  async record(requestId: string): Promise<DebugRecordResult> {
    const { repo, writer, debugLogs } = this.deps;
    // A request that finished a moment ago may still be in the writers' queues.
    if (!repo.get(requestId)) await Promise.all([writer.flushNow(), debugLogs.flushNow()]);
    const row = repo.get(requestId) ?? null;
    if (row?.debugLog) await debugLogs.flushNow();
    const record = row?.debugLog ? ((await debugLogs.read(row.debugLog)) ?? null) : null;
    return { row: row && historyView(row), record: record && debugRecordView(record) };
  }

  /**
   * Another source of secrets the app holds (the install token), redacted from every debug record, history row,
   * account reason and log line.
   */
  redactSecrets(source: () => readonly string[]): void {
    this.deps.redactor.addSource(source);
  }

  stats(): StatsView {
    return { ...this.deps.stats.snapshot(), accounts: this.deps.counts() };
  }
}
