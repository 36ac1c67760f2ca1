import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { cliCommand } from '../../../contract/cli-command';
import { withPinnedMismatch } from '../../../contract/pinned-protocol';
import { servingWords, type ServingWords } from '../../../contract/serving';
import { errorMessage, useApi, type AccountView, type ProxyStatus, type RequestView } from './api';
import { useEvent } from './hooks';
import { LatestRead, type Change } from './latest-read';

interface LiveData {
  status: ProxyStatus | null;
  /**
   * False from the moment the live stream to the core breaks until it is back: the core stopped (or restarted, which
   * ends a browser's session), or the machine slept. Everything shown meanwhile is as of the break.
   */
  connected: boolean;
  /** The app is back but refused this window's session: it restarted, and only a fresh Dashboard link signs in. */
  sessionEnded: boolean;
  /**
   * Shows the status a call answered (pause, resume), or when a pushed status arrived while it was on its way (which
   * of the two is newer cannot be told), a status read after that push.
   */
  acceptStatus: (answer: Promise<ProxyStatus>) => Promise<void>;
  refreshStatus: () => void;
  /** null until the first list arrives. */
  accounts: AccountView[] | null;
  accountsError: string | null;
  refreshAccounts: () => Promise<void>;
  /** Puts an account the core just returned (add, update, reset) in place without a round trip. */
  putAccount: (account: AccountView) => void;
  dropAccount: (id: number) => void;
  /**
   * Requests finished since the window opened (the newest few hundred), newest last. History reaches SQLite up to
   * a second after a request ends, so a view opened just then merges these with its history page.
   */
  recentRequests: () => readonly RequestView[];
}

const RECENT_MAX = 300;

const LiveContext = createContext<LiveData | null>(null);

