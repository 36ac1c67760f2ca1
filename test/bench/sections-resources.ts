/**
 * The resource sections: Clerk mints and upstream connections cold and warm, 128 held streams,
 * and memory (the real headless process idle, the app idle, under load, and across a soak).
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { finish, text, type SimStep } from '../sim/orchids-simulator';
import { appEnv, appNodeFlags, ROOT, shortBody } from './bodies';
import { countRow, measureRow, type Bench } from './harness';
import { track } from './ipc';
import type { Report } from './report';
import { fmt, fmtInt, mb, sleep } from './stats';

type TokenStats = { misses: number; mints: number };
type Memory = { rss: number; heapUsed: number; heapTotal: number; external: number };
const memoryEntry = (m: Memory) => ({ rss: m.rss, heap: m.heapUsed, heapTotal: m.heapTotal, external: m.external });

export async function tokensAndConnections(bench: Bench, report: Report): Promise<void> {
  const count = bench.opts.quick ? 200 : 1000;
  const table = report.table(
    `Clerk mints and upstream TCP connections, cold and warm (${count} short non-stream requests per row, 1 account)`,
    [
      'Phase',
      'c',
      'requests',
      'Clerk token mints',
      'per 1,000',
      'requests that waited for a mint',
      'upstream TCP conns opened',
      'per 1,000',
      '≤ c',
    ],
    '"cold" drops every cached token and swaps in a fresh upstream pool (through a settings change) right before ' +
      'the row; "warm" is the next row, unchanged.',
  );
  const app = bench.app.proc;
  const warm: Array<{ mints: number; waited: number }> = [];
  let connectionsOk = true;
  for (const concurrency of [16, 128]) {
    for (const phase of ['cold', 'warm'] as const) {
      if (phase === 'cold') await app.call('cold');
      const before = await app.call<TokenStats>('token-stats');
      const row = await countRow(bench, 'app', { body: shortBody(false), concurrency }, count);
      const after = await app.call<TokenStats>('token-stats');
      const waited = after.misses - before.misses;
      const perK = (n: number): string => fmt((n * 1000) / row.requests, 1);
      const conns = row.simDelta.agentConnections;
      connectionsOk &&= conns <= concurrency;
      if (phase === 'warm') warm.push({ mints: row.simDelta.tokenMints, waited });
      table.rows.push([
        phase,
        String(concurrency),
        String(row.requests),
        String(row.simDelta.tokenMints),
        perK(row.simDelta.tokenMints),
        String(waited),
        String(conns),
        perK(conns),
        conns <= concurrency ? 'yes' : 'NO',
      ]);
    }
  }
  const clerkWarm = warm.reduce((sum, w) => sum + w.mints + w.waited, 0);
  report.check(
    'Warm: zero Clerk calls on the request path',
    `${clerkWarm} mints / waits in ${warm.length * count} warm requests`,
    clerkWarm === 0,
  );
  report.check(
    'Upstream connections ≤ concurrency (cold and warm)',
    connectionsOk ? 'every row within its c' : 'a row opened more than c',
    connectionsOk,
  );
}

/** A slow upstream turn: a text delta every `stepMs`, for about `holdMs`. */
function slowTurn(holdMs: number, stepMs: number): SimStep[] {
  const chunks = Math.max(1, Math.round(holdMs / stepMs));
  const [start, ...rest] = text('word '.repeat(chunks * 4), { chunks });
  const end = rest.pop()!;
  return [
    start!,
    ...rest.flatMap((delta) => [{ delayMs: stepMs }, delta]),
    end,
    ...finish('stop', { inputTokens: 12, outputTokens: chunks }),
  ];
}

export async function heldStreams(bench: Bench, report: Report): Promise<void> {
  const holdMs = bench.opts.quick ? 1500 : 15_000;
  const table = report.table(
    `128 concurrent streams held open ~${holdMs / 1000} s each (a text delta every 500 ms), the app only`,
    [
      'streams',
      'peak in flight in the app',
      'RSS before MB',
      'peak RSS MB',
      'peak heap MB',
      'loop p50 ms',
      'loop p99 ms',
      'loop max ms',
      'app CPU % of a core',
      'duration median s',
      'errors',
    ],
  );
  const app = bench.app.proc;
  const before = await app.call<Memory>('memory', { gc: true });
  await bench.sim.call('default-response', { response: { steps: slowTurn(holdMs, 500) } });
  let peakRss = 0;
  let peakHeap = 0;
  let peakInflight = 0;
  try {
    const row = await countRow(bench, 'app', { body: shortBody(true), concurrency: 128 }, 128, undefined, async () => {
      const [memory, inflight] = await Promise.all([
        app.call<{ rss: number; heapUsed: number }>('memory'),
        app.call<number>('inflight'),
      ]);
      peakRss = Math.max(peakRss, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
      peakInflight = Math.max(peakInflight, inflight);
      await sleep(250);
    });
    const cpuPct = (row.cpuUsPerReq * row.requests) / 10 / row.elapsedMs;
    table.rows.push([
      String(row.requests),
      String(peakInflight),
      mb(before.rss),
      mb(peakRss),
      mb(peakHeap),
      fmt(row.loop?.p50Ms),
      fmt(row.loop?.p99Ms),
      fmt(row.loop?.maxMs),
      fmt(cpuPct, 1),
      fmt(row.latency.median / 1000, 2),
      String(row.errors),
    ]);
    report.memory.push(
      { what: 'app process, before the 128 held streams (after a GC)', ...memoryEntry(before) },
      { what: 'app process, peak during the 128 held streams', rss: peakRss, heap: peakHeap },
    );
  } finally {
    await bench.sim.call('default-response', {}); // back to the instant default reply
  }
}

/** The real headless entry, started as a user would (after `accounts add` through the CLI), measured idle. */
async function headlessIdle(bench: Bench): Promise<{ first: number; later: number; settleMs: number; idleMs: number }> {
  const dataDir = fs.mkdtempSync(path.join(bench.tmpDir, 'headless-'));
  const [user] = await bench.sim.call<Array<{ clientCookie: string }>>('add-users', { count: 1 });
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    });
  });
  const env = {
    ...appEnv(),
    PATH: process.env.PATH,
    ORCHIDS_TRAY_DATA_DIR: dataDir,
    ORCHIDS_CLERK_URL: bench.clerkUrl,
    ORCHIDS_AGENT_URL: bench.agentUrl,
    ORCHIDS_TRAY_CREDITS_SYNC: '0',
    ORCHIDS_TRAY_PORT: String(port),
  };
  await promisify(execFile)(process.execPath, ['dist/main/cli.js', 'accounts', 'add', '--cookie', user!.clientCookie], {
    cwd: ROOT,
    env,
  });
  const child = spawn(process.execPath, [...appNodeFlags(), 'dist/main/headless.js'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track(child);
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Use it:')) resolve();
      });
      child.once('exit', () => reject(new Error(`headless exited early: ${out}`)));
    });
    const settleMs = bench.opts.quick ? 300 : 1000;
    const idleMs = bench.opts.quick ? 500 : 10_000;
    await sleep(settleMs);
    const first = rssOf(child.pid!);
    await sleep(idleMs);
    return { first, later: rssOf(child.pid!), settleMs, idleMs: idleMs + settleMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kbytes = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return Number(kbytes) * 1024;
}

