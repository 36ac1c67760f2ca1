import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorMessage, useApi, type AccountSummary, type ProxyStatus, type RequestReport } from './api';
import { useEvent } from './hooks';

interface LiveData {
  status: ProxyStatus | null;
  setStatus: (status: ProxyStatus) => void;
  refreshStatus: () => void;
  /** null until the first list arrives. */
  accounts: AccountSummary[] | null;
  accountsError: string | null;
  refreshAccounts: () => Promise<void>;
  /** Puts an account the core just returned (add, update, reset) in place without a round trip. */
  putAccount: (account: AccountSummary) => void;
  dropAccount: (id: number) => void;
  /**
   * Requests finished since the window opened (the newest few hundred), newest last. History reaches SQLite up to
   * a second after a request ends, so a view opened just then merges these with its history page.
   */
  recentRequests: () => readonly RequestReport[];
}

const RECENT_MAX = 300;

const LiveContext = createContext<LiveData | null>(null);

/**
 * What several views show at once: the proxy status and the accounts. Loaded once, then kept current from pushed
 * events (`counts` moves request counts, `accountStates` moves states), so counts rise without a reload and every
 * view agrees.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [status, setStatus] = useState<ProxyStatus | null>(null);
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [accountsError, setAccountsError] = useState<string | null>(null);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const recent = useRef<RequestReport[]>([]);
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
    return () => clearTimeout(refreshTimer.current);
  }, [refreshStatus, refreshAccounts]);

  // The first status arrives as the event stream opens; a later one means it reconnected (the app restarted,
  // the machine slept), and whatever changed meanwhile is read again.
  const statusEvents = useRef(0);
  useEvent('proxyStatus', (next) => {
    setStatus(next);
    if (statusEvents.current++ > 0) void refreshAccounts();
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
    // States also move the status's usable count; one refresh shortly after a burst of changes.
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(refreshStatus, 250);
  });

  useEvent('accountProtocols', (changes) => {
    const latest = new Map(changes.map((c) => [c.accountId, c.protocol]));
    setAccounts((list) => list?.map((a) => (latest.has(a.id) ? { ...a, protocol: latest.get(a.id)! } : a)) ?? list);
  });

  const putAccount = useCallback((account: AccountSummary) => {
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
