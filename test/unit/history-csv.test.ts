import { describe, expect, it } from 'vitest';
import {
  collectHistory,
  csvField,
  HISTORY_CSV_HEADER,
  historyAccountLabel,
  historyCsv,
} from '../../contract/history-csv';
import type { HistoryQuery, HistoryView } from '../../contract/request-views';
import { parseCsv } from '../helpers/csv';

const row = (over: Partial<HistoryView> = {}): HistoryView => ({
  id: 1,
  requestId: 'req_a1',
  startedAt: Date.UTC(2026, 11, 1, 9, 5, 7, 123),
  model: 'claude-sonnet-4-6',
  upstreamModel: 'claude-sonnet-4-6',
  stream: false,
  status: 200,
  stopReason: 'end_turn',
  inputTokens: 12,
  outputTokens: 7,
  firstByteMs: null,
  durationMs: 250,
  accountId: 3,
  accountsTried: [3],
  retries: 0,
  protocol: 'ws',
  api: 'anthropic',
  accountName: 'Work',
  accountEmail: 'me@example.com',
  errorType: null,
  errorMessage: null,
  debugLog: 'req_a1.json',
  accountsTriedNames: [],
  ...over,
});

describe('csvField', () => {
  it('quotes a field only when it holds a comma, a quote, CR or LF, and doubles its quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nnext')).toBe('"line\nnext"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
    expect(csvField('Grüße, 東京 🙂')).toBe('"Grüße, 東京 🙂"');
    expect(csvField('Grüße')).toBe('Grüße');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvField(false)).toBe('false');
  });
});

describe('historyCsv', () => {
  it('writes the header in its fixed order, then one CRLF-ended record per row, times in ISO 8601 UTC', () => {
    const csv = historyCsv([row()], new Map([[3, 'Work laptop']]));
    expect(csv.split('\r\n')[0]).toBe(
      'time,request_id,api,model,upstream_model,stream,status,account_id,account,account_email,input_tokens,' +
        'output_tokens,first_byte_ms,duration_ms,retries,protocol,stop_reason,error_type,error_message,' +
        'accounts_tried_ids,accounts_tried',
    );
    expect(csv).toBe(
      `${HISTORY_CSV_HEADER.join(',')}\r\n` +
        '2026-12-01T09:05:07.123Z,req_a1,anthropic,claude-sonnet-4-6,claude-sonnet-4-6,false,200,3,Work laptop,' +
        'me@example.com,12,7,,250,0,ws,end_turn,,,3,Work laptop\r\n',
    );
  });

  it('reads back field for field through a strict parser, whatever the error text holds', () => {
    const nasty = 'Upstream said: "no", then\r\nmore, and\nmore; 東京 ünïcode';
    const rows = [
      row({ id: 2, requestId: 'req_b2', status: 529, errorType: 'overloaded_error', errorMessage: nasty }),
      row({ accountId: null, accountName: null, accountEmail: null, protocol: null, stopReason: null }),
    ];
    const records = parseCsv(historyCsv(rows, new Map()));
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.length === HISTORY_CSV_HEADER.length)).toBe(true);
    const at = (record: string[], column: string) => record[HISTORY_CSV_HEADER.indexOf(column)];
    expect(at(records[1]!, 'error_message')).toBe(nasty);
    expect(at(records[1]!, 'status')).toBe('529');
    // A removed account keeps the name history stored, marked as removed; no account at all is an empty field.
    expect(at(records[1]!, 'account')).toBe('Work (removed)');
    expect(at(records[2]!, 'account')).toBe('');
    expect(at(records[2]!, 'account_id')).toBe('');
    expect(at(records[2]!, 'protocol')).toBe('');
  });

  it('names each account a request tried, in order: as called now, as history kept it once removed, else #id', () => {
    const failedOver = row({
      accountId: 3,
      accountsTried: [1, 2, 3, 3],
      retries: 3,
      accountName: 'Work',
      accountsTriedNames: ['Old', null, 'Work', 'Work'],
    });
    const removedServer = row({ accountId: 7, accountsTried: [7], accountName: 'Gone', accountsTriedNames: [] });
    const refused = row({ accountId: null, accountsTried: [], accountName: null, accountEmail: null });
    const records = parseCsv(historyCsv([failedOver, removedServer, refused], new Map([[3, 'Work laptop']])));
    const at = (record: string[], column: string) => record[HISTORY_CSV_HEADER.indexOf(column)];
    expect(at(records[1]!, 'accounts_tried_ids')).toBe('1 2 3 3');
    expect(at(records[1]!, 'accounts_tried')).toBe('Old (removed) → #2 → Work laptop → Work laptop');
    // The columns before are as they were: a spreadsheet reading them by position reads the same.
    expect(at(records[1]!, 'account_id')).toBe('3');
    expect(at(records[1]!, 'account')).toBe('Work laptop');
    // One account tried: history keeps its name as the row's accountName only.
    expect(at(records[2]!, 'accounts_tried_ids')).toBe('7');
    expect(at(records[2]!, 'accounts_tried')).toBe('Gone (removed)');
    expect(at(records[3]!, 'accounts_tried_ids')).toBe('');
    expect(at(records[3]!, 'accounts_tried')).toBe('');
  });

  it('has no column for the debug record or anything secret', () => {
    expect(HISTORY_CSV_HEADER.join(',')).not.toMatch(/debug|cookie|token_value|key|secret|session/i);
    expect(historyCsv([row()], new Map())).not.toContain('req_a1.json');
    expect(historyCsv([], new Map())).toBe(`${HISTORY_CSV_HEADER.join(',')}\r\n`);
  });
});

