/**
 * `npm run bench`: the simulator, a bare pass-through hop, the app and a load generator, each in its own process,
 * measured side by side in one run. Prints the tables and writes BENCHMARKS.md (or --out).
 *
 *   --quick            a seconds-long smoke (tiny phases, fewer rows); CI runs this
 *   --duration <s>     measured phase per row (default 4; warm-up --warmup <s>, default 1)
 *   --cpu-prof         start the app and hop processes with --cpu-prof; where the profiles went and a summary of
 *                      each are printed at the end
 *   --out <file>       where to write the report (default BENCHMARKS.md in the repository)
 *   --only <a,b>       run only these sections:
 *                      idle,short,fixture,openai,tokens,debug,streams,sizes,accounts,ws,h2,streamed,burst,soak;
 *                      and `ab`, only when named: two builds of the app side by side (sections-ab.ts)
 *   --no-pin           leave the hop and the apps unpinned (by default they share the last core, see pinToMeasuredCore)
 *   --summarize-profile <file>   print the summary of an existing .cpuprofile and exit
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { appEnv, appNodeFlags, ROOT, shortBody } from './bodies';
import { summarizeProfile } from './cpu-profile';
import { machineSpeedUs } from './machine-speed';
import { sleep } from './stats';
import { warmUp, type AppHandle, type Bench, type Options, type StartAppOptions } from './harness';
import { BenchChild, killAllChildren } from './ipc';
import { checksTable, markdownTable, renderText, Report, writeMarkdown } from './report';
import { chatCompletions, claudeCodeTurn, debugLogging, shortRequests } from './sections-load';
import { bodySizes } from './sections-sizes';
import { heldStreams, idleMemory, memoryTable, soak, tokensAndConnections } from './sections-resources';
import { accountScaling } from './sections-accounts';
import { webSockets } from './sections-ws';
import { http2Connections } from './sections-h2';
import { streamedGroup, streamingBurst } from './sections-streamed';
import { abCompare } from './sections-ab';
import type { SimUrlSet } from './harness';
import { SIM_CLERK_QUERY } from '../sim/clerk';

const SECTIONS: Array<[string, (bench: Bench, report: Report) => Promise<void>]> = [
  ['idle', idleMemory], // first, while the machine is quiet and the app has served nothing
  ['short', shortRequests],
  ['fixture', claudeCodeTurn],
  ['openai', chatCompletions],
  ['tokens', tokensAndConnections],
  ['debug', debugLogging],
  ['streams', heldStreams],
  ['sizes', bodySizes],
  ['accounts', accountScaling],
  ['ws', webSockets],
  ['h2', http2Connections],
  ['streamed', streamedGroup],
  ['burst', streamingBurst],
  ['ab', abCompare], // only when named in --only
  ['soak', soak], // last: the app has by then served everything above
];
const ONLY_WHEN_NAMED = new Set(['ab']);

function parseArgs(argv: string[]): Options & { summarize?: string } {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const seconds = (name: string, fallback: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of seconds`);
    return n * 1000;
  };
  const quick = argv.includes('--quick');
  const only = value('--only');
  const known = new Set(SECTIONS.map(([name]) => name));
  for (const name of only?.split(',') ?? [])
    if (!known.has(name)) throw new Error(`unknown section ${name}; known: ${[...known].join(',')}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    quick,
    durationMs: seconds('--duration', quick ? 0.25 : 4),
    warmupMs: seconds('--warmup', quick ? 0.15 : 1),
    cpuProfDir: argv.includes('--cpu-prof') ? path.join(os.tmpdir(), `orchids-tray-bench-prof-${stamp}`) : undefined,
    out: path.resolve(value('--out') ?? path.join(ROOT, 'BENCHMARKS.md')),
    only: only ? new Set(only.split(',')) : undefined,
    pin: !argv.includes('--no-pin'),
    summarize: value('--summarize-profile'),
  };
}

const dist = (name: string): string => path.join(ROOT, 'dist/test/bench', `${name}.js`);
const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
/** Set by SIGINT/SIGTERM: the run stops after shutting its processes down, with exit code 130. */
let interrupted = false;

