import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenCache, type TokenCacheOptions } from '../../main/core/clerk/token-cache';
import { fakeJwt } from '../sim/fake-jwt';

const START = 1_800_000_000_000; // a whole second, so `exp` arithmetic is exact
const SECOND = 1000;

/** A controllable mint: each call gets its own deferred, resolved or rejected by the test. */
function deferredMint() {
  const calls: Array<{ accountId: number; resolve: (token: string) => void; reject: (error: unknown) => void }> = [];
  const mint = vi.fn(
    (accountId: number) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ accountId, resolve, reject });
      }),
  );
  return { mint, calls };
}

/** A token that expires `lifetimeMs` from the (fake) current time. */
function tokenFor(lifetimeMs: number, extra: Record<string, unknown> = {}): string {
  return fakeJwt({ sid: 'sess_XXXX', exp: Math.floor((Date.now() + lifetimeMs) / 1000), ...extra });
}

let caches: TokenCache[] = [];
function cache(options: TokenCacheOptions): TokenCache {
  const created = new TokenCache(options);
  caches.push(created);
  return created;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});

afterEach(() => {
  for (const c of caches) c.stop();
  caches = [];
  vi.useRealTimers();
});

describe('TokenCache hits and misses', () => {
  it('a hit never calls mint', async () => {
    const mint = vi.fn(async () => tokenFor(120 * SECOND));
    const tokens = cache({ mint });
    const first = await tokens.get(1);
    for (let i = 0; i < 20; i++) {
      expect(await tokens.get(1)).toBe(first);
      expect(tokens.peek(1)).toBe(first);
    }
    expect(mint).toHaveBeenCalledTimes(1);
    expect(tokens.stats.mints).toBe(1);
  });

  it('50 concurrent misses share one mint, and accounts do not share tokens', async () => {
    const { mint, calls } = deferredMint();
    const tokens = cache({ mint });
    const waiters = Array.from({ length: 50 }, () => tokens.get(7));
    const other = tokens.get(8);
    expect(mint).toHaveBeenCalledTimes(2);
    const token7 = tokenFor(120 * SECOND, { n: 7 });
    calls[0]!.resolve(token7);
    calls[1]!.resolve(tokenFor(120 * SECOND, { n: 8 }));
    expect(new Set(await Promise.all(waiters))).toEqual(new Set([token7]));
    expect(await other).not.toBe(token7);
    expect(mint).toHaveBeenCalledTimes(2);
  });

  it('a token is usable until exp minus the 30 s margin', async () => {
    const token = tokenFor(120 * SECOND);
    const tokens = cache({ mint: vi.fn(async () => token), keepWarmMs: 0 });
    await tokens.get(1);
    await vi.advanceTimersByTimeAsync(90 * SECOND - 1);
    expect(tokens.peek(1)).toBe(token);
    await vi.advanceTimersByTimeAsync(1);
    expect(tokens.peek(1)).toBeUndefined();
  });

  it('a token without exp lives for the default TTL', async () => {
    const token = fakeJwt({ sid: 'sess_XXXX' });
    const tokens = cache({ mint: vi.fn(async () => token), defaultTtlMs: 60 * SECOND, keepWarmMs: 0 });
    await tokens.get(1);
    // The margin applies to the assumed expiry too (now + TTL − 30 s).
    await vi.advanceTimersByTimeAsync(30 * SECOND - 1);
    expect(tokens.peek(1)).toBe(token);
    await vi.advanceTimersByTimeAsync(1);
    expect(tokens.peek(1)).toBeUndefined();
  });
});

