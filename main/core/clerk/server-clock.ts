import { describeClockOffset } from '../../../contract/diagnostics';

/**
 * How far Clerk's clock runs from this machine's. A session JWT's `exp` is Clerk's time, and this machine's clock can
 * be minutes off (a VM, or WSL after its host slept). Ahead, a 60 s token looks expired on arrival: every request
 * would wait for a mint, and the background renewal would call Clerk every second until Clerk's rate limit stopped
 * the account. Behind, a token looks alive after it lapsed, and each one ends in an upstream 401.
 *
 * Every Clerk answer's `Date` header sets the offset. It is one figure for the whole process, as the clock it
 * corrects is (`Date.now()` is process-wide too). Under SKEW_IGNORED_MS it counts as none: the header is in whole
 * seconds, and the token cache's 30 s margin already covers a few.
 */
export const SKEW_IGNORED_MS = 5_000;

let offsetMs = 0;

/**
 * Reads a server's `Date` header against the local time it arrived at; a missing or unreadable one changes nothing.
 * True when the offset moved by at least SKEW_IGNORED_MS: worth a line in the log, since it explains token
 * behaviour a person would otherwise find odd.
 */
export function observeServerDate(header: string | string[] | undefined, receivedAt = Date.now()): boolean {
  const server = Date.parse(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
  if (!Number.isFinite(server)) return false;
  const sample = server - receivedAt;
  const before = offsetMs;
  offsetMs = Math.abs(sample) < SKEW_IGNORED_MS ? 0 : sample;
  return Math.abs(offsetMs - before) >= SKEW_IGNORED_MS;
}

/** This process's offset in words, for the log: the same words `proxy status` and the window's Diagnostics use. */
export function describeServerClock(server: string): string {
  return describeClockOffset(server, offsetMs);
}

/** Clerk's time minus this machine's, in ms, as last observed (0 when within a few seconds). */
export function serverClockOffsetMs(): number {
  return offsetMs;
}

/** A time on Clerk's clock, on this machine's. */
export function toLocalTime(serverMs: number): number {
  return serverMs - offsetMs;
}
