/**
 * The measuring core of the benchmark: who the targets are, and one procedure every row goes through, whatever
 * the target, so the comparison is fair: same simulator, same generator, same warm-up and measured phase.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { BenchChild } from './ipc';
import type { ProtocolSetting } from '../../main/core/upstream/protocol';
import type { LoadResult, LoadSpec } from './load-gen';
import { sleep, summarize } from './stats';

export interface Options {
  quick: boolean;
  durationMs: number;
  warmupMs: number;
  cpuProfDir: string | undefined;
  out: string;
  only: Set<string> | undefined;
  /** Pin the measured processes (hop, apps) to one core. */
  pin: boolean;
}

export interface AppHandle {
  proc: BenchChild;
  url: string;
}

export interface StartAppOptions {
  setupFirst?: boolean;
  protocol?: ProtocolSetting | null;
  upstream?: UpstreamTarget;
  /** Another build of app-process.js (an A/B run against a baseline bundle). */
  script?: string;
  env?: Record<string, string>;
  execArgv?: string[];
}

export interface Bench {
  opts: Options;
  sim: BenchChild;
  gen: BenchChild;
  hop: BenchChild;
  /** The bare hop that forwards bodies as frames over WebSockets (the reference for the ws rows). */
  hopWs: BenchChild;
  app: AppHandle;
  agentUrl: string;
  clerkUrl: string;
  hopUrl: string;
  hopWsUrl: string;
  /** Generation B's addresses on the simulator. */
  agentWsUrl: string;
  agentBUrl: string;
  /** The bearer the bare hop and direct-to-simulator rows use (the app mints its own). */
  token: string;
  /** This run's scratch directory (data directories); removed when the run ends, however it ends. */
  tmpDir: string;
  /**
   * Forks another app process with its own data directory (the account-scaling rows). `setupFirst`: under
   * --cpu-prof, leave profiling to the caller (profile-start after its setup) instead of profiling from launch.
   */
  /** `protocol: null` leaves the protocol setting free (changed over IPC); the default pins sse-a. */
  startApp: (options?: StartAppOptions) => Promise<AppHandle>;
  /** Another simulator process (env: BENCH_SIM_TLS and its certificate), stopped with the rest. */
  startSim: (env: Record<string, string>) => Promise<{ proc: BenchChild; urls: SimUrlSet }>;
}

export interface SimUrlSet {
  clerkUrl: string;
  agentUrl: string;
  agentWsUrl: string;
  agentBUrl: string;
}

/** Where an app process sends its upstream traffic, when not to the run's own simulator. */
export interface UpstreamTarget {
  urls: SimUrlSet;
  /** A certificate the app trusts besides the system's (a TLS simulator's). */
  ca?: string;
}

export type Target = 'sim' | 'hop' | 'hop-ws' | 'app';

export interface SimStats {
  tokenMints: number;
  agentRequests: number;
  agentConnections: number;
  openAgentConnections: number;
  clientLookups: number;
  wsUpgrades: number;
  wsRequests: number;
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
  /** Cores other processes on the machine used meanwhile (other people's tests): a high value flags a noisy row. */
  otherCores: number;
  loop: { p50Ms: number; p99Ms: number; maxMs: number } | undefined;
  memory: { rss: number; heapUsed: number } | undefined;
  /** What the simulator saw during the measured phase only. */
  simDelta: SimStats;
  /** The kernel's share of cpuUsPerReq: socket reads and writes (on loopback, the receiving side's TCP work too). */
  sysUsPerReq: number;
  /** Requests a second of each measured phase, in order: a merged row keeps its phases' spread. */
  phaseRps: number[];
  /** Raw totals, so interleaved halves merge exactly. */
  cpuUs: number;
  sysUs: number;
  allCpuUs: number;
}

export interface Request {
  body: string;
  concurrency: number;
  /** Appended to the app's and hop's path, e.g. `?beta=true` as Claude Code sends it. */
  query?: string;
  /** The app's route (default /v1/messages), e.g. /v1/chat/completions. */
  path?: string;
  headers?: Record<string, string>;
}

