import type { AccountPatch } from '../db/accounts-repo';
import type { UpstreamFailure } from '../orchids/failure';
import type { AccountHealth } from '../proxy/account-health';
import type { AccountCache } from './account-cache';
import type { AccountRecord, AccountStatus } from './types';
import type { UpstreamProtocol } from '../upstream/protocol';

export interface StatePolicy {
  /** First 429 without Retry-After; doubles on repeats up to the cap. */
  rateLimitBaseMs: number;
  rateLimitCapMs: number;
  /** Consecutive transient failures (5xx, network, timeouts) that open the circuit breaker. */
  failingThreshold: number;
  failingBaseMs: number;
  failingCapMs: number;
  quotaRetryMs: number;
  blockedRetryMs: number;
  signedOutRetryMs: number;
}

export const DEFAULT_STATE_POLICY: StatePolicy = {
  rateLimitBaseMs: 30_000,
  rateLimitCapMs: 15 * 60_000,
  failingThreshold: 3,
  failingBaseMs: 15_000,
  failingCapMs: 5 * 60_000,
  quotaRetryMs: 60 * 60_000,
  blockedRetryMs: 6 * 60 * 60_000,
  signedOutRetryMs: 30 * 60_000,
};

/** A cheap check that an account can serve again; resolves true to heal, false to wait longer. */
export type Prober = (account: AccountRecord) => Promise<boolean>;

export interface StateChange {
  accountId: number;
  previous: AccountStatus;
  status: AccountStatus;
  reason: string;
  until: number | null;
}

export interface AccountStatesDeps {
  cache: AccountCache;
  /**
   * Persists the patches queued since the last call, together (one transaction), off the request path: with
   * thousands of accounts in use they come in bursts.
   */
  persist: (writes: ReadonlyArray<readonly [accountId: number, patch: AccountPatch]>) => void;
  probe: Prober;
  policy?: Partial<StatePolicy>;
  now?: () => number;
  onChange?: (change: StateChange) => void;
  /** Drops the account's cached token (a fresh sign-in, a reset, a 401). */
  forgetToken?: (accountId: number) => void;
  onProtocolChange?: (accountId: number, protocol: UpstreamProtocol | '') => void;
  /** Redacts the secrets the app holds from a reason (SecretRedactor.redact); the reason is stored and shown. */
  redact?: (text: string) => string;
}

const LABEL: Record<AccountStatus, [string, string]> = {
  ready: ['account ready', 'accounts ready'],
  cooling_down: ['account cooling down', 'accounts cooling down'],
  quota_exhausted: ['account out of credits', 'accounts out of credits'],
  signed_out: ['account signed out', 'accounts signed out'],
  blocked: ['account blocked', 'accounts blocked'],
  failing: ['account failing', 'accounts failing'],
  locked: ['account locked', 'accounts locked'],
};

/**
 * Why each account is or is not serving, and when it may again. The request path reports outcomes here; the
 * change lands in the cache at once (so the next pick skips the account) and in SQLite just after, off the
 * request path. States that can heal carry an until-time; when it passes, a background probe decides.
 */
export class AccountStates implements AccountHealth {
  private readonly policy: StatePolicy;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly pendingWrites = new Map<number, AccountPatch>();
  private writeScheduled = false;
  private readonly probing = new Set<number>();
  private stopped = false;

  constructor(private readonly deps: AccountStatesDeps) {
    this.policy = { ...DEFAULT_STATE_POLICY, ...deps.policy };
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.flushWrites();
  }

  recordSuccess(accountId: number): void {
    const account = this.deps.cache.get(accountId);
    if (account && account.failureStreak > 0) this.apply(account, { failureStreak: 0 });
  }

  recordFailure(accountId: number, failure: UpstreamFailure): void {
    const account = this.deps.cache.get(accountId);
    if (!account) return;
    const now = this.now();
    const streak = account.failureStreak + 1;
    const p = this.policy;
    switch (failure.kind) {
      case 'rate_limited': {
        const wait =
          failure.retryAfterMs ?? Math.min(p.rateLimitCapMs, p.rateLimitBaseMs * 2 ** Math.min(streak - 1, 16));
        this.enter(
          account,
          'cooling_down',
          `Rate limited by Orchids (HTTP 429)${failure.retryAfterMs !== undefined ? '; it asked for a pause' : ''}.`,
          now + wait,
          streak,
        );
        return;
      }
      case 'quota':
        this.enter(account, 'quota_exhausted', 'Out of Orchids credits.', now + p.quotaRetryMs, streak);
        return;
      case 'blocked':
        this.enter(account, 'blocked', 'Orchids refused this account (HTTP 403).', now + p.blockedRetryMs, streak);
        return;
      case 'signed_out':
        this.deps.forgetToken?.(accountId);
        this.enter(account, 'signed_out', signedOutReason(failure.message), now + p.signedOutRetryMs, streak);
        return;
      case 'locked':
        this.deps.forgetToken?.(accountId);
        this.enter(account, 'locked', failure.message, null, streak);
        return;
      case 'server':
      case 'network':
      case 'timeout':
      case 'clerk_unavailable':
      case 'unknown':
        if (streak >= p.failingThreshold) {
          const wait = Math.min(p.failingCapMs, p.failingBaseMs * 2 ** Math.min(streak - p.failingThreshold, 16));
          this.enter(account, 'failing', `${streak} failures in a row; last: ${failure.message}`, now + wait, streak);
        } else {
          this.apply(account, { failureStreak: streak });
        }
        return;
      case 'client':
        return;
    }
  }

