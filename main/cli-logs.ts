import type { AccountStateChange, AccountView } from '../contract/account-views';
import type { Events, OrchidsApi } from '../contract/api';
import { historyCsv, historyTriedNamesThen } from '../contract/history-csv';
import type { FinishedRequest } from '../contract/request-views';
import { OUT_WORDS } from '../contract/serving';
import type { CliConnection } from './cli-connection';

type Line = (text: string) => void;

/**
 * One line per request, the same for live reports and history rows. `triedName` names the `at`th account the request
 * tried (history keeps each one's name as it was then); by default the account's name as `accountName` gives it.
 */
export function formatRequest(
  r: FinishedRequest,
  accountName: (id: number | null) => string,
  triedName: (id: number, at: number) => string = accountName,
): string {
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
    // As the window's Accounts tried: only for more than one attempt (for one, the account named above is it).
    r.accountsTried.length > 1 ? `tried ${r.accountsTried.map(triedName).join(' → ')}` : '',
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
  return rows.map((row) => {
    const then = historyTriedNamesThen(row);
    return {
      requestId: row.requestId,
      line: formatRequest(
        row,
        (id) => (id === null ? '' : label(id, row.accountName)),
        (id, at) => label(id, then[at] ?? null),
      ),
    };
  });
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
 * Follows the running app's live event stream: one line per finished request, one per change a person made to an
 * account (added, removed, enabled, disabled, renamed, reweighted) and per account state change (a cool-down
 * starting or ending), and the app's log lines. Stops when the app does, or when `signal` aborts. With `history`, the
 * last that many requests come first, as `tail -n N -f` starts with the file's last lines.
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
  const accounts = new AccountWatch(connection.api);
  await accounts.read();
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
      // An account this follower has not met yet (added in the same delivery as its first state or request): the
      // list is read first, so its "added" line comes before them and they name it.
      if (mentioned(name, payload).some((id) => !accounts.knows(id)))
        for (const line of await accounts.changes()) out(line);
      if (name === 'accountsChanged') {
        for (const line of await accounts.changes((payload as Events['accountsChanged']).at)) out(line);
      } else if (name === 'requestsFinished') {
        const reports = (payload as Events['requestsFinished']).filter((r) => !printed.has(r.requestId));
        for (const report of reports) out(await accounts.requestLine(report));
      } else printEvent(name, payload, accounts, out);
    }
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
  out('Orchids Tray stopped.');
}

/** The account ids an event names. */
function mentioned(name: keyof Events, payload: unknown): number[] {
  if (name === 'requestsFinished') return (payload as Events['requestsFinished']).flatMap((r) => r.accountsTried);
  if (name === 'accountStates') return (payload as Events['accountStates']).map((change) => change.accountId);
  return [];
}

const clock = (at: number): string => new Date(at).toLocaleTimeString();

/**
 * The accounts as the follower last read them: to name each one as it is called now, and to tell what a change to
 * the list was.
 *
 * DECISION: the app's `accountsChanged` event says only that the list changed; the follower reads the list again and
 * compares, instead of the app sending each edit. That covers every source the same way (this CLI, a window, another
 * process writing the database, which the app only notices as "changed"), leaves the event the window reads as it is,
 * and costs one list read per change. An edit undone within one delivery (a tenth of a second) shows as nothing, which
 * is the state it left.
 *
 * DECISION: what a person watching their accounts needs is printed: added, removed, enabled, disabled, renamed, a new
 * weight, and (from `accountStates`) every state change, a cool-down starting or ending among them. Left out as noise:
 * the credits figures read every few minutes (`accounts credits` shows them), the upstream protocol an account
 * answers on (each request's line says it), and every token refresh; a failed refresh still shows, as the app's
 * warning log line, and one that signs the account out as its state change.
 */
class AccountWatch {
  private known = new Map<number, AccountView>();
  /** Names of the accounts removed while following, for the requests they served that are reported after. */
  private readonly gone = new Map<number, string>();
  /** When each account's timed state was due to end, as last heard: the list at first, then each state change. */
  private readonly untils = new Map<number, number | null>();

  constructor(private readonly api: OrchidsApi) {}

  async read(): Promise<void> {
    this.known = new Map((await this.api.accounts.list()).map((a) => [a.id, a]));
    // The list seeds an account's end only when no state change has said it yet: the events, in order, are newer
    // than a list read in between (read after a change it may already show ready).
    for (const [id, account] of this.known) if (!this.untils.has(id)) this.untils.set(id, account.statusUntil);
  }

  /** Takes a state change in, and answers when the state it ends was due to end (null: no end, or not known). */
  noteState(change: AccountStateChange): number | null {
    const was = this.untils.get(change.accountId) ?? null;
    this.untils.set(change.accountId, change.until);
    return was;
  }

  knows(id: number): boolean {
    return this.known.has(id) || this.gone.has(id);
  }

