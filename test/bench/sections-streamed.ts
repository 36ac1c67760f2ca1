/**
 * Streaming beside the bare hop, on every route and upstream protocol the app has, in one quick group that can be
 * rerun while working on the hot path (`npm run bench -- --only streamed` takes about a minute), and the memory a
 * burst of 200 streaming clients leaves behind (`--only burst`).
 */
import { chatBody, shortBody } from './bodies';
import { countRow, measureGroup, warmApp, type AppHandle, type Bench, type Row, type Variant } from './harness';
import type { Report } from './report';
import { fmt, fmtInt, mb, sleep } from './stats';

type Memory = {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  youngSpace: number;
};

/** What V8 does not account for: the native allocator's share of RSS (sockets, TLS, zlib, what glibc keeps). */
const nativeOf = (m: Memory): number => m.rss - m.heapTotal - m.external;

/** The i-th phase of one variant beside the i-th of its reference, which ran seconds apart in the same palindrome. */
function phaseSpread(row: Row, reference: Row): string {
  const ratios = row.phaseRps.map((rps, i) => rps / (reference.phaseRps[i] ?? Number.NaN)).filter(Number.isFinite);
  if (ratios.length < 2) return '—';
  return `${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}×`;
}

interface Pair {
  label: string;
  app: Variant;
  hop: Variant;
}

export async function streamedGroup(bench: Bench, report: Report): Promise<void> {
  const table = report.table(
    'Streaming where Claude Code lives: the app beside the bare hop, per route and upstream protocol (short turn)',
    [
      'Route / upstream',
      'Mode',
      'c',
      'app req/s',
      'hop req/s',
      'app ÷ hop',
      'phase by phase',
      'app CPU µs/req',
      'hop CPU µs/req',
      'CPU app ÷ hop',
      'app p99 ms',
      'errors',
    ],
    'Each pair runs as four palindromes of short phases (hop app app hop …), ' +
      'so the machine’s bursts fall on both alike; "phase by phase" is the spread of the paired phases, ' +
      'the merged figure is the one judged. The hop for the ws rows forwards the same WebSocket frames ' +
      '(bare-hop-ws.ts); for the others it pipes the SSE bytes (bare-hop.ts).',
  );
  const ws: AppHandle = await bench.startApp({ protocol: 'ws' });
  const users = await bench.sim.call<Array<{ clientCookie: string }>>('add-users', { count: 1 });
  await ws.proc.call('add-accounts', { users });
  const pair = (
    label: string,
    body: string,
    concurrency: number,
    options: { path?: string; app?: AppHandle; hopWs?: boolean } = {},
  ): Pair => ({
    label,
    app: { key: 'app', target: 'app', request: { body, concurrency, path: options.path }, app: options.app },
    hop: { key: 'hop', target: options.hopWs ? 'hop-ws' : 'hop', request: { body, concurrency } },
  });
  const levels = bench.opts.quick ? [16] : [16, 128];
  const pairs: Array<[Pair, boolean]> = [
    ...levels.map((c) => [pair('/v1/messages, sse-a', shortBody(true), c), true] as [Pair, boolean]),
    [pair('/v1/messages, sse-a', shortBody(false), 16), false],
    [pair('/v1/messages, ws', shortBody(true), 16, { app: ws, hopWs: true }), true],
    [pair('/v1/chat/completions, sse-a', chatBody(true), 16, { path: '/v1/chat/completions' }), true],
  ];
  // BENCH_PAIRS=0,3 keeps only those rows (by position above): one row to profile, without the others in the way.
  const pick = process.env.BENCH_PAIRS?.split(',').map(Number);
  if (pick) pairs.splice(0, pairs.length, ...pairs.filter((_, i) => pick.includes(i)));
  const judged = new Map<string, { app: Row; hop: Row }>();
  // A loop to iterate on: 2 s of measured time per variant (unless --duration asks for less) keeps the group near
  // a minute; the four palindromes still spread each over the whole window.
  const quick: Bench = { ...bench, opts: { ...bench.opts, durationMs: Math.min(bench.opts.durationMs, 2_000) } };
  // The run's warm-up covers the main app's /v1/messages only; the ws app is started here and chat is a new route.
  for (const [p] of pairs) await warmApp(bench, p.app.app, [p.app.request]);
  for (const [p, streamed] of pairs) {
    const rows = await measureGroup(quick, [p.hop, p.app], bench.opts.quick ? 1 : 4);
    const app = rows.get('app')!;
    const hop = rows.get('hop')!;
    const concurrency = p.app.request.concurrency;
    judged.set(`${p.label} ${streamed ? 'stream' : 'non-stream'} c=${concurrency}`, { app, hop });
    table.rows.push([
      p.label,
      streamed ? 'stream' : 'non-stream',
      String(concurrency),
      fmtInt(app.rps),
      fmtInt(hop.rps),
      fmt(app.rps / hop.rps, 2),
      phaseSpread(app, hop),
      fmtInt(app.cpuUsPerReq),
      fmtInt(hop.cpuUsPerReq),
      fmt(app.cpuUsPerReq / hop.cpuUsPerReq, 2),
      fmt(app.latency.p99),
      String(app.errors),
    ]);
  }
  await ws.proc.stop();

  const throughput = (key: string, target: number, what: string): void => {
    const pairRows = judged.get(key);
    if (!pairRows) return;
    const r = pairRows.app.rps / pairRows.hop.rps;
    const spread = phaseSpread(pairRows.app, pairRows.hop);
    report.check(
      `${what} ≥ ${target}× the hop`,
      `${fmtInt(pairRows.app.rps)} vs ${fmtInt(pairRows.hop.rps)} req/s = ${fmt(r, 2)}× (phases ${spread})`,
      r >= target,
    );
  };
  throughput('/v1/messages, sse-a stream c=16', 0.85, 'Streamed throughput at c=16');
  throughput('/v1/messages, sse-a stream c=128', 0.85, 'Streamed throughput at c=128');
  throughput('/v1/messages, sse-a non-stream c=16', 0.9, 'Non-streamed throughput at c=16');
  throughput('/v1/messages, ws stream c=16', 0.85, 'Streamed throughput at c=16 over ws');
  throughput('/v1/chat/completions, sse-a stream c=16', 0.85, 'Streamed Chat Completions throughput at c=16');
  const cpu = judged.get('/v1/messages, sse-a stream c=16');
  if (cpu) {
    const r = cpu.app.cpuUsPerReq / cpu.hop.cpuUsPerReq;
    report.check(
      'App CPU per streamed request ≤ 1.3× the hop’s (c=16)',
      `${fmtInt(cpu.app.cpuUsPerReq)} vs ${fmtInt(cpu.hop.cpuUsPerReq)} µs = ${fmt(r, 2)}×`,
      r <= 1.3,
    );
  }
}

