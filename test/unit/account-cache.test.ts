import { describe, expect, it, vi } from 'vitest';
import { AccountCache } from '../../main/core/accounts/account-cache';
import { fakeAccount } from '../helpers/accounts';
import { seeded } from '../helpers/random';

const account = fakeAccount;

const constant = (value: number) => () => value;

describe('AccountCache.pick weighting', () => {
  it('deterministic draws land in the bucket their weight covers', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1, { weight: 1 }), account(2, { weight: 3 })]);
    // Total weight 4: [0, 1) is account 1, [1, 4) is account 2.
    expect(cache.pick(undefined, constant(0))?.id).toBe(1);
    expect(cache.pick(undefined, constant(0.2499))?.id).toBe(1);
    expect(cache.pick(undefined, constant(0.25))?.id).toBe(2);
    expect(cache.pick(undefined, constant(0.9999))?.id).toBe(2);
  });

  it('weights 1 and 3 give about 25 % and 75 % over many draws', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1, { weight: 1 }), account(2, { weight: 3 })]);
    const random = seeded(42);
    const draws = 40_000;
    let ones = 0;
    for (let i = 0; i < draws; i++) if (cache.pick(undefined, random)!.id === 1) ones++;
    expect(ones / draws).toBeGreaterThan(0.24);
    expect(ones / draws).toBeLessThan(0.26);
  });

  it('uneven weights (1 to 100) come out in proportion', () => {
    const weights = [1, 100, 7, 1, 50, 13, 100, 2];
    const total = weights.reduce((a, b) => a + b, 0);
    const cache = new AccountCache();
    cache.replaceAll(weights.map((weight, i) => account(i + 1, { weight })));
    const random = seeded(5);
    const draws = 200_000;
    const counts = new Map<number, number>();
    for (let i = 0; i < draws; i++) {
      const id = cache.pick(undefined, random)!.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    weights.forEach((weight, i) => expect((counts.get(i + 1) ?? 0) / draws).toBeCloseTo(weight / total, 2));
  });

  it('chooses only enabled, weight > 0, ready accounts', () => {
    const cache = new AccountCache();
    cache.replaceAll([
      account(1, { enabled: false }),
      account(2, { weight: 0 }),
      account(3, { status: 'cooling_down' }),
      account(4, { status: 'signed_out' }),
      account(5, { status: 'locked' }),
      account(6),
    ]);
    expect(cache.size).toBe(6);
    expect(cache.usableCount).toBe(1);
    const random = seeded(1);
    for (let i = 0; i < 200; i++) expect(cache.pick(undefined, random)?.id).toBe(6);
    // `usable` answers for one account what `pick` may choose (a continuation asks it of the account that answered).
    const none = undefined;
    expect([1, 2, 3, 4, 5, 6, 7].map((id) => cache.usable(id)?.id)).toEqual([none, none, none, none, none, 6, none]);
    cache.upsert(account(6, { status: 'cooling_down' }));
    expect(cache.usable(6)).toBeUndefined();
  });

  it('returns undefined when no account is eligible', () => {
    const cache = new AccountCache();
    expect(cache.pick()).toBeUndefined();
    cache.replaceAll([account(1, { enabled: false }), account(2, { status: 'failing' })]);
    expect(cache.pick()).toBeUndefined();
  });
});

describe('AccountCache.pick exclusions', () => {
  it('never returns an excluded account', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1, { weight: 10 }), account(2), account(3)]);
    const random = seeded(7);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(cache.pick(new Set([1]), random)!.id);
    expect(seen).toEqual(new Set([2, 3]));
  });

  it('finds the one account left even when every random draw hits an excluded one', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1, { weight: 1000 }), account(2, { weight: 1000 }), account(3, { weight: 1 })]);
    // 0 always hits account 1 first: the rejection draws all fail and the fallback scan must find account 3.
    expect(cache.pick(new Set([1, 2]), constant(0))?.id).toBe(3);
    expect(cache.pick(new Set([1, 2]), constant(0.9999))?.id).toBe(3);
  });

  it('returns undefined when every eligible account is excluded', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1), account(2), account(3, { enabled: false })]);
    expect(cache.pick(new Set([1, 2]))).toBeUndefined();
  });

  it('an empty exclusion set is the same as none', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1), account(2)]);
    expect(cache.pick(new Set(), constant(0.75))?.id).toBe(2);
  });
});

