/**
 * The fastest batch's time per call, in ns: on this shared machine a slow batch is another process's burst, so the
 * minimum is the code's own cost. `run` returns a number so the work is kept (summed into a sink V8 cannot drop).
 */
export function fastestBatch(batches: number, perBatch: number, run: () => number): number {
  let best = Infinity;
  let sink = 0;
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) sink += run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / perBatch);
  }
  if (sink === -1) console.log(sink);
  return best;
}