describe('TokenCache background refresh', () => {
  it('keeps a steadily used account warm across several lifetimes, one mint per lifetime', async () => {
    // Lifetime 120 s: usable 90 s, refreshed 10 s before that, i.e. every 80 s.
    const mint = vi.fn(async () => tokenFor(120 * SECOND));
    const tokens = cache({ mint, refreshLeadMs: 10 * SECOND });
    await tokens.get(1);
    const seen = new Set<string>();
    for (let elapsed = 0; elapsed < 400 * SECOND; elapsed += 5 * SECOND) {
      await vi.advanceTimersByTimeAsync(5 * SECOND);
      const token = tokens.peek(1);
      expect(token, `no token at ${elapsed / SECOND + 5} s`).toBeDefined();
      seen.add(token!);
    }
    // 400 s of use: the first mint plus refreshes at 80, 160, 240, 320 and 400 s.
    expect(mint).toHaveBeenCalledTimes(6);
    expect(tokens.stats.backgroundRefreshes).toBe(5);
    expect(seen.size).toBe(6);
  });

  it('does not refresh an account that was not used within keepWarm', async () => {
    const mint = vi.fn(async () => tokenFor(120 * SECOND));
    const tokens = cache({ mint, keepWarmMs: 60 * SECOND, refreshLeadMs: 10 * SECOND });
    await tokens.get(1);
    // Used once, then idle: at the refresh point (80 s) the last use is 80 s old, beyond keepWarm.
    await vi.advanceTimersByTimeAsync(200 * SECOND);
    expect(mint).toHaveBeenCalledTimes(1);
    expect(tokens.stats.backgroundRefreshes).toBe(0);
    expect(tokens.peek(1)).toBeUndefined();
  });

  it('a failed background refresh keeps the old token until it expires and reports the error', async () => {
    const { mint, calls } = deferredMint();
    const onBackgroundError = vi.fn();
    const tokens = cache({ mint, refreshLeadMs: 10 * SECOND, onBackgroundError });
    const pending = tokens.get(1);
    const old = tokenFor(120 * SECOND);
    calls[0]!.resolve(old);
    await pending;
    await vi.advanceTimersByTimeAsync(80 * SECOND);
    expect(mint).toHaveBeenCalledTimes(2);
    const failure = new Error('clerk down');
    calls[1]!.reject(failure);
    await vi.advanceTimersByTimeAsync(0);
    expect(onBackgroundError).toHaveBeenCalledWith(1, failure);
    expect(tokens.peek(1)).toBe(old);
    await vi.advanceTimersByTimeAsync(10 * SECOND - 1);
    expect(tokens.peek(1)).toBe(old);
    await vi.advanceTimersByTimeAsync(1);
    expect(tokens.peek(1)).toBeUndefined();
    // The next request mints in the foreground.
    const next = tokens.get(1);
    expect(mint).toHaveBeenCalledTimes(3);
    calls[2]!.resolve(tokenFor(120 * SECOND, { n: 3 }));
    await expect(next).resolves.not.toBe(old);
  });

  it('a background refresh that fails after invalidate() does not report its stale error', async () => {
    const { mint, calls } = deferredMint();
    const onBackgroundError = vi.fn();
    const tokens = cache({ mint, refreshLeadMs: 10 * SECOND, onBackgroundError });
    const pending = tokens.get(1);
    calls[0]!.resolve(tokenFor(120 * SECOND));
    await pending;
    await vi.advanceTimersByTimeAsync(80 * SECOND);
    expect(mint).toHaveBeenCalledTimes(2);
    // A fresh cookie pasted while Clerk answered: the refusal was of the old one.
    tokens.invalidate(1);
    calls[1]!.reject(new Error('Clerk rejected the cookie (HTTP 401)'));
    await vi.advanceTimersByTimeAsync(0);
    expect(onBackgroundError).not.toHaveBeenCalled();
  });
});

