import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CpuLoad } from '../../main/core/logs/cpu-load';
import { DebugLogWriter } from '../../main/core/logs/debug-log-writer';
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
  /** Records admitted over `ms` of requests arriving at 4,000 a second. */
  function admittedOver(w: DebugLogWriter, advance: (ms: number) => void, ms: number): number {
    let admitted = 0;
    for (let t = 0; t < ms; t += 10) {
      advance(10);
      for (let i = 0; i < 40; i++) if (w.admit()) admitted += 1;
    }
    return admitted;
  }

  it('keeps 1,000 records a second while the process has room, and holds to its share of a core once busy', () => {
    const { clock, advance } = fakeProcess();
    const dir = tempDir('orchids-logs-');
    dirs.push(dir);
    const w = new DebugLogWriter({
      dir: path.join(dir, 'debug-logs'),
      retention: () => ({ maxCount: 10, maxBytes: 1e6, maxAgeMs: 1e9 }),
      secrets: () => [],
      capacity: 1e9,
      maxPendingBytes: 1e12,
      cpuBurstMs: 1e9,
      busyCores: 0.6,
      busyShare: 0.03,
      now: () => clock.now,
      processCpuUs: () => clock.cpuUs,
    });
    writers.push(w);

    clock.cores = 0.3;
    const first = admittedOver(w, advance, 500); // the second banked, then the rate
    expect(first).toBeGreaterThanOrEqual(1489);
    expect(first).toBeLessThanOrEqual(1500);
    const withRoom = admittedOver(w, advance, 2000);
    expect(withRoom).toBeGreaterThanOrEqual(1999);
    expect(withRoom).toBeLessThanOrEqual(2001);

    clock.cores = 1;
    admittedOver(w, advance, 1000); // the load's window catches up
    // No record written yet: the estimate is the default 50 µs, three times over for the whole cost: 3% of a core
    // pays for 200 a second.
    const busy = admittedOver(w, advance, 2000);
    expect(busy).toBeGreaterThanOrEqual(399);
    expect(busy).toBeLessThanOrEqual(401);

    clock.cores = 0.3;
    admittedOver(w, advance, 1000);
    const again = admittedOver(w, advance, 2000);
    expect(again).toBeGreaterThanOrEqual(1999);
    expect(again).toBeLessThanOrEqual(2001);
  });
});
