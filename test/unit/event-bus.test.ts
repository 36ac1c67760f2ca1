import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/core/events/event-bus';
import type { CoreEvent } from '../../main/core/events/types';

const log = (i: number): CoreEvent => ({ type: 'log.line', level: 'info', message: `line ${i}`, at: i });

describe('EventBus', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('batches events: nothing is delivered synchronously, then one batch per tick in order', () => {
    const bus = new EventBus(() => []);
    const batches: CoreEvent[][] = [];
    bus.subscribe((batch) => batches.push(batch));
    for (let i = 0; i < 5; i++) bus.publish(log(i));
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((e) => (e as { message: string }).message)).toEqual([
      'line 0',
      'line 1',
      'line 2',
      'line 3',
      'line 4',
    ]);
  });

  it('delivers at most about ten times a second per subscriber, however many events arrive', () => {
    const bus = new EventBus(() => []);
    let deliveries = 0;
    bus.subscribe(() => (deliveries += 1));
    for (let ms = 0; ms < 1000; ms += 1) {
      bus.publish(log(ms));
      vi.advanceTimersByTime(1);
    }
    expect(deliveries).toBeLessThanOrEqual(10);
    expect(deliveries).toBeGreaterThanOrEqual(9);
  });

  it('coalesces request counts into one fresh snapshot per delivery', () => {
    let reads = 0;
    const bus = new EventBus(() => {
      reads += 1;
      return [{ accountId: 1, requestCount: reads * 100, lastUsedAt: 5 }];
    });
    const batches: CoreEvent[][] = [];
    bus.subscribe((batch) => batches.push(batch));
    bus.subscribe(() => undefined);
    for (let i = 0; i < 1000; i++) bus.countsChanged();
    vi.advanceTimersByTime(100);
    expect(reads).toBe(1); // one snapshot shared by both subscribers
    expect(batches[0]).toEqual([
      { type: 'counts.changed', counts: [{ accountId: 1, requestCount: 100, lastUsedAt: 5 }] },
    ]);
    vi.advanceTimersByTime(500);
    expect(batches).toHaveLength(1); // nothing new, nothing sent
  });

  it('survives a storm of 50,000 events: bounded backlog, oldest dropped and counted, newest kept', () => {
    const bus = new EventBus(() => []);
    const received: CoreEvent[] = [];
    bus.subscribe((batch) => received.push(...batch), { capacity: 1000 });
    for (let i = 0; i < 50_000; i++) bus.publish(log(i));
    vi.advanceTimersByTime(100);
    expect(received[0]).toEqual({ type: 'events.dropped', count: 49_000 });
    expect(received).toHaveLength(1001);
    expect((received.at(-1) as { message: string }).message).toBe('line 49999');
    expect((received[1] as { message: string }).message).toBe('line 49000');
    expect(bus.dropped).toBe(49_000);
  });

  it('a slow subscriber loses only its own events; a fast one gets everything', () => {
    const bus = new EventBus(() => []);
    const fast: CoreEvent[] = [];
    const slow: CoreEvent[] = [];
    bus.subscribe((batch) => fast.push(...batch), { capacity: 100_000 });
    bus.subscribe((batch) => slow.push(...batch), { capacity: 10, intervalMs: 1000 });
    for (let i = 0; i < 500; i++) bus.publish(log(i));
    vi.advanceTimersByTime(1000);
    expect(fast).toHaveLength(500);
    expect(slow[0]).toEqual({ type: 'events.dropped', count: 490 });
    expect(slow).toHaveLength(11);
  });

  it('a listener that throws does not stop the others', () => {
    const bus = new EventBus(() => []);
    const got: CoreEvent[] = [];
    bus.subscribe(() => {
      throw new Error('broken window');
    });
    bus.subscribe((batch) => got.push(...batch));
    bus.publish(log(1));
    vi.advanceTimersByTime(100);
    expect(got).toHaveLength(1);
  });

  it('unsubscribing stops deliveries and, for the last one, the timer', () => {
    const bus = new EventBus(() => []);
    const got: CoreEvent[] = [];
    const off = bus.subscribe((batch) => got.push(...batch));
    off();
    bus.publish(log(1));
    vi.advanceTimersByTime(1000);
    expect(got).toEqual([]);
    expect(bus.subscriberCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('costs nothing per event when nobody listens', () => {
    const bus = new EventBus(() => {
      throw new Error('must not be read');
    });
    for (let i = 0; i < 1000; i++) {
      bus.publish(log(i));
      bus.countsChanged();
    }
    expect(vi.getTimerCount()).toBe(0);
  });
});