/** Where a row sends its load, and which process answers for its CPU and loop delay. */
export function endpoint(
  bench: Bench,
  target: Target,
  request: Request,
  app: AppHandle = bench.app,
): { spec: LoadSpec; probe: BenchChild } {
  const headers: Record<string, string> = {
    ...request.headers,
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
  };
  const base = { headers, body: request.body, concurrency: request.concurrency };
  switch (target) {
    case 'sim':
      return {
        spec: { ...base, url: bench.agentUrl, headers: { ...headers, authorization: `Bearer ${bench.token}` } },
        probe: bench.sim,
      };
    case 'hop':
      return { spec: { ...base, url: `${bench.hopUrl}/v1/messages${request.query ?? ''}` }, probe: bench.hop };
    case 'hop-ws':
      return { spec: { ...base, url: `${bench.hopWsUrl}/v1/messages` }, probe: bench.hopWs };
    case 'app':
      return {
        spec: { ...base, url: `${app.url}${request.path ?? '/v1/messages'}${request.query ?? ''}` },
        probe: app.proc,
      };
  }
}

const cpuUs = (cpu: Cpu): number => cpu.userUs + cpu.systemUs;

/** The whole machine's busy and total CPU time, from /proc/stat (zeros where there is none). */
function machineCpu(): { busy: number; total: number } {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return { busy: 0, total: 0 };
  }
}

interface Snapshot {
  cpus: Cpu[];
  machine: { busy: number; total: number };
}

async function snapshot(bench: Bench, probe: BenchChild): Promise<Snapshot> {
  const procs = [...new Set([probe, bench.sim, bench.gen])];
  const cpus = await Promise.all(procs.map((p) => p.call<Cpu>('cpu')));
  return { cpus, machine: machineCpu() };
}

function finishRow(
  target: Target,
  request: Request,
  result: LoadResult,
  before: Snapshot,
  after: Snapshot,
  rest: Partial<Row> & { simDelta: SimStats },
): Row {
  const spent = after.cpus.map((cpu, i) => cpuUs(cpu) - cpuUs(before.cpus[i]!));
  const allCpuUs = spent.reduce((a, b) => a + b, 0);
  const sysUs = after.cpus[0]!.systemUs - before.cpus[0]!.systemUs;
  const coresBusy = allCpuUs / 1000 / result.elapsedMs;
  const total = after.machine.total - before.machine.total;
  const machineCores = total > 0 ? ((after.machine.busy - before.machine.busy) / total) * os.cpus().length : Number.NaN;
  return {
    ...result,
    target,
    concurrency: request.concurrency,
    cpuUs: spent[0]!,
    sysUs,
    sysUsPerReq: result.requests > 0 ? sysUs / result.requests : Number.NaN,
    allCpuUs,
    cpuUsPerReq: result.requests > 0 ? spent[0]! / result.requests : Number.NaN,
    coresBusy,
    otherCores: Math.max(0, machineCores - coresBusy),
    phaseRps: [result.rps],
    loop: undefined,
    memory: undefined,
    ...rest,
  };
}

