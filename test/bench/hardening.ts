/**
 * Measurements for the hardening work (issue 12), separate from `npm run bench` because each one is a stress
 * scenario rather than a steady row: the app and the simulator run in their own processes, as in the benchmark.
 *
 *   node dist/test/bench/hardening.js body-burst   [--bodies 40] [--mb 31] [--idle 60]
 *   node dist/test/bench/hardening.js slow-clients [--stalled 20000] [--hold 20]
 *   node dist/test/bench/hardening.js debug-rate   [--rate 1000] [--seconds 10]
 *
 * body-burst: N bodies of M MB sent at once while four other clients send short requests; prints the app's peak
 * RSS, its RSS `--idle` seconds after the burst, the other clients' latency during the burst and the statuses, and
 * where its resident memory sits before and after (C heap, V8 pages, files: native-memory.ts). With `--profile`,
 * also a CPU profile of the burst and what filled each moment the app's event loop stood still for over 10 ms.
 * slow-clients: N uploads that send their headers and a few bytes, then stall; /health is probed meanwhile. Run
 * with `2> file` and count the app's log lines there (an aborted upload should cost one short line or none).
 * debug-rate: debug logging on, an open-loop load of `--rate` requests a second; prints the records written and
 * dropped and the app's CPU per request with logging off and on.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent, Pool, request } from 'undici';
import { appEnv, appNodeFlags, ROOT, shortBody, sizedBody } from './bodies';
import { BenchChild, killAllChildren } from './ipc';
import { percentile, sleep } from './stats';
import { summarizeGaps, summarizeProfile } from './cpu-profile';
import { describeSplit, residentSplit } from './native-memory';
import type { Gap } from './loop-gaps';

const dist = (name: string): string => path.join(ROOT, 'dist/test/bench', `${name}.js`);
const log = (line: string): void => void process.stdout.write(`${line}\n`);

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

interface World {
  sim: BenchChild;
  app: BenchChild;
  url: string;
  tmpDir: string;
  stop: () => Promise<void>;
}

async function startWorld(): Promise<World> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-hardening-'));
  const { proc: sim, ready: simInfo } = await BenchChild.start('simulator', dist('sim-process'));
  const { proc: app, ready } = await BenchChild.start('app', dist('app-process'), {
    env: {
      ...appEnv(),
      BENCH_DATA_DIR: tmpDir,
      BENCH_CLERK_URL: simInfo.clerkUrl,
      BENCH_AGENT_URL: simInfo.agentUrl,
      BENCH_AGENT_WS_URL: simInfo.agentWsUrl,
      BENCH_AGENT_B_URL: simInfo.agentBUrl,
      BENCH_PROTOCOL: 'sse-a',
    },
    // HARDENING_APP_FLAGS adds node flags for the app (e.g. --trace-gc).
    execArgv: [...appNodeFlags(), ...(process.env.HARDENING_APP_FLAGS?.split(' ').filter(Boolean) ?? [])],
  });
  const [user] = await sim.call<Array<{ clientCookie: string }>>('add-users', { count: 1 });
  await app.call('add-accounts', { users: [user] });
  return {
    sim,
    app,
    url: String(ready.url),
    tmpDir,
    stop: async () => {
      await Promise.all([app.stop(5_000), sim.stop(5_000)]);
      fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** Short requests in a closed loop, each latency kept with the time it finished. */
