import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, useApi, type Subscribable, type SubscribableName } from './api';

/**
 * Subscribes to one pushed event (or the transport's `connection` news) for the component's lifetime. The
 * subscription's own unsubscribe (the function `on` returns) runs on unmount; the latest listener is read through
 * a ref so re-renders never resubscribe.
 */
export function useEvent<E extends SubscribableName>(name: E, listener: (payload: Subscribable[E]) => void): void {
  const api = useApi();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => api.on(name, (payload) => latest.current(payload)), [api, name]);
}

/** The current time, re-read every `intervalMs` while `active`: drives countdowns and "2 min ago". */
export function useNow(intervalMs = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  error: string | null;
  clearError: () => void;
}

/** Wraps a contract call for a button: pending while it runs, the person-readable error if it fails. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setPending(true);
    setError(null);
    try {
      return await latest.current(...args);
    } catch (caught) {
      if (mounted.current) setError(errorMessage(caught));
      return undefined;
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}