/** Warm-up, then a measured phase of the configured duration. */
export async function measureRow(
  bench: Bench,
  target: Target,
  request: Request,
  app?: AppHandle,
  durationMs = bench.opts.durationMs,
  warmupMs = bench.opts.warmupMs,
): Promise<Row> {
  const { spec, probe } = endpoint(bench, target, request, app);
  await bench.gen.call('start', { spec });
  await sleep(warmupMs);
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
  const [before] = await Promise.all([
    snapshot(bench, probe),
    probe.call('loop-delay-reset'),
    bench.sim.call('reset-stats'),
  ]);
  const running = bench.gen.call<LoadResult>('run-count', { spec: { ...spec, count } });
  let stop = false;
  const sampler = during
    ? (async () => {
        while (!stop) await during();
      })()
    : undefined;
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

/** Two halves of one target's row as one row: samples, requests and CPU add up; the worse half's loop delay stands. */
export function mergeRows(a: Row, b: Row): Row {
  const latencies = a.latencies.concat(b.latencies);
  const ttfbs = a.ttfbs.concat(b.ttfbs);
  const requests = a.requests + b.requests;
  const elapsedMs = a.elapsedMs + b.elapsedMs;
  const statuses = { ...a.statuses };
  for (const [status, n] of Object.entries(b.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const simDelta = { ...a.simDelta };
  for (const key of Object.keys(simDelta) as (keyof SimStats)[]) simDelta[key] += b.simDelta[key];
  const worse = (a.loop?.p99Ms ?? 0) >= (b.loop?.p99Ms ?? 0) ? a.loop : b.loop;
  return {
    ...a,
    requests,
    errors: a.errors + b.errors,
    elapsedMs,
    rps: (requests / elapsedMs) * 1000,
    latency: summarize(Float64Array.from(latencies)),
    ttfb: summarize(Float64Array.from(ttfbs)),
    statuses,
    latencies,
    ttfbs,
    phaseRps: [...a.phaseRps, ...b.phaseRps],
    cpuUs: a.cpuUs + b.cpuUs,
    sysUs: a.sysUs + b.sysUs,
    sysUsPerReq: requests > 0 ? (a.sysUs + b.sysUs) / requests : Number.NaN,
    allCpuUs: a.allCpuUs + b.allCpuUs,
    cpuUsPerReq: requests > 0 ? (a.cpuUs + b.cpuUs) / requests : Number.NaN,
    coresBusy: (a.allCpuUs + b.allCpuUs) / 1000 / elapsedMs,
    otherCores: (a.otherCores * a.elapsedMs + b.otherCores * b.elapsedMs) / elapsedMs,
    loop: worse,
    memory: b.memory,
    simDelta,
  };
}

export interface Variant {
  key: string;
  target: Target;
  request: Request;
  app?: AppHandle;
  /** Runs before each of this variant's halves (e.g. switching debug logging on). */
  setup?: () => Promise<unknown>;
}

/**
 * Measures variants side by side in palindromes of short phases (A B C C B A, `rounds` times): a drift in the
 * machine's load, such as other people's tests starting on these shared cores, then weighs on every variant alike
 * instead of on whichever happened to run last. More rounds average out shorter bursts too.
 */
const SETTLE_MS = 250;

export async function measureGroup(bench: Bench, variants: Variant[], rounds = 1): Promise<Map<string, Row>> {
  // --quick only proves the rows work: one phase each is enough there. Otherwise each round is A B C C B A, and
  // every variant's measured time adds up to the configured duration however many rounds there are.
  const round = [...variants, ...[...variants].reverse()];
  const order = bench.opts.quick ? variants : Array.from({ length: rounds }, () => round).flat();
  const half = bench.opts.quick ? bench.opts.durationMs : bench.opts.durationMs / (2 * rounds);
  const halves = new Map<string, Row>();
  for (const variant of order) {
    await variant.setup?.();
    // The first phase warms the JIT and the connections; later ones only need the pool refilled and the loop settled.
    const warmup = halves.has(variant.key) ? Math.min(SETTLE_MS, bench.opts.warmupMs) : bench.opts.warmupMs;
    const row = await measureRow(bench, variant.target, variant.request, variant.app, half, warmup);
    const first = halves.get(variant.key);
    halves.set(variant.key, first ? mergeRows(first, row) : row);
  }
  return halves;
}

/**
 * A process started for one section (or a route nothing had called yet) serves a few seconds of the load it is about
 * to be measured under, so its phases are not timed while V8 is still compiling the hot path. Measured without it:
 * the streamed group's ws row read 2.7–3.0× the hop's CPU a request and a 45–90 ms p99 against 2.2–2.3× and 10–16 ms
 * with it, in alternating runs.
 */
export async function warmApp(bench: Bench, app: AppHandle | undefined, requests: Request[]): Promise<void> {
  if (bench.opts.quick) return;
  for (const request of requests) await measureRow(bench, 'app', request, app, 0, APP_WARM_MS);
}

const APP_WARM_MS = 3_000;

/** Before the first measured row: every target and the generator run both modes briefly, so the JIT is warm. */
export async function warmUp(bench: Bench, body: (stream: boolean) => string): Promise<void> {
  for (const target of ['sim', 'hop', 'app'] as const) {
    for (const stream of [false, true])
      await measureRow(bench, target, { body: body(stream), concurrency: 16 }, undefined, bench.opts.warmupMs);
  }
}
