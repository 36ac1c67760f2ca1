import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorMessage, useApi, type AccountView, type ProxyStatus, type RequestView } from './api';
import { useEvent } from './hooks';

interface LiveData {
  status: ProxyStatus | null;
  setStatus: (status: ProxyStatus) => void;
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
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [accountsError, setAccountsError] = useState<string | null>(null);
  const recent = useRef<RequestView[]>([]);
  const recentRequests = useCallback(() => recent.current, []);

  const refreshStatus = useCallback(() => {
    api.proxy.status().then(setStatus, () => undefined);
  }, [api]);

  // Contract calls are async functions: they reject, never throw, so nothing here sets state synchronously.
  const refreshAccounts = useCallback(
    () =>
      api.accounts.list().then(
        (list) => {
          setAccounts(list);
          setAccountsError(null);
        },
        (error: unknown) => setAccountsError(errorMessage(error)),
      ),
    [api],
  );

  useEffect(() => {
    refreshStatus();
    void refreshAccounts();
  }, [refreshStatus, refreshAccounts]);

  // The core pushes a fresh status whenever it moves (pause, settings, account states).
  useEvent('proxyStatus', setStatus);

  // The transport says when its live stream came back after a break (the app restarted, the machine slept):
  // whatever changed meanwhile is read again then, and only then.
  useEvent('connection', (change) => {
    if (change.state !== 'open' || !change.resumed) return;
    refreshStatus();
    void refreshAccounts();
  });

  useEvent('requestsFinished', (reports) => {
    const next = recent.current.concat(reports);
    recent.current = next.length > RECENT_MAX ? next.slice(-RECENT_MAX) : next;
  });

  useEvent('counts', (counts) => {
    const byId = new Map(counts.map((c) => [c.accountId, c]));
    setAccounts(
      (list) =>
        list?.map((a) => {
          const c = byId.get(a.id);
          return c && (c.requestCount !== a.requestCount || c.lastUsedAt !== a.lastUsedAt)
            ? { ...a, requestCount: c.requestCount, lastUsedAt: c.lastUsedAt }
            : a;
        }) ?? list,
    );
  });

  useEvent('accountStates', (changes) => {
    setAccounts(
      (list) =>
        list?.map((a) => {
          const change = changes.filter((c) => c.accountId === a.id).at(-1);
          return change ? { ...a, status: change.status, statusReason: change.reason, statusUntil: change.until } : a;
        }) ?? list,
    );
  });

  useEvent('accountProtocols', (changes) => {
    const latest = new Map(changes.map((c) => [c.accountId, c.protocol]));
    setAccounts((list) => list?.map((a) => (latest.has(a.id) ? { ...a, protocol: latest.get(a.id)! } : a)) ?? list);
  });

  const putAccount = useCallback((account: AccountView) => {
    setAccounts((list) => {
      if (!list) return [account];
      return list.some((a) => a.id === account.id)
        ? list.map((a) => (a.id === account.id ? account : a))
        : [...list, account];
    });
  }, []);
  const dropAccount = useCallback((id: number) => setAccounts((list) => list?.filter((a) => a.id !== id) ?? list), []);

  const value = useMemo<LiveData>(
    () => ({
      status,
      setStatus,
      refreshStatus,
      accounts,
      accountsError,
      refreshAccounts,
      putAccount,
      dropAccount,
      recentRequests,
    }),
    [status, refreshStatus, accounts, accountsError, refreshAccounts, putAccount, dropAccount, recentRequests],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveData {
  const value = useContext(LiveContext);
  if (!value) throw new Error('useLive() outside <LiveProvider>');
  return value;
}