describe('AccountCache with 10,000 accounts', () => {
  const many = () => Array.from({ length: 10_000 }, (_, i) => account(i + 1, { weight: (i % 5) + 1 }));

  it('draws every account in proportion to its weight', () => {
    const cache = new AccountCache();
    cache.replaceAll(many());
    expect(cache.usableCount).toBe(10_000);
    // Total weight is 2000 × (1+2+3+4+5) = 30,000, so the accounts of weight w together get w × 2000 / 30,000.
    const random = seeded(3);
    const draws = 300_000;
    const byWeight = [0, 0, 0, 0, 0, 0];
    const seen = new Set<number>();
    for (let i = 0; i < draws; i++) {
      const picked = cache.pick(undefined, random)!;
      byWeight[picked.weight]! += 1;
      seen.add(picked.id);
    }
    for (let weight = 1; weight <= 5; weight++) {
      expect(byWeight[weight]! / draws).toBeCloseTo(weight / 15, 2);
    }
    expect(seen.size).toBeGreaterThan(9_900);
  });

  it('maps the edges of [0, 1) onto real accounts', () => {
    const cache = new AccountCache();
    cache.replaceAll(many());
    expect(cache.pick(undefined, constant(0))).toBeDefined();
    expect(cache.pick(undefined, constant(1 - Number.EPSILON))).toBeDefined();
  });

  it('honours exclusions among them, down to a single survivor', () => {
    const cache = new AccountCache();
    cache.replaceAll(many());
    const excludeHalf = new Set(Array.from({ length: 5000 }, (_, i) => i * 2 + 1)); // all odd ids
    const random = seeded(11);
    for (let i = 0; i < 2000; i++) expect(cache.pick(excludeHalf, random)!.id % 2).toBe(0);

    const allButOne = new Set(Array.from({ length: 10_000 }, (_, i) => i + 1));
    allButOne.delete(4321);
    for (let i = 0; i < 20; i++) expect(cache.pick(allButOne, random)?.id).toBe(4321);
    allButOne.add(4321);
    expect(cache.pick(allButOne, random)).toBeUndefined();
  });
});

describe('AccountCache updates', () => {
  it('upsert and remove take effect on the next pick', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1)]);
    cache.upsert(account(2, { weight: 1000 }));
    expect(cache.pick(undefined, constant(0.5))?.id).toBe(2);

    cache.upsert(account(2, { weight: 1000, status: 'cooling_down' }));
    expect(cache.pick(undefined, constant(0.5))?.id).toBe(1);
    expect(cache.get(2)?.status).toBe('cooling_down');

    cache.remove(1);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.pick()).toBeUndefined();
    expect(cache.list().map((a) => a.id)).toEqual([2]);
  });

  it('a change that leaves the weights alone is picked as the new record, the choice still in proportion', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1, { weight: 1 }), account(2, { weight: 3 }), account(3, { weight: 1, enabled: false })]);
    cache.upsert({ ...cache.get(2)!, protocol: 'ws', failureStreak: 2 });
    cache.upsert({ ...cache.get(3)!, protocol: 'sse-a' }); // not eligible before or after
    expect(cache.pick(undefined, constant(0.9))).toBe(cache.get(2));
    expect(cache.pick(undefined, constant(0.9))).toMatchObject({ protocol: 'ws', failureStreak: 2 });
    expect(cache.usableCount).toBe(2);
    const random = seeded(7);
    let twos = 0;
    for (let i = 0; i < 20_000; i++) if (cache.pick(undefined, random)!.id === 2) twos++;
    expect(twos / 20_000).toBeGreaterThan(0.73);
    expect(twos / 20_000).toBeLessThan(0.77);
    // A change of weight or eligibility does move the choice.
    cache.upsert({ ...cache.get(3)!, enabled: true, weight: 100 });
    expect(cache.pick(undefined, constant(0.5))?.id).toBe(3);
  });

  it('noteRequest counts in memory and keeps the last use time', () => {
    const cache = new AccountCache();
    cache.replaceAll([account(1), account(2)]);
    cache.noteRequest(1, 1000);
    cache.noteRequest(1, 2000);
    cache.noteRequest(2, 1500);
    cache.noteRequest(99, 3000); // unknown: ignored, no throw
    expect(cache.get(1)).toMatchObject({ requestCount: 2, lastUsedAt: 2000 });
    expect(cache.get(2)).toMatchObject({ requestCount: 1, lastUsedAt: 1500 });
    expect(cache.size).toBe(2);
  });

  it('onChange fires on replaceAll, upsert and an effective remove, and stops after unsubscribe', () => {
    const cache = new AccountCache();
    const listener = vi.fn();
    const unsubscribe = cache.onChange(listener);
    cache.replaceAll([account(1)]);
    cache.upsert(account(2));
    cache.remove(2);
    expect(listener).toHaveBeenCalledTimes(3);
    cache.remove(42); // nothing to remove
    expect(listener).toHaveBeenCalledTimes(3);
    // The listener sees the new state.
    cache.onChange(() => expect(cache.get(3)).toBeDefined());
    cache.upsert(account(3));
    expect(listener).toHaveBeenCalledTimes(4);
    unsubscribe();
    cache.upsert(account(4));
    expect(listener).toHaveBeenCalledTimes(4);
  });
});

describe('AccountCache.replaceAll', () => {
  it('answers the accounts the new list no longer has, as they were, and only those', () => {
    const cache = new AccountCache();
    expect(cache.replaceAll([account(1, { name: 'Work' }), account(2, { name: 'Home' }), account(3)])).toEqual([]);
    const dropped = cache.replaceAll([account(3), account(4)]);
    expect(dropped.map((a) => [a.id, a.name])).toEqual([
      [1, 'Work'],
      [2, 'Home'],
    ]);
    expect(cache.list().map((a) => a.id)).toEqual([3, 4]);
    expect(cache.replaceAll([account(3), account(4)])).toEqual([]);
  });
});