describe('historyAccountLabel', () => {
  it('names an account as the Logs view does: now, or as it was once removed', () => {
    const names = new Map([[1, 'Now']]);
    expect(historyAccountLabel(1, 'Then', names)).toBe('Now');
    expect(historyAccountLabel(2, 'Then', names)).toBe('Then (removed)');
    expect(historyAccountLabel(2, null, names)).toBe('#2');
    expect(historyAccountLabel(null, null, names)).toBe('');
  });
});

describe('collectHistory', () => {
  // History as the core answers it: newest first, filtered, older than beforeId, at most `limit` rows.
  const stored = Array.from({ length: 23 }, (_, i) =>
    row({ id: i + 1, requestId: `req_${i + 1}`, status: i % 3 ? 200 : 500 }),
  );
  const calls: HistoryQuery[] = [];
  const query = async (q: HistoryQuery): Promise<HistoryView[]> => {
    calls.push(q);
    return stored
      .filter((r) => (q.beforeId === undefined || r.id < q.beforeId) && (q.outcome !== 'error' || r.status >= 400))
      .reverse()
      .slice(0, q.limit);
  };

  it('reads every matching row page by page, newest first, with the filters on every page', async () => {
    calls.length = 0;
    const { rows, capped } = await collectHistory(query, { outcome: 'error' }, 100, 3);
    expect(rows.map((r) => r.id)).toEqual([22, 19, 16, 13, 10, 7, 4, 1]);
    expect(capped).toBe(false);
    expect(calls.every((c) => c.outcome === 'error' && c.limit === 3)).toBe(true);
    expect(calls.map((c) => c.beforeId)).toEqual([undefined, 16, 7]);
  });

  it('stops at the cap and says whether older rows were left out', async () => {
    const cut = await collectHistory(query, {}, 10, 4);
    expect(cut.rows.map((r) => r.id)).toEqual([23, 22, 21, 20, 19, 18, 17, 16, 15, 14]);
    expect(cut.capped).toBe(true);
    const exact = await collectHistory(query, {}, 23, 5);
    expect(exact.rows).toHaveLength(23);
    expect(exact.capped).toBe(false);
  });
});
