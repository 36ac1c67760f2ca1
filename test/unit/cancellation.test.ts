import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cancellation } from '../../main/core/util/cancellation';

describe('Cancellation', () => {
  afterEach(() => vi.useRealTimers());

  it('calls each listener once, in the order added, and only the first abort counts', () => {
    const signal = new Cancellation();
    const calls: string[] = [];
    signal.once('abort', () => calls.push('a'));
    signal.once('abort', () => calls.push('b'));
    signal.abort();
    signal.abort();
    expect(calls).toEqual(['a', 'b']);
    expect(signal.aborted).toBe(true);
  });

  it('off removes a listener (the latest copy when added twice), and removing an unknown one is harmless', () => {
    const signal = new Cancellation();
    let count = 0;
    const listener = (): void => void (count += 1);
    signal.once('abort', listener);
    signal.once('abort', listener);
    signal.off('abort', listener);
    signal.off('abort', () => undefined);
    signal.abort();
    expect(count).toBe(1);
  });

  it('sleep resolves true after the delay, or false as soon as the client goes away', async () => {
    vi.useFakeTimers();
    const signal = new Cancellation();
    const slept = signal.sleep(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(slept).resolves.toBe(true);
    const cut = signal.sleep(1_000);
    signal.abort();
    await expect(cut).resolves.toBe(false);
    await expect(signal.sleep(1_000)).resolves.toBe(false);
  });
});