/**
 * 200 clients streaming at once at a fresh app, then a minute's quiet: what the app still holds compared with the
 * same app idle before the burst (both after a full GC, so it is memory kept, not garbage waiting).
 */
export async function streamingBurst(bench: Bench, report: Report): Promise<void> {
  const clients = 200;
  const quietMs = bench.opts.quick ? 2_000 : 60_000;
  const table = report.table(
    `Memory after a burst of ${clients} streaming clients, then ${quietMs / 1000} s quiet (a fresh app process)`,
    [
      'RSS before MB',
      'peak RSS MB',
      `RSS ${quietMs / 1000} s after MB`,
      'after − before MB',
      'heap before MB',
      'heap after MB',
      'heap reserved after MB',
      'of it young generation MB',
      'external after MB',
      'native before MB',
      'native after MB',
      'errors',
    ],
    '"native" is RSS less the V8 heap reserved and less external memory (array buffers and strings outside the ' +
      'heap): sockets, TLS, zlib and what the C allocator keeps after they are freed.',
  );
  // A fresh app, idle until the burst: the measure is RSS against the app's own idle level, not against what the
  // sections before this one left in the long-lived app.
  const fresh = await bench.startApp();
  try {
    const users = await bench.sim.call<Array<{ clientCookie: string }>>('add-users', { count: 1 });
    await fresh.proc.call('add-accounts', { users });
    await burstOn(bench, report, fresh, table, clients, quietMs);
  } finally {
    await fresh.proc.stop();
  }
}

async function burstOn(
  bench: Bench,
  report: Report,
  fresh: AppHandle,
  table: ReturnType<Report['table']>,
  clients: number,
  quietMs: number,
): Promise<void> {
  const app = fresh.proc;
  await sleep(1_000);
  const before = await app.call<Memory>('memory', { gc: true });
  let peak = before.rss;
  const row = await countRow(
    bench,
    'app',
    { body: shortBody(true), concurrency: clients },
    clients * 20,
    fresh,
    async () => {
      peak = Math.max(peak, (await app.call<Memory>('memory')).rss);
      await sleep(100);
    },
  );
  await sleep(quietMs);
  const after = await app.call<Memory>('memory', { gc: true });
  table.rows.push([
    mb(before.rss),
    mb(peak),
    mb(after.rss),
    fmt((after.rss - before.rss) / 1024 / 1024, 1),
    mb(before.heapUsed),
    mb(after.heapUsed),
    mb(after.heapTotal),
    mb(after.youngSpace),
    mb(after.external),
    mb(nativeOf(before)),
    mb(nativeOf(after)),
    String(row.errors),
  ]);
  report.memory.push({
    what: `a fresh app process, ${quietMs / 1000} s after ${clients} streaming clients`,
    rss: after.rss,
    heap: after.heapUsed,
  });
  report.check(
    `RSS ${quietMs / 1000} s after a ${clients}-client streaming burst within 20 MB of the app idle before it`,
    `${mb(before.rss)} idle → ${mb(after.rss)} MB (peak ${mb(peak)})`,
    after.rss - before.rss <= 20 * 1024 * 1024,
  );
}
