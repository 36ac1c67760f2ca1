import fs from 'node:fs';
import { Pool, request } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { buildEntryPoints, runBuiltCli, startProcess, type Running } from '../helpers/processes';
import { simEnv } from '../helpers/sim-env';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * Debug logging keeps every record at a thousand requests a second: the app runs as its own process (the headless
 * entry, debug logging on), so its event loop is its own, and the requests are paced as independent clients would
 * send them rather than as fast as one process can.
 */
let sim: OrchidsSimulator | undefined;
let app: Running | undefined;
const dirs: string[] = [];
beforeAll(buildEntryPoints);
afterEach(async () => {
  app?.child.kill('SIGKILL');
  if (app) await app.exited;
  app = undefined;
  await sim?.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('debug logging in a burst', () => {
  // Not the suite's 20 s: five Node processes start here (the CLI four times, the app once) and 1,000 requests go
  // through the app from this worker: 3.5 s on a quiet 2-core machine, 12 to 20 s (once past it) beside the other
  // test worker and the benchmark smoke test or a browser test. A stall still fails sooner: until() below gives up
  // after 10 s.
  it('keeps the record of every one of 1,000 requests sent at 1,000 a second, each readable by logs show', async () => {
    sim = await OrchidsSimulator.start();
    sim.setRecording(false);
    const dataDir = tempDir();
    dirs.push(dataDir);
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir, ORCHIDS_TRAY_PORT: '0', ...simEnv(sim) };
    await runBuiltCli(['accounts', 'add', '--cookie', sim.addUser().clientCookie], env);
    app = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_DEBUG_LOGS: '1' });
    const url = (await app.waitFor(/^Proxy: (\S+)$/m))[1]!;

    const pool = new Pool(url, { connections: 64 });
    const body = JSON.stringify({
      model: 'claude-sonnet-4-6',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const ids: string[] = [];
    const sent: Array<Promise<void>> = [];
    const started = performance.now();
    // Open loop: every 10 ms, as many requests as a thousand a second calls for by then.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(1000, Math.floor(performance.now() - started));
        while (sent.length < due) {
          sent.push(
            pool
              .request({ path: '/v1/messages', method: 'POST', headers: { 'content-type': 'application/json' }, body })
              .then(async (response) => {
                await response.body.dump();
                expect(response.statusCode).toBe(200);
                ids.push(String(response.headers['request-id']));
              }),
          );
        }
        if (sent.length === 1000) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await Promise.all(sent);
    await pool.close();

    type Counters = { enabled: boolean; written: number; dropped: number; pending: number };
    let counters: Counters = { enabled: true, written: 0, dropped: 0, pending: 0 };
    const refresh = setInterval(() => {
      void request(`${url}/health`)
        .then((response) => response.body.json() as Promise<{ debugLogs: Counters }>)
        .then((health) => (counters = health.debugLogs));
    }, 50);
    try {
      await until(() => counters.written + counters.dropped >= 1000 && counters.pending === 0, { timeoutMs: 10_000 });
    } finally {
      clearInterval(refresh);
    }
    expect(counters).toEqual({ enabled: true, written: 1000, dropped: 0, pending: 0 });

    // Side by side: each is a Node process start, the slowest step here on a busy machine.
    const shown = await Promise.all(
      [ids[0]!, ids[499]!, ids[999]!].map(async (id) => ({ id, ...(await runBuiltCli(['logs', 'show', id], env)) })),
    );
    for (const { id, stdout } of shown) {
      expect(JSON.parse(stdout)).toMatchObject({ requestId: id, summary: { status: 200 } });
    }
  }, 45_000);
});
