import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import { errorMessage, useApi, type HistoryView, type RequestView } from './api';
import { useEvent } from './hooks';
import { useLive } from './live';

/** What a list row needs; a history row and a live report both have it. */
export type LogEntry = Pick<
  HistoryView,
  | 'requestId'
  | 'startedAt'
  | 'accountId'
  | 'model'
  | 'upstreamModel'
  | 'stream'
  | 'status'
  | 'inputTokens'
  | 'outputTokens'
  | 'durationMs'
  | 'errorType'
  | 'errorMessage'
  | 'retries'
  | 'api'
  | 'accountName'
>;

export interface LogFilters {
  outcome: '' | 'ok' | 'error';
  accountId: number | null;
  model: string;
}

const PAGE = 100;
/** The live list keeps this many rows in memory; older ones are a "Load older" away. */
const MAX_ROWS = 1000;

const matches = (entry: LogEntry, f: LogFilters): boolean =>
  (f.outcome === '' || (f.outcome === 'ok' ? entry.status < 400 : entry.status >= 400)) &&
  (f.accountId === null || entry.accountId === f.accountId) &&
  (f.model === '' || entry.model === f.model);

const toEntry = (r: RequestView | HistoryView): LogEntry => ({
  requestId: r.requestId,
  startedAt: r.startedAt,
  accountId: r.accountId,
  model: r.model,
  upstreamModel: r.upstreamModel,
  stream: r.stream,
  status: r.status,
  inputTokens: r.inputTokens,
  outputTokens: r.outputTokens,
  durationMs: r.durationMs,
  errorType: r.errorType,
  errorMessage: r.errorMessage,
  retries: r.retries,
  api: r.api,
  accountName: r.accountName,
});

interface Shown {
  /** null until the first page for the current filters arrives. */
  entries: LogEntry[] | null;
  /** Finished while paused, newest first: put in on resume. */
  held: LogEntry[];
}

const FRESH: Shown = { entries: null, held: [] };

/**
 * The Logs list: a page of history, then every finished request pushed live on top. Paused, the list stays still
 * while new requests are held and counted; resuming puts them in. Filters go to the history query and to the
 * live events alike, so both halves of the list agree.
 */
export function useRequestLog(filters: LogFilters) {
  const api = useApi();
  const { recentRequests } = useLive();
  const [shown, setShown] = useState<Shown>(FRESH);
  const [error, setError] = useState<string | null>(null);
  const [paused, setPausedState] = useState(false);
  const [oldestId, setOldestId] = useState<number | null>(null);
  const [hasOlder, setHasOlder] = useState(false);
  const [models, setModels] = useState<string[]>([]);
  const pausedRef = useRef(false);
  // Other filters: the list starts again from "loading" in the same render, nothing held from the old ones.
  const filterKey = JSON.stringify([filters.outcome, filters.accountId, filters.model]);
  const [shownFor, setShownFor] = useState(filterKey);
  if (shownFor !== filterKey) {
    setShownFor(filterKey);
    setShown(FRESH);
  }
  const wanted = useEffectEvent((entry: LogEntry) => matches(entry, filters));

  const noteModels = useCallback((list: LogEntry[]) => {
    setModels((known) => {
      const next = new Set(known);
      for (const e of list) next.add(e.model);
      return next.size === known.length ? known : [...next].sort();
    });
  }, []);

  const query = useCallback(
    (beforeId?: number) =>
      api.history.query({
        limit: PAGE,
        beforeId,
        outcome: filters.outcome || undefined,
        accountId: filters.accountId ?? undefined,
        model: filters.model || undefined,
      }),
    [api, filters.outcome, filters.accountId, filters.model],
  );

  useEffect(() => {
    let cancelled = false;
    query().then(
      (rows) => {
        if (cancelled) return;
        // Requests that ended just before this page was asked for may not be in SQLite yet: add them from memory.
        const newest = rows[0]?.startedAt ?? 0;
        const unwritten = recentRequests()
          .filter((r) => r.startedAt >= newest && wanted(r))
          .map(toEntry)
          .reverse();
        setShown((s) => ({ ...s, entries: merge([...(s.entries ?? []), ...unwritten], rows.map(toEntry)) }));
        setOldestId(rows.at(-1)?.id ?? null);
        setHasOlder(rows.length === PAGE);
        noteModels(rows);
        setError(null);
      },
      (caught: unknown) => {
        if (!cancelled) {
          setError(errorMessage(caught));
          setShown((s) => ({ ...s, entries: [] }));
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [query, noteModels, recentRequests]);

  useEvent('requestsFinished', (reports) => {
    const fresh = reports.map(toEntry);
    noteModels(fresh);
    const matching = fresh.filter((e) => matches(e, filters)).reverse();
    if (matching.length === 0) return;
    if (pausedRef.current) setShown((s) => ({ ...s, held: [...matching, ...s.held].slice(0, MAX_ROWS) }));
    else setShown((s) => ({ ...s, entries: merge(matching, s.entries ?? []) }));
  });

  const setPaused = useCallback((value: boolean) => {
    pausedRef.current = value;
    setPausedState(value);
    if (!value) setShown((s) => (s.held.length ? { entries: merge(s.held, s.entries ?? []), held: [] } : s));
  }, []);

  const loadOlder = useCallback(async () => {
    if (oldestId === null) return;
    try {
      const rows = await query(oldestId);
      setShown((s) => ({ ...s, entries: merge(s.entries ?? [], rows.map(toEntry), Infinity) }));
      setOldestId(rows.at(-1)?.id ?? oldestId);
      setHasOlder(rows.length === PAGE);
      noteModels(rows);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, [oldestId, query, noteModels]);

  return {
    entries: shown.entries,
    error,
    paused,
    setPaused,
    heldCount: shown.held.length,
    loadOlder,
    hasOlder,
    models,
  };
}

/** Newest first by start time, no duplicates (a request can arrive live and in the history page both). */
function merge(newer: LogEntry[], older: LogEntry[], cap = MAX_ROWS): LogEntry[] {
  const seen = new Set<string>();
  const out: LogEntry[] = [];
  for (const e of [...newer, ...older]) {
    if (seen.has(e.requestId)) continue;
    seen.add(e.requestId);
    out.push(e);
  }
  out.sort((a, b) => b.startedAt - a.startedAt);
  return out.length > cap ? out.slice(0, cap) : out;
}
