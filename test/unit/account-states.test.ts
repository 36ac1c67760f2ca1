import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { AccountCache } from '../../main/core/accounts/account-cache';
import { AccountStates, formatWait, type Prober, type StateChange } from '../../main/core/accounts/account-states';
import { fakeAccount } from '../helpers/accounts';
import type { AccountPatch } from '../../main/core/db/accounts-repo';

const account = fakeAccount;

describe('AccountStates', () => {
  let cache: AccountCache;
  let persisted: Array<[number, AccountPatch]>;
  let changes: StateChange[];
  let probe: Mock<Prober>;
  let forgotten: number[];
  let states: AccountStates;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    cache = new AccountCache();
    cache.replaceAll([account(1), account(2)]);
    persisted = [];
    changes = [];
    forgotten = [];
    probe = vi.fn<Prober>(async () => true);
    states = new AccountStates({
      cache,
      persist: (writes) => persisted.push(...writes.map(([id, patch]): [number, AccountPatch] => [id, patch])),
      probe,
      onChange: (change) => changes.push(change),
      forgetToken: (id) => forgotten.push(id),
      policy: { rateLimitBaseMs: 30_000, failingThreshold: 3, failingBaseMs: 10_000, quotaRetryMs: 60_000 },
    });
    states.start();
  });
  afterEach(() => {
    states.stop();
    vi.useRealTimers();
  });

  it('a 429 takes the account out of rotation at once, and it returns by itself when Retry-After passes', async () => {
    states.recordFailure(1, { kind: 'rate_limited', message: '429', retryAfterMs: 5000 });
    expect(cache.get(1)).toMatchObject({ status: 'cooling_down', statusUntil: 1_005_000 });
    expect(cache.pick(undefined, () => 0)!.id).toBe(2); // the cache already skips it
    expect(persisted).toEqual([]); // SQLite follows off the request path...
    await vi.advanceTimersByTimeAsync(0);
    expect(persisted[0]![1]).toMatchObject({ status: 'cooling_down' }); // ...on the next turn of the loop
    await vi.advanceTimersByTimeAsync(5000);
    expect(cache.get(1)!.status).toBe('ready');
    expect(probe).not.toHaveBeenCalled(); // a cool-down needs no probe
    expect(changes.map((c) => c.status)).toEqual(['cooling_down', 'ready']);
  });

  it('without Retry-After the back-off doubles per repeat and is capped', () => {
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      states.recordFailure(1, { kind: 'rate_limited', message: '429' });
      waits.push(cache.get(1)!.statusUntil! - Date.now());
    }
    expect(waits.slice(0, 4)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(Math.max(...waits)).toBe(15 * 60_000);
  });

  it('transient failures open the circuit only after the threshold; success closes the streak', () => {
    states.recordFailure(1, { kind: 'server', message: '500' });
    states.recordFailure(1, { kind: 'network', message: 'reset' });
    expect(cache.get(1)).toMatchObject({ status: 'ready', failureStreak: 2 });
    states.recordSuccess(1);
    expect(cache.get(1)!.failureStreak).toBe(0);
    for (let i = 0; i < 3; i++) states.recordFailure(1, { kind: 'timeout', message: 'slow' });
    expect(cache.get(1)).toMatchObject({ status: 'failing', failureStreak: 3 });
    expect(cache.get(1)!.statusReason).toMatch(/3 failures in a row; last: slow/);
  });

  it('heals states with a background probe when their time comes, and waits longer when the probe fails', async () => {
    probe.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    states.recordFailure(1, { kind: 'quota', message: 'credits' });
    expect(cache.get(1)).toMatchObject({ status: 'quota_exhausted', statusUntil: 1_060_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(cache.get(1)).toMatchObject({ status: 'quota_exhausted', statusUntil: 1_120_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(cache.get(1)!.status).toBe('ready');
  });

  it('signed out drops the token and heals by probe; a cookie this mode cannot open is locked, never probed', () => {
    states.recordFailure(1, { kind: 'signed_out', message: 'Orchids answered HTTP 401.' });
    // The cause, then the cure; not the badge's own words again.
    expect(cache.get(1)).toMatchObject({
      status: 'signed_out',
      statusReason: 'Orchids answered HTTP 401. Paste a fresh cookie to sign it in again.',
    });
    // An upstream's words end as a sentence before the cure follows.
    states.recordFailure(1, { kind: 'signed_out', message: 'Orchids reported http_401: token expired' });
    expect(cache.get(1)!.statusReason).toBe(
      'Orchids reported http_401: token expired. Paste a fresh cookie to sign it in again.',
    );
    const clerkSays = 'Clerk rejected the cookie (HTTP 401): sign in to orchids.app again and copy a fresh cookie.';
    states.recordFailure(1, { kind: 'signed_out', message: clerkSays });
    expect(cache.get(1)!.statusReason).toBe(clerkSays);
    expect(forgotten).toContain(1);
    states.recordFailure(2, {
      kind: 'locked',
      message: "sealed by the desktop app's OS keychain, which headless mode's key file cannot open",
    });
    expect(cache.get(2)).toMatchObject({ status: 'locked', statusUntil: null });
  });

  it('reset by hand: ready at once, streak cleared, fresh token', () => {
    states.recordFailure(1, { kind: 'blocked', message: '403' });
    states.reset(1);
    expect(cache.get(1)).toMatchObject({ status: 'ready', failureStreak: 0, statusUntil: null, statusReason: '' });
    expect(forgotten).toContain(1);
  });

  it('client errors are the request’s fault and leave the account alone', () => {
    states.recordFailure(1, { kind: 'client', message: '400' });
    expect(cache.get(1)).toMatchObject({ status: 'ready', failureStreak: 0 });
  });

  it('says why nothing can serve and when the next account is ready', () => {
    states.recordFailure(1, { kind: 'rate_limited', message: '429', retryAfterMs: 41_000 });
    states.recordFailure(2, { kind: 'rate_limited', message: '429', retryAfterMs: 90_000 });
    expect(states.unavailableSummary()).toEqual({
      message: 'No Orchids account can take this request: 2 accounts cooling down; the next is ready in 41 s.',
      retryAfterMs: 41_000,
    });
  });

  it('a burst of changes across accounts reaches SQLite as one batch: each account once, latest patch', async () => {
    const many = Array.from({ length: 500 }, (_, i) => account(i + 1));
    cache.replaceAll(many);
    const batches: Array<ReadonlyArray<readonly [number, AccountPatch]>> = [];
    const burst = new AccountStates({ cache, persist: (writes) => batches.push(writes), probe });
    for (const { id } of many) burst.noteProtocol(id, 'sse-a', 2000 + id);
    burst.recordFailure(7, { kind: 'rate_limited', message: '429', retryAfterMs: 5000 });
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(500);
    expect(batches[0]!.find(([id]) => id === 7)![1]).toMatchObject({
      protocol: 'sse-a',
      protocolCheckedAt: 2007,
      status: 'cooling_down',
    });
    burst.flushWrites(); // nothing queued: no empty transaction
    expect(batches).toHaveLength(1);
    burst.stop();
  });

  it('formats waits the way people read them', () => {
    expect([formatWait(400), formatWait(41_000), formatWait(5 * 60_000), formatWait(3 * 3600_000)]).toEqual([
      '1 s',
      '41 s',
      '5 min',
      '3 h',
    ]);
  });
});