function otherClients(url: string, workers: number) {
  const pool = new Pool(url, { connections: workers });
  const samples: Array<{ at: number; ms: number; status: number }> = [];
  let running = true;
  const body = shortBody(false);
  const loop = async (): Promise<void> => {
    while (running) {
      const started = performance.now();
      let status: number;
      try {
        const response = await pool.request({
          path: '/v1/messages',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await response.body.dump();
        status = response.statusCode;
      } catch {
        status = -1;
      }
      samples.push({ at: performance.now(), ms: performance.now() - started, status });
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
      await pool.close();
    },
  };
}

async function bodyBurst(): Promise<void> {
  const count = option('bodies', 40);
  const size = option('mb', 31) * 1024 * 1024;
  const idleS = option('idle', 60);
  const world = await startWorld();
  try {
    const body = Buffer.from(sizedBody(size));
    const rss = async (): Promise<number> => (await world.app.call<{ rss: number }>('memory')).rss;
    log(`body-burst: ${count} × ${mb(body.length)} at once, app RSS before ${mb(await rss())}`);
    log(`  before: ${describeSplit(residentSplit(world.app.pid), mb)}`);
    const others = otherClients(world.url, 4);
    await sleep(2000);
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rss().catch(() => 0));
        await sleep(50);
      }
    })();
    await world.app.call('loop-delay-reset');
    const profile = process.argv.includes('--profile')
      ? path.join(os.tmpdir(), `body-burst-${process.pid}.cpuprofile`)
      : '';
    if (profile) {
      await world.app.call('profile-start');
      await world.app.call('gaps-start', { thresholdMs: 10 });
    }
    const agent = new Agent({ connections: count + 8, headersTimeout: 300_000, bodyTimeout: 300_000 });
    const burstStart = performance.now();
    const statuses: Record<string, number> = {};
    const retryAfter = new Set<string>();
    await Promise.all(
      Array.from({ length: count }, async () => {
        try {
          const response = await request(`${world.url}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            dispatcher: agent,
          });
          await response.body.dump();
          statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
          if (response.headers['retry-after']) retryAfter.add(String(response.headers['retry-after']));
        } catch (error) {
          const key = (error as { code?: string }).code ?? 'error';
          statuses[key] = (statuses[key] ?? 0) + 1;
        }
      }),
    );
    const burstEnd = performance.now();
    const loop = await world.app.call<{ p99Ms: number; maxMs: number }>('loop-delay');
    if (profile) {
      const gaps = await world.app.call<Gap[]>('gaps-stop');
      await world.app.call('profile-stop', { file: profile });
      log(summarizeProfile(profile, 30));
      log(summarizeGaps(profile, gaps));
    }
    await others.stop();
    sampling = false;
    await sampler;
    await agent.close();
    const during = others.samples.filter((s) => s.at >= burstStart && s.at <= burstEnd);
    const latencies = during.map((s) => s.ms).sort((a, b) => a - b);
    const failed = during.filter((s) => s.status !== 200).length;
    log(`  burst took ${ms(burstEnd - burstStart)}; statuses ${JSON.stringify(statuses)}`);
    if (retryAfter.size > 0) log(`  retry-after sent: ${[...retryAfter].join(', ')} s`);
    log(`  peak RSS ${mb(peak)}; app event-loop delay during the burst: p99 ${ms(loop.p99Ms)}, max ${ms(loop.maxMs)}`);
    log(
      `  other clients during the burst: ${during.length} requests (${failed} not 200), ` +
        `p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1) ?? 0)}`,
    );
    await sleep(idleS * 1000);
    const settled = await world.app.call<{ rss: number; heapTotal: number; external: number }>('memory');
    log(
      `  RSS ${idleS} s after the burst: ${mb(settled.rss)} ` +
        `(V8 heap ${mb(settled.heapTotal)}, external ${mb(settled.external)})`,
    );
    log(`  after: ${describeSplit(residentSplit(world.app.pid), mb)}`);
    // With HARDENING_APP_FLAGS=--expose-gc: what a full GC frees tells garbage not yet collected from memory held.
    const collected = await world.app.call<{ rss: number; heapTotal: number; external: number }>('memory', {
      gc: true,
    });
    if (process.env.HARDENING_SNAPSHOT) await world.app.call('heap-snapshot', { file: process.env.HARDENING_SNAPSHOT });
    if (collected.rss !== settled.rss) {
      // The backing stores of dead Buffers are freed by a sweeper after the GC: read again a little later.
      await sleep(5_000);
      const swept = await world.app.call<{ rss: number; heapTotal: number; external: number }>('memory', {
        gc: true,
      });
      log(
        `  after a full GC: ${mb(collected.rss)} ` +
          `(V8 heap ${mb(collected.heapTotal)}, external ${mb(collected.external)}); 5 s and another GC later: ` +
          `${mb(swept.rss)} (V8 heap ${mb(swept.heapTotal)}, external ${mb(swept.external)})`,
      );
    }
  } finally {
    await world.stop();
  }
}

/** Child mode: opens `count` stalled uploads to `url` and holds them until told to let go. */
async function stallWorker(): Promise<void> {
  const url = new URL(process.argv[3]!);
  const count = Number(process.argv[4]);
  const sockets: net.Socket[] = [];
  let letGo = false;
  let closedByServer = 0;
  let failed = 0;
  const head =
    `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${url.port}\r\ncontent-type: application/json\r\n` +
    'content-length: 1000000\r\n\r\n{"model":"claude-sonnet-4-6",';
  for (let i = 0; i < count; i += 250) {
    await Promise.all(
      Array.from(
        { length: Math.min(250, count - i) },
        () =>
          new Promise<void>((resolve) => {
            const socket = net.connect(Number(url.port), url.hostname, () => {
              socket.write(head);
              sockets.push(socket);
              resolve();
            });
            socket.on('error', () => {
              failed += 1;
              resolve();
            });
            socket.on('close', () => {
              if (!letGo) closedByServer += 1;
            });
            socket.resume();
          }),
      ),
    );
  }
  process.send?.({ opened: sockets.length, failed });
  const report = setInterval(() => process.send?.({ closedByServer }), 1000);
  process.on('message', () => {
    letGo = true;
    clearInterval(report);
    for (const socket of sockets) socket.destroy();
    process.send?.({ released: sockets.length, closedByServer }, () => process.exit(0));
  });
}

async function slowClients(): Promise<void> {
  const total = option('stalled', 20_000);
  const holdS = option('hold', 20);
  const world = await startWorld();
  try {
    log(`slow-clients: ${total} stalled uploads, /health probed every 250 ms (2 s timeout)`);
    const probes: Array<{ at: number; ok: boolean; ms: number }> = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const started = performance.now();
        let ok: boolean;
        try {
          const response = await request(`${world.url}/health`, {
            headersTimeout: 2000,
            bodyTimeout: 2000,
            reset: true,
            dispatcher: new Agent({ connectTimeout: 2000 }),
          });
          await response.body.dump();
          ok = response.statusCode === 200;
        } catch {
          ok = false;
        }
        probes.push({ at: performance.now(), ok, ms: performance.now() - started });
        await sleep(250);
      }
    })();
    // Two workers: one process cannot hold 20,000 sockets and probe as well within a 20,000-descriptor limit.
    const perWorker = Math.ceil(total / 2);
    const workers = [0, 1].map(() =>
      fork(__filename, ['stall-worker', world.url, String(perWorker)], { stdio: 'inherit' }),
    );
    const state = workers.map(() => ({ opened: 0, failed: 0, closedByServer: 0 }));
    workers.forEach((worker, i) =>
      worker.on('message', (message: Record<string, number>) => Object.assign(state[i]!, message)),
    );
    const openedAt = performance.now();
    await Promise.all(workers.map((worker) => new Promise<void>((resolve) => worker.once('message', () => resolve()))));
    const opened = state.reduce((sum, s) => sum + s.opened, 0);
    const failedToOpen = state.reduce((sum, s) => sum + s.failed, 0);
    log(`  opened ${opened} in ${ms(performance.now() - openedAt)} (${failedToOpen} refused or reset while opening)`);
    const holdStart = performance.now();
    await sleep(holdS * 1000);
    const closed = state.reduce((sum, s) => sum + s.closedByServer, 0);
    const held = probes.filter((p) => p.at >= holdStart);
    const answered = held.filter((p) => p.ok);
    const latencies = answered.map((p) => p.ms).sort((a, b) => a - b);
    log(
      `  during ${holdS} s of stall: /health answered ${answered.length} of ${held.length} probes` +
        (latencies.length ? `, p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}` : ''),
    );
    log(`  stalled uploads the app closed meanwhile: ${closed} of ${opened}`);
    const health = await world.app.call<Record<string, unknown>>('health').catch(() => undefined);
    if (health?.server) log(`  app /health server counters: ${JSON.stringify(health.server)}`);
    for (const worker of workers) worker.send('release');
    await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve))));
    await sleep(2000);
    probing = false;
    await prober;
    log('  released every stalled upload (count the app log lines on stderr)');
  } finally {
    await world.stop();
  }
}

async function debugRate(): Promise<void> {
  const rate = option('rate', 1000);
  const seconds = option('seconds', 10);
  const world = await startWorld();
  try {
    const pool = new Pool(world.url, { connections: 128 });
    const body = shortBody(false);
    const phase = async (debug: boolean) => {
      await world.app.call('set-debug-logs', { on: debug });
      const before = await world.app.call<{ written: number; dropped: number }>('debug-log-stats');
      const cpu0 = await world.app.call<{ userUs: number; systemUs: number }>('cpu');
      let sent = 0;
      let ok = 0;
      const inflight: Array<Promise<void>> = [];
      const started = performance.now();
      // Open loop: a request every 1/rate s whatever the answers do, as independent clients would send them.
      while (performance.now() - started < seconds * 1000) {
        const due = Math.floor(((performance.now() - started) / 1000) * rate);
        for (; sent < due; sent++) {
          inflight.push(
            pool
              .request({ path: '/v1/messages', method: 'POST', headers: { 'content-type': 'application/json' }, body })
              .then(async (response) => {
                await response.body.dump();
                if (response.statusCode === 200) ok++;
              })
              .catch(() => undefined),
          );
        }
        await sleep(5);
      }
      await Promise.all(inflight);
      const elapsed = (performance.now() - started) / 1000;
      const cpu1 = await world.app.call<{ userUs: number; systemUs: number }>('cpu');
      await sleep(1500); // the writer's last batches
      const after = await world.app.call<{ written: number; dropped: number; pending: number }>('debug-log-stats');
      const cpuUs = cpu1.userUs + cpu1.systemUs - cpu0.userUs - cpu0.systemUs;
      return {
        sent,
        ok,
        rps: sent / elapsed,
        cpuUsPerReq: cpuUs / sent,
        written: after.written - before.written,
        dropped: after.dropped - before.dropped,
      };
    };
    await phase(false); // warm-up
    const profile = process.argv.includes('--profile')
      ? path.join(os.tmpdir(), `debug-rate-${process.pid}.cpuprofile`)
      : '';
    if (profile) {
      for (const debug of [false, true]) {
        await world.app.call('set-debug-logs', { on: debug });
        await world.app.call('profile-start');
        await phase(debug);
        const file = profile.replace('.cpuprofile', `-${debug ? 'on' : 'off'}.cpuprofile`);
        await world.app.call('profile-stop', { file });
        log(`debug logging ${debug ? 'on' : 'off'}: ${summarizeProfile(file, 30)}`);
      }
    }
    // Off and on twice each, as a palindrome, since this shared machine's speed drifts within a minute.
    const runs = [await phase(false), await phase(true), await phase(true), await phase(false)];
    const off = runs.filter((_, i) => i === 0 || i === 3);
    const on = runs.filter((_, i) => i === 1 || i === 2);
    const mean = (list: typeof runs, key: 'cpuUsPerReq') => list.reduce((sum, run) => sum + run[key], 0) / list.length;
    const sum = (list: typeof runs, key: 'sent' | 'ok' | 'written' | 'dropped') =>
      list.reduce((total, run) => total + run[key], 0);
    log(`debug-rate: ${rate} requests a second, phases of ${seconds} s: off, on, on, off`);
    for (const [label, list] of [
      ['off', off],
      ['on', on],
    ] as const) {
      log(
        `  ${label}: ${sum(list, 'sent')} sent (${sum(list, 'ok')} ok), ` +
          `app CPU ${list.map((run) => run.cpuUsPerReq.toFixed(0)).join(' / ')} µs a request` +
          (label === 'on' ? `; records written ${sum(list, 'written')}, dropped ${sum(list, 'dropped')}` : ''),
      );
    }
    const offCpu = mean(off, 'cpuUsPerReq');
    const onCpu = mean(on, 'cpuUsPerReq');
    log(
      `  CPU cost of debug logging: ${(onCpu - offCpu).toFixed(0)} µs a request ` +
        `(${(((onCpu - offCpu) / offCpu) * 100).toFixed(1)}%)`,
    );
    // The writer's busy rule counts a record's whole cost as a multiple of what it measures itself (serialising and
    // redacting); this is the measured multiple, at a rate where every record is kept.
    const { serialiseUs } = await world.app.call<{ serialiseUs: number }>('debug-log-stats');
    log(
      `  the writer's serialisation estimate: ${serialiseUs.toFixed(1)} µs a record; ` +
        `whole cost ÷ that = ${((onCpu - offCpu) / serialiseUs).toFixed(1)}`,
    );
    const dir = path.join(world.tmpDir, 'debug-logs');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    const bytes = files.reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0);
    log(`  on disk: ${files.length} files, ${mb(bytes)}`);
    await pool.close();
  } finally {
    await world.stop();
  }
}

