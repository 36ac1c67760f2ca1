/**
 * Where the event loop stood still: a 1 ms timer notes every gap between its ticks longer than a threshold, in
 * CLOCK_MONOTONIC microseconds, the time base of V8's .cpuprofile, so each gap can be read against a profile of the
 * same run (cpu-profile.ts `summarizeGaps`). `monitorEventLoopDelay` gives the distribution; this gives the moments.
 */
export type Gap = [startUs: number, endUs: number];

export function watchLoopGaps(thresholdMs = 10): { stop: () => Gap[] } {
  const gaps: Gap[] = [];
  const thresholdUs = thresholdMs * 1000;
  let last = process.hrtime.bigint() / 1000n;
  const timer = setInterval(() => {
    const now = process.hrtime.bigint() / 1000n;
    if (Number(now - last) > thresholdUs) gaps.push([Number(last), Number(now)]);
    last = now;
  }, 1);
  return {
    stop: () => {
      clearInterval(timer);
      return gaps;
    },
  };
}
