/**
 * The app under test, in its own process: the same OrchidsCore that headless mode runs, with production settings
 * (one-second count and history flushes, the default pool and timeouts), pointed at the simulator. The parent
 * drives it over IPC: the built-in probes (cpu, loop delay, memory) plus the commands below, each of which goes
 * through the core's facade (accounts, settings, proxy) or, for what only a benchmark measures (token and debug-log
 * counters, the cache), through `internals`.
 */
import { OrchidsCore } from '../../main/core/core';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { GCProfiler } from 'node:v8';
import { announceReady, serveParent } from './ipc';

/** For `heap-sample-start`/`-stop`: which code allocates what, collected objects included (sections-ab.ts). */
const heapSession = new Session();
/** For `gc-start`/`gc-stop`: what the collector did during one phase (sections-ab.ts). */
let gcProfiler: GCProfiler | undefined;

type GcEntry = ReturnType<GCProfiler['stop']>['statistics'][number];

/** Bytes a collection moved into the old generation: what the old spaces grew by. */
function promotedBytes(entry: GcEntry): number {
  const used = (side: GcEntry['beforeGC']): number =>
    side.heapSpaceStatistics
      .filter((space) => space.spaceName === 'old_space' || space.spaceName === 'large_object_space')
      .reduce((sum, space) => sum + space.spaceUsedSize, 0);
  return Math.max(0, used(entry.afterGC) - used(entry.beforeGC));
}

interface SimUserLike {
  clientCookie: string;
}

async function main(): Promise<void> {
  const core = new OrchidsCore({
    // Pinned by the parent (Generation A unless a row asks otherwise, so those rows stay comparable with earlier
    // runs); with no BENCH_PROTOCOL the setting stays free and 'set-protocol' changes it.
    env: {
      ...(process.env.BENCH_PROTOCOL ? { ORCHIDS_TRAY_UPSTREAM_PROTOCOL: process.env.BENCH_PROTOCOL } : {}),
      // The h2 section's row with the upstreamHttp2 setting off.
      ...(process.env.BENCH_UPSTREAM_HTTP2 ? { ORCHIDS_TRAY_UPSTREAM_HTTP2: process.env.BENCH_UPSTREAM_HTTP2 } : {}),
      // The benchmark measures the request path; the credits reads would be background traffic to the real site.
      ORCHIDS_TRAY_CREDITS_SYNC: '0',
    },
    config: {
      dataDir: process.env.BENCH_DATA_DIR!,
      clerkUrl: process.env.BENCH_CLERK_URL!,
      agentUrl: process.env.BENCH_AGENT_URL!,
      agentWsUrl: process.env.BENCH_AGENT_WS_URL!,
      agentBUrl: process.env.BENCH_AGENT_B_URL!,
      ...(process.env.BENCH_CA_PEM ? { extraCa: process.env.BENCH_CA_PEM } : {}),
    },
    port: 0,
    // Only trouble is worth printing; normal lines would interleave with the table.
    log: (line) => {
      if (/fail|error|cannot/i.test(line)) process.stderr.write(`[app] ${line}\n`);
    },
  });
  const url = await core.start();

  serveParent(
    {
      /**
       * Adds accounts for simulator users through the real path (a Clerk lookup, sealing, SQLite, the cache), in
       * parallel batches: 10,000 one-by-one round trips would dominate the run.
       */
      'add-accounts': async (message) => {
        const users = message.users as SimUserLike[];
        const batch = Number(message.batch ?? 32);
        const started = performance.now();
        for (let i = 0; i < users.length; i += batch) {
          await Promise.all(
            users
              .slice(i, i + batch)
              .map((user, j) => core.accounts.add({ cookie: user.clientCookie, name: `bench ${i + j + 1}` })),
          );
        }
        const { cache } = core.internals;
        return { accounts: cache.size, usable: cache.usableCount, ms: performance.now() - started };
      },
      /** A cold start without a restart: no cached tokens, and a fresh upstream pool (a settings change swaps it). */
      cold: () => {
        const { cache, tokens } = core.internals;
        for (const account of cache.list()) tokens.invalidate(account.id);
        const current = core.settings.get('connectTimeoutMs');
        core.settings.set('connectTimeoutMs', current === 10_000 ? 10_001 : 10_000);
        return true;
      },
      'token-stats': () => ({ ...core.internals.tokens.stats }),
      'remove-accounts': () => {
        for (const account of core.accounts.list()) core.accounts.remove(account.id);
        return true;
      },
      /** Accounts that have not served a request yet (no protocol remembered): the account rows' warm-up. */
      'accounts-unused': () => core.internals.cache.list().filter((account) => account.protocol === '').length,
      /** The protocol each account answered on last (auto rows). */
      protocols: () => core.internals.cache.list().map((account) => account.protocol),
      'set-protocol': (message) => core.settings.set('upstreamProtocol', message.protocol),
      'set-debug-logs': (message) => core.settings.set('debugLogs', message.on === true),
      'debug-log-stats': () => ({
        written: core.internals.debugLogs.written,
        dropped: core.internals.debugLogs.dropped,
        pending: core.internals.debugLogs.pending,
        serialiseUs: core.internals.debugLogs.serialiseMicros,
      }),
      health: () => core.proxy.health(),
      inflight: () => core.internals.server.inflightRequests,
      'heap-sample-start': () => {
        global.gc?.();
        heapSession.connect();
        const params = {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        };
        return new Promise((resolve) => heapSession.post('HeapProfiler.startSampling', params, () => resolve(true)));
      },
      /**
       * Like `heap-sample-start`, but objects a scavenge frees are left out: what remains are the allocations that
       * lived long enough to be promoted (or are still alive), i.e. who fills the old generation under load.
       */
      'heap-survivors-start': () => {
        global.gc?.();
        heapSession.connect();
        const params = { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true };
        return new Promise((resolve) => heapSession.post('HeapProfiler.startSampling', params, () => resolve(true)));
      },
      'gc-start': () => {
        gcProfiler = new GCProfiler();
        gcProfiler.start();
        return true;
      },
      /** Scavenges and full collections since `gc-start`, their time, and what the scavenges promoted. */
      'gc-stop': () => {
        const entries = gcProfiler?.stop().statistics ?? [];
        gcProfiler = undefined;
        const scavenges = entries.filter((entry) => entry.gcType === 'Scavenge');
        const full = entries.filter((entry) => entry.gcType === 'MarkSweepCompact');
        return {
          scavenges: scavenges.length,
          scavengeMs: scavenges.reduce((sum, entry) => sum + entry.cost, 0) / 1000,
          promotedBytes: scavenges.reduce((sum, entry) => sum + promotedBytes(entry), 0),
          fullGcs: full.length,
          fullGcMs: full.reduce((sum, entry) => sum + entry.cost, 0) / 1000,
        };
      },
      'heap-sample-stop': (message) =>
        new Promise((resolve) =>
          heapSession.post('HeapProfiler.stopSampling', (error, result) => {
            if (!error) writeFileSync(String(message.file), JSON.stringify(result.profile));
            heapSession.disconnect();
            resolve(!error);
          }),
        ),
    },
    () => core.stop(2_000),
  );
  announceReady({ url });
}

main().catch((error: unknown) => {
  console.error('bench app failed to start:', error);
  process.exit(1);
});
