import { creditsTotal } from '../../../contract/credits';
import { damagedDatabaseWords } from '../../../contract/damaged-database';
import { pinnedMismatchWords } from '../../../contract/pinned-protocol';
import { useCallback, useEffect, useState } from 'react';
import { BusyButton } from '../components/BusyButton';
import { CopyButton } from '../components/CopyButton';
import { DiagnosticsCard } from '../components/DiagnosticsCard';
import { RequestsChart } from '../components/RequestsChart';
import { SetupSnippets } from '../components/SetupSnippets';
import { StatusBadge } from '../components/StatusBadge';
import { Card, ErrorNote, ViewHeader } from '../components/ViewHeader';
import { useApi, type AccountView, type StatsView } from '../lib/api';
import { formatAgo, formatCount, formatShortCount, requestsWord, SINCE_ADDED, sinceAdded } from '../lib/format';
import { useAction, useEvent, useNow, type Action } from '../lib/hooks';
import { LatestRead } from '../lib/latest-read';
import { asOf, coreClockAhead, withReports } from '../lib/live-totals';
import { useLive, useServingWords } from '../lib/live';
import { href } from '../lib/route';

/** Stats are an in-memory snapshot in the core; re-read each half minute so the chart's window slides on. */
const STATS_REFRESH_MS = 30_000;

export function OverviewView() {
  return (
    <>
      <ViewHeader
        title="Overview"
        subtitle="Point your tools at the address below; requests are spread over your Orchids accounts."
      />
      <div className="grid grid-overview">
        <ProxyCard />
        <TrafficCard />
        <AccountCountsCard />
        <DiagnosticsCard />
      </div>
    </>
  );
}

function ProxyCard() {
  const api = useApi();
  const { status, connected, acceptStatus } = useLive();
  const words = useServingWords();
  const toggle = useAction(() => acceptStatus(status?.paused ? api.proxy.resume() : api.proxy.pause()));
  if (!status || !words)
    return (
      <Card title="Proxy" className="span-2">
        <p className="muted">Connecting to Orchids Tray…</p>
      </Card>
    );
  return (
    <Card
      title="Proxy"
      className="span-2"
      actions={
        <BusyButton className="button" onClick={() => void toggle.run()} busy={toggle.pending}>
          {status.paused ? 'Resume proxy' : 'Pause proxy'}
        </BusyButton>
      }
    >
      <p className="proxy-state">
        <span className={`badge badge-${words.tone}`}>{words.headline}</span>
        {/* With no account the sentence itself is the way forward, not a sentence then its words as a link. */}
        {connected && status.serving.state === 'no_accounts' ? (
          <span className="muted">
            <a href={href('accounts')}>Add an Orchids account</a> to start serving requests.
          </span>
        ) : connected && status.serving.state === 'all_disabled' ? (
          // The same for accounts that are all switched off: the switches are on Accounts, one click away.
          <span className="muted">
            <a href={href('accounts')}>Enable an account</a> to serve requests.
          </span>
        ) : (
          <span className="muted">{words.detail}</span>
        )}
      </p>
      {connected ? <PinnedMismatchNote /> : null}
      {connected ? <DamagedDatabaseNote /> : null}
      <div className="base-url">
        {/* The label is read just before the address; a name on the <code> itself is one ARIA forbids (its role,
            code, takes none) and readers drop. */}
        <span className="field-label">Base URL</span>
        <code className="url">{status.url}</code>
        <CopyButton text={status.url} what="base URL" />
      </div>
      <ErrorNote>{toggle.error}</ErrorNote>
      <SetupSnippets url={status.url} apiKeySet={status.apiKeySet} />
    </Card>
  );
}

/**
 * A pinned upstream protocol the service does not speak fails every request while every account reads "Ready":
 * said here, where a person looks, with the way out beside it.
 */
function PinnedMismatchNote() {
  const api = useApi();
  const { status, refreshStatus } = useLive();
  const toAuto = useAction(async () => {
    await api.settings.set({ key: 'upstreamProtocol', value: 'auto' });
    refreshStatus();
  });
  const pin = status?.pinnedMismatch;
  if (!pin) return null;
  return (
    <StatusWarning
      className="pinned-mismatch"
      words={pinnedMismatchWords(pin)}
      action={pin.fromEnv ? undefined : { label: 'Use auto', run: toAuto }}
    />
  );
}

/**
 * The database was unreadable at start and was set aside: the empty account list is explained here, with where the
 * old file is, until the person has read it.
 */
function DamagedDatabaseNote() {
  const api = useApi();
  const { status, acceptStatus } = useLive();
  const dismiss = useAction(() => acceptStatus(api.proxy.dismissDamagedDatabase()));
  const damaged = status?.damagedDatabase;
  if (!damaged) return null;
  return (
    <StatusWarning
      className="damaged-database"
      words={damagedDatabaseWords(damaged)}
      action={{ label: 'Dismiss', run: dismiss }}
    />
  );
}

/** A warning the status carries: what happened in bold, the way out after it, and the one button that takes it. */
function StatusWarning(props: {
  className: string;
  words: { detail: string; way: string };
  action: { label: string; run: Action<[], unknown> } | undefined;
}) {
  const { className, words, action } = props;
  return (
    <div className={`warning ${className}`} role="alert">
      <p>
        <strong>{words.detail}</strong> {words.way}
      </p>
      {action ? (
        <BusyButton className="button" onClick={() => void action.run.run()} busy={action.run.pending}>
          {action.label}
        </BusyButton>
      ) : null}
      <ErrorNote>{action?.run.error ?? null}</ErrorNote>
    </div>
  );
}

