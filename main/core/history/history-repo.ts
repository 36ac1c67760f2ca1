import type { Statement } from 'better-sqlite3';
import type { HistoryQuery as WireHistoryQuery, HistoryView } from '../../../contract/request-views';
import type { Db } from '../db/database';
import type { RequestReport } from '../proxy/observer';
import { isApiName } from '../proxy/api-format';
import { isUpstreamProtocol } from '../upstream/protocol';

/**
 * A stored row holds what the wire's HistoryView holds. app/views.ts still copies it field by field, so a column
 * the core adds later (as `HistoryRow extends HistoryView`) stays in the core until it is put on the wire.
 */
export type HistoryRow = HistoryView;

export interface HistoryQuery extends WireHistoryQuery {
  /** Rows of requests that started at or after this time (ms). */
  since?: number;
}

export interface HistoryEntry {
  report: RequestReport;
  debugLog: string | null;
}

interface Row {
  id: number;
  request_id: string;
  started_at: number;
  account_id: number | null;
  model: string;
  upstream_model: string;
  stream: number;
  status: number;
  stop_reason: string | null;
  input_tokens: number;
  output_tokens: number;
  first_byte_ms: number | null;
  duration_ms: number;
  error_type: string | null;
  error_message: string | null;
  retries: number;
  accounts_tried: string;
  debug_log: string | null;
  protocol: string | null;
  api: string;
  account_name: string | null;
  account_email: string | null;
  accounts_tried_names: string | null;
}

const fromRow = (row: Row): HistoryRow => ({
  id: row.id,
  requestId: row.request_id,
  startedAt: row.started_at,
  accountId: row.account_id,
  model: row.model,
  upstreamModel: row.upstream_model,
  stream: row.stream === 1,
  status: row.status,
  stopReason: row.stop_reason,
  inputTokens: row.input_tokens,
  outputTokens: row.output_tokens,
  firstByteMs: row.first_byte_ms,
  durationMs: row.duration_ms,
  errorType: row.error_type,
  errorMessage: row.error_message,
  retries: row.retries,
  accountsTried: JSON.parse(row.accounts_tried) as number[],
  debugLog: row.debug_log,
  protocol: isUpstreamProtocol(row.protocol) ? row.protocol : null,
  api: isApiName(row.api) ? row.api : 'anthropic',
  accountName: row.account_name,
  accountEmail: row.account_email,
  accountsTriedNames:
    row.accounts_tried_names === null ? [] : (JSON.parse(row.accounts_tried_names) as Array<string | null>),
});

/** The names of the accounts a request tried, in its order, as a JSON array; null for one not known. */
function triedNames(report: RequestReport, nameOf: (id: number) => string | null): string {
  return JSON.stringify(report.accountsTried.map((id) => (id === report.accountId ? report.accountName : nameOf(id))));
}

export class HistoryRepo {
  private readonly insertOne: Statement;
  private readonly byRequestId: Statement<[string], Row>;
  private readonly deleteOlder: Statement<[number]>;
  private readonly deleteBeyond: Statement<[number]>;
  private readonly totals: Statement<
    [number],
    { requests: number; errors: number; input: number | null; output: number | null }
  >;
  private readonly perMinute: Statement<[number], { minute: number; requests: number; errors: number }>;

  constructor(private readonly db: Db) {
    // Positional parameters: binding an array costs measurably less per row than a named-parameter object.
    this.insertOne = db.prepare(
      `INSERT INTO request_history (request_id, started_at, account_id, model, upstream_model, stream, status,
         stop_reason, input_tokens, output_tokens, first_byte_ms, duration_ms, error_type, error_message, retries,
         accounts_tried, debug_log, protocol, api, account_name, account_email, accounts_tried_names)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byRequestId = db.prepare('SELECT * FROM request_history WHERE request_id = ?');
    this.deleteOlder = db.prepare('DELETE FROM request_history WHERE started_at < ?');
    this.deleteBeyond = db.prepare(
      'DELETE FROM request_history WHERE id <= (SELECT id FROM request_history ORDER BY id DESC LIMIT 1 OFFSET ?)',
    );
    this.totals = db.prepare(
      `SELECT count(*) AS requests, sum(status >= 400) AS errors,
              sum(input_tokens) AS input, sum(output_tokens) AS output
       FROM request_history WHERE started_at >= ?`,
    );
    this.perMinute = db.prepare(
      `SELECT started_at / 60000 AS minute, count(*) AS requests, sum(status >= 400) AS errors
       FROM request_history WHERE started_at >= ? GROUP BY minute ORDER BY minute`,
    );
  }

  /**
   * One transaction for the whole batch. `nameOf` gives an account's name now (the writer asks the account cache),
   * for the accounts a request tried besides the one that answered, whose name the report carries: looked up here, at
   * the batch's write, rather than on the request path (compose.ts also remembers the accounts removed while the
   * app runs, for a row that waited in the writer meanwhile).
   */
  readonly insertMany = (
    entries: readonly HistoryEntry[],
    nameOf: (id: number) => string | null = () => null,
  ): void => {
    this.db.transaction((batch: readonly HistoryEntry[]) => {
      for (const { report, debugLog } of batch) {
        this.insertOne.run(
          report.requestId,
          report.startedAt,
          report.accountId,
          report.model,
          report.upstreamModel,
          report.stream ? 1 : 0,
          report.status,
          report.stopReason,
          report.inputTokens,
          report.outputTokens,
          report.firstByteMs,
          report.durationMs,
          report.errorType,
          report.errorMessage,
          report.retries,
          JSON.stringify(report.accountsTried),
          debugLog,
          report.protocol,
          report.api,
          report.accountName,
          report.accountEmail,
          report.accountsTried.length > 1 ? triedNames(report, nameOf) : null,
        );
      }
    })(entries);
  };

  query(query: HistoryQuery = {}): HistoryRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: Math.min(Math.max(query.limit ?? 100, 1), 1000) };
    if (query.beforeId !== undefined) {
      where.push('id < @beforeId');
      params.beforeId = query.beforeId;
    }
    if (query.accountId !== undefined) {
      where.push('account_id = @accountId');
      params.accountId = query.accountId;
    }
    if (query.outcome === 'ok') where.push('status < 400');
    if (query.outcome === 'error') where.push('status >= 400');
    if (query.model) {
      where.push('model = @model');
      params.model = query.model;
    }
    if (query.since !== undefined) {
      where.push('started_at >= @since');
      params.since = query.since;
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sql = `SELECT * FROM request_history ${filter} ORDER BY id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(fromRow);
  }

  get(requestId: string): HistoryRow | undefined {
    const row = this.byRequestId.get(requestId);
    return row && fromRow(row);
  }

  /** Retention: rows older than `olderThan`, and all but the newest `keep`. */
  prune(olderThan: number, keep: number): number {
    return this.deleteOlder.run(olderThan).changes + this.deleteBeyond.run(keep).changes;
  }

  totalsSince(since: number): { requests: number; errors: number; inputTokens: number; outputTokens: number } {
    const row = this.totals.get(since)!;
    return {
      requests: row.requests,
      errors: row.errors ?? 0,
      inputTokens: row.input ?? 0,
      outputTokens: row.output ?? 0,
    };
  }

  perMinuteSince(since: number): Array<{ minute: number; requests: number; errors: number }> {
    return this.perMinute.all(since);
  }
}
