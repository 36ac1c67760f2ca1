/**
 * `--only accounts`: what the number of accounts in use costs. The choice itself in-process (AccountCache.pick),
 * then end to end: one app process per account count, measured in many short interleaved phases so that the
 * difference between one account and 10,000 can be told from this shared machine's drift.
 */
import path from 'node:path';
import { benchAccountPick } from './account-pick';
import { shortBody } from './bodies';
import { measureRow, mergeRows, type AppHandle, type Bench, type Request, type Row } from './harness';
import type { Report } from './report';
import { fmt, fmtInt, mb, median, ratio } from './stats';

/** Palindromes of phases (1 100 10k 10k 100 1, …); each phase is short, so each configuration gets many. */
const ROUNDS = 8;
/** Measured time per configuration over all its phases. */
const MEASURED_MS = 8_000;
const SETTLE_MS = 250;

/** What app-process's `gc-stop` answers (the collector over all of one process's phases). */
interface GcStats {
  scavengeMs: number;
  fullGcs: number;
  fullGcMs: number;
}

interface Measured {
  n: number;
  merged: Row;
  phases: Row[];
  gc: GcStats;
  /** Heap in use after a full collection, once the phases are done: what the accounts keep alive. */
  heapAfterGc: number;
}

/** Load until at most 0.5% of the accounts have never served (a random choice needs about n·ln(200) requests). */
async function warmEveryAccount(bench: Bench, request: Request, app: AppHandle, n: number): Promise<void> {
  const deadline = performance.now() + 60_000;
  while ((await app.proc.call<number>('accounts-unused')) > n / 200 && performance.now() < deadline)
    await measureRow(bench, 'app', request, app, 1000, 0);
}