/**
 * What several views show at once: the proxy status and the accounts. Loaded once, then kept current from pushed
 * events (`counts` moves request counts, `accountStates` moves states, `proxyStatus` replaces the status), so
 * counts rise without a reload and every view agrees.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [status, setStatus] = useState<ProxyStatus | null>(null);
  const [connected, setConnected] = useState(true);
  const [sessionEnded, setSessionEnded] = useState(false);
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [accountsError, setAccountsError] = useState<string | null>(null);
  const recent = useRef<RequestView[]>([]);
  const recentRequests = useCallback(() => recent.current, []);
  // Pushed statuses so far. An answer asked before a push that came while it was on its way may have been computed
  // before or after the change the push reports: it is not shown, the status is read again. Not every change is
  // pushed (adding an account is not), so an answer is never just dropped.
  const pushedStatuses = useRef(0);

  const acceptStatus = useCallback(
    async (first: Promise<ProxyStatus>) => {
      let answer = first;
      for (;;) {
        const pushedBefore = pushedStatuses.current;
        const answered = await answer;
        if (pushedStatuses.current === pushedBefore) return setStatus(answered);
        answer = api.proxy.status();
      }
    },
    [api],
  );
  const refreshStatus = useCallback(() => {
    acceptStatus(api.proxy.status()).catch(() => undefined);
  }, [api, acceptStatus]);

  // Local changes and pushed events move the list between reads; each is kept to apply again on top of a read on its
  // way, which the core may have answered before the change (see LatestRead).
  const [accountsRead] = useState(() => new LatestRead<AccountView[]>());
  const changeAccounts = useCallback(
    (change: Change<AccountView[]>, whenNoList: AccountView[] | null = null) => {
      accountsRead.keep(change);
      setAccounts((list) => (list ? change(list) : whenNoList));
    },
    [accountsRead],
  );

  // Contract calls are async functions: they reject, never throw, so nothing here sets state synchronously.
  const refreshAccounts = useCallback(() => {
    const ticket = accountsRead.ask();
    return api.accounts.list().then(
      (list) => {
        const current = accountsRead.answer(ticket, list);
        if (!current) return;
        setAccounts(current);
        setAccountsError(null);
      },
      (error: unknown) => {
        if (accountsRead.failed(ticket)) setAccountsError(errorMessage(error));
      },
    );
  }, [api, accountsRead]);

  useEffect(() => {
    refreshStatus();
    void refreshAccounts();
  }, [refreshStatus, refreshAccounts]);

  // The core pushes a fresh status whenever it moves (pause, settings, account states).
  useEvent('proxyStatus', (pushed) => {
    pushedStatuses.current += 1;
    setStatus(pushed);
  });

  // The transport says when its live stream came back after a break (the app restarted, the machine slept):
  // whatever changed meanwhile is read again then, and only then.
  useEvent('connection', (change) => {
    setConnected(change.state === 'open');
    setSessionEnded(change.state === 'lost' && change.sessionEnded === true);
    if (change.state !== 'open' || !change.resumed) return;
    refreshStatus();
    void refreshAccounts();
  });

  // Added, edited, removed or reset here, in another window or with the CLI: the list is read again (the newest read
  // wins, see LatestRead), so every open window shows the same accounts.
  useEvent('accountsChanged', () => void refreshAccounts());

  useEvent('requestsFinished', (reports) => {
    const next = recent.current.concat(reports);
    recent.current = next.length > RECENT_MAX ? next.slice(-RECENT_MAX) : next;
  });

  useEvent('counts', (counts) => {
    const byId = new Map(counts.map((c) => [c.accountId, c]));
    changeAccounts((list) =>
      list.map((a) => {
        const c = byId.get(a.id);
        return c && (c.requestCount !== a.requestCount || c.lastUsedAt !== a.lastUsedAt)
          ? { ...a, requestCount: c.requestCount, lastUsedAt: c.lastUsedAt }
          : a;
      }),
    );
  });

  useEvent('accountStates', (changes) => {
    changeAccounts((list) =>
      list.map((a) => {
        const change = changes.filter((c) => c.accountId === a.id).at(-1);
        return change ? { ...a, status: change.status, statusReason: change.reason, statusUntil: change.until } : a;
      }),
    );
  });

  useEvent('accountProtocols', (changes) => {
    const latest = new Map(changes.map((c) => [c.accountId, c.protocol]));
    changeAccounts((list) => list.map((a) => (latest.has(a.id) ? { ...a, protocol: latest.get(a.id)! } : a)));
  });

  const putAccount = useCallback(
    (account: AccountView) =>
      changeAccounts(
        (list) =>
          list.some((a) => a.id === account.id)
            ? list.map((a) => (a.id === account.id ? account : a))
            : [...list, account],
        [account],
      ),
    [changeAccounts],
  );
  const dropAccount = useCallback(
    (id: number) => changeAccounts((list) => list.filter((a) => a.id !== id)),
    [changeAccounts],
  );

  const value = useMemo<LiveData>(
    () => ({
      status,
      connected,
      sessionEnded,
      acceptStatus,
      refreshStatus,
      accounts,
      accountsError,
      refreshAccounts,
      putAccount,
      dropAccount,
      recentRequests,
    }),
    [
      status,
      connected,
      sessionEnded,
      acceptStatus,
      refreshStatus,
      accounts,
      accountsError,
      refreshAccounts,
      putAccount,
      dropAccount,
      recentRequests,
    ],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveData {
  const value = useContext(LiveContext);
  if (!value) throw new Error('useLive() outside <LiveProvider>');
  return value;
}

/** What the bar and the Overview say of a core this window cannot reach: not its last status, which may be stale. */
const NOT_CONNECTED: ServingWords = {
  headline: 'Not connected',
  detail: 'This window cannot reach Orchids Tray, so the proxy may not be serving.',
  tone: 'bad',
};

/**
 * The serving summary in words (contract/serving.ts), or null before the first status arrives. A pinned protocol
 * that is not answering is in them ("Running · ws not answering"): "Running" alone would say all is well.
 */
export function useServingWords(): ServingWords | null {
  const { status, connected } = useLive();
  if (!connected) return NOT_CONNECTED;
  return status ? withPinnedMismatch(servingWords(status.serving), status.pinnedMismatch) : null;
}

/**
 * A CLI command as the person types it in a terminal on the app's machine: the status's cliInvocation, which the
 * main process makes with the function its terminal lines use (cliInvocation in main/core/util/cli-command.ts), so
 * the window's command is the terminal's to the byte: `"--"` on Windows, the data folder named when it is not the
 * default (the demo's, ORCHIDS_TRAY_DATA_DIR's), or a pasted command would act on another folder than this app's.
 * DECISION: the status's, not anything the browser knows: in remote mode (ORCHIDS_TRAY_ALLOW_REMOTE) the window may
 * be open on another machine, while the command runs where the app does, and the window cannot tell the default
 * folder (it depends on the app's environment). Before the first status the POSIX form on the default folder is the
 * guess, and a window that lost its connection keeps the last status.
 */
export function useCliCommand(args: string): string {
  const invocation = useLive().status?.cliInvocation;
  return invocation === undefined ? cliCommand(args, undefined) : `${invocation} ${args}`;
}

/**
 * The site credits are read from, by name, for the words that say where a figure came from: it need not be
 * orchids.app (ORCHIDS_SITE_URL), and until the first status arrives the window does not know which it is.
 */
export function useCreditsSite(): string {
  return useLive().status?.creditsSite ?? 'the credits site';
}
