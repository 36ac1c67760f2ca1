import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/core/db/database';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { buildEntryPoints, runBuiltCli, startProcess, type Running } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';
import { simEnv } from '../helpers/sim-env';
import { until } from '../helpers/wait';
import { hiStatus } from '../helpers/messages';

let sim: OrchidsSimulator | undefined;
let running: Running | undefined;
beforeAll(buildEntryPoints);
afterEach(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited; // before its data folder is removed
  await sim?.close();
});

/** The app flushes counts every second; half a second more covers scheduling. */
const SURELY_FLUSHED_MS = 1500;

describe('kill -9', () => {
  it('loses at most the last flush interval of counts, and the database opens cleanly afterwards', async () => {
    sim = await OrchidsSimulator.start();
    const dataDir = tempDir();
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir, ...simEnv(sim), ORCHIDS_TRAY_PORT: '0' };
    await runBuiltCli(['accounts', 'add', '--cookie', sim.addUser().clientCookie], env);
    running = startProcess('dist/main/headless.js', env);
    const [, url] = await running.waitFor(/Proxy: (http:\/\/\S+)/);

    const completedAt: number[] = [];
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        try {
          if ((await hiStatus(url!)) === 200) completedAt.push(Date.now());
        } catch {
          return; // the process is gone
        }
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    const answeredBefore = (age: number) => completedAt.filter((at) => at < Date.now() - age).length;
    await until(() => answeredBefore(SURELY_FLUSHED_MS) > 20, {
      what: 'more than 20 answers older than one flush interval plus slack',
      timeoutMs: 15_000,
    });
    const killedAt = Date.now();
    running.child.kill('SIGKILL');
    stop = true;
    await running.exited;
    await Promise.all(workers);

    const db = openDatabase(path.join(dataDir, 'orchids-tray.db'));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = (db.prepare('SELECT request_count FROM account_usage').get() as { request_count: number })
        .request_count;
      // Every request answered more than one flush interval (1 s, plus scheduling slack) before the kill is on disk.
      const surelyFlushed = completedAt.filter((at) => at < killedAt - SURELY_FLUSHED_MS).length;
      expect(completedAt.length).toBeGreaterThan(20);
      expect(stored).toBeGreaterThanOrEqual(surelyFlushed);
      expect(stored).toBeLessThanOrEqual(completedAt.length + 4);
      // History rows are batched by the same kind of writer: the same bound holds.
      const rows = (db.prepare('SELECT count(*) AS n FROM request_history').get() as { n: number }).n;
      expect(rows).toBeGreaterThanOrEqual(surelyFlushed);
    } finally {
      db.close();
    }
  });
});
