import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountsRepo, type CountDelta } from '../../main/core/db/accounts-repo';
import { openDatabase, type Db } from '../../main/core/db/database';
import { CountWriter } from '../../main/core/writers/count-writer';
import { PeriodicFlusher } from '../../main/core/writers/periodic-flusher';
import { insertFakeAccounts } from '../helpers/accounts';

const byId = (deltas: readonly CountDelta[]) =>
  Object.fromEntries(deltas.map((d) => [d.accountId, { count: d.count, lastUsedAt: d.lastUsedAt }]));

describe('CountWriter batching', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes nothing before the interval, then one batch with per-account sums and the latest time', async () => {
    const persist = vi.fn<(deltas: readonly CountDelta[]) => void>();
    const writer = new CountWriter(persist, 1000);
    writer.start();
    for (let i = 0; i < 300; i++) writer.increment(1, 5000 + i);
    writer.increment(2, 9000);
    writer.increment(2, 7000); // older: must not move lastUsedAt back
    expect(writer.pendingFor(1)).toBe(300);

    await vi.advanceTimersByTimeAsync(999);
    expect(persist).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(persist).toHaveBeenCalledTimes(1);
    expect(byId(persist.mock.calls[0]![0])).toEqual({
      1: { count: 300, lastUsedAt: 5299 },
      2: { count: 2, lastUsedAt: 9000 },
    });
    expect(writer.pendingFor(1)).toBe(0);
    expect(writer.batches).toBe(1);

    // An interval with nothing pending writes nothing.
    await vi.advanceTimersByTimeAsync(5000);
    expect(persist).toHaveBeenCalledTimes(1);
    writer.increment(3, 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(persist).toHaveBeenCalledTimes(2);
    expect(byId(persist.mock.calls[1]![0])).toEqual({ 3: { count: 1, lastUsedAt: 1 } });
    await writer.stop();
  });

  it('stop() flushes what is pending, clears the timer and is safe twice', async () => {
    const persist = vi.fn<(deltas: readonly CountDelta[]) => void>();
    const writer = new CountWriter(persist, 1000);
    writer.start();
    writer.increment(1, 10);
    writer.increment(1, 20);
    await Promise.all([writer.stop(), writer.stop()]);
    await writer.stop();
    expect(persist).toHaveBeenCalledTimes(1);
    expect(byId(persist.mock.calls[0]![0])).toEqual({ 1: { count: 2, lastUsedAt: 20 } });
    expect(writer.isRunning).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    writer.start(); // a stopped writer stays stopped
    expect(writer.isRunning).toBe(false);
  });

  it('a persist that throws keeps the batch and the next flush writes the merged total', async () => {
    const written: CountDelta[][] = [];
    let failing = true;
    const persist = vi.fn((deltas: readonly CountDelta[]) => {
      if (failing) throw new Error('database is locked');
      written.push(deltas.map((d) => ({ ...d })));
    });
    const onError = vi.fn();
    const writer = new CountWriter(persist, 1000, onError);
    writer.start();
    writer.increment(1, 100);
    writer.increment(1, 300);
    writer.increment(2, 50);
    await vi.advanceTimersByTimeAsync(1000);
    expect(persist).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(Error);
    expect(writer.pendingFor(1)).toBe(2);
    expect(writer.batches).toBe(0);

    writer.increment(1, 200); // older than the failed batch's latest
    writer.increment(3, 400);
    failing = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(written).toHaveLength(1);
    expect(byId(written[0]!)).toEqual({
      1: { count: 3, lastUsedAt: 300 },
      2: { count: 1, lastUsedAt: 50 },
      3: { count: 1, lastUsedAt: 400 },
    });
    expect(writer.batches).toBe(1);
    await writer.stop();
    expect(written).toHaveLength(1);
  });

  it('increments that arrive while a failing write runs are merged with the returned batch', async () => {
    const written: CountDelta[][] = [];
    let writer: CountWriter | undefined;
    let attempt = 0;
    const persist = (deltas: readonly CountDelta[]) => {
      attempt++;
      if (attempt === 1) {
        // Requests keep counting while the write is under way, then the write fails.
        writer!.increment(1, 150); // an older timestamp than the batch's latest (200)
        writer!.increment(2, 50);
        throw new Error('database is locked');
      }
      written.push(deltas.map((d) => ({ ...d })));
    };
    writer = new CountWriter(persist, 1000, () => undefined);
    writer.increment(1, 100);
    writer.increment(1, 200);
    await writer.flushNow();
    expect(writer.pendingFor(1)).toBe(3);
    await writer.flushNow();
    expect(byId(written[0]!)).toEqual({ 1: { count: 3, lastUsedAt: 200 }, 2: { count: 1, lastUsedAt: 50 } });
  });
});

