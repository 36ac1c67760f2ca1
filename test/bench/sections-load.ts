/**
 * The request-load sections: short requests at three concurrencies, the Claude Code turn, debug logging on and
 * off, and Chat Completions beside the Messages API. Each row's reference (the hop) is measured right before it
 * with the same phases.
 */
import { chatBody, fixtureBody, shortBody } from './bodies';
import { measureGroup, measureRow, mergeRows, type Bench, type Request, type Row, type Target } from './harness';
import { LOAD_COLUMNS, loadCells, type Report } from './report';
import { fmt, fmtInt, median, ratio } from './stats';

const mode = (stream: boolean): string => (stream ? 'stream' : 'non-stream');

async function compare(
  bench: Bench,
  targets: Target[],
  request: Request,
  rounds = 1,
): Promise<Partial<Record<Target, Row>>> {
  const measured = await measureGroup(
    bench,
    targets.map((target) => ({ key: target, target, request })),
    rounds,
  );
  return Object.fromEntries(measured);
}

export async function shortRequests(bench: Bench, report: Report): Promise<void> {
  const table = report.table(`Short request (${shortBody(false).length} B): throughput and latency`, [
    'Mode',
    'c',
    'Target',
    ...LOAD_COLUMNS,
  ]);
  const levels = bench.opts.quick ? [1, 16] : [1, 16, 128];
  for (const stream of [false, true]) {
    for (const concurrency of levels) {
      // c=16 carries the throughput target: four palindromes of half-second phases there, so the shared machine's
      // bursts (which swing a lone phase by ±15%) fall on every target alike.
      const rows = await compare(
        bench,
        ['sim', 'hop', 'app'],
        { body: shortBody(stream), concurrency },
        concurrency === 16 ? 4 : 1,
      );
      for (const [target, row] of Object.entries(rows)) {
        table.rows.push([mode(stream), String(concurrency), target, ...loadCells(row, rows.hop, stream)]);
        report.rows.set(`short ${mode(stream)} c=${concurrency} ${target}`, row);
      }
    }
  }
  const app16 = report.rows.get('short non-stream c=16 app');
  const hop16 = report.rows.get('short non-stream c=16 hop');
  if (app16 && hop16) {
    // The i-th app phase and the i-th hop phase ran in the same palindrome, seconds apart: their ratios show how
    // far this machine's bursts move the result, next to the merged figure that decides it.
    const paired = app16.phaseRps.map((rps, i) => rps / (hop16.phaseRps[i] ?? Number.NaN)).filter(Number.isFinite);
    const spread =
      paired.length > 1
        ? `; phase by phase ${fmt(100 * Math.min(...paired), 0)}–${fmt(100 * Math.max(...paired), 0)}%`
        : '';
    report.check(
      'Non-streamed throughput at c=16 ≥ 80% of the bare hop',
      `${fmtInt(app16.rps)} vs ${fmtInt(hop16.rps)} req/s = ${fmt((100 * app16.rps) / hop16.rps, 0)}% (CPU per ` +
        `request ${fmtInt(app16.cpuUsPerReq)} vs ${fmtInt(hop16.cpuUsPerReq)} µs${spread})`,
      app16.rps >= 0.8 * hop16.rps,
    );
  }
  for (const stream of [false, true]) {
    const app = report.rows.get(`short ${mode(stream)} c=1 app`);
    const hop = report.rows.get(`short ${mode(stream)} c=1 hop`);
    if (!app || !hop) continue;
    const added = app.latency.median - hop.latency.median;
    report.check(
      `Added median latency over the hop at c=1 (${mode(stream)}) ≤ 0.5 ms`,
      `${fmt(app.latency.median, 3)} − ${fmt(hop.latency.median, 3)} = ${fmt(added, 3)} ms`,
      added <= 0.5,
    );
  }
}

