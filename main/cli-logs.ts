import type { Events, OrchidsApi } from '../contract/api';
import { historyCsv } from '../contract/history-csv';
import type { FinishedRequest } from '../contract/request-views';
import type { CliConnection } from './cli-connection';

type Line = (text: string) => void;

/** One line per request, the same for live reports and history rows. */
export function formatRequest(r: FinishedRequest, accountName: (id: number | null) => string): string {
  const time = new Date(r.startedAt).toLocaleTimeString();
  const model = r.model === r.upstreamModel ? r.model : `${r.model} → ${r.upstreamModel}`;
  const account = r.accountId === null ? 'no account' : accountName(r.accountId);
  const parts = [
    time,
    String(r.status),
    model,
    account,
    r.protocol ? `via ${r.protocol}` : '',
    `in ${r.inputTokens} out ${r.outputTokens} tok`,
    r.firstByteMs === null ? '' : `first byte ${r.firstByteMs} ms`,
    `took ${formatDuration(r.durationMs)}`,
    r.retries > 0 ? `${r.retries} ${r.retries === 1 ? 'retry' : 'retries'}` : '',
    r.stopReason ?? (r.errorType ? `${r.errorType}: ${r.errorMessage ?? ''}` : ''),
    r.requestId,
  ];
  return parts.filter(Boolean).join('  ');
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export async function printHistory(api: OrchidsApi, limit: number, out: Line): Promise<void> {
  const rows = await historyLines(api, limit);
  if (rows.length === 0) out('No requests yet.');
  for (const { line } of rows) out(line);
}

/** The last `limit` requests, oldest first, as `logs` prints them. */
async function historyLines(api: OrchidsApi, limit: number): Promise<Array<{ requestId: string; line: string }>> {
  const names = new Map((await api.accounts.list()).map((a) => [a.id, a.name]));
  const rows = (await api.history.query({ limit })).reverse();
  // A removed account keeps the name it had when it served (history stores it).
  const label = (id: number, asThen: string | null): string =>
    `#${id} ${names.get(id) ?? (asThen ? `${asThen} (removed)` : '(removed)')}`;
  return rows.map((row) => ({
    requestId: row.requestId,
    line: formatRequest(row, (id) => (id === null ? '' : label(id, row.accountName))),
  }));
}

/**
 * History for a script or a spreadsheet, newest first: `json` is one array of the rows as the contract's HistoryView
 * has them; `csv` is the file the Logs view's Export CSV writes. Only the data goes to `out`.
 */
export async function exportHistory(api: OrchidsApi, limit: number, format: 'json' | 'csv', out: Line): Promise<void> {
  const rows = await api.history.query({ limit });
  if (format === 'json') {
    out(JSON.stringify(rows, null, 2));
    return;
  }
  const names = new Map((await api.accounts.list()).map((a) => [a.id, a.name]));
  // `out` ends the text with its own LF: only the last LF is left to it, so the last record ends CRLF like every
  // other (RFC 4180), and the file equals the one the Logs view's Export CSV writes.
  out(historyCsv(rows, names).slice(0, -1));
}

export async function printRecord(api: OrchidsApi, requestId: string, out: Line): Promise<boolean> {
  const { row, record } = await api.history.record({ requestId });
  if (!row) return false;
  out(
    JSON.stringify(
      record ?? { note: 'No debug record (debug logging was off, or the record was pruned).', history: row },
      null,
      2,
    ),
  );
  return true;
}

/**
 * Follows the running app's live event stream: one line per finished request, plus account state changes and
 * log lines. Stops when the app does, or when `signal` aborts. With `history`, the last that many requests come
 * first, as `tail -n N -f` starts with the file's last lines.
 */
export async function followLogs(
  connection: CliConnection,
  out: Line,
  signal?: AbortSignal,
  history?: number,
): Promise<void> {
  const { app } = connection;
  if (!app)
    throw new Error(
      `Orchids Tray is not running for ${connection.dataDir} (no runtime.json). ` +
        'Start it with npm run headless or npm start.',
    );
  const names = new Map((await connection.api.accounts.list()).map((a) => [a.id, a.name]));
  const accountName = (id: number | null) => (id === null ? '' : `#${id} ${names.get(id) ?? ''}`.trim());
  const events = app.events(signal);
  try {
    // The stream opens with a status: once it is here, the app is listening to us.
    let announced = false;
    // History is read once the stream listens, so that no request falls between the two; one that finished in
    // that moment is in both, and is printed once.
    let printed = new Set<string>();
    for await (const { name, payload } of events) {
      if (!announced) {
        announced = true;
        if (history !== undefined) {
          const rows = await historyLines(connection.api, history);
          for (const { line } of rows) out(line);
          printed = new Set(rows.map((row) => row.requestId));
        }
        out(`Following ${app.url} (Ctrl+C to stop)`);
      }
      if (name === 'requestsFinished' && printed.size) {
        const fresh = (payload as Events['requestsFinished']).filter((r) => !printed.has(r.requestId));
        printEvent(name, fresh, accountName, out);
      } else printEvent(name, payload, accountName, out);
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
  out('Orchids Tray stopped.');
}

function printEvent(name: keyof Events, payload: unknown, accountName: (id: number | null) => string, out: Line): void {
  if (name === 'requestsFinished') {
    for (const report of payload as Events['requestsFinished']) out(formatRequest(report, accountName));
  } else if (name === 'accountStates') {
    for (const change of payload as Events['accountStates']) {
      const until = change.until ? ` until ${new Date(change.until).toLocaleTimeString()}` : '';
      const reason = change.reason ? ` (${change.reason})` : '';
      out(
        `${new Date(change.at).toLocaleTimeString()}  account ${accountName(change.accountId)}: ` +
          `${change.previous} → ${change.status}${until}${reason}`,
      );
    }
  } else if (name === 'logLines') {
    for (const line of payload as Events['logLines'])
      out(`${new Date(line.at).toLocaleTimeString()}  ${line.level}  ${line.message}`);
  }
}
