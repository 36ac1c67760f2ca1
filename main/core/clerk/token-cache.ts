import { jwtExpiryMs } from './jwt';

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface TokenCacheOptions {
  /**
   * Mints a fresh bearer JWT for the account (a Clerk call). `minLifetimeMs` is how long a token must still live to
   * be worth keeping here (the safety margin plus the refresh lead): a shorter-lived one would be refreshed at once.
   */
  mint: (accountId: number, minLifetimeMs: number) => Promise<string>;
  now?: () => number;
  /** A token is used until `exp` minus this margin (protocol 1.4 uses 30 s), so it never expires in flight. */
  safetyMarginMs?: number;
  /** Lifetime assumed for a token without `exp`. */
  defaultTtlMs?: number;
  /** A background refresh starts this long before the usable window closes. */
  refreshLeadMs?: number;
  /**
   * Only accounts used this recently are kept warm; idle ones let their token lapse instead of calling Clerk
   * forever.
   */
  keepWarmMs?: number;
  /** A background refresh failed for the account's current cookie (never for one replaced while Clerk answered). */
  onBackgroundError?: (accountId: number, error: unknown) => void;
  /** Background refreshes of one account are at least this far apart. */
  minRefreshIntervalMs?: number;
}

interface Entry {
  token: string | undefined;
  usableUntil: number;
  lastUsedAt: number;
  inflight: Promise<string> | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Bumped by invalidate(): a mint that started before it must not store its stale result. */
  generation: number;
}

export interface TokenCacheStats {
  hits: number;
  misses: number;
  mints: number;
  backgroundRefreshes: number;
}

/**
 * Bearer tokens per account. The request path calls `peek()`, a map read; only the very first request of an idle
 * account waits for Clerk (`get()`), and concurrent misses share one mint. While an account is in use, its token
 * is renewed in the background before the usable window closes, so warm traffic never waits on Clerk.
 */
export class TokenCache {
  private readonly entries = new Map<number, Entry>();
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly defaultTtlMs: number;
  private readonly leadMs: number;
  private readonly keepWarmMs: number;
  private readonly minRefreshMs: number;
  readonly stats: TokenCacheStats = { hits: 0, misses: 0, mints: 0, backgroundRefreshes: 0 };
  private stopped = false;

  constructor(private readonly options: TokenCacheOptions) {
    this.now = options.now ?? Date.now;
    this.marginMs = options.safetyMarginMs ?? 30_000;
    this.defaultTtlMs = options.defaultTtlMs ?? 5 * 60_000;
    this.leadMs = options.refreshLeadMs ?? 10_000;
    this.keepWarmMs = options.keepWarmMs ?? 10 * 60_000;
    this.minRefreshMs = options.minRefreshIntervalMs ?? 1000;
  }

  /** The cached token if it is still usable; never calls Clerk. */
  peek(accountId: number): string | undefined {
    const entry = this.entries.get(accountId);
    if (!entry?.token) return undefined;
    const now = this.now();
    if (now >= entry.usableUntil) return undefined;
    entry.lastUsedAt = now;
    this.stats.hits += 1;
    return entry.token;
  }

  /**
   * The usable token without counting a use or keeping the account warm: for the `__session` cookie that goes
   * along with calls that already hold a token.
   */
  current(accountId: number): string | undefined {
    const entry = this.entries.get(accountId);
    return entry?.token && this.now() < entry.usableUntil ? entry.token : undefined;
  }

  /** A usable token, minting (once, shared) when there is none. */
  get(accountId: number): Promise<string> {
    const token = this.peek(accountId);
    if (token) return Promise.resolve(token);
    this.stats.misses += 1;
    const entry = this.entry(accountId);
    entry.lastUsedAt = this.now();
    return entry.inflight ?? this.startMint(accountId, entry);
  }

  /**
   * After an upstream 401: forget the token and mint a new one (shared with any mint already running after the
   * drop).
   */
  renew(accountId: number): Promise<string> {
    // Several requests on one account see the same 401 at once. Only the first drops the token; the rest find it
    // gone and a mint running (started after the drop, since invalidate() discards older ones) and join that mint
    // instead of each invalidating it and calling Clerk again.
    const entry = this.entries.get(accountId);
    if (entry && entry.token === undefined && entry.inflight) {
      entry.lastUsedAt = this.now();
      return entry.inflight;
    }
    this.invalidate(accountId);
    return this.get(accountId);
  }

  invalidate(accountId: number): void {
    const entry = this.entries.get(accountId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.token = undefined;
    entry.inflight = undefined;
    entry.generation += 1;
  }

  /** Forgets an account entirely (removed, disabled, signed out). */
  forget(accountId: number): void {
    this.invalidate(accountId);
    this.entries.delete(accountId);
  }

  /** Seeds a token obtained elsewhere (Clerk's `last_active_token` when an account is added). */
  store(accountId: number, token: string): void {
    this.keep(accountId, this.entry(accountId), token);
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
  }

  private entry(accountId: number): Entry {
    let entry = this.entries.get(accountId);
    if (!entry) {
      entry = { token: undefined, usableUntil: 0, lastUsedAt: 0, inflight: undefined, timer: undefined, generation: 0 };
      this.entries.set(accountId, entry);
    }
    return entry;
  }

  private startMint(accountId: number, entry: Entry): Promise<string> {
    const generation = entry.generation;
    this.stats.mints += 1;
    const inflight = this.options.mint(accountId, this.marginMs + this.leadMs).then(
      (token) => {
        if (entry.generation === generation && this.entries.get(accountId) === entry) {
          entry.inflight = undefined;
          this.keep(accountId, entry, token);
        }
        return token;
      },
      (error: unknown) => {
        if (entry.inflight === inflight) entry.inflight = undefined;
        throw error;
      },
    );
    entry.inflight = inflight;
    return inflight;
  }

  private keep(accountId: number, entry: Entry, token: string): void {
    const now = this.now();
    const expiry = jwtExpiryMs(token) ?? now + this.defaultTtlMs;
    entry.token = token;
    entry.usableUntil = expiry - this.marginMs;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (this.stopped) return;
    // The floor stops a tight loop of mints when Clerk hands out tokens that are (nearly) expired on arrival,
    // for instance when the local clock runs ahead.
    // The cap: Node fires a longer timer at once (it does not fit 32 bits), which a far-future `exp` would hit.
    const refreshIn = Math.min(MAX_TIMER_MS, Math.max(this.minRefreshMs, entry.usableUntil - this.leadMs - now));
    entry.timer = setTimeout(() => this.refreshInBackground(accountId, entry), refreshIn);
    entry.timer.unref();
  }

  private refreshInBackground(accountId: number, entry: Entry): void {
    entry.timer = undefined;
    if (this.stopped || this.entries.get(accountId) !== entry || entry.inflight) return;
    if (this.now() - entry.lastUsedAt > this.keepWarmMs) return;
    this.stats.backgroundRefreshes += 1;
    // The current token stays in use until the new one lands; a failure leaves it to expire and the next request
    // mints in the foreground, which surfaces the error to whoever needs the token.
    const generation = entry.generation;
    this.startMint(accountId, entry).catch((error: unknown) => {
      // After invalidate() (a fresh cookie pasted while Clerk answered) the refusal was of a cookie no longer held:
      // reporting it would sign out an account that has just been signed in again.
      if (entry.generation === generation && this.entries.get(accountId) === entry)
        this.options.onBackgroundError?.(accountId, error);
    });
  }
}
