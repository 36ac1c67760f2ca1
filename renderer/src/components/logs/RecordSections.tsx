import type { DebugRecordView } from '../../lib/api';
import { RowSummary } from './RowSummary';

const pretty = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value === undefined) return '(none)';
  return JSON.stringify(value, null, 2);
};

/** Upstream SSE payloads are JSON text; show them parsed when they are, raw when not. */
const prettyEvent = (data: string): string => {
  try {
    return JSON.stringify(JSON.parse(data));
  } catch {
    return data;
  }
};

function Block({ label, value }: { label: string; value: unknown }) {
  return (
    <div className="block">
      <h4>{label}</h4>
      {/* Named as a group, as the setup snippets are: a generic <pre> may not carry a name. */}
      <pre className="code code-scroll" tabIndex={0} role="group" aria-label={label}>
        <code>{pretty(value)}</code>
      </pre>
    </div>
  );
}

/** A debug record in the order things happened: what came in, what went upstream, what came back, what we sent. */
export function RecordSections({
  record,
  accountName,
}: {
  record: DebugRecordView;
  accountName: (id: number | null, asThen?: string | null) => string;
}) {
  const s = record.summary;
  return (
    <div className="record">
      <section aria-labelledby="rec-summary">
        <h3 id="rec-summary">Summary</h3>
        <RowSummary row={s} accountName={accountName} />
      </section>
      <section aria-labelledby="rec-incoming">
        <h3 id="rec-incoming">Incoming request</h3>
        <div className="block-pair">
          <Block label="Incoming headers" value={record.incoming.headers} />
          <Block label="Incoming body" value={record.incoming.body} />
        </div>
      </section>
      <section aria-labelledby="rec-upstream">
        <h3 id="rec-upstream">Upstream request</h3>
        {record.answeredBy ? (
          <p className="muted">Answered by the proxy itself ({record.answeredBy.reason}): nothing was sent upstream.</p>
        ) : record.upstream.length === 0 ? (
          <p className="muted">Nothing was sent upstream.</p>
        ) : null}
        {record.upstream.map((attempt, i) => (
          <div key={i} className="attempt">
            <p className="attempt-title">
              Attempt {i + 1} ·{' '}
              {accountName(attempt.accountId, attempt.accountId === s.accountId ? s.accountName : null)} ·{' '}
              {attempt.status ?? 'no answer'}
              {attempt.continues ? (
                <span
                  className="badge badge-muted"
                  title="The proxy answered the agent's calls to tools the client lacks"
                >
                  continues the turn, not a retry
                </span>
              ) : null}
              {attempt.failure ? (
                <span className="badge badge-bad">
                  {attempt.failure.kind}: {attempt.failure.message}
                </span>
              ) : null}
            </p>
            <p className="mono small">{attempt.url}</p>
            <div className="block-pair">
              <Block label={`Attempt ${i + 1} headers`} value={attempt.headers} />
              <Block label={`Attempt ${i + 1} body`} value={attempt.body} />
            </div>
          </div>
        ))}
      </section>
      <section aria-labelledby="rec-upstream-events">
        <h3 id="rec-upstream-events">Upstream events</h3>
        {record.upstream.every((a) => a.events.length === 0) ? <p className="muted">No events came back.</p> : null}
        {record.upstream.map((attempt, i) =>
          attempt.events.length ? (
            <ol key={i} className="events" aria-label={`Upstream events, attempt ${i + 1}`}>
              {attempt.events.map((e, j) => (
                <li key={j}>
                  <span className="event-t">+{e.t} ms</span>
                  <code className="event-data">{prettyEvent(e.data)}</code>
                </li>
              ))}
            </ol>
          ) : null,
        )}
      </section>
      <section aria-labelledby="rec-client">
        <h3 id="rec-client">Client events</h3>
        {record.client.length === 0 ? <p className="muted">Nothing was sent to the client.</p> : null}
        {record.client.length ? (
          <ol className="events" aria-label="Client events">
            {record.client.map((e, j) => (
              <li key={j}>
                <span className="event-t">+{e.t} ms</span>
                <code className="event-data">{e.frame.trim()}</code>
              </li>
            ))}
          </ol>
        ) : null}
      </section>
    </div>
  );
}
