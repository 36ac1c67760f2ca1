import { useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { historyAccountLabel } from '../../../contract/history-csv';
import { BreakableEmail } from '../components/accounts/AccountRow';
import { ExportCsvButton, useExportCsv } from '../components/logs/ExportCsv';
import { RequestDetail } from '../components/logs/RequestDetail';
import { API_LABEL } from '../components/logs/RowSummary';
import { ErrorNote, ViewHeader } from '../components/ViewHeader';
import { formatCount, formatMs, formatTime } from '../lib/format';
import { useLive } from '../lib/live';
import { href } from '../lib/route';
import { useRequestLog, type LogEntry, type LogFilters } from '../lib/useRequestLog';

const NO_FILTERS: LogFilters = { outcome: '', accountId: null, model: '' };

export function LogsView() {
  const { accounts, status } = useLive();
  const [filters, setFilters] = useState<LogFilters>(NO_FILTERS);
  const firstFilter = useRef<HTMLSelectElement>(null);
  const log = useRequestLog(filters);
  const exporter = useExportCsv(filters);
  const [open, setOpen] = useState<string | null>(null);
  // The account's name now, or, once it is removed, the name history kept from when it served: as Export CSV says it.
  const names = new Map(accounts?.map((a) => [a.id, a.name]));
  const accountName = (id: number | null, asThen?: string | null): string =>
    id === null ? '—' : historyAccountLabel(id, asThen ?? null, names);
  const filtered = filters.outcome !== '' || filters.accountId !== null || filters.model !== '';
  // Clear filters goes away with the empty list it sits in: focus moves to the filters rather than to the page.
  const clearFilters = (): void => {
    setFilters(NO_FILTERS);
    firstFilter.current?.focus();
  };

  return (
    <>
      <ViewHeader
        title="Logs"
        subtitle={
          status?.debugLogs.enabled
            ? 'Debug logging is on: new requests keep their full record. Open one to read it.'
            : // Not "Every request": one refused before it is taken on (unreadable, 400; the key, 401; paused) has
              // no row, as the empty list's notes say; a person comparing a client's count would look for it here.
              'Newest first. Requests refused at once (unreadable, no API key, or while paused) are not listed. ' +
              'Turn on debug logging in Settings to keep each request’s full record.'
        }
        actions={
          <>
            <ExportCsvButton exporter={exporter} />
            {/* "Pause" alone read as pausing the proxy (the Overview's Pause proxy); the label already says the state,
                so no aria-pressed on top of it ("Resume, pressed" contradicts itself). */}
            <button
              type="button"
              className="button"
              title="Hold new requests out of the list while you read it; the proxy keeps serving them"
              onClick={() => log.setPaused(!log.paused)}
            >
              {log.paused ? 'Resume list' : 'Pause list'}
            </button>
          </>
        }
      />
      <LogFilterBar filters={filters} onChange={setFilters} models={log.models} firstRef={firstFilter}>
        <p className="toolbar-note" role="status">
          {log.paused ? (
            `Paused — ${log.heldCount} new request${log.heldCount === 1 ? '' : 's'} waiting`
          ) : (
            <>
              <span className="live-dot" aria-hidden="true" />
              Live
            </>
          )}
        </p>
      </LogFilterBar>
      <ErrorNote>{log.error}</ErrorNote>
      <ErrorNote>{exporter.error}</ErrorNote>
      {exporter.note ? (
        <p className="muted small" role="status">
          {exporter.note}
        </p>
      ) : null}
      {log.entries === null ? (
        <p className="muted" aria-busy="true">
          Loading requests…
        </p>
      ) : log.entries.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">{filtered ? 'No requests match these filters' : 'No requests yet'}</p>
          <p className="muted">
            {filtered
              ? 'Change the filters above, or clear them to list every request.'
              : `Requests appear here as soon as a client sends one to ${status?.url ?? 'the proxy'}.`}
          </p>
          {filtered ? (
            <button type="button" className="button button-small" onClick={clearFilters}>
              Clear filters
            </button>
          ) : null}
          {/* Without an account, or with every one switched off, every request is answered 424 (and listed as one):
              the next step, one click away, as the Overview gives it. */}
          {!filtered && status?.serving.state === 'no_accounts' ? (
            <p className="muted">
              With no account, every request is answered 424. <a href={href('accounts')}>Add an Orchids account</a> to
              start serving requests.
            </p>
          ) : null}
          {!filtered && status?.serving.state === 'all_disabled' ? (
            <p className="muted">
              With every account switched off, every request is answered 424.{' '}
              <a href={href('accounts')}>Switch one on</a> in Accounts.
            </p>
          ) : null}
          {/* A client refused at the door is never listed: without this, its person would wait here for a row. */}
          {!filtered && status?.paused ? (
            <p className="muted">
              The proxy is paused: it refuses requests without listing them. Resume it on the{' '}
              <a href={href('overview')}>Overview</a>.
            </p>
          ) : null}
          {!filtered && status?.apiKeySet ? (
            <p className="muted">
              An API key is set: a request without it, or with another key, is refused (401) and not listed. Give your
              client the key from Settings.
            </p>
          ) : null}
          {/* A newcomer's first request is often one the proxy cannot read (max_tokens left out, as OpenAI's API
              allows): it is answered 400 before it becomes a request, so no row comes, and without this its person
              would wait here for one. The reason is in the answer the client got. */}
          {!filtered ? (
            <p className="muted">
              A request the proxy cannot read (a missing max_tokens, a wrong field) is answered 400 with the reason, at
              once, and not listed.
            </p>
          ) : null}
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards table-logs">
            <caption className="visually-hidden">Requests, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">API</th>
                <th scope="col">Account</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                {/* Two lines ("Tokens" over "in / out") where the reason needs the width. */}
                <th scope="col" className="num col-tokens">
                  Tokens <span className="nowrap">in / out</span>
                </th>
                <th scope="col" className="num">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {log.entries.map((entry) => (
                <LogRow
                  key={entry.requestId}
                  entry={entry}
                  account={accountName(entry.accountId, entry.accountName)}
                  onOpen={setOpen}
                />
              ))}
            </tbody>
          </table>
          {log.hasOlder ? (
            <button type="button" className="button load-older" onClick={() => void log.loadOlder()}>
              Load older requests
            </button>
          ) : null}
        </div>
      )}
      <RequestDetail requestId={open} accountName={accountName} onClose={() => setOpen(null)} />
    </>
  );
}

