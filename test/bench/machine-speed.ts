/**
 * A fixed CPU task timed in the benchmark's own process before each section: the same work every time, so its time
 * says how fast this shared machine was running just then. A run whose sections saw different speeds (other
 * tenants' load on the host, which nothing inside this VM can see) says so in its report, and the figure lets
 * two runs be compared: a run at 1.7× the usual time is a slow machine, not a slow app.
 */
const SAMPLE = JSON.stringify({
  messages: Array.from({ length: 40 }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content: `turn ${i} `.repeat(20),
  })),
  tools: Array.from({ length: 10 }, (_, i) => ({
    name: `tool_${i}`,
    input_schema: { type: 'object', properties: { a: { type: 'string' } } },
  })),
});

/** The median of a few short batches, in µs per round of parse + stringify of a ~10 KB document. */
let warm = false;

export function machineSpeedUs(): number {
  const batches: number[] = [];
  let sink = 0;
  // The first call compiles the task: without this, the first section always looked slow.
  if (!warm) for (let i = 0; i < 500; i++) sink += JSON.stringify(JSON.parse(SAMPLE)).length;
  warm = true;
  for (let b = 0; b < 9; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 100; i++) sink += JSON.stringify(JSON.parse(SAMPLE)).length;
    batches.push(Number(process.hrtime.bigint() - start) / 1000 / 100);
  }
  if (sink === -1) console.log(sink);
  batches.sort((a, b) => a - b);
  return batches[4]!;
}