describe('TokenCache renew and invalidate', () => {
  it('renew after a 401 drops the token and mints once, even when called concurrently', async () => {
    const { mint, calls } = deferredMint();
    const tokens = cache({ mint });
    const first = tokens.get(1);
    const original = tokenFor(120 * SECOND, { n: 1 });
    calls[0]!.resolve(original);
    await first;

    const renewals = Array.from({ length: 10 }, () => tokens.renew(1));
    expect(tokens.peek(1)).toBeUndefined();
    expect(mint).toHaveBeenCalledTimes(2);
    const fresh = tokenFor(120 * SECOND, { n: 2 });
    calls[1]!.resolve(fresh);
    expect(new Set(await Promise.all(renewals))).toEqual(new Set([fresh]));
    expect(tokens.peek(1)).toBe(fresh);
    expect(mint).toHaveBeenCalledTimes(2);
  });

  it('a mint that started before invalidate() does not store its stale token', async () => {
    const { mint, calls } = deferredMint();
    const tokens = cache({ mint });
    const early = tokens.get(1);
    tokens.invalidate(1);
    calls[0]!.resolve(tokenFor(120 * SECOND, { n: 'stale' }));
    await early;
    expect(tokens.peek(1)).toBeUndefined();
    const later = tokens.get(1);
    expect(mint).toHaveBeenCalledTimes(2);
    const fresh = tokenFor(120 * SECOND, { n: 'fresh' });
    calls[1]!.resolve(fresh);
    expect(await later).toBe(fresh);
    expect(tokens.peek(1)).toBe(fresh);
  });

  it('a stale mint finishing late does not overwrite the token minted after invalidate()', async () => {
    const { mint, calls } = deferredMint();
    const tokens = cache({ mint });
    const early = tokens.get(1);
    tokens.invalidate(1);
    const later = tokens.get(1);
    const fresh = tokenFor(120 * SECOND, { n: 'fresh' });
    calls[1]!.resolve(fresh);
    await later;
    calls[0]!.resolve(tokenFor(120 * SECOND, { n: 'stale' }));
    await early;
    expect(tokens.peek(1)).toBe(fresh);
  });
});

describe('TokenCache failures and stop', () => {
  it('a failed foreground mint rejects every waiter and the next get tries again', async () => {
    const { mint, calls } = deferredMint();
    const tokens = cache({ mint });
    const waiters = Array.from({ length: 5 }, () => tokens.get(1));
    const failure = new Error('signed out');
    calls[0]!.reject(failure);
    const results = await Promise.allSettled(waiters);
    expect(results.every((r) => r.status === 'rejected' && r.reason === failure)).toBe(true);
    expect(tokens.peek(1)).toBeUndefined();

    const retry = tokens.get(1);
    expect(mint).toHaveBeenCalledTimes(2);
    const token = tokenFor(120 * SECOND);
    calls[1]!.resolve(token);
    expect(await retry).toBe(token);
  });

  it('stop() clears the refresh timers', async () => {
    const mint = vi.fn(async () => tokenFor(120 * SECOND));
    const tokens = cache({ mint });
    await tokens.get(1);
    await tokens.get(2);
    expect(vi.getTimerCount()).toBe(2);
    tokens.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(600 * SECOND);
    expect(mint).toHaveBeenCalledTimes(2);
  });
});

describe('TokenCache and the Clerk side', () => {
  it('tells mint how long a token must live to be worth keeping: the safety margin plus the refresh lead', async () => {
    const mint = vi.fn(async () => tokenFor(120 * SECOND));
    const tokens = cache({ mint, safetyMarginMs: 30 * SECOND, refreshLeadMs: 10 * SECOND });
    await tokens.get(4);
    expect(mint).toHaveBeenCalledWith(4, 40 * SECOND);
    await tokens.renew(4);
    expect(mint).toHaveBeenLastCalledWith(4, 40 * SECOND);
  });

  it('current() reads the usable token without counting a hit or keeping the account warm', async () => {
    const token = tokenFor(120 * SECOND);
    const mint = vi.fn(async () => token);
    const tokens = cache({ mint, keepWarmMs: 60 * SECOND, refreshLeadMs: 10 * SECOND });
    expect(tokens.current(1)).toBeUndefined();
    await tokens.get(1);
    const hits = tokens.stats.hits;
    for (let elapsed = 0; elapsed < 85 * SECOND; elapsed += 5 * SECOND) {
      expect(tokens.current(1)).toBe(token);
      await vi.advanceTimersByTimeAsync(5 * SECOND);
    }
    expect(tokens.stats.hits).toBe(hits);
    // Only read through current(): at the refresh point the account counts as idle, so Clerk is not asked again.
    expect(mint).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5 * SECOND); // past exp − 30 s
    expect(tokens.current(1)).toBeUndefined();
  });
});
