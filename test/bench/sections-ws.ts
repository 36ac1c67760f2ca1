/**
 * Generation B over WebSockets: the app pinned to `ws` beside a bare hop that forwards the same frames, the warm
 * path's sockets and Clerk calls, and what `auto` costs the first request of a fresh account while it finds the
 * protocol.
 */
import type { UpstreamProtocol } from '../../main/core/upstream/protocol';
import type { SimProtocols } from '../sim/orchids-simulator';
import { shortBody } from './bodies';
import { countRow, measureGroup, warmApp, type AppHandle, type Bench } from './harness';
import { LOAD_COLUMNS, loadCells, type Report } from './report';
import { fmt, fmtInt, median } from './stats';

type TokenStats = { misses: number; mints: number };

const ALL: SimProtocols = { ws: true, sseB: true, sseA: true };
const only = (protocol: UpstreamProtocol): SimProtocols => ({
  ws: protocol === 'ws',
  sseB: protocol === 'sse-b',
  sseA: protocol === 'sse-a',
});

/** Adds one fresh account; `alone` removes the others first, so the next request cannot land elsewhere. */
async function withAccount(bench: Bench, app: AppHandle, alone = false): Promise<void> {
  if (alone) await app.proc.call('remove-accounts');
  const users = await bench.sim.call<Array<{ clientCookie: string }>>('add-users', { count: 1 });
  await app.proc.call('add-accounts', { users });
}

export async function webSockets(bench: Bench, report: Report): Promise<void> {
  const app = await bench.startApp({ protocol: 'ws' });
  await withAccount(bench, app);
  // A fresh process beside a long-running hop-ws: run T's c=1 stream row read +1.02 ms over the hop, cold.
  await warmApp(
    bench,
    app,
    [true, false].map((stream) => ({ body: shortBody(stream), concurrency: 16 })),
  );
  await loadRows(bench, report, app);
  await warmPath(bench, report, app);
  await autoFirstRequest(bench, report);
}

async function loadRows(bench: Bench, report: Report, app: AppHandle): Promise<void> {
  const table = report.table(
    'Generation B over a WebSocket: the app pinned to ws beside a hop that forwards the same frames (short request)',
    ['Mode', 'c', 'Target', ...LOAD_COLUMNS],
    'hop-ws sends each request body as one text frame on a socket it keeps open and writes every frame back as ' +
      'an SSE data line until `finish`; the app validates, translates to a Generation B body, picks the account, ' +
      'takes the token from its cache, sends on its per-account socket pool and translates the frames into ' +
      'Anthropic events.',
  );
  for (const stream of [true, false]) {
    for (const concurrency of bench.opts.quick ? [1] : [1, 16]) {
      const request = { body: shortBody(stream), concurrency };
      const rows = await measureGroup(
        bench,
        [
          { key: 'hop-ws', target: 'hop-ws', request },
          { key: 'app', target: 'app', request, app },
        ],
        bench.opts.quick ? 1 : 4,
      );
      const hop = rows.get('hop-ws')!;
      for (const [target, row] of rows) {
        table.rows.push([
          stream ? 'stream' : 'non-stream',
          String(concurrency),
          target === 'app' ? 'app (ws)' : target,
          ...loadCells(row, hop, stream),
        ]);
        report.rows.set(`ws ${stream ? 'stream' : 'non-stream'} c=${concurrency} ${target}`, row);
      }
    }
  }
  for (const mode of ['stream', 'non-stream']) {
    const appRow = report.rows.get(`ws ${mode} c=1 app`);
    const hop = report.rows.get(`ws ${mode} c=1 hop-ws`);
    if (!appRow || !hop) continue;
    const added = appRow.latency.median - hop.latency.median;
    report.check(
      `ws: added median latency over the hop at c=1 (${mode}) ≤ 0.3 ms`,
      `${fmt(appRow.latency.median, 3)} − ${fmt(hop.latency.median, 3)} = ${fmt(added, 3)} ms`,
      added <= 0.3,
    );
  }
  for (const mode of ['stream', 'non-stream']) {
    const appRow = report.rows.get(`ws ${mode} c=16 app`);
    const hop = report.rows.get(`ws ${mode} c=16 hop-ws`);
    if (!appRow || !hop) continue;
    report.check(
      `ws: throughput at c=16 (${mode}) ≥ 0.85 of the hop`,
      `${fmtInt(appRow.rps)} vs ${fmtInt(hop.rps)} req/s = ${fmt(appRow.rps / hop.rps, 2)}× (CPU per request ` +
        `${fmtInt(appRow.cpuUsPerReq)} vs ${fmtInt(hop.cpuUsPerReq)} µs)`,
      appRow.rps >= 0.85 * hop.rps,
    );
  }
}