describe('PeriodicFlusher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** An async flush the test finishes by hand, recording how many run at once. */
  function gatedFlush() {
    const gates: Array<() => void> = [];
    let active = 0;
    let maxActive = 0;
    const flush = vi.fn(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => gates.push(resolve));
      active--;
    });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    };
    return { flush, gates, settle, max: () => maxActive };
  }

  it('flushes never overlap, however many callers ask at once', async () => {
    const { flush, gates, settle, max } = gatedFlush();
    const flusher = new PeriodicFlusher(flush, 1000);
    const calls = [flusher.flushNow(), flusher.flushNow(), flusher.flushNow(), flusher.flushNow()];
    let done = false;
    void Promise.all(calls).then(() => (done = true));
    for (let round = 0; round < 10 && !done; round++) {
      await settle();
      gates.shift()?.();
      await settle();
    }
    expect(done).toBe(true);
    expect(max()).toBe(1);
    expect(flush).toHaveBeenCalledTimes(4);
  });

  it('timer ticks during a slow flush do not start a second one', async () => {
    vi.useFakeTimers();
    const { flush, gates, settle, max } = gatedFlush();
    const flusher = new PeriodicFlusher(flush, 100);
    flusher.start();
    await vi.advanceTimersByTimeAsync(550); // five ticks while the first flush hangs
    expect(max()).toBe(1);
    while (gates.length > 0) {
      gates.shift()!();
      await settle();
      expect(max()).toBe(1);
    }
    const stopping = flusher.stop();
    await settle();
    gates.shift()?.();
    await stopping;
    expect(max()).toBe(1);
  });

  it('a second stop() does not resolve before the final flush has finished', async () => {
    const { flush, gates, settle } = gatedFlush();
    const flusher = new PeriodicFlusher(flush, 1000);
    flusher.start();
    let firstDone = false;
    let secondDone = false;
    void flusher.stop().then(() => (firstDone = true));
    void flusher.stop().then(() => (secondDone = true));
    await settle();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(firstDone || secondDone).toBe(false);
    gates.shift()!();
    await settle();
    expect(firstDone && secondDone).toBe(true);
  });
});

describe('CountWriter and AccountsRepo.addCounts with real SQLite', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-count-'));
    db = openDatabase(path.join(dir, 'tray.db'));
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a batch lands in one transaction and the counts add up', async () => {
    const repo = new AccountsRepo(db);
    const ids = insertFakeAccounts(repo, 3);
    const [a, b, c] = ids as [number, number, number];
    const onError = vi.fn();
    const writer = new CountWriter(repo.addCounts, 1000, onError);

    // Make the last update of the batch fail: if the batch were not one transaction, a and b would keep theirs.
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON account_usage WHEN NEW.account_id = ${c}
             BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    for (let i = 0; i < 5; i++) writer.increment(a, 1000 + i);
    for (let i = 0; i < 3; i++) writer.increment(b, 2000 + i);
    writer.increment(c, 3000);
    await writer.flushNow();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(repo.list().map((r) => [r.requestCount, r.lastUsedAt])).toEqual([
      [0, null],
      [0, null],
      [0, null],
    ]);

    db.exec('DROP TRIGGER refuse');
    writer.increment(a, 999);
    await writer.stop();
    const rows = new Map(repo.list().map((r) => [r.id, r]));
    expect(rows.get(a)).toMatchObject({ requestCount: 6, lastUsedAt: 1004 });
    expect(rows.get(b)).toMatchObject({ requestCount: 3, lastUsedAt: 2002 });
    expect(rows.get(c)).toMatchObject({ requestCount: 1, lastUsedAt: 3000 });
    expect(writer.batches).toBe(1);

    // A later batch adds to what is stored; lastUsedAt never moves back.
    const again = new CountWriter(repo.addCounts, 1000);
    again.increment(a, 10);
    again.increment(a, 20);
    await again.stop();
    expect(repo.get(a)).toMatchObject({ requestCount: 8, lastUsedAt: 1004 });
  });

  it('a first count creates the row, later ones add to it, and an account removed meanwhile gets none', () => {
    const repo = new AccountsRepo(db);
    const [a, b] = insertFakeAccounts(repo, 2) as [number, number];
    repo.addCounts([{ accountId: a, count: 2, lastUsedAt: 500 }]);
    repo.remove(b);
    repo.addCounts([
      { accountId: a, count: 3, lastUsedAt: 400 }, // older: lastUsedAt stays
      { accountId: b, count: 7, lastUsedAt: 900 },
    ]);
    expect(repo.get(a)).toMatchObject({ requestCount: 5, lastUsedAt: 500 });
    const usage = db.prepare('SELECT account_id AS id FROM account_usage ORDER BY account_id').all();
    expect(usage).toEqual([{ id: a }]);
  });
});

describe('CountWriter with thousands of accounts', () => {
  it('writes in chunks, yielding between them, and counts in flight stay visible until committed', async () => {
    const chunks: number[] = [];
    const seenDuring: number[] = [];
    const order: number[] = [];
    const writer: CountWriter = new CountWriter((deltas) => {
      chunks.push(deltas.length);
      order.push(...deltas.map((delta) => delta.accountId));
      seenDuring.push(writer.pendingFor(2500)); // the last chunk's account, while earlier chunks are written
    }, 1000);
    for (let id = 2500; id >= 1; id--) writer.increment(id, id);
    await writer.flushNow();
    expect(chunks).toEqual([1000, 1000, 500]);
    expect(order).toEqual([...order].sort((x, y) => x - y)); // in id order, whatever order they were used in
    expect(seenDuring).toEqual([1, 1, 1]);
    expect(writer.pendingFor(2500)).toBe(0);
    expect(writer.batches).toBe(1);
  });
});