interface LogFilterBarProps {
  filters: LogFilters;
  onChange: (filters: LogFilters) => void;
  /** The models seen so far; the chosen one stays listed even when no loaded request has it. */
  models: readonly string[];
  /** The first filter, where Clear filters leaves the keyboard. */
  firstRef: RefObject<HTMLSelectElement | null>;
  children: ReactNode;
}

/** Outcome, account and model filters, with whatever the view shows beside them (live or paused). */
function LogFilterBar({ filters, onChange: setFilters, models, firstRef, children }: LogFilterBarProps) {
  const { accounts } = useLive();
  const ids = { outcome: useId(), account: useId(), model: useId() };
  return (
    <div className="toolbar" role="group" aria-label="Filters">
      <div className="field field-inline">
        <label htmlFor={ids.outcome}>Outcome</label>
        <select
          id={ids.outcome}
          ref={firstRef}
          value={filters.outcome}
          onChange={(e) => setFilters({ ...filters, outcome: e.target.value as LogFilters['outcome'] })}
        >
          <option value="">All</option>
          <option value="ok">OK</option>
          <option value="error">Errors</option>
        </select>
      </div>
      <div className="field field-inline">
        <label htmlFor={ids.account}>Account</label>
        <select
          id={ids.account}
          value={filters.accountId ?? ''}
          onChange={(e) => setFilters({ ...filters, accountId: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">All accounts</option>
          {accounts?.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-inline field-model">
        <label htmlFor={ids.model}>Model</label>
        <select
          id={ids.model}
          value={filters.model}
          onChange={(e) => setFilters({ ...filters, model: e.target.value })}
        >
          <option value="">All models</option>
          {[...new Set([...models, ...(filters.model ? [filters.model] : [])])].map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </div>
      {children}
    </div>
  );
}

function LogRow({ entry, account, onOpen }: { entry: LogEntry; account: string; onOpen: (id: string) => void }) {
  const failed = entry.status >= 400;
  return (
    <tr className={failed ? 'row-error' : undefined}>
      <td className="cell-time">
        <button
          type="button"
          className="link-button"
          aria-label={`Open request ${entry.requestId} at ${formatTime(entry.startedAt)}`}
          onClick={() => onOpen(entry.requestId)}
        >
          {formatTime(entry.startedAt)}
        </button>
      </td>
      <td className="cell-api">{API_LABEL[entry.api] ?? entry.api}</td>
      {/* A long name or e-mail wraps in its place, before "@" and dots where it can (BreakableEmail says why). */}
      <td className="cell-account">
        <BreakableEmail email={account} />
      </td>
      <td className="cell-model">
        <span className="mono model-id">{entry.model}</span>
        {entry.upstreamModel && entry.upstreamModel !== entry.model ? (
          <>
            {' '}
            <span className="muted small model-id">→ {entry.upstreamModel}</span>
          </>
        ) : null}
      </td>
      {/* The reason follows the badge on its line and may take one more, cut with an ellipsis past that: a table cell
          cannot clamp its own lines, so a box inside it does. */}
      <td className="cell-status">
        <span className="status-lines">
          <span className={`badge ${failed ? 'badge-bad' : 'badge-good'}`}>{entry.status}</span>
          {failed && entry.errorMessage ? (
            <span className="muted small row-error-text" title={entry.errorMessage}>
              {' '}
              {entry.errorMessage}
            </span>
          ) : null}
        </span>
      </td>
      <td className="num cell-tokens" data-label="Tokens in / out">
        <span className="tokens-figure">
          {formatCount(entry.inputTokens)} / {formatCount(entry.outputTokens)}
        </span>
      </td>
      <td className="num cell-duration">{formatMs(entry.durationMs)}</td>
    </tr>
  );
}