/** Debug logging off and on under a closed loop at saturation (streamed, c=16), each phase profiled. */
async function debugLoad(): Promise<void> {
  const seconds = option('seconds', 5);
  const world = await startWorld();
  try {
    const pool = new Pool(world.url, { connections: 16 });
    const body = shortBody(true);
    const phase = async (debug: boolean) => {
      await world.app.call('set-debug-logs', { on: debug });
      const before = await world.app.call<{ written: number; dropped: number }>('debug-log-stats');
      const cpu0 = await world.app.call<{ userUs: number; systemUs: number }>('cpu');
      let done = 0;
      const until = performance.now() + seconds * 1000;
      const worker = async (): Promise<void> => {
        while (performance.now() < until) {
          const response = await pool.request({
            path: '/v1/messages',
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          await response.body.dump();
          done += 1;
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const cpu1 = await world.app.call<{ userUs: number; systemUs: number }>('cpu');
      const after = await world.app.call<{ written: number; dropped: number }>('debug-log-stats');
      return {
        rps: done / seconds,
        cpuUsPerReq: (cpu1.userUs + cpu1.systemUs - cpu0.userUs - cpu0.systemUs) / done,
        written: after.written - before.written,
        dropped: after.dropped - before.dropped,
      };
    };
    await phase(false);
    if (process.argv.includes('--profile')) {
      for (const debug of [false, true]) {
        const file = path.join(os.tmpdir(), `debug-load-${process.pid}-${debug ? 'on' : 'off'}.cpuprofile`);
        await world.app.call('profile-start');
        await phase(debug);
        await world.app.call('profile-stop', { file });
        log(`debug logging ${debug ? 'on' : 'off'}: ${summarizeProfile(file, 40)}`);
      }
    }
    const runs: Array<[string, Awaited<ReturnType<typeof phase>>]> = [];
    for (const debug of [false, true, true, false]) runs.push([debug ? 'on' : 'off', await phase(debug)]);
    for (const [label, run] of runs) {
      log(
        `  ${label}: ${run.rps.toFixed(0)} req/s, ${run.cpuUsPerReq.toFixed(0)} µs CPU a request, ` +
          `written ${run.written}, dropped ${run.dropped}`,
      );
    }
    await pool.close();
  } finally {
    await world.stop();
  }
}

const COMMANDS: Record<string, () => Promise<void>> = {
  'body-burst': bodyBurst,
  'slow-clients': slowClients,
  'debug-rate': debugRate,
  'debug-load': debugLoad,
  'stall-worker': stallWorker,
};

const command = COMMANDS[process.argv[2] ?? ''];
if (!command) {
  console.error(`usage: node dist/test/bench/hardening.js ${Object.keys(COMMANDS).slice(0, 3).join('|')} [options]`);
  process.exit(2);
}
command().then(
  () => {
    if (process.argv[2] !== 'stall-worker') process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    killAllChildren();
    process.exit(1);
  },
);
