import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuietGc } from '../../main/core/util/quiet-gc';

afterEach(() => {
  vi.useRealTimers();
});

describe('QuietGc', () => {
  it('collects after large bodies have stopped ending for the quiet time, and once more when settled', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const gc = new QuietGc(collect, 5_000, 10_000);
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
    const gc = new QuietGc(collect, 5_000, 10_000);
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
    const gc = new QuietGc(collect, 5_000);
    gc.ended();
    gc.stop();
    vi.advanceTimersByTime(10_000);
    expect(collect).not.toHaveBeenCalled();
    const none = new QuietGc(undefined, 5_000);
    none.ended();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('collects twice once a busy spell of requests has been quiet for the quiet time, and arms once a spell', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const gc = new QuietGc(collect, 5_000, 10_000, 100);
    for (let i = 0; i < 99; i++) gc.requestEnded();
    expect(vi.getTimerCount()).toBe(0);
    for (let i = 0; i < 500; i++) gc.requestEnded();
    expect(vi.getTimerCount()).toBe(1);
    // Still busy at the first look: it looks again rather than collecting under load.
    vi.advanceTimersByTime(4_000);
    gc.requestEnded();
    vi.advanceTimersByTime(1_000);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5_000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(2);
    // A few requests after it are not a new spell.
    for (let i = 0; i < 50; i++) gc.requestEnded();
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('watches nothing once stopped, or when node has no gc to call', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const gc = new QuietGc(collect, 5_000, 10_000, 10);
    for (let i = 0; i < 20; i++) gc.requestEnded();
    gc.stop();
    vi.advanceTimersByTime(60_000);
    expect(collect).not.toHaveBeenCalled();
    const none = new QuietGc(undefined, 5_000, 10_000, 10);
    for (let i = 0; i < 20; i++) none.requestEnded();
    expect(vi.getTimerCount()).toBe(0);
  });
});
