import type { EventBus } from '../events/event-bus';
import type { HistoryEntry } from '../history/history-repo';
import type { LiveStats } from '../history/live-stats';
import type { DebugLogWriter } from '../logs/debug-log-writer';
import { DebugTrace, debugFileName } from '../logs/debug-trace';
import type { QueueWriter } from '../writers/queue-writer';
import type { ProxyObserver, RequestReport, RequestStart, RequestTrace } from './observer';

export interface CoreObserverDeps {
  bus: EventBus;
  history: QueueWriter<HistoryEntry>;
  logs: DebugLogWriter;
  stats: LiveStats;
  debugLogs: () => boolean;
  now?: () => number;
}

/**
 * Where each request's story goes once told: one history row (always), one debug record (while debug logging is
 * on), the live totals, and the event stream. Every step is a queue push or an in-memory update.
 */
export class CoreObserver implements ProxyObserver {
  private readonly traces = new Map<string, DebugTrace>();

  constructor(private readonly deps: CoreObserverDeps) {}

  requestStarted(start: RequestStart): void {
    if (this.deps.bus.subscriberCount === 0) return;
    this.deps.bus.publish({
      type: 'request.started',
      requestId: start.requestId,
      at: start.startedAt,
      model: start.model,
      stream: start.stream,
    });
  }

  trace(requestId: string, startedAt: number): RequestTrace | undefined {
    if (!this.deps.debugLogs() || !this.deps.logs.admit()) return undefined;
    const trace = new DebugTrace(requestId, debugFileName(startedAt, requestId), startedAt, this.deps.now);
    this.traces.set(requestId, trace);
    return trace;
  }

  requestFinished(report: RequestReport): void {
    const trace = this.traces.get(report.requestId);
    let debugLog: string | null = null;
    if (trace) {
      this.traces.delete(report.requestId);
      if (this.deps.logs.enqueue(trace.finish(report), true)) debugLog = trace.file;
    }
    this.deps.history.enqueue({ report, debugLog });
    const statsSeq = this.deps.stats.record(report);
    if (this.deps.bus.subscriberCount > 0) {
      this.deps.bus.publish({ type: 'request.finished', report, debugLog, statsSeq });
    }
  }
}