export async function claudeCodeTurn(bench: Bench, report: Report): Promise<void> {
  const size = Buffer.byteLength(fixtureBody(true));
  const table = report.table(
    `Claude Code 2.1.197 turn (${fmtInt(size)} bytes, sent as recorded to /v1/messages?beta=true; non-stream ` +
      'flips only "stream")',
    ['Mode', 'c', 'Target', ...LOAD_COLUMNS],
    'The hop forwards these bytes to the simulator unchanged; the app sends its translated Orchids body instead, ' +
      'which is not the same size, so the simulator works differently for each. Compare the CPU per request here ' +
      'more than the latency.',
  );
  const modes = bench.opts.quick ? [true] : [true, false];
  for (const stream of modes) {
    for (const concurrency of [1, 16]) {
      // Four palindromes here too: the 0.8 ms target is judged on these rows, and one lone phase moved ±40% with
      // the machine's bursts.
      const rows = await compare(
        bench,
        ['hop', 'app'],
        { body: fixtureBody(stream), concurrency, query: '?beta=true', headers: CLAUDE_CODE_HEADERS },
        4,
      );
      for (const [target, row] of Object.entries(rows)) {
        table.rows.push([mode(stream), String(concurrency), target, ...loadCells(row, rows.hop, stream)]);
        report.rows.set(`fixture ${mode(stream)} c=${concurrency} ${target}`, row);
      }
    }
  }
  const short = report.rows.get('short stream c=1 app');
  const turn = report.rows.get('fixture stream c=1 app');
  if (turn) {
    const ms = turn.cpuUsPerReq / 1000;
    const extra = short ? ` (a short streamed request: ${fmt(short.cpuUsPerReq / 1000, 3)} ms)` : '';
    report.check(
      'The 76 KB Claude Code request costs ≤ 0.8 ms of app CPU',
      `${fmt(ms, 3)} ms per request at c=1${extra}`,
      ms <= 0.8,
    );
  }
}

/** The headers Claude Code sent with the recorded turn (minus hop-by-hop ones the client library sets itself). */
const CLAUDE_CODE_HEADERS: Record<string, string> = {
  accept: 'application/json',
  'user-agent': 'claude-cli/2.1.197 (external, sdk-cli)',
  'x-claude-code-session-id': '00000000-0000-0000-0000-000000000000',
  'x-stainless-lang': 'js',
  'x-stainless-retry-count': '0',
  'anthropic-beta':
    'claude-code-20250219,context-1m-2025-08-07,interleaved-thinking-2025-05-14,context-management-2025-06-27',
  'anthropic-dangerous-direct-browser-access': 'true',
  'x-api-key': 'dummy',
  'x-app': 'cli',
};

export async function debugLogging(bench: Bench, report: Report): Promise<void> {
  const table = report.table(
    'Debug logging off vs on (short request, c=16, the app only)',
    [
      'Mode',
      'Debug logs',
      'req/s',
      'vs off',
      'median ms',
      'p99 ms',
      'CPU µs/req',
      'loop p99 ms',
      'records written',
      'records dropped',
    ],
    'With logging on, the request path collects a trace and enqueues it; a writer serialises, redacts and ' +
      'appends it to a segment file. The writer keeps at most 1,000 records a second: at this load (several ' +
      'thousand requests a second) the requests beyond that are not traced and are counted as dropped, so the ' +
      'cost measured is that of a thousand records a second.',
  );
  const app = bench.app.proc;
  for (const stream of [false, true]) {
    const request = { body: shortBody(stream), concurrency: 16 };
    const logged = { written: 0, dropped: 0 };
    const before = await app.call<{ written: number; dropped: number }>('debug-log-stats');
    const rows = await debugPalindromes(bench, request);
    await app.call('set-debug-logs', { on: false });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the writer's last batch
    const after = await app.call<{ written: number; dropped: number }>('debug-log-stats');
    logged.written = after.written - before.written;
    logged.dropped = after.dropped - before.dropped;
    const off = rows.get('off')!;
    const on = rows.get('on')!;
    for (const [label, row] of [
      ['off', off],
      ['on', on],
    ] as const) {
      table.rows.push([
        mode(stream),
        label,
        fmtInt(row.rps),
        ratio(row.rps, off.rps),
        fmt(row.latency.median),
        fmt(row.latency.p99),
        fmtInt(row.cpuUsPerReq),
        fmt(row.loop?.p99Ms),
        label === 'on' ? fmtInt(logged.written) : '0',
        label === 'on' ? fmtInt(logged.dropped) : '0',
      ]);
      report.rows.set(`debug ${mode(stream)} ${label}`, row);
    }
    const merged = 1 - on.rps / off.rps;
    const costs = palindromeCosts(off.phaseRps, on.phaseRps);
    const cost = costs.length > 0 ? median(costs) : merged;
    const cpu = on.cpuUsPerReq / off.cpuUsPerReq - 1;
    const spread =
      costs.length > 1
        ? `; palindromes ${fmt(100 * Math.min(...costs), 1)} to ${fmt(100 * Math.max(...costs), 1)}%`
        : '';
    report.check(
      `Debug logging on costs ≤ 5% throughput (${mode(stream)}, c=16)`,
      `median of ${costs.length} paired on/off ratios: ${fmt(cost * 100, 1)}% lower${spread}; merged ` +
        `${fmtInt(on.rps)} vs ${fmtInt(off.rps)} req/s = ${fmt(merged * 100, 1)}% (app CPU per request ` +
        `${cpu >= 0 ? '+' : ''}${fmt(cpu * 100, 0)}%)`,
      cost <= 0.05,
    );
  }
}

