import { useEffect, useMemo, useState } from 'react';
import { errorMessage, useApi, type DebugRecordView, type HistoryView } from '../../lib/api';
import { curlReplay } from '../../lib/curl-command';
import { useLive } from '../../lib/live';
import { href } from '../../lib/route';
import { CopyButton } from '../CopyButton';
import { Dialog } from '../Dialog';
import { ErrorNote } from '../ViewHeader';
import { RecordSections } from './RecordSections';
import { RowSummary, rowSummaryText } from './RowSummary';

type Loaded = { row: HistoryView | null; record: DebugRecordView | null };

/** The name history kept for account `id` among the request's accounts tried, or null. */
function keptName(row: HistoryView | null, id: number | null): string | null {
  const at = row && id !== null ? row.accountsTried.indexOf(id) : -1;
  return at < 0 ? null : (row!.accountsTriedNames[at] ?? null);
}

/** History rows and debug files are written a moment after a request ends; a just-finished one is retried briefly. */
const RETRIES = 8;
const RETRY_MS = 400;

export function RequestDetail({
  requestId,
  accountName,
  onClose,
}: {
  requestId: string | null;
  accountName: (id: number | null, asThen?: string | null) => string;
  onClose: () => void;
}) {
  return (
    <Dialog open={requestId !== null} title={`Request ${requestId ?? ''}`} onClose={onClose} wide>
      {/* Keyed by request: another request starts from "Loading" with nothing of the last one left over. */}
      {requestId ? <RequestBody key={requestId} requestId={requestId} accountName={accountName} /> : null}
    </Dialog>
  );
}

function RequestBody({
  requestId,
  accountName: nameNow,
}: {
  requestId: string;
  accountName: (id: number | null, asThen?: string | null) => string;
}) {
  const api = useApi();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Each account tried reads by the name history kept of it when no other is given: one that was tried, did not
  // answer and was removed since reads by that name, as the one that answered does by the row's accountName.
  const accountName = (id: number | null, asThen?: string | null): string =>
    nameNow(id, asThen ?? keptName(loaded?.row ?? null, id));

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = async (left: number): Promise<void> => {
      try {
        const result = await api.history.record({ requestId });
        if (cancelled) return;
        const incomplete = !result.row || (result.row.debugLog !== null && !result.record);
        if (incomplete && left > 0) {
          timer = setTimeout(() => void attempt(left - 1), RETRY_MS);
          return;
        }
        setLoaded(result);
      } catch (caught) {
        if (!cancelled) setError(errorMessage(caught));
      }
    };
    void attempt(RETRIES);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, requestId]);

  return (
    <>
      <ErrorNote>{error}</ErrorNote>
      {!loaded && !error ? (
        <p className="progress" role="status">
          <span className="spinner" aria-hidden="true" /> Loading the request…
        </p>
      ) : null}
      {loaded?.record ? (
        <>
          <RecordCopies record={loaded.record} />
          <RecordSections record={loaded.record} accountName={accountName} />
        </>
      ) : null}
      {loaded && !loaded.record ? (
        <>
          <p className="note" role="note">
            {whyNoRecord(loaded.row)}
          </p>
          {loaded.row ? (
            <>
              <div className="button-row">
                <CopyButton text={rowSummaryText(loaded.row, accountName)} what="summary" label="Copy summary" />
              </div>
              <RowSummary row={loaded.row} accountName={accountName} />
            </>
          ) : null}
        </>
      ) : null}
    </>
  );
}

/**
 * The record to take elsewhere: as the app stored it (the writer redacted it before it reached the disk; nothing
 * is added here), and as a curl command that sends its request to this app again, to tell the account, the
 * upstream and the request apart.
 */
function RecordCopies({ record }: { record: DebugRecordView }) {
  const { status } = useLive();
  const url = status?.url;
  const apiKeySet = status?.apiKeySet ?? false;
  // Worked out once per record, not on every status the window is pushed: a record can be megabytes.
  const json = useMemo(() => JSON.stringify(record, null, 2), [record]);
  const replay = useMemo(
    () =>
      url === undefined
        ? { command: null, reason: 'the proxy’s address is not known yet.' }
        : curlReplay(record, { url, apiKeySet }),
    [record, url, apiKeySet],
  );
  return (
    <div className="record-copies">
      <div className="button-row">
        <CopyButton text={json} what="record" label="Copy record" />
        {replay.command !== null ? <CopyButton text={replay.command} what="as curl" label="Copy as curl" /> : null}
      </div>
      {replay.command === null ? (
        <p className="hint" role="note">
          No Copy as curl: {replay.reason}
        </p>
      ) : (
        <p className="hint">
          Copy as curl sends this request’s body to this app again
          {apiKeySet ? (
            <>
              , with the API key from <code>$ORCHIDS_TRAY_API_KEY</code> (set it in the shell first)
            </>
          ) : null}
          . {replay.caveat}
        </p>
      )}
    </div>
  );
}

const NO_DEBUG_RECORD =
  'No debug record: debug logging was off when this request ran, so only its history row was kept.';

function whyNoRecord(row: HistoryView | null) {
  if (!row) return 'This request is not in the history: it may have been removed by history retention.';
  if (row.debugLog === null) {
    return (
      <>
        {NO_DEBUG_RECORD} Turn it on in <a href={href('settings')}>Settings</a> to keep the full record of new requests.
      </>
    );
  }
  return (
    'Its debug record was written but is gone now: ' +
    'debug-log retention (count, size or age in Settings) removed it.'
  );
}
