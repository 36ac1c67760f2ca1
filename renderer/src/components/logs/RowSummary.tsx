import type { FinishedRequest, HistoryView } from '../../lib/api';
import { formatDateTime, formatMs } from '../../lib/format';

/** What each API is called in the window. */
export const API_LABEL: Record<HistoryView['api'], string> = {
  anthropic: 'Messages',
  'openai-chat': 'Chat Completions',
  'openai-responses': 'Responses',
};

type Row = Omit<FinishedRequest, 'debugLog'>;
type AccountName = (id: number | null, asThen?: string | null) => string;

/** A request's facts as label and value, as the window shows them. */
function summaryItems(row: Row, accountName: AccountName): Array<[string, string]> {
  // The row kept the name of the account that answered: a removed one reads "Work (removed)" in both places, not
  // "#2" in the second. Another account tried, then removed, has only its id in the row to go by.
  const triedName = (id: number): string => accountName(id, id === row.accountId ? row.accountName : null);
  const items: Array<[string, string]> = [
    ['Started', formatDateTime(row.startedAt)],
    // Debug records written before the API was recorded have none.
    ['API', row.api ? API_LABEL[row.api] : '—'],
    ['Account', accountName(row.accountId, row.accountName)],
    ['Model', row.upstreamModel && row.upstreamModel !== row.model ? `${row.model} → ${row.upstreamModel}` : row.model],
    ['Streaming', row.stream ? 'yes' : 'no'],
    ['Upstream protocol', row.protocol ?? '—'],
    ['Status', String(row.status)],
    ['Stop reason', row.stopReason ?? '—'],
    ['Tokens in / out', `${row.inputTokens} / ${row.outputTokens}`],
    ['First byte', formatMs(row.firstByteMs)],
    ['Duration', formatMs(row.durationMs)],
    ['Retries', String(row.retries)],
    ['Accounts tried', row.accountsTried.length ? row.accountsTried.map(triedName).join(' → ') : '—'],
  ];
  if (row.errorType) items.push(['Error', `${row.errorType}: ${row.errorMessage ?? ''}`]);
  return items;
}

/** The same facts as text, one a line under the request's id: what Copy puts on the clipboard for a bug report. */
export function rowSummaryText(row: Row, accountName: AccountName): string {
  const lines = summaryItems(row, accountName).map(([k, v]) => `${k}: ${v}`);
  return `Request ${row.requestId}\n${lines.join('\n')}\n`;
}

/** Facts that are sentences, not figures: squeezed into one column of the grid, a failure's reason took six lines. */
const WHOLE_ROW = new Set(['Error']);

/** A request's facts as a definition list: the history row, or a debug record's summary. */
export function RowSummary({ row, accountName }: { row: Row; accountName: AccountName }) {
  return (
    <dl className="kv">
      {summaryItems(row, accountName).map(([k, v]) => (
        <div key={k} className={WHOLE_ROW.has(k) ? 'kv-item kv-item-whole' : 'kv-item'}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