function TrafficCard() {
  const api = useApi();
  const [stats, setStats] = useState<StatsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [statsRead] = useState(() => new LatestRead<StatsView>());
  const [coreAhead, setCoreAhead] = useState(0);
  const load = useCallback(() => {
    const ticket = statsRead.ask();
    const askedAt = Date.now();
    api.stats.get().then(
      (s) => {
        const current = statsRead.answer(ticket, s);
        if (!current) return;
        setCoreAhead(coreClockAhead(s.takenAt, askedAt, Date.now()));
        setStats(current);
        setError(null);
      },
      () => {
        if (statsRead.failed(ticket)) setError('Could not read the request statistics.');
      },
    );
  }, [api, statsRead]);
  useEffect(() => {
    load();
    const timer = setInterval(load, STATS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  // Finished requests move today's totals and the current minute's bar straight away.
  useEvent('requestsFinished', (reports) => {
    const change = (s: StatsView): StatsView => withReports(s, reports);
    statsRead.keep(change);
    setStats((s) => s && change(s));
  });

  // At the core's next local midnight "today" starts again from nothing, with no request or re-read needed to say so.
  // The day and where it ends are the core's (its clock and time zone), and so is the wait for it: timed by the
  // window's clock moved by how far the core's was ahead at the last read, so a window whose clock is off turns with
  // the core, not half a minute early or late, and never shows a day the core does not.
  const nextDayAt = stats?.nextDayAt;
  useEffect(() => {
    if (nextDayAt === undefined) return;
    const timer = setTimeout(
      () => {
        const change = (s: StatsView): StatsView => asOf(s, nextDayAt);
        statsRead.keep(change);
        setStats((s) => s && change(s));
      },
      nextDayAt - (Date.now() + coreAhead),
    );
    return () => clearTimeout(timer);
  }, [nextDayAt, coreAhead, statsRead]);

  return (
    <Card title="Requests" className="span-2">
      {stats ? (
        <>
          {/* Each says "today" in its own words: "Input tokens" under "Requests today" read as all-time. "Tokens
              in/out" as Logs says it, so "today" fits on one line in a tray popover's two columns. */}
          <dl className="totals" aria-label="Today">
            <Total label="Requests today" value={stats.today.requests} />
            <Total label="Failed today" value={stats.today.errors} tone={stats.today.errors ? 'bad' : undefined} />
            <Total label="Tokens in today" value={stats.today.inputTokens} />
            <Total label="Tokens out today" value={stats.today.outputTokens} />
          </dl>
          <RequestsChart perMinute={stats.perMinute} />
        </>
      ) : (
        <div className="placeholder" aria-busy="true">
          {error ?? 'Loading…'}
        </div>
      )}
    </Card>
  );
}

function Total({ label, value, tone }: { label: string; value: number; tone?: 'bad' }) {
  const exact = formatCount(value);
  const short = formatShortCount(value);
  return (
    <div className={`total ${tone === 'bad' ? 'total-bad' : ''}`}>
      <dt>{label}</dt>
      {/* Shortened, the whole figure is the tooltip and what a screen reader says. */}
      {short === exact ? (
        <dd>{exact}</dd>
      ) : (
        <dd title={exact}>
          <span aria-hidden="true">{short}</span>
          <span className="visually-hidden">{exact}</span>
        </dd>
      )}
    </div>
  );
}

function AccountCountsCard() {
  const { accounts, accountsError } = useLive();
  return (
    <Card
      title="Accounts"
      className="span-2"
      actions={
        <a className="button button-small" href={href('accounts')}>
          Manage accounts
        </a>
      }
    >
      <ErrorNote>{accountsError}</ErrorNote>
      {accounts === null ? (
        <p className="muted">Loading…</p>
      ) : accounts.length === 0 ? (
        <p className="empty">
          No accounts yet — <a href={href('accounts')}>Add account</a>
        </p>
      ) : (
        <ul className="count-list" aria-label="Requests per account">
          {accounts.map((a) => (
            <li key={a.id} className={a.enabled ? '' : 'disabled-row'}>
              {/* One line, cut with an ellipsis where the row is narrow: the whole of it on hover. */}
              <span className="count-name" title={a.name !== a.email ? `${a.name} ${a.email}` : a.name}>
                <strong>{a.name}</strong>
                {a.name !== a.email ? <span className="muted"> {a.email}</span> : null}
              </span>
              {/* Switched off, it takes no requests whatever its state: "Ready" in a faded row read as serving. */}
              {a.enabled ? (
                <StatusBadge account={a} showReason={false} />
              ) : (
                <span className="status">
                  <span className="badge badge-muted">Disabled</span>
                </span>
              )}
              {/* Every request since the account was added, not today's: said so, as it sits beside today's. The
                  unit is in sight: a bare "1" beside "Cooling down" did not say one of what. */}
              <span className="count-value" title={`${formatCount(a.requestCount)}${sinceAdded(a.requestCount)}`}>
                {formatCount(a.requestCount)}
                <span className="count-unit"> {requestsWord(a.requestCount)}</span>
                <span className="visually-hidden">{SINCE_ADDED}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {accounts ? <CreditsTotal accounts={accounts} /> : null}
    </Card>
  );
}

/** What the enabled accounts have left between them (contract/credits.ts); nothing before any read. */
function CreditsTotal({ accounts }: { accounts: AccountView[] }) {
  const now = useNow(15_000);
  const total = creditsTotal(accounts);
  if (!total) return null;
  return (
    <p className="credits-total">
      Credits left: <strong>{formatCount(total.left)}</strong> across {total.accounts}{' '}
      {total.accounts === 1 ? 'account' : 'accounts'}, read {formatAgo(total.oldestCheckedAt, now)}
    </p>
  );
}