/** Paired phases (the i-th of each, seconds apart in the same palindrome): median ratio and spread. */
function paired(values: number[], reference: number[]): { median: number; min: number; max: number } {
  const ratios = values.map((v, i) => v / (reference[i] ?? Number.NaN)).filter(Number.isFinite);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

const spread = (p: { median: number; min: number; max: number }): string =>
  `${fmt(p.median, 2)}× (${fmt(p.min, 2)}–${fmt(p.max, 2)})`;

export async function accountScaling(bench: Bench, report: Report): Promise<void> {
  const micro = report.table('Account choice, in-process micro-benchmark (AccountCache.pick)', [
    'Accounts',
    'ns per pick',
    'vs 1 account',
    'ns per pick, 1 excluded (failover)',
  ]);
  const picks = benchAccountPick([1, 100, 10_000], bench.opts.quick);
  for (const p of picks)
    micro.rows.push([
      fmtInt(p.accounts),
      fmt(p.nsPerPick, 1),
      ratio(p.nsPerPick, picks[0]!.nsPerPick),
      fmt(p.nsPerPickExcluding, 1),
    ]);

  // BENCH_ACCOUNTS=1,10000 measures only those counts (a quicker loop while working on this row).
  const chosen = process.env.BENCH_ACCOUNTS?.split(',').map(Number);
  const counts = chosen ?? (bench.opts.quick ? [1, 100, 1000] : [1, 100, 10_000]);
  const rounds = bench.opts.quick ? 1 : ROUNDS;
  const table = report.table(
    'Account count, end to end (short non-stream, c=16, Generation A over SSE; each count in its own fresh app ' +
      `process, ${rounds} interleaved palindromes of short phases)`,
    [
      'Accounts',
      'setup s',
      'req/s',
      'vs 1 account',
      'req/s vs 1, paired phases: median (min–max)',
      'CPU µs/req',
      'CPU vs 1, paired phases: median (min–max)',
      'simulator + load generator CPU µs/req',
      'median ms',
      'p99 ms',
      'loop p99 ms',
      'GC ms per 10k req (scavenge / full)',
      'heap after GC MB',
      'RSS MB',
    ],
    'Accounts are added through the real path (Clerk lookup, sealing, SQLite insert, cache) for simulator users, ' +
      'in parallel batches. Each request picks an account at random, so with many accounts nearly every request ' +
      'uses a different account and token. Before the phases, each app serves until at least 99.5% of its accounts ' +
      'have answered once (the first answer records the account’s protocol in SQLite, once in its life): the ' +
      'comparison is of the steady state. The upstream connections are one pool shared by all accounts, so every ' +
      'count runs on warm sockets. "req/s" and "vs 1 account" merge all phases and are the figures judged; the ' +
      'paired columns set each phase beside the 1-account phase of the same palindrome. The simulator and the ' +
      'load generator share the other core, so their CPU bounds req/s too: with many accounts the simulator ' +
      'checks a different token and user each request. What 10,000 accounts still cost in the app is spread ' +
      'thin, with no scan or list that grows with the count (the two profiles differ in none): each request reads ' +
      'a different account’s record, token entry and cookie memo, cold in the CPU’s caches where one account’s ' +
      'stay hot; each account used in a second is a row of its own in that second’s count flush (one row for one ' +
      'account); the collector scans more old objects that point at new ones. Those are inherent in spreading ' +
      'requests over 10,000 accounts.',
  );
  const request = { body: shortBody(false), concurrency: 16 };
  const apps: Array<{ n: number; app: AppHandle; setupMs: number }> = [];
  const measured: Measured[] = [];
  try {
    for (const n of counts) {
      const app = await bench.startApp({ setupFirst: true });
      apps.push({ n, app, setupMs: 0 });
      const users = await bench.sim.call<Array<{ clientCookie: string }>>('add-users', { count: n });
      const added = await app.proc.call<{ ms: number; usable: number }>('add-accounts', { users, batch: 50 });
      if (added.usable !== n) throw new Error(`expected ${n} usable accounts, got ${added.usable}`);
      apps.at(-1)!.setupMs = added.ms;
    }
    // Fresh processes: a longer warm-up each, so the JIT is done before any of them is measured.
    for (const { app } of apps) await measureRow(bench, 'app', request, app, bench.opts.warmupMs * 2);
    // Then until nearly every account has served once: an account's first answer records its protocol (a SQLite
    // write), once in its life, not once a request. Measured before that, the row priced a one-off per account
    // into every 10,000-account phase (about 30% of the accounts were still unused after the JIT warm-up).
    if (!bench.opts.quick) for (const { n, app } of apps) await warmEveryAccount(bench, request, app, n);
    const profiles = bench.opts.cpuProfDir;
    if (profiles) for (const { app } of apps) await app.proc.call('profile-start');
    for (const { app } of apps) await app.proc.call('gc-start');
    const phases = new Map<number, Row[]>(counts.map((n) => [n, []]));
    const phaseMs = bench.opts.quick ? bench.opts.durationMs : Math.max(bench.opts.durationMs, MEASURED_MS) / rounds;
    const palindrome = [...apps, ...[...apps].reverse()];
    for (let round = 0; round < rounds; round++) {
      for (const { n, app } of bench.opts.quick ? apps : palindrome) {
        const warmup = Math.min(SETTLE_MS, bench.opts.warmupMs);
        // Two phases per round for each count: halves of the palindrome are merged into one per round below.
        phases.get(n)!.push(await measureRow(bench, 'app', request, app, phaseMs / 2, warmup));
      }
    }
    if (profiles) {
      for (const { n, app } of apps)
        await app.proc.call('profile-stop', { file: path.join(profiles, `accounts-${n}.cpuprofile`) });
    }
    const gcs = new Map<number, GcStats>();
    const heaps = new Map<number, number>();
    for (const { n, app } of apps) {
      gcs.set(n, await app.proc.call<GcStats>('gc-stop'));
      heaps.set(n, (await app.proc.call<{ heapUsed: number }>('memory', { gc: true })).heapUsed);
    }
    for (const n of counts) {
      const halves = phases.get(n)!;
      // One phase per round (its two halves, which straddle the other counts' phases), so pairs line up by round.
      const perRound = bench.opts.quick
        ? halves
        : Array.from({ length: rounds }, (_, i) => mergeRows(halves[2 * i]!, halves[2 * i + 1]!));
      const merged = perRound.reduce((a, b) => mergeRows(a, b));
      measured.push({ n, merged, phases: perRound, gc: gcs.get(n)!, heapAfterGc: heaps.get(n)! });
    }
  } finally {
    for (const { app } of apps) await app.proc.stop();
  }
  const one = measured[0]!;
  for (const { n, merged, phases, gc, heapAfterGc } of measured) {
    // The collector ran over the warm-ups between phases too: per request of the whole window, approximately.
    const requests =
      merged.requests * (1 + Math.min(SETTLE_MS, bench.opts.warmupMs) / (merged.elapsedMs / phases.length / 2));
    const per10k = (ms: number): string => fmt((ms / requests) * 1e4, 0);
    const rps = paired(
      phases.map((p) => p.rps),
      one.phases.map((p) => p.rps),
    );
    const cpu = paired(
      phases.map((p) => p.cpuUsPerReq),
      one.phases.map((p) => p.cpuUsPerReq),
    );
    table.rows.push([
      fmtInt(n),
      fmt(apps.find((a) => a.n === n)!.setupMs / 1000, 1),
      fmtInt(merged.rps),
      ratio(merged.rps, one.merged.rps),
      n === one.n ? '—' : spread(rps),
      fmtInt(merged.cpuUsPerReq),
      n === one.n ? '—' : spread(cpu),
      fmtInt((merged.allCpuUs - merged.cpuUs) / merged.requests),
      fmt(merged.latency.median),
      fmt(merged.latency.p99),
      fmt(merged.loop?.p99Ms),
      `${per10k(gc.scavengeMs)} / ${per10k(gc.fullGcMs)}`,
      mb(heapAfterGc),
      mb(merged.memory?.rss),
    ]);
    report.rows.set(`accounts ${n}`, merged);
  }
  const most = measured.at(-1)!;
  const pickMost = picks.at(-1)!;
  // The target is the choice itself; the end-to-end row is checked too, since it is what a user feels.
  report.check(
    `Choosing among ${fmtInt(pickMost.accounts)} accounts costs about what choosing among one does (pick() within 2×)`,
    `${fmt(picks[0]!.nsPerPick, 0)} ns with 1 account, ${fmt(pickMost.nsPerPick, 0)} ns with ` +
      `${fmtInt(pickMost.accounts)} (${ratio(pickMost.nsPerPick, picks[0]!.nsPerPick)})`,
    pickMost.nsPerPick <= 2 * picks[0]!.nsPerPick,
  );
  const rpsPaired = paired(
    most.phases.map((p) => p.rps),
    one.phases.map((p) => p.rps),
  );
  report.check(
    `End to end with ${fmtInt(most.n)} accounts in use: throughput within 10% of one account`,
    `${fmtInt(most.merged.rps)} vs ${fmtInt(one.merged.rps)} req/s (${ratio(most.merged.rps, one.merged.rps)}; ` +
      `paired phases ${fmt(rpsPaired.min, 2)}–${fmt(rpsPaired.max, 2)}), CPU ` +
      `${fmtInt(most.merged.cpuUsPerReq)} vs ${fmtInt(one.merged.cpuUsPerReq)} µs/req`,
    most.merged.rps >= 0.9 * one.merged.rps,
  );
}
