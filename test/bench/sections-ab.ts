/**
 * `npm run bench -- --only ab`: two builds of the app side by side, for a change too small to see across two runs
 * on this shared machine. Copy dist/test/bench/app-process.js aside before the change (into the same folder, so
 * it finds node_modules), then point BENCH_AB_BASE at the copy; the run builds the current tree as "new". Both
 * serve the same request in alternating phases (new base base new, then the reverse), and the table gives each
 * one's CPU a request as the median of its phases, with the spread of the paired ratios.
 *
 *   BENCH_AB_BODY      stream (default), non-stream, chat (Chat Completions), fixture (the 76 KB turn),
 *                      100k or 1m (the request-size rows' non-stream conversations, sections-sizes.ts)
 *   BENCH_AB_PROTOCOL  sse-a (default) or ws          BENCH_AB_C  concurrency (16; the fixture 1)
 *   BENCH_AB_ROUNDS    rounds of four phases (8)      BENCH_AB_NEW_ARGS  node flags for "new" only, e.g. --trace-gc
 *   BENCH_AB_ACCOUNTS  accounts in each app (1); with more, both serve until nearly all of "new"'s accounts have
 *                      answered once before the rounds, as in the accounts section (sections-accounts.ts)
 *   BENCH_AB_HEAP      a file: after the rounds, a sampling heap profile of "new" over one more second of load
 *   BENCH_AB_SURVIVORS a file: the same over three seconds, meant to leave out what scavenges free; it keeps some
 *                      of that too (the report notes what was really promoted meanwhile). To test a suspect, make
 *                      it hold a 1 KB array and see whether "bytes promoted per request" grows by 1 KB.
 *   BENCH_AB_SNAPSHOT  a folder: after the rounds, heap snapshots of "new" idle and in the middle of a load phase
 *                      (idle.heapsnapshot, load.heapsnapshot), to see what a request leaves alive past a scavenge
 */
import path from 'node:path';
import { chatBody, fixtureBody, shortBody, sizedBody } from './bodies';
import { measureRow, type AppHandle, type Bench, type Request } from './harness';
import type { Report } from './report';
import { fmt, median, sleep } from './stats';

const PHASE_MS = 1500;

/** What app-process's `gc-stop` answers. */
interface GcStats {
  scavenges: number;
  scavengeMs: number;
  promotedBytes: number;
  fullGcs: number;
  fullGcMs: number;
}

interface GcPhase extends GcStats {
  requests: number;
}