async function warmPath(bench: Bench, report: Report, app: AppHandle): Promise<void> {
  const count = bench.opts.quick ? 200 : 1000;
  const table = report.table(
    `The warm ws path: new sockets and Clerk calls (${count} short streamed requests per row, 1 account, after ` +
      'the load rows)',
    ['c', 'requests', 'new sockets', 'Clerk token mints', 'requests that waited for a mint', 'errors'],
  );
  let clean = true;
  for (const concurrency of [1, 16]) {
    // Warm at this concurrency first: the first burst of 16 parallel requests dials the sockets it needs.
    await countRow(bench, 'app', { body: shortBody(true), concurrency }, concurrency * 4, app);
    const before = await app.proc.call<TokenStats>('token-stats');
    const row = await countRow(bench, 'app', { body: shortBody(true), concurrency }, count, app);
    const after = await app.proc.call<TokenStats>('token-stats');
    const waited = after.misses - before.misses;
    const sockets = row.simDelta.wsUpgrades;
    clean &&= sockets === 0 && row.simDelta.tokenMints === 0 && waited === 0 && row.errors === 0;
    table.rows.push([
      String(concurrency),
      String(row.requests),
      String(sockets),
      String(row.simDelta.tokenMints),
      String(waited),
      String(row.errors),
    ]);
  }
  report.check(
    `ws warm path: 0 new sockets and 0 Clerk calls per ${fmtInt(count)} requests at c=1 and c=16`,
    clean ? 'none in either row' : 'see the table',
    clean,
  );
}

/**
 * The first request of a fresh account, with the protocol setting on auto and on the one protocol the simulator
 * serves, each on several fresh accounts. The difference is what finding the protocol costs: refused upgrades and
 * 404s on the protocols ahead of the one that answers.
 */
async function autoFirstRequest(bench: Bench, report: Report): Promise<void> {
  const tries = bench.opts.quick ? 2 : 7;
  const table = report.table(
    `auto: the first request of a fresh account, finding the protocol (median of ${tries} fresh accounts each)`,
    [
      'The service speaks',
      'auto: first request ms',
      'pinned: first request ms',
      'extra for auto ms',
      'protocol auto found',
    ],
    'Each sample is a newly added account (its first token comes with the Clerk lookup, so no mint is timed) ' +
      'sending one short non-streamed request; auto tries ws, then sse-b, then sse-a.',
  );
  const app = await bench.startApp({ protocol: null });
  try {
    for (const protocol of ['ws', 'sse-b', 'sse-a'] as const) {
      await bench.sim.call('set-protocols', { protocols: only(protocol) });
      const firsts: Record<'auto' | 'pinned', number[]> = { auto: [], pinned: [] };
      let found = '';
      for (let i = 0; i < tries; i++) {
        for (const setting of ['auto', 'pinned'] as const) {
          await app.proc.call('set-protocol', { protocol: setting === 'auto' ? 'auto' : protocol });
          await withAccount(bench, app, true);
          const row = await countRow(bench, 'app', { body: shortBody(false), concurrency: 1 }, 1, app);
          if (row.errors === 0) firsts[setting].push(row.latency.median);
          if (setting === 'auto') found = (await app.proc.call<string[]>('protocols')).at(-1) ?? '';
        }
      }
      const autoMs = median(firsts.auto);
      const pinnedMs = median(firsts.pinned);
      table.rows.push([protocol, fmt(autoMs, 2), fmt(pinnedMs, 2), fmt(autoMs - pinnedMs, 2), found || '—']);
    }
  } finally {
    await bench.sim.call('set-protocols', { protocols: ALL });
    await app.proc.stop();
  }
}