/** A bearer token for the hops and direct rows, from Clerk's tokens endpoint (the app asks GET /v1/client first). */
async function mintToken(sim: BenchChild, clerkUrl: string): Promise<string> {
  const [user] = await sim.call<Array<{ clientCookie: string; sessionId: string }>>('add-users', { count: 1 });
  const response = await request(`${clerkUrl}/v1/client/sessions/${user!.sessionId}/tokens?${SIM_CLERK_QUERY}`, {
    method: 'POST',
    headers: { cookie: `__client=${user!.clientCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'organization_id=',
  });
  const { jwt } = (await response.body.json()) as { jwt: string };
  return jwt;
}

/**
 * Unless --no-pin, every measured process (hop and apps) runs on the last core, the others wherever the scheduler
 * puts them: which core a long-lived process lands on next to the simulator and the load generator otherwise
 * shifts its numbers for the whole run.
 */
function pinToMeasuredCore(pid: number, opts: { pin: boolean }): void {
  if (!opts.pin || process.platform !== 'linux') return;
  const core = os.cpus().length - 1;
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
  if (result.status !== 0) log(`taskset could not pin pid ${pid} (is util-linux installed?); it runs unpinned`);
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.summarize) {
    console.log(summarizeProfile(opts.summarize));
    return;
  }
  const startedAt = new Date();
  const children: BenchChild[] = [];
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-bench-'));
  const shutdown = async (): Promise<void> => {
    await Promise.all(children.map((child) => child.stop(5_000).catch(() => undefined)));
    fs.rmSync(tmpDir, { recursive: true, force: true });
  };
  const onSignal = (signal: string): void => {
    if (interrupted) {
      killAllChildren();
      process.exit(130);
    }
    interrupted = true;
    log(`${signal}: stopping the benchmark's processes`);
    void shutdown().finally(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    const { proc: sim, ready: simInfo } = await BenchChild.start('simulator', dist('sim-process'));
    children.push(sim);
    const token = await mintToken(sim, simInfo.clerkUrl);
    const profile = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
    const { proc: hop, ready: hopInfo } = await BenchChild.start('bare hop', dist('bare-hop'), {
      env: { BENCH_AGENT_URL: simInfo.agentUrl, BENCH_TOKEN: token },
      execArgv: profile,
    });
    children.push(hop);
    pinToMeasuredCore(hop.pid, opts);
    const { proc: hopWs, ready: hopWsInfo } = await BenchChild.start('bare WebSocket hop', dist('bare-hop-ws'), {
      env: { BENCH_AGENT_WS_URL: simInfo.agentWsUrl, BENCH_TOKEN: token },
      execArgv: profile,
    });
    children.push(hopWs);
    pinToMeasuredCore(hopWs.pid, opts);
    const { proc: gen } = await BenchChild.start('load generator', dist('load-gen'));
    children.push(gen);

    const startApp = async (options: StartAppOptions = {}): Promise<AppHandle> => {
      const dataDir = fs.mkdtempSync(path.join(tmpDir, 'app-'));
      const execArgv = [
        '--expose-gc',
        ...appNodeFlags(),
        ...(options.setupFirst ? [] : profile),
        ...(options.execArgv ?? []),
      ];
      const urls = options.upstream?.urls ?? simInfo;
      const env = {
        ...appEnv(),
        BENCH_DATA_DIR: dataDir,
        BENCH_CLERK_URL: urls.clerkUrl,
        BENCH_AGENT_URL: urls.agentUrl,
        BENCH_AGENT_WS_URL: urls.agentWsUrl,
        BENCH_AGENT_B_URL: urls.agentBUrl,
        ...(options.upstream?.ca ? { BENCH_CA_PEM: options.upstream.ca } : {}),
        ...(options.protocol === null ? {} : { BENCH_PROTOCOL: options.protocol ?? 'sse-a' }),
        ...options.env,
      };
      const { proc, ready } = await BenchChild.start('app', options.script ?? dist('app-process'), { env, execArgv });
      children.push(proc);
      pinToMeasuredCore(proc.pid, opts);
      return { proc, url: ready.url };
    };
    const startSim = async (env: Record<string, string>): Promise<{ proc: BenchChild; urls: SimUrlSet }> => {
      const { proc, ready } = await BenchChild.start('simulator (extra)', dist('sim-process'), { env });
      children.push(proc);
      return { proc, urls: ready as SimUrlSet };
    };
    const app = await startApp();
    const [user] = await sim.call<Array<{ clientCookie: string }>>('add-users', { count: 1 });
    await app.proc.call('add-accounts', { users: [user] });

    const bench: Bench = {
      opts,
      sim,
      gen,
      hop,
      hopWs,
      app,
      token,
      tmpDir,
      startApp,
      startSim,
      agentUrl: simInfo.agentUrl,
      agentWsUrl: simInfo.agentWsUrl,
      agentBUrl: simInfo.agentBUrl,
      clerkUrl: simInfo.clerkUrl,
      hopUrl: hopInfo.url,
      hopWsUrl: hopWsInfo.url,
    };
    const report = new Report();
    let warm = false;
    for (const [name, section] of SECTIONS) {
      if (opts.only ? !opts.only.has(name) : ONLY_WHEN_NAMED.has(name)) continue;
      if (interrupted) return;
      if (!warm && name !== 'idle') {
        // After the idle measurements, which must see an app that has served nothing.
        log('warming up every target…');
        await warmUp(bench, shortBody);
        warm = true;
      }
      // A second's pause first, so the previous section's stragglers (a flush, a GC) are not what gets timed.
      if (!opts.quick) await sleep(1000);
      report.speed.push({ before: name, us: machineSpeedUs() });
      const started = performance.now();
      log(`section ${name}…`);
      await section(bench, report);
      log(`section ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const table = report.tables.at(-1);
      if (table) process.stderr.write(`${markdownTable(table)}\n`);
    }
    if (interrupted) return;
    report.speed.push({ before: 'the end', us: machineSpeedUs() });
    memoryTable(report);
    await shutdown();

    const durationS = (Date.now() - startedAt.getTime()) / 1000;
    const args = process.argv.slice(2);
    const command = args.length === 0 ? 'npm run bench' : `npm run bench -- ${args.join(' ')}`;
    if (opts.only) report.notes.push(`Partial run: only ${[...opts.only].join(', ')}.`);
    if (opts.quick) report.notes.push('Quick smoke run (--quick): phases are tiny, numbers are indicative only.');
    report.notes.push(
      opts.pin && process.platform === 'linux'
        ? `The hop and the apps were pinned to core ${os.cpus().length - 1}; the simulator and the load generator ` +
            'were not.'
        : 'Nothing was pinned (--no-pin, or not Linux).',
    );
    writeMarkdown(opts.out, report, { command, durationS, startedAt });
    console.log(`\n${renderText(report)}`);
    console.log(markdownTable(checksTable(report)));
    console.log(`\nWrote ${opts.out} (${Math.round(durationS)} s).`);
    if (opts.cpuProfDir) {
      const files = fs.existsSync(opts.cpuProfDir)
        ? fs.readdirSync(opts.cpuProfDir).filter((f) => f.endsWith('.cpuprofile'))
        : [];
      console.log(`\nCPU profiles (open in Chrome DevTools > Performance, or VS Code): ${opts.cpuProfDir}`);
      for (const file of files) {
        // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile from --cpu-prof; <what>.cpuprofile from profile-stop
        const pid = Number(file.split('.')[3]);
        const name = Number.isNaN(pid)
          ? file
          : `${children.find((child) => child.pid === pid)?.name ?? 'process'}, pid ${pid}`;
        console.log(`\n[${name}] ${summarizeProfile(path.join(opts.cpuProfDir, file), 20)}`);
      }
    }
  } finally {
    await shutdown();
  }
}

main().then(
  () => process.exit(interrupted ? 130 : 0),
  (error: unknown) => {
    // Once interrupted, calls to the stopped processes fail: that is the interruption, not a second error.
    if (!interrupted) console.error('benchmark failed:', error);
    killAllChildren();
    process.exit(interrupted ? 130 : 1);
  },
);
