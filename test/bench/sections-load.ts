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
  await warmFixture(bench, modes);
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

/**
 * The process-wide warm-up (warmUp) sends the short body only, and a fresh app takes a few thousand requests of the
 * 76 KB turn before its CPU per request settles (measured at c=1 on a fresh app: 2.2 ms a request in the first 250,
 * 0.9 ms from the 1,500th on, with no full GC in between, so most likely the JIT). Unwarmed, the first row measured
 * paid for it: stream c=1, which read 300–500 µs above non-stream c=1, and the gap moved to non-stream c=1 when the
 * two modes swapped places. Both modes run here first, at c=16 to get through the requests quickly, so each row
 * measures the steady state.
 */
async function warmFixture(bench: Bench, modes: boolean[]): Promise<void> {
  const ms = bench.opts.quick ? bench.opts.warmupMs : 2_000;
  for (const target of ['hop', 'app'] as const)
    for (const stream of modes) {
      const request = { body: fixtureBody(stream), concurrency: 16, query: '?beta=true', headers: CLAUDE_CODE_HEADERS };
      await measureRow(bench, target, request, undefined, ms, 0);
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
      'appends it to a segment file. The writer keeps at most 1,000 records a second, and while the app is ' +
      'saturated by its own requests (as here: several thousand a second on one core) as many as 2.5% of a core ' +
      'pays for; requests beyond that are not traced and are counted as dropped. Each phase right after a switch ' +
      'has a second of warm-up, in which the second of records banked while logging was off is spent, so the ' +
      'rows show logging that stays on. Records written and dropped include the warm-ups.',
  );
  const app = bench.app.proc;
  for (const stream of [false, true]) {
    const request = { body: shortBody(stream), concurrency: 16 };
    const logged = { written: 0, dropped: 0 };
    const before = await app.call<{ written: number; dropped: number }>('debug-log-stats');
    const palindromes = await debugPalindromes(bench, request);
    await app.call('set-debug-logs', { on: false });
    await new Promise((resolve) => setTimeout(resolve, 500)); // the writer's last batch
    const after = await app.call<{ written: number; dropped: number }>('debug-log-stats');
    logged.written = after.written - before.written;
    logged.dropped = after.dropped - before.dropped;
    const off = palindromes.map((p) => p.off).reduce(mergeRows);
    const on = palindromes.map((p) => p.on).reduce(mergeRows);
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
    const { byRate, byCpu } = palindromeCosts(palindromes);
    // Judged by the CPU per request: the rate's median still swings by tens of percent between runs on this
    // machine, which no number of palindromes that fits in a few minutes settles (see palindromeCosts).
    const cost = median(byCpu);
    report.check(
      `Debug logging on costs ≤ 5% throughput (${mode(stream)}, c=16)${AA_CONTROL ? ' [A/A: never on]' : ''}`,
      `median of ${byCpu.length} palindromes by app CPU per request ${fmt(cost * 100, 1)}%${range(byCpu)}; ` +
        `by req/s ${fmt(median(byRate) * 100, 1)}%${range(byRate)} (merged ${fmtInt(on.rps)} vs ` +
        `${fmtInt(off.rps)} req/s, ${fmtInt(on.cpuUsPerReq)} vs ${fmtInt(off.cpuUsPerReq)} µs a request)`,
      cost <= 0.05,
    );
  }
}

/**
 * BENCH_DEBUG_PALINDROMES and BENCH_DEBUG_PHASE_MS: a longer look than the full run can afford. A half-second phase
 * holds a few hundred ms of the app's CPU, so one full GC moves it by tens of percent; longer phases and more
 * palindromes narrow the median's spread, at about 4 × (phase + warm-up) per palindrome and mode.
 */
const PALINDROMES = positiveEnv('BENCH_DEBUG_PALINDROMES', 8);
const PHASE_MS = positiveEnv('BENCH_DEBUG_PHASE_MS', 500);

function positiveEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}
/**
 * The warm-up of a phase right after logging was switched: long enough for the writer to spend the second of
 * records it banks while idle (at this load a third of a second, traced at four times the steady rate) and settle,
 * so that the phase measures what logging costs while it stays on, not the moment it is switched on.
 */
const SWITCH_WARMUP_MS = 1000;
const SAME_WARMUP_MS = 250;

/**
 * BENCH_DEBUG_AA=1: an A/A control, "on" phases with logging left off, so the same figures show how far this
 * machine moves them when nothing differs.
 */
const AA_CONTROL = process.env.BENCH_DEBUG_AA === '1';

interface Palindrome {
  off: Row;
  on: Row;
}

/**
 * Logging off and on in off-on-on-off palindromes, eight of them with half-second phases, each palindrome's two
 * phases of a kind merged: its on/off ratios compare phases that ran within seconds of each other.
 */
async function debugPalindromes(bench: Bench, request: Request): Promise<Palindrome[]> {
  const app = bench.app.proc;
  const rounds = bench.opts.quick ? 1 : PALINDROMES;
  const phaseMs = bench.opts.quick ? bench.opts.durationMs : PHASE_MS;
  const palindromes: Palindrome[] = [];
  let previous: 'off' | 'on' | undefined;
  for (let round = 0; round < rounds; round++) {
    const rows: Partial<Record<'off' | 'on', Row>> = {};
    for (const key of ['off', 'on', 'on', 'off'] as const) {
      if (key !== previous) await app.call('set-debug-logs', { on: key === 'on' && !AA_CONTROL });
      const warmup = bench.opts.quick ? bench.opts.warmupMs : key === previous ? SAME_WARMUP_MS : SWITCH_WARMUP_MS;
      previous = key;
      const row = await measureRow(bench, 'app', request, undefined, phaseMs, warmup);
      const merged = rows[key];
      rows[key] = merged ? mergeRows(merged, row) : row;
    }
    palindromes.push({ off: rows.off!, on: rows.on! });
  }
  return palindromes;
}

/**
 * The throughput logging costs, palindrome by palindrome, two ways. By requests a second: what the check states,
 * but a phase's rate also moves with whatever else this shared machine runs on the app's core (±15% and more in
 * half a second). By the app's CPU per request: the app is pinned to one core and saturated at c=16, so its rate
 * is the share of that core it is given over its CPU per request; the share is the machine's doing, the CPU per
 * request logging's, so 1 − off/on of the CPU per request is the throughput logging takes from a core of its own.
 */
export function palindromeCosts(palindromes: readonly Palindrome[]): { byRate: number[]; byCpu: number[] } {
  return {
    byRate: palindromes.map(({ off, on }) => 1 - on.rps / off.rps).filter(Number.isFinite),
    byCpu: palindromes.map(({ off, on }) => 1 - off.cpuUsPerReq / on.cpuUsPerReq).filter(Number.isFinite),
  };
}

const range = (values: number[]): string =>
  values.length > 1 ? `, ${fmt(100 * Math.min(...values), 1)} to ${fmt(100 * Math.max(...values), 1)}%` : '';

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
