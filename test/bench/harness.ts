/**
 * The measuring core of the benchmark: who the targets are, and one procedure every row goes through, whatever
 * the target, so the comparison is fair: same simulator, same generator, same warm-up and measured phase.
 */
import type { BenchChild } from './ipc';
import type { LoadResult, LoadSpec } from './load-gen';
import { sleep } from './stats';

export interface Options {
  quick: boolean;
  durationMs: number;
  warmupMs: number;
  cpuProfDir: string | undefined;
  out: string;
  only: Set<string> | undefined;
}

export interface AppHandle {
  proc: BenchChild;
  url: string;
}

export interface Bench {
  opts: Options;
  sim: BenchChild;
  gen: BenchChild;
  hop: BenchChild;
  app: AppHandle;
  agentUrl: string;
  clerkUrl: string;
  hopUrl: string;
  /** The bearer the bare hop and direct-to-simulator rows use (the app mints its own). */
  token: string;
  /** Forks another app process with its own data directory (the account-scaling rows). */
  startApp: () => Promise<AppHandle>;
}

export type Target = 'sim' | 'hop' | 'app';

export interface SimStats {
  tokenMints: number;
  agentRequests: number;
  agentConnections: number;
  openAgentConnections: number;
  clientLookups: number;
}

export interface Cpu {
  userUs: number;
  systemUs: number;
}

export interface Row extends LoadResult {
  target: Target;
  concurrency: number;
  /** The target process's own CPU (user + system) per completed request. */
  cpuUsPerReq: number;
  /** Cores in use across target, simulator and generator during the phase (2 = this machine is saturated). */
  coresBusy: number;
  loop: { p50Ms: number; p99Ms: number; maxMs: number } | undefined;
  memory: { rss: number; heapUsed: number } | undefined;
  /** What the simulator saw during the measured phase only. */
  simDelta: SimStats;
}

export interface Request {
  body: string;
  concurrency: number;
  /** Appended to the app's and hop's path, e.g. `?beta=true` as Claude Code sends it. */
  query?: string;
  headers?: Record<string, string>;
}

/** Where a row sends its load, and which process answers for its CPU and loop delay. */
export function endpoint(bench: Bench, target: Target, request: Request, app: AppHandle = bench.app): { spec: LoadSpec; probe: BenchChild } {
  const headers: Record<string, string> = { ...request.headers, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
  const base = { headers, body: request.body, concurrency: request.concurrency };
  switch (target) {
    case 'sim':
      return { spec: { ...base, url: bench.agentUrl, headers: { ...headers, authorization: `Bearer ${bench.token}` } }, probe: bench.sim };
    case 'hop':
      return { spec: { ...base, url: `${bench.hopUrl}/v1/messages${request.query ?? ''}` }, probe: bench.hop };
    case 'app':
      return { spec: { ...base, url: `${app.url}/v1/messages${request.query ?? ''}` }, probe: app.proc };
  }
}

const cpuUs = (cpu: Cpu): number => cpu.userUs + cpu.systemUs;

async function snapshot(bench: Bench, probe: BenchChild): Promise<Cpu[]> {
  const procs = [...new Set([probe, bench.sim, bench.gen])];
  return Promise.all(procs.map((p) => p.call<Cpu>('cpu')));
}

function finishRow(target: Target, request: Request, result: LoadResult, before: Cpu[], after: Cpu[], rest: Partial<Row> & { simDelta: SimStats }): Row {
  const spent = after.map((cpu, i) => cpuUs(cpu) - cpuUs(before[i]!));
  const total = spent.reduce((a, b) => a + b, 0);
  return {
    ...result,
    target,
    concurrency: request.concurrency,
    cpuUsPerReq: result.requests > 0 ? spent[0]! / result.requests : Number.NaN,
    coresBusy: total / 1000 / result.elapsedMs,
    loop: undefined,
    memory: undefined,
    ...rest,
  };
}

/** Warm-up, then a measured phase of the configured duration. */
export async function measureRow(bench: Bench, target: Target, request: Request, app?: AppHandle, durationMs = bench.opts.durationMs): Promise<Row> {
  const { spec, probe } = endpoint(bench, target, request, app);
  await bench.gen.call('start', { spec });
  await sleep(bench.opts.warmupMs);
  const [before] = await Promise.all([
    snapshot(bench, probe),
    probe.call('loop-delay-reset'),
    bench.sim.call('reset-stats'),
    bench.gen.call('measure'),
  ]);
  await sleep(durationMs);
  // The probes are read as the phase ends, not after the stragglers drain.
  const [result, after, loop, memory, simDelta] = await Promise.all([
    bench.gen.call<LoadResult>('stop'),
    snapshot(bench, probe),
    probe.call('loop-delay'),
    probe.call('memory'),
    bench.sim.call<SimStats>('stats'),
  ]);
  return finishRow(target, request, result, before, after, { loop, memory, simDelta });
}

/** Exactly `count` requests (the cold/warm rows, the held streams), with the simulator's counters around them. */
export async function countRow(
  bench: Bench,
  target: Target,
  request: Request,
  count: number,
  app?: AppHandle,
  during?: () => Promise<void>,
): Promise<Row> {
  const { spec, probe } = endpoint(bench, target, request, app);
  const [before] = await Promise.all([snapshot(bench, probe), probe.call('loop-delay-reset'), bench.sim.call('reset-stats')]);
  const running = bench.gen.call<LoadResult>('run-count', { spec: { ...spec, count } });
  let stop = false;
  const sampler = during ? (async () => { while (!stop) await during(); })() : undefined;
  const result = await running.finally(() => (stop = true));
  await sampler;
  const [after, loop, memory, simDelta] = await Promise.all([
    snapshot(bench, probe),
    probe.call('loop-delay'),
    probe.call('memory'),
    bench.sim.call<SimStats>('stats'),
  ]);
  return finishRow(target, request, result, before, after, { loop, memory, simDelta });
}