function abRequest(): Request {
  const kind = process.env.BENCH_AB_BODY ?? 'stream';
  const concurrency = Number(process.env.BENCH_AB_C ?? (kind === 'fixture' ? 1 : 16));
  switch (kind) {
    case 'chat':
      return { body: chatBody(true), concurrency, path: '/v1/chat/completions' };
    case 'fixture':
      return { body: fixtureBody(true), concurrency, query: '?beta=true' };
    case '100k':
      return { body: sizedBody(100 * 1024), concurrency };
    case '1m':
      return { body: sizedBody(1024 * 1024), concurrency };
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
  const accounts = Number(process.env.BENCH_AB_ACCOUNTS ?? 1);
  for (const app of Object.values(apps)) {
    const users = await bench.sim.call<Array<{ clientCookie: string }>>('add-users', { count: accounts });
    await app.proc.call('add-accounts', { users, batch: 50 });
  }
  const request = abRequest();
  if (accounts > 1) await warmAccounts(bench, request, apps, accounts);
  const rounds = Number(process.env.BENCH_AB_ROUNDS ?? 8);
  const cpu = { new: [] as number[], base: [] as number[] };
  const rps = { new: [] as number[], base: [] as number[] };
  const gc = { new: [] as GcPhase[], base: [] as GcPhase[] };
  // Fresh processes: the JIT needs a few seconds of this request before a phase means anything.
  for (const key of ['new', 'base', 'new', 'base'] as const)
    await measureRow(bench, 'app', request, apps[key], 1500, 500);
  for (let round = 0; round < rounds; round++) {
    const order =
      round % 2 === 0 ? (['new', 'base', 'base', 'new'] as const) : (['base', 'new', 'new', 'base'] as const);
    for (const key of order) {
      // The collector's figures cover the warm-up too; the request count is scaled to the same window.
      const startedAt = performance.now();
      // A baseline bundle older than these commands has no collector figures; its rows then read —.
      const collecting = await apps[key].proc.call('gc-start').then(
        () => true,
        () => false,
      );
      const row = await measureRow(bench, 'app', request, apps[key], PHASE_MS, 250);
      const stats = collecting ? await apps[key].proc.call<GcStats>('gc-stop') : undefined;
      cpu[key].push(row.cpuUsPerReq);
      rps[key].push(row.rps);
      if (stats) gc[key].push({ ...stats, requests: (row.rps * (performance.now() - startedAt)) / 1000 });
    }
  }
  const heapFile = process.env.BENCH_AB_HEAP;
  if (heapFile) {
    await apps.new.proc.call('heap-sample-start');
    await measureRow(bench, 'app', request, apps.new, 1000, 100);
    await apps.new.proc.call('heap-sample-stop', { file: heapFile });
  }
  const survivorsFile = process.env.BENCH_AB_SURVIVORS;
  if (survivorsFile) {
    await apps.new.proc.call('heap-survivors-start');
    await apps.new.proc.call('gc-start');
    const startedAt = performance.now();
    const row = await measureRow(bench, 'app', request, apps.new, 3000, 100);
    const stats = await apps.new.proc.call<GcStats>('gc-stop');
    await apps.new.proc.call('heap-sample-stop', { file: survivorsFile });
    // The profile overstates: in a ws run it held 1.3 KB a request while scavenges promoted 303 bytes, and its
    // top entries (runAttempt's frame, readAnswer's promise) did not move that figure when each was made to hold
    // 1 KB more. What scavenges really promoted in its window goes next to it, to read it against.
    const requests = (row.rps * (performance.now() - startedAt)) / 1000;
    report.notes.push(
      `Survivors profile (${survivorsFile}): ${fmt(stats.promotedBytes / requests, 0)} bytes promoted per request ` +
        `while it ran, ${fmt(stats.scavenges, 0)} scavenges.`,
    );
  }
  const snapshotDir = process.env.BENCH_AB_SNAPSHOT;
  if (snapshotDir) {
    // Idle first, once the writers' one-second queues have drained; then while requests are in flight.
    await sleep(2500);
    await apps.new.proc.call('heap-snapshot', { file: path.join(snapshotDir, 'idle.heapsnapshot') });
    const loaded = measureRow(bench, 'app', request, apps.new, 2000, 100);
    await sleep(1200);
    await apps.new.proc.call('heap-snapshot', { file: path.join(snapshotDir, 'load.heapsnapshot') });
    await loaded;
  }
  for (const app of Object.values(apps)) await app.proc.stop();

  const ratios = cpu.new.map((us, i) => us / cpu.base[i]!);
  const table = report.table(
    `A/B: ${process.env.BENCH_AB_BODY ?? 'stream'}, c=${request.concurrency}, ${protocol}, ` +
      `${accounts} account${accounts === 1 ? '' : 's'} ` +
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
    ...gcRows(gc.new, gc.base),
    [
      'app CPU µs/req, each phase',
      cpu.new.map((v) => fmt(v, 0)).join(' '),
      cpu.base.map((v) => fmt(v, 0)).join(' '),
      '—',
    ],
  );
}

/**
 * Both apps serve in turns until at most 0.5% of "new"'s accounts have never answered: the choice is random, so
 * the same load leaves the baseline (which may lack the `accounts-unused` command) as warm.
 */
async function warmAccounts(
  bench: Bench,
  request: Request,
  apps: Record<'new' | 'base', AppHandle>,
  accounts: number,
): Promise<void> {
  const deadline = performance.now() + 60_000;
  while ((await apps.new.proc.call<number>('accounts-unused')) > accounts / 200 && performance.now() < deadline) {
    for (const app of [apps.new, apps.base]) await measureRow(bench, 'app', request, app, 1000, 0);
  }
}

/** The collector's side of the comparison: totals over all phases of each build, so short phases do not skew it. */
function gcRows(fresh: GcPhase[], base: GcPhase[]): string[][] {
  const total = (phases: GcPhase[], key: keyof GcPhase): number => phases.reduce((sum, phase) => sum + phase[key], 0);
  const per10k = (phases: GcPhase[], key: keyof GcPhase): number =>
    (total(phases, key) / total(phases, 'requests')) * 1e4;
  const perScavenge = (phases: GcPhase[], key: keyof GcPhase): number =>
    total(phases, key) / total(phases, 'scavenges');
  const row = (label: string, value: (phases: GcPhase[]) => number, digits: number): string[] => {
    const a = value(fresh);
    const b = value(base);
    return [label, fmt(a, digits), fmt(b, digits), fmt(a / b, 3)];
  };
  return [
    row('scavenges per 10k requests', (phases) => per10k(phases, 'scavenges'), 1),
    row('scavenge ms per 10k requests', (phases) => per10k(phases, 'scavengeMs'), 0),
    row('ms a scavenge', (phases) => perScavenge(phases, 'scavengeMs'), 1),
    row('KB promoted a scavenge', (phases) => perScavenge(phases, 'promotedBytes') / 1024, 0),
    row('bytes promoted per request', (phases) => total(phases, 'promotedBytes') / total(phases, 'requests'), 0),
    row('full GCs per 10k requests', (phases) => per10k(phases, 'fullGcs'), 2),
  ];
}