  /**
   * Remembers the upstream protocol an account answered on (or '' to forget it). Off the request path like every
   * state change: the cache now, SQLite on the next turn of the event loop.
   */
  noteProtocol(accountId: number, protocol: UpstreamProtocol | '', at: number): void {
    const account = this.deps.cache.get(accountId);
    if (!account) return;
    const changed = account.protocol !== protocol;
    this.apply(account, { protocol, protocolCheckedAt: at });
    if (changed) this.deps.onProtocolChange?.(accountId, protocol);
  }

  /** A person cleared the state: back to ready at once, with a fresh token on next use. */
  reset(accountId: number): void {
    const account = this.deps.cache.get(accountId);
    if (!account) return;
    this.deps.forgetToken?.(accountId);
    this.enter(account, 'ready', '', null, 0);
  }

  unavailableSummary(): { message: string; retryAfterMs: number | undefined } {
    const counts = new Map<AccountStatus, number>();
    let nextAt = Infinity;
    for (const account of this.deps.cache.list()) {
      if (!account.enabled) continue;
      counts.set(account.status, (counts.get(account.status) ?? 0) + 1);
      if (account.status !== 'ready' && account.statusUntil !== null) nextAt = Math.min(nextAt, account.statusUntil);
    }
    const parts = [...counts]
      .filter(([status]) => status !== 'ready')
      .map(([status, count]) => `${count} ${LABEL[status][count === 1 ? 0 : 1]}`);
    const tried = counts.get('ready') ?? 0;
    if (tried > 0) parts.unshift(`${tried} ${tried === 1 ? 'account' : 'accounts'} failed this request`);
    const waitMs = Number.isFinite(nextAt) ? Math.max(0, nextAt - this.now()) : undefined;
    const when = waitMs === undefined ? '' : `; the next is ready in ${formatWait(waitMs)}`;
    return {
      message: `No Orchids account can take this request: ${parts.join(', ') || 'none is ready'}${when}.`,
      retryAfterMs: waitMs,
    };
  }

  /** Writes queued state changes now (before the cache reloads from the database, and on stop). */
  flushWrites(): void {
    this.writeScheduled = false;
    if (this.pendingWrites.size === 0) return;
    const writes = [...this.pendingWrites];
    this.pendingWrites.clear();
    try {
      this.deps.persist(writes);
    } catch {
      // The database is closing or busy: the cache keeps the states, and a state is short-lived anyway (the next
      // change or reload writes again).
    }
  }

  /** Re-arms the timer after accounts were reloaded from the database. */
  schedule(): void {
    if (this.stopped) return;
    let next = Infinity;
    for (const account of this.deps.cache.list()) {
      if (account.status !== 'ready' && account.status !== 'locked' && account.statusUntil !== null) {
        next = Math.min(next, account.statusUntil);
      }
    }
    if (next >= this.timerAt && this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (!Number.isFinite(next)) return;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, next - this.now()));
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    for (const account of this.deps.cache.list()) {
      if (account.status === 'ready' || account.status === 'locked' || account.statusUntil === null) continue;
      if (account.statusUntil > now) continue;
      if (account.status === 'cooling_down') this.enter(account, 'ready', '', null, account.failureStreak);
      else void this.probeOne(account);
    }
    this.schedule();
  }

  private async probeOne(account: AccountRecord): Promise<void> {
    if (this.probing.has(account.id)) return;
    this.probing.add(account.id);
    let healthy: boolean;
    try {
      healthy = await this.deps.probe(account);
    } catch {
      healthy = false;
    } finally {
      this.probing.delete(account.id);
    }
    const current = this.deps.cache.get(account.id);
    if (!current || current.status !== account.status || this.stopped) return;
    if (healthy) {
      // Half-open: ready again, but the streak is kept, so a repeat failure waits longer than the last time.
      this.enter(current, 'ready', '', null, current.failureStreak);
      return;
    }
    const retry = this.retryDelay(current.status, current.failureStreak);
    this.enter(current, current.status, current.statusReason, this.now() + retry, current.failureStreak + 1);
  }

  private retryDelay(status: AccountStatus, streak: number): number {
    const p = this.policy;
    switch (status) {
      case 'quota_exhausted':
        return p.quotaRetryMs;
      case 'blocked':
        return p.blockedRetryMs;
      case 'signed_out':
        return p.signedOutRetryMs;
      default:
        return Math.min(p.failingCapMs, p.failingBaseMs * 2 ** Math.min(streak, 16));
    }
  }

  private enter(
    account: AccountRecord,
    status: AccountStatus,
    reason: string,
    until: number | null,
    streak: number,
  ): void {
    const previous = account.status;
    // A reason quotes failure text: redacted before the cache, the database and the event see it.
    if (reason && this.deps.redact) reason = this.deps.redact(reason);
    this.apply(account, { status, statusReason: reason, statusUntil: until, failureStreak: streak });
    if (previous !== status || status !== 'ready') {
      this.deps.onChange?.({ accountId: account.id, previous, status, reason, until });
    }
    this.schedule();
  }

  /** The cache changes now, so the very next pick sees it; SQLite follows on the next turn of the event loop. */
  private apply(account: AccountRecord, patch: AccountPatch): void {
    this.deps.cache.upsert({ ...account, ...patch });
    this.pendingWrites.set(account.id, { ...this.pendingWrites.get(account.id), ...patch });
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => this.flushWrites());
    }
  }
}

export function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

/**
 * The reason shown beside a "Signed out" badge (and under a notification titled so): the cause, and the cure only
 * when the cause does not already give it (Clerk's own messages say to copy a fresh cookie).
 */
function signedOutReason(cause: string): string {
  if (/fresh cookie/i.test(cause)) return cause;
  const sentence = /[.!?]$/.test(cause.trim()) ? cause.trim() : `${cause.trim()}.`;
  return `${sentence} Paste a fresh cookie to sign it in again.`;
}
