/**
 * History rows as CSV (RFC 4180), for a spreadsheet or a script: `npm run cli -- logs --csv` and the Logs view's
 * Export CSV write the same file through this one function, so the two never drift apart. Pure: it runs in the CLI
 * and in the page alike.
 */
import type { HistoryQuery, HistoryView } from './request-views';

/** Rows the window reads for one export at most: a bound on memory and on how long the button stays busy. */
export const HISTORY_EXPORT_CAP = 50_000;

/** The most rows one `history:query` answers (schemas.ts). */
const HISTORY_PAGE = 1000;

/**
 * Every row `where` matches, newest first, read a page at a time through `query` until none is left or `cap` rows
 * are in; `capped` says older matching rows were left out.
 */
export async function collectHistory(
  query: (q: HistoryQuery) => Promise<HistoryView[]>,
  where: Omit<HistoryQuery, 'limit' | 'beforeId'>,
  cap = HISTORY_EXPORT_CAP,
  page = HISTORY_PAGE,
): Promise<{ rows: HistoryView[]; capped: boolean }> {
  const rows: HistoryView[] = [];
  for (;;) {
    const limit = Math.min(page, cap - rows.length);
    const got = await query({ ...where, limit, beforeId: rows.at(-1)?.id });
    rows.push(...got);
    // One more row tells a history of exactly the cap from one the cap cut short.
    if (rows.length >= cap)
      return { rows, capped: (await query({ ...where, limit: 1, beforeId: rows.at(-1)!.id })).length > 0 };
    if (got.length < limit) return { rows, capped: false };
  }
}

/**
 * The label the Logs view shows for an account: its name now, or, once it is removed, the name history kept from
 * when it served. Empty for a request no account served.
 */
export function historyAccountLabel(
  id: number | null,
  asThen: string | null,
  currentNames: ReadonlyMap<number, string>,
): string {
  if (id === null) return '';
  const current = currentNames.get(id);
  if (current) return current;
  return asThen ? `${asThen} (removed)` : `#${id}`;
}

/**
 * The name history kept for each account the request tried, in order: the row's own for each (null for one it did
 * not know), or, for a request one account served (history keeps no list then), the row's accountName for that one.
 */
export function historyTriedNamesThen(row: HistoryView): Array<string | null> {
  return row.accountsTried.map(
    (id, at) => row.accountsTriedNames[at] ?? (id === row.accountId ? row.accountName : null),
  );
}

/** Each account the request tried, in order, labelled as historyAccountLabel labels one (`#id` with no name known). */
export function historyTriedLabels(row: HistoryView, currentNames: ReadonlyMap<number, string>): string[] {
  const then = historyTriedNamesThen(row);
  return row.accountsTried.map((id, at) => historyAccountLabel(id, then[at]!, currentNames));
}

type Cell = string | number | boolean | null;

// Column order is the file's contract with whoever reads it: new columns go at the end. No debug record body, no
// cookie, token or key: history holds none, and only these fields are written.
// DECISION: the accounts a request tried are two new columns at the end, ids and names, rather than a change to
// `account_id`/`account` (the serving account, which a spreadsheet may already read): `accounts_tried_ids` holds the
// ids separated by a space (a script splits on whitespace; no quoting needed), `accounts_tried` their names joined by
// " → " as the window's Accounts tried shows them (a name may hold any character, so no separator is unambiguous; the
// ids column is the exact one). Both are filled for a request one account served too, so neither needs `account` as
// a fallback, and empty for one no account was tried for.
const COLUMNS: ReadonlyArray<readonly [string, (row: HistoryView, account: string, tried: string) => Cell]> = [
  ['time', (r) => new Date(r.startedAt).toISOString()],
  ['request_id', (r) => r.requestId],
  ['api', (r) => r.api],
  ['model', (r) => r.model],
  ['upstream_model', (r) => r.upstreamModel],
  ['stream', (r) => r.stream],
  ['status', (r) => r.status],
  ['account_id', (r) => r.accountId],
  ['account', (_r, account) => account],
  ['account_email', (r) => r.accountEmail],
  ['input_tokens', (r) => r.inputTokens],
  ['output_tokens', (r) => r.outputTokens],
  ['first_byte_ms', (r) => r.firstByteMs],
  ['duration_ms', (r) => r.durationMs],
  ['retries', (r) => r.retries],
  ['protocol', (r) => r.protocol],
  ['stop_reason', (r) => r.stopReason],
  ['error_type', (r) => r.errorType],
  ['error_message', (r) => r.errorMessage],
  ['accounts_tried_ids', (r) => r.accountsTried.join(' ')],
  ['accounts_tried', (_r, _account, tried) => tried],
];

export const HISTORY_CSV_HEADER: readonly string[] = COLUMNS.map(([name]) => name);

/** One field: quoted only when it holds a comma, a quote, CR or LF; quotes inside doubled; null is empty. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The whole file: a header row, then one record per row in the order given, each ended by CRLF as RFC 4180 says.
 * `currentNames` maps account ids to their names now, as the Logs view labels them.
 */
export function historyCsv(rows: readonly HistoryView[], currentNames: ReadonlyMap<number, string>): string {
  const lines = [HISTORY_CSV_HEADER.map(csvField).join(',')];
  for (const row of rows) {
    const account = historyAccountLabel(row.accountId, row.accountName, currentNames);
    const tried = historyTriedLabels(row, currentNames).join(' → ');
    lines.push(COLUMNS.map(([, cell]) => csvField(cell(row, account, tried))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
