import { afterEach, describe, expect, it, vi } from 'vitest';
import { LargeBodyGc } from '../../main/core/util/large-body-gc';

afterEach(() => {
  vi.useRealTimers();
});

describe('LargeBodyGc', () => {
  it('collects after large bodies have stopped ending for the quiet time, and once more when settled', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const gc = new LargeBodyGc(collect, 5_000, 10_000);
    gc.ended();
    vi.advanceTimersByTime(4_000);
    gc.ended(); // another one ended: the quiet time starts again
    vi.advanceTimersByTime(4_000);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(9_000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(collect).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('starts over when a large body ends between the two collections', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const gc = new LargeBodyGc(collect, 5_000, 10_000);
    gc.ended();
    vi.advanceTimersByTime(5_000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3_000);
    gc.ended();
    vi.advanceTimersByTime(5_000);
    expect(collect).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(3);
  });

  it('does nothing once stopped, or when node has no gc to call', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const gc = new LargeBodyGc(collect, 5_000);
    gc.ended();
    gc.stop();
    vi.advanceTimersByTime(10_000);
    expect(collect).not.toHaveBeenCalled();
    const none = new LargeBodyGc(undefined, 5_000);
    none.ended();
    expect(vi.getTimerCount()).toBe(0);
  });
});