const PALINDROMES = 8;
const PHASE_MS = 500;
/**
 * The warm-up of a phase right after logging was switched: long enough for the writer to spend the second of
 * records it banks while idle (at this load a third of a second, traced at four times the steady rate) and settle,
 * so that the phase measures what logging costs while it stays on, not the moment it is switched on.
 */
const SWITCH_WARMUP_MS = 1000;
const SAME_WARMUP_MS = 250;

/**
 * Logging off and on in off-on-on-off palindromes, eight of them with half-second phases: the difference sought
 * (5%) is smaller than this shared machine's bursts, which swing a lone phase by 15% and more, so the check is
 * judged on the median of the palindromes' paired ratios (palindromeCosts), which one burst cannot move the way it
 * moves merged totals.
 */
async function debugPalindromes(bench: Bench, request: Request): Promise<Map<'off' | 'on', Row>> {
  const app = bench.app.proc;
  const rounds = bench.opts.quick ? 1 : PALINDROMES;
  const phaseMs = bench.opts.quick ? bench.opts.durationMs : PHASE_MS;
  const rows = new Map<'off' | 'on', Row>();
  let previous: 'off' | 'on' | undefined;
  for (let round = 0; round < rounds; round++) {
    for (const key of ['off', 'on', 'on', 'off'] as const) {
      if (key !== previous) await app.call('set-debug-logs', { on: key === 'on' });
      const warmup = bench.opts.quick ? bench.opts.warmupMs : key === previous ? SAME_WARMUP_MS : SWITCH_WARMUP_MS;
      previous = key;
      const row = await measureRow(bench, 'app', request, undefined, phaseMs, warmup);
      const merged = rows.get(key);
      rows.set(key, merged ? mergeRows(merged, row) : row);
    }
  }
  return rows;
}

/**
 * The throughput lost in each off-on-on-off palindrome (measureGroup's order: the k-th palindrome holds phases 2k
 * and 2k+1 of each variant), so every ratio compares phases that ran within two seconds of each other.
 */
export function palindromeCosts(offPhases: readonly number[], onPhases: readonly number[]): number[] {
  const costs: number[] = [];
  for (let k = 0; 2 * k + 1 < Math.min(offPhases.length, onPhases.length); k++) {
    const off = offPhases[2 * k]! + offPhases[2 * k + 1]!;
    const on = onPhases[2 * k]! + onPhases[2 * k + 1]!;
    if (off > 0) costs.push(1 - on / off);
  }
  return costs;
}

/**
 * OpenAI's Chat Completions beside the Messages API: the same short turn, streamed, at c=16, through the same
 * pipeline. The only difference is the conversion in and the chunk encoder out, so the cost should be the same.
 */
export async function chatCompletions(bench: Bench, report: Report): Promise<void> {
  const table = report.table(
    'Chat Completions beside the Messages API (the short turn, streamed, c=16, the app only)',
    [
      'Route',
      'req/s',
      'vs /v1/messages',
      'median ms',
      'p99 ms',
      'CPU µs/req',
      'CPU vs /v1/messages',
      'loop p99 ms',
      'errors',
    ],
    'Both rows run as palindromes of the same phases. The cost compared is the app’s CPU per request.',
  );
  const variant = (key: string, path: string, body: string) => ({
    key,
    target: 'app' as const,
    request: { body, concurrency: 16, path },
  });
  const rows = await measureGroup(
    bench,
    [variant('messages', '/v1/messages', shortBody(true)), variant('chat', '/v1/chat/completions', chatBody(true))],
    4,
  );
  const messages = rows.get('messages')!;
  const chat = rows.get('chat')!;
  for (const [label, row] of [
    ['/v1/messages', messages],
    ['/v1/chat/completions', chat],
  ] as const) {
    table.rows.push([
      label,
      fmtInt(row.rps),
      ratio(row.rps, messages.rps),
      fmt(row.latency.median),
      fmt(row.latency.p99),
      fmtInt(row.cpuUsPerReq),
      ratio(row.cpuUsPerReq, messages.cpuUsPerReq),
      fmt(row.loop?.p99Ms),
      String(row.errors),
    ]);
    report.rows.set(`openai ${label}`, row);
  }
  report.check(
    'Streamed Chat Completions cost what streamed /v1/messages cost, within 10% (c=16)',
    `${fmtInt(chat.cpuUsPerReq)} vs ${fmtInt(messages.cpuUsPerReq)} µs of app CPU a request ` +
      `(${fmt((100 * chat.cpuUsPerReq) / messages.cpuUsPerReq, 0)}%); ` +
      `${fmtInt(chat.rps)} vs ${fmtInt(messages.rps)} req/s`,
    chat.cpuUsPerReq <= 1.1 * messages.cpuUsPerReq && chat.errors === 0,
  );
}
