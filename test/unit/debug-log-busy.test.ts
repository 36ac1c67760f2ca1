import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CpuLoad } from '../../main/core/logs/cpu-load';
import { DebugLogWriter, type DebugLogWriterOptions } from '../../main/core/logs/debug-log-writer';
import { tempDir } from '../helpers/temp-dir';

/** A process under a load of `cores`, on a clock the test moves. */
function fakeProcess() {
  const clock = { now: Date.UTC(2026, 10, 25, 12), cpuUs: 0, cores: 0 };
  return {
    clock,
    advance: (ms: number): void => {
      clock.now += ms;
      clock.cpuUs += ms * 1000 * clock.cores;
    },
  };
}

const writers: DebugLogWriter[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const w of writers.splice(0)) await w.stop();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('CpuLoad', () => {
  it("measures the process's own cores over a whole window, and starts again after a gap", () => {
    const { clock, advance } = fakeProcess();
    const load = new CpuLoad({ now: () => clock.now, cpuUs: () => clock.cpuUs, windowMs: 1000, sampleMs: 250 });
    clock.cores = 0.3;
    expect(load.current()).toBe(0); // no window seen yet
    for (let i = 0; i < 4; i++) {
      advance(250);
      load.current();
    }
    expect(load.current()).toBeCloseTo(0.3, 5);
    clock.cores = 1;
    for (let i = 0; i < 4; i++) {
      advance(250);
      load.current();
    }
    expect(load.current()).toBeCloseTo(1, 5);
    advance(100);
    clock.cores = 0;
    expect(load.current()).toBeCloseTo(1, 5); // between samples: the last figure
    advance(60_000);
    expect(load.current()).toBe(0); // a minute nobody asked: no window to judge by
  });
});

describe('DebugLogWriter under its own load', () => {
  /** Records admitted over `ms` of requests arriving at `perSecond`. */
  function admittedOver(w: DebugLogWriter, advance: (ms: number) => void, ms: number, perSecond = 4000): number {
    let admitted = 0;
    for (let t = 0; t < ms; t += 10) {
      advance(10);
      for (let i = 0; i < perSecond / 100; i++) if (w.admit()) admitted += 1;
    }
    return admitted;
  }

  function busyWriter(clock: { now: number; cpuUs: number }, options: Partial<DebugLogWriterOptions> = {}) {
    const dir = tempDir('orchids-logs-');
    dirs.push(dir);
    const w = new DebugLogWriter({
      dir: path.join(dir, 'debug-logs'),
      retention: () => ({ maxCount: 10, maxBytes: 1e6, maxAgeMs: 1e9 }),
      secrets: () => [],
      capacity: 1e9,
      maxPendingBytes: 1e12,
      cpuBurstMs: 1e9,
      busyShare: 0.03,
      now: () => clock.now,
      processCpuUs: () => clock.cpuUs,
      ...options,
    });
    writers.push(w);
    return w;
  }

  const within = (value: number, expected: number, slack: number): void => {
    expect(value).toBeGreaterThanOrEqual(expected - slack);
    expect(value).toBeLessThanOrEqual(expected + slack);
  };

  it('keeps 1,000 records a second while the process has room, and holds to its share of a core once busy', () => {
    const { clock, advance } = fakeProcess();
    // Only the CPU rule here: requests arrive at 4,000 a second, which the request rule would call busy.
    const w = busyWriter(clock, { busyCores: 0.6, busyRequestsPerSecond: Number.POSITIVE_INFINITY });

    clock.cores = 0.3;
    within(admittedOver(w, advance, 500), 1495, 6); // the second banked, then the rate
    within(admittedOver(w, advance, 2000), 2000, 1);

    clock.cores = 1;
    admittedOver(w, advance, 1000); // the load's window catches up
    // No record written yet: the estimate is the default 50 µs, three times over for the whole cost: 3% of a core
    // pays for 200 a second.
    within(admittedOver(w, advance, 2000), 400, 1);

    clock.cores = 0.3;
    admittedOver(w, advance, 1000);
    within(admittedOver(w, advance, 2000), 2000, 1);
  });

  it('keeps every record at 1,000 requests a second, and past 1,500 a second holds to its share on any CPU', () => {
    const { clock, advance } = fakeProcess();
    // A starved core: the process is given a third of one, so its own CPU never says busy.
    clock.cores = 0.3;
    const w = busyWriter(clock);
    expect(admittedOver(w, advance, 5000, 1000)).toBe(5000);

    admittedOver(w, advance, 2000, 4000); // the second banked is spent, the request rate seen
    within(admittedOver(w, advance, 2000, 4000), 400, 1);

    admittedOver(w, advance, 2000, 1000);
    expect(admittedOver(w, advance, 5000, 1000)).toBe(5000);
  });
});
