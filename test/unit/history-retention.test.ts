import { describe, expect, it } from 'vitest';
import { HistoryRetention } from '../../main/core/history/retention';

describe('history retention', () => {
  it('prunes after a write at most once a minute, by the retention setting as it is then', () => {
    const prunes: Array<[number, number]> = [];
    let now = 10 * 86_400_000;
    let days = 30;
    const retention = new HistoryRetention(
      {
        prune: (olderThan, keepAtMost) => {
          prunes.push([olderThan, keepAtMost]);
          return 0;
        },
      },
      () => days,
      () => now,
    );
    retention.afterWrite();
    retention.afterWrite();
    now += 60_000;
    retention.afterWrite(); // exactly a minute later: still the same minute
    days = 1;
    now += 1;
    retention.afterWrite();
    expect(prunes).toEqual([
      [10 * 86_400_000 - 30 * 86_400_000, 200_000],
      [now - 86_400_000, 200_000],
    ]);
  });
});
