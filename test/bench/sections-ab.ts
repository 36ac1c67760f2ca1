/**
 * `npm run bench -- --only ab`: two builds of the app side by side, for a change too small to see across two runs
 * on this shared machine. Copy dist/test/bench/app-process.js aside before the change (into the same folder, so
 * it finds node_modules), then point BENCH_AB_BASE at the copy; the run builds the current tree as "new". Both
 * serve the same request in alternating phases (new base base new, then the reverse), and the table gives each
 * one's CPU a request as the median of its phases, with the spread of the paired ratios.
 *
 *   BENCH_AB_BODY      stream (default), non-stream, chat (Chat Completions), fixture (the 76 KB turn)
 *   BENCH_AB_PROTOCOL  sse-a (default) or ws          BENCH_AB_C  concurrency (16; the fixture 1)
 *   BENCH_AB_ROUNDS    rounds of four phases (8)      BENCH_AB_NEW_ARGS  node flags for "new" only, e.g. --trace-gc
 *   BENCH_AB_HEAP      a file: after the rounds, a sampling heap profile of "new" over one more second of load
 */
import { chatBody, fixtureBody, shortBody } from './bodies';
import { measureRow, type AppHandle, type Bench, type Request } from './harness';
import type { Report } from './report';
import { fmt, median } from './stats';

const PHASE_MS = 1500;

function abRequest(): Request {
  const kind = process.env.BENCH_AB_BODY ?? 'stream';
  const concurrency = Number(process.env.BENCH_AB_C ?? (kind === 'fixture' ? 1 : 16));
  switch (kind) {
    case 'chat':
      return { body: chatBody(true), concurrency, path: '/v1/chat/completions' };
    case 'fixture':
      return { body: fixtureBody(true), concurrency, query: '?beta=true' };
    default:
      return { body: shortBody(kind === 'stream'), concurrency };
  }
}

export async function abCompare(bench: Bench, report: Report): Promise<void> {
  const base = process.env.BENCH_AB_BASE;
  if (!base) throw new Error('--only ab needs BENCH_AB_BASE: the path of the baseline app-process.js');
  const protocol = process.env.BENCH_AB_PROTOCOL === 'ws' ? 'ws' : 'sse-a';
  const extraArgs = (process.env.BENCH_AB_NEW_ARGS ?? '').split(' ').filter(Boolean);
  const apps: Record<'new' | 'base', AppHandle> = {
    new: await bench.startApp({ protocol, execArgv: extraArgs }),
    base: await bench.startApp({ protocol, script: base }),
  };
  for (const app of Object.values(apps)) {
    const users = await bench.sim.call<Array<{ clientCookie: string }>>('add-users', { count: 1 });
    await app.proc.call('add-accounts', { users });
  }
  const request = abRequest();
  const rounds = Number(process.env.BENCH_AB_ROUNDS ?? 8);
  const cpu = { new: [] as number[], base: [] as number[] };
  const rps = { new: [] as number[], base: [] as number[] };
  // Fresh processes: the JIT needs a few seconds of this request before a phase means anything.
  for (const key of ['new', 'base', 'new', 'base'] as const)
    await measureRow(bench, 'app', request, apps[key], 1500, 500);
  for (let round = 0; round < rounds; round++) {
    const order =
      round % 2 === 0 ? (['new', 'base', 'base', 'new'] as const) : (['base', 'new', 'new', 'base'] as const);
    for (const key of order) {
      const row = await measureRow(bench, 'app', request, apps[key], PHASE_MS, 250);
      cpu[key].push(row.cpuUsPerReq);
      rps[key].push(row.rps);
    }
  }
  const heapFile = process.env.BENCH_AB_HEAP;
  if (heapFile) {
    await apps.new.proc.call('heap-sample-start');
    await measureRow(bench, 'app', request, apps.new, 1000, 100);
    await apps.new.proc.call('heap-sample-stop', { file: heapFile });
  }
  for (const app of Object.values(apps)) await app.proc.stop();

  const ratios = cpu.new.map((us, i) => us / cpu.base[i]!);
  const table = report.table(
    `A/B: ${process.env.BENCH_AB_BODY ?? 'stream'}, c=${request.concurrency}, ${protocol} ` +
      `(new = this tree, base = ${base})`,
    ['Measure', 'new', 'base', 'new ÷ base'],
  );
  table.rows.push(
    [
      'app CPU µs/req, median of phases',
      fmt(median(cpu.new), 1),
      fmt(median(cpu.base), 1),
      `${fmt(median(ratios), 3)} (paired phases ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})`,
    ],
    ['req/s, median of phases', fmt(median(rps.new), 0), fmt(median(rps.base), 0), '—'],
    [
      'app CPU µs/req, each phase',
      cpu.new.map((v) => fmt(v, 0)).join(' '),
      cpu.base.map((v) => fmt(v, 0)).join(' '),
      '—',
    ],
  );
}
