/**
 * Micro-benchmark of the request path's account choice, in-process: AccountCache.pick() over 1, 100 and 10,000
 * ready accounts with mixed weights. The end-to-end rows (sections-resources.ts) show the same in real requests.
 */
import { AccountCache } from '../../main/core/accounts/account-cache';
import { fakeAccount } from '../helpers/accounts';

// Mixed weights, so the alias table is not trivially uniform.
const account = (id: number) => fakeAccount(id, { weight: 1 + (id % 5) });

export interface PickResult {
  accounts: number;
  nsPerPick: number;
  nsPerPickExcluding: number;
}

/**
 * The fastest of several timed batches: other processes can only slow a batch down, never speed it up, so on a
 * shared machine the minimum is the steadiest estimate. The id sum keeps the JIT from discarding the calls.
 */
function time(batches: number, perBatch: number, run: () => number): number {
  const samples: number[] = [];
  let sink = 0;
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) sink += run();
    samples.push(Number(process.hrtime.bigint() - start) / perBatch);
  }
  if (sink === -1) console.log(sink);
  return Math.min(...samples);
}

export function benchAccountPick(counts: number[], quick: boolean): PickResult[] {
  const perBatch = quick ? 50_000 : 500_000;
  return counts.map((n) => {
    const cache = new AccountCache();
    cache.replaceAll(Array.from({ length: n }, (_, i) => account(i + 1)));
    // The failover path: the account that just failed is excluded from the next draw.
    const excluded = new Set([1]);
    time(3, perBatch, () => cache.pick()!.id); // warm-up for the JIT
    return {
      accounts: n,
      nsPerPick: time(7, perBatch, () => cache.pick()!.id),
      nsPerPickExcluding: n > 1 ? time(7, perBatch, () => cache.pick(excluded)!.id) : Number.NaN,
    };
  });
}
