import { useCallback, useEffect, useEffectEvent, useLayoutEffect, useRef, useState } from 'react';
import { errorMessage, useApi, type Subscribable, type SubscribableName } from './api';

/**
 * Subscribes to one pushed event (or the transport's `connection` news) for the component's lifetime. The
 * subscription's own unsubscribe (the function `on` returns) runs on unmount; the listener is an effect event, so
 * re-renders never resubscribe.
 */
export function useEvent<E extends SubscribableName>(name: E, listener: (payload: Subscribable[E]) => void): void {
  const api = useApi();
  const onEvent = useEffectEvent(listener);
  useEffect(() => api.on(name, (payload) => onEvent(payload)), [api, name]);
}

/**
 * The current time, re-read every `intervalMs`: drives countdowns and "2 min ago". It starts at the mount, so a
 * countdown that appears later is a component of its own and starts from the right time.
 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
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
  // Updated after each commit, before any click can reach `run`.
  useLayoutEffect(() => {
    latest.current = fn;
  });
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