  /**
   * `#3 Work`, as the account is called now; once it is gone, `#3 Work (removed)`, named as it was then: `asThen`,
   * the name a request ran with (as `logs` names it), or else the name it had when this follower saw it go.
   */
  label(id: number | null, asThen: string | null = null): string {
    if (id === null) return '';
    const now = this.known.get(id)?.name;
    if (now !== undefined) return `#${id} ${now}`;
    const then = asThen ?? this.gone.get(id);
    return then === undefined ? `#${id}` : `#${id} ${then} (removed)`;
  }

  /**
   * A finished request's line, naming its accounts as `logs` does: the serving one by the name the report carries,
   * each other one it tried by its name now, or, for one this follower cannot name, by the name history kept.
   *
   * DECISION: an account this follower cannot name (removed while the request ran, before the follower read the list)
   * is named from the request's history row, read through `history:record`, rather than by adding each tried account's
   * name to the live report: the app finds those names when its history writer writes the row (compose.ts keeps the
   * names of accounts removed while it runs for that), off the request path, and the live report leaves before that.
   * The read flushes the history writer first, so the row is there; it costs one call for such a request only, and
   * carries the request's debug record along when one was written (rare enough not to add a narrower call for it).
   */
  async requestLine(report: FinishedRequest): Promise<string> {
    const unnamed = report.accountsTried.some((id) => id !== report.accountId && !this.knows(id));
    const then = unnamed ? await this.triedNamesThen(report.requestId) : [];
    const asThen = (id: number, at: number) => then[at] ?? (id === report.accountId ? report.accountName : null);
    return formatRequest(
      report,
      (id) => this.label(id, report.accountName),
      (id, at) => this.label(id, asThen(id, at)),
    );
  }

  /** The names history kept for the accounts a request tried, in order; none when the row cannot be read. */
  private async triedNamesThen(requestId: string): Promise<Array<string | null>> {
    try {
      const { row } = await this.api.history.record({ requestId });
      return row ? historyTriedNamesThen(row) : [];
    } catch {
      // The app is stopping: the line goes out with what the follower knows; the stream's end says the rest.
      return [];
    }
  }

  /** Reads the list again and says what changed since the last read, one line per change. */
  async changes(at = Date.now()): Promise<string[]> {
    const before = this.known;
    try {
      await this.read();
    } catch {
      // The app is stopping: the stream's end says so; nothing to compare.
      return [];
    }
    const lines: string[] = [];
    const say = (id: number, name: string, what: string) => lines.push(`${clock(at)}  account #${id} ${name}: ${what}`);
    for (const [id, was] of before) {
      if (this.known.has(id)) continue;
      this.gone.set(id, was.name);
      say(id, was.name, 'removed');
    }
    for (const [id, now] of this.known) {
      const was = before.get(id);
      if (!was) {
        this.gone.delete(id);
        say(id, now.name, now.enabled ? 'added' : 'added, disabled');
        continue;
      }
      if (was.enabled !== now.enabled) say(id, was.name, now.enabled ? 'enabled' : 'disabled');
      if (was.weight !== now.weight) say(id, was.name, `weight ${was.weight} → ${now.weight}`);
      if (was.name !== now.name) say(id, was.name, `renamed to ${now.name}`);
    }
    return lines;
  }
}

function printEvent(name: keyof Events, payload: unknown, accounts: AccountWatch, out: Line): void {
  if (name === 'accountStates') {
    for (const change of payload as Events['accountStates']) {
      const wasUntil = accounts.noteState(change);
      out(`${clock(change.at)}  account ${accounts.label(change.accountId)}: ${describeState(change, wasUntil)}`);
    }
  } else if (name === 'logLines') {
    for (const line of payload as Events['logLines']) out(`${clock(line.at)}  ${line.level}  ${line.message}`);
  }
}

/**
 * "cooling down until 10:42:07 — Rate limited by Orchids (HTTP 429).", "ready again (was cooling down)", and for a
 * state a person reset before its end "reset: ready again (was cooling down until 10:42:07)".
 *
 * DECISION: the state event carries no cause (a reset and a wait that ran out both send ready with no reason), so the
 * follower tells them by time, without a change to the app's events: the app ends a timed state by itself only once
 * its end has come, so a `ready` stamped before the end it last announced was a reset (`accounts reset`, the window's
 * Reset). A state with no end (locked) names no cause either way: unlocking it is not a person's reset.
 */
function describeState(change: AccountStateChange, wasUntil: number | null): string {
  if (change.status === 'ready') {
    if (change.previous === 'ready') return 'ready';
    const was = `was ${OUT_WORDS[change.previous]}`;
    if (wasUntil !== null && change.at < wasUntil) return `reset: ready again (${was} until ${clock(wasUntil)})`;
    return `ready again (${was})`;
  }
  // The same state again: its wait was checked and it goes on (a probe that failed, a retry put off).
  const state = change.previous === change.status ? `still ${OUT_WORDS[change.status]}` : OUT_WORDS[change.status];
  const until = change.until === null ? '' : ` until ${clock(change.until)}`;
  return `${state}${until}${change.reason ? ` — ${change.reason}` : ''}`;
}
