import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueWriter } from '../../main/core/writers/queue-writer';
import { until } from '../helpers/wait';

describe('QueueWriter', () => {
  // setImmediate stays real: the writer yields to the event loop between batches with it.
  beforeEach(() =>
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'] }),
  );
  afterEach(() => vi.useRealTimers());

  it('writes nothing on enqueue, then everything in batches on the interval', async () => {
    const batches: number[][] = [];
    const writer = new QueueWriter<number>({
      write: (batch) => void batches.push([...batch]),
      intervalMs: 1000,
      capacity: 100,
      maxBatch: 4,
    });
    writer.start();
    for (let i = 0; i < 10; i++) writer.enqueue(i);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches[0]).toEqual([0, 1, 2, 3]); // the first batch on the tick...
    await writer.flushNow(); // ...the rest after the event loop had its turns between them
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(writer.written).toBe(10);
    await writer.stop();
  });

  it('is bounded: beyond capacity, items are dropped and counted, never waited for', async () => {
    const written: number[] = [];
    const writer = new QueueWriter<number>({
      write: (batch) => void written.push(...batch),
      intervalMs: 1000,
      capacity: 5,
    });
    writer.start();
    const accepted = Array.from({ length: 8 }, (_, i) => writer.enqueue(i));
    expect(accepted).toEqual([true, true, true, true, true, false, false, false]);
    expect(writer.dropped).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(written).toEqual([0, 1, 2, 3, 4]);
    await writer.stop();
  });

  it('stop() writes what is still queued, even between ticks', async () => {
    const written: number[] = [];
    const writer = new QueueWriter<number>({
      write: async (batch) => void written.push(...batch),
      intervalMs: 60_000,
      capacity: 100,
    });
    writer.start();
    writer.enqueue(1);
    writer.enqueue(2);
    await writer.stop();
    expect(written).toEqual([1, 2]);
    await writer.stop(); // twice is fine
    expect(written).toEqual([1, 2]);
  });

  it('a failed batch is counted as dropped and reported; later batches still go through', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const written: number[] = [];
    const writer = new QueueWriter<number>({
      write: (batch) => {
        if (fail) throw new Error('disk full');
        written.push(...batch);
      },
      intervalMs: 100,
      capacity: 100,
      onError: (error) => errors.push(error),
    });
    writer.start();
    writer.enqueue(1);
    await vi.advanceTimersByTimeAsync(100);
    fail = false;
    writer.enqueue(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(written).toEqual([2]);
    expect(writer.dropped).toBe(1);
    expect(errors).toHaveLength(1);
    await writer.stop();
  });

  it('with flushAt, writes once that many items wait, without waiting for the timer', async () => {
    const batches: number[][] = [];
    const writer = new QueueWriter<number>({
      write: (batch) => void batches.push([...batch]),
      intervalMs: 60_000,
      capacity: 100,
      flushAt: 3,
    });
    writer.enqueue(0);
    writer.enqueue(1);
    writer.enqueue(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]); // not started: nothing is written behind the owner's back
    writer.start();
    await writer.flushNow();
    batches.length = 0;
    for (let i = 0; i < 5; i++) writer.enqueue(i);
    expect(batches).toEqual([]); // never on the request path itself
    await until(() => batches.length > 0);
    expect(batches).toEqual([[0, 1, 2, 3, 4]]);
    writer.enqueue(5);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1); // below the count again: the rest waits for the timer
    await vi.advanceTimersByTimeAsync(60_000);
    expect(batches).toEqual([[0, 1, 2, 3, 4], [5]]);
    await writer.stop();
  });
});
