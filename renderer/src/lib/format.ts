import type { AccountStatus } from './api';

export const STATUS_LABEL: Record<AccountStatus, string> = {
  ready: 'Ready',
  cooling_down: 'Cooling down',
  quota_exhausted: 'Out of credits',
  signed_out: 'Signed out',
  blocked: 'Blocked',
  failing: 'Failing',
  locked: 'Locked',
};

/** Tone of a state badge: ready is good, a wait that heals is a warning, anything a person must fix is bad. */
export const STATUS_TONE: Record<AccountStatus, 'good' | 'warn' | 'bad'> = {
  ready: 'good',
  cooling_down: 'warn',
  failing: 'warn',
  quota_exhausted: 'bad',
  signed_out: 'bad',
  blocked: 'bad',
  locked: 'bad',
};

const integer = new Intl.NumberFormat();
export const formatCount = (n: number): string => integer.format(n);

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
/** 123_456_789 → "123.5M": a day's tokens run to millions, and "123,456,789" overflows a total in a narrow window. */
export const formatShortCount = (n: number): string => (n < 1_000_000 ? integer.format(n) : compact.format(n));

/**
 * What an account's count counts: it runs from when the account was added, never reset, and sits near today's
 * totals, so where it is shown bare its tooltip and screen-reader text say so. It counts the requests sent upstream
 * on the account, so a request retried on it counts twice and one that failed over to another counts on both: said,
 * since Logs lists each client request once and the two differ after any retry.
 */
export const SINCE_ADDED = ' sent to it since it was added, retries included';

/** " 3 requests sent to it since it was added, retries included". */
export const sinceAdded = (n: number): string => ` ${requestsWord(n)}${SINCE_ADDED}`;

export const requestsWord = (n: number): string => (n === 1 ? 'request' : 'requests');

/** 75_000 → "1 min 15 s"; 3_725_000 → "1 h 2 min". Whole seconds, rounded up so a countdown never shows 0 early. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** Request durations: "840 ms", "12.4 s". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatAgo(at: number | null, now: number): string {
  if (at === null) return 'Never';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(at).toLocaleDateString();
}

export const formatTime = (at: number): string =>
  new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const formatDateTime = (at: number): string => new Date(at).toLocaleString();