export async function idleMemory(bench: Bench, report: Report): Promise<void> {
  const headless = await headlessIdle(bench);
  const app = await bench.app.proc.call<Memory>('memory');
  report.memory.push(
    { what: `headless.js (one account), idle, ${headless.settleMs / 1000} s after start`, rss: headless.first },
    { what: `headless.js (one account), idle, ${headless.idleMs / 1000} s after start`, rss: headless.later },
    { what: 'app process, before any load', ...memoryEntry(app) },
  );
  const rss = Math.max(headless.first, headless.later);
  report.check('Idle RSS of the headless app < 100 MB', `${mb(rss)} MB`, rss < 100 * 1024 * 1024);
}

/** Everything the run learnt about memory, in one table (runs last). */
export function memoryTable(report: Report): void {
  let peak: { key: string; rss: number; heap: number } | undefined;
  for (const [key, row] of report.rows) {
    if (row.target !== 'app' || !row.memory || key.startsWith('accounts')) continue;
    if (!peak || row.memory.rss > peak.rss) peak = { key, rss: row.memory.rss, heap: row.memory.heapUsed };
  }
  if (peak)
    report.memory.push({
      what: `app process, highest at the end of a load row (${peak.key})`,
      rss: peak.rss,
      heap: peak.heap,
    });
  if (report.memory.length === 0) return;
  const table = report.table(
    'Resident memory',
    ['Process and moment', 'RSS MB', 'heap used MB', 'heap reserved MB', 'external MB'],
    'After load, RSS stays above the idle level: V8 keeps the heap it grew to ("heap reserved"), and the native ' +
      'allocator keeps memory freed by socket buffers and large request bodies for reuse. A leak would show as ' +
      'growth from soak round to soak round, which the soak checks.',
  );
  for (const entry of report.memory)
    table.rows.push([entry.what, mb(entry.rss), mb(entry.heap), mb(entry.heapTotal), mb(entry.external)]);
}

/** The same load, round after round; memory is read after a forced GC at the end of each round. */
export async function soak(bench: Bench, report: Report): Promise<void> {
  const rounds = bench.opts.quick ? 3 : 6;
  const table = report.table(
    `Soak: ${rounds} rounds of short non-stream requests at c=16, memory after a forced GC at the end of each round`,
    ['Round', 'requests so far', 'req/s', 'heap after GC MB', 'RSS MB', 'loop p99 ms'],
  );
  const heaps: number[] = [];
  const rsses: number[] = [];
  let total = 0;
  for (let round = 1; round <= rounds; round++) {
    const row = await measureRow(bench, 'app', { body: shortBody(false), concurrency: 16 });
    total += row.requests;
    // One flush interval: the history and count writers catch up before the GC.
    await sleep(bench.opts.quick ? 100 : 1100);
    const memory = await bench.app.proc.call<Memory>('memory', { gc: true });
    heaps.push(memory.heapUsed);
    rsses.push(memory.rss);
    if (round === 1 || round === rounds)
      report.memory.push({ what: `app process, soak round ${round} (after a GC)`, ...memoryEntry(memory) });
    table.rows.push([
      String(round),
      fmtInt(total),
      fmtInt(row.rps),
      mb(memory.heapUsed),
      mb(memory.rss),
      fmt(row.loop?.p99Ms),
    ]);
  }
  // Round 1 still carries warm-up allocations (JIT, pools); growth is judged from round 2 on.
  const base = Math.min(heaps[1] ?? heaps[0]!, heaps[0]!);
  const growth = Math.max(...heaps.slice(1)) - base;
  const rssGrowth = rsses.at(-1)! - (rsses[1] ?? rsses[0]!);
  report.check(
    'No memory growth over a long run (heap after GC, from round 2 on, grows < 5 MB)',
    `heap ${mb(base)} → max ${mb(base + growth)} MB over ${fmtInt(total)} requests; RSS ` +
      `${rssGrowth >= 0 ? '+' : ''}${mb(rssGrowth)} MB`,
    growth < 5 * 1024 * 1024,
  );
}
