import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../main/core/db/migrations';
import { redactText } from '../../main/core/logs/redact';
import { buildEntryPoints, ROOT, runToExit, type Exited } from '../helpers/processes';
import { tempDir } from '../helpers/temp-dir';

/**
 * The app and the CLI (or two CLI commands a script starts together) may each be the first to open a data folder, and
 * each then makes the folder's key file and database: the one that comes second must use what the first made, never
 * read a key file half written or run a schema step the first already ran.
 */
describe('processes opening one fresh data folder at once', () => {
  beforeAll(buildEntryPoints, 120_000);

  const accountsList = (dataDir: string): Promise<Exited> =>
    runToExit(process.execPath, ['dist/main/cli.js', 'accounts', 'list'], {
      cwd: ROOT,
      env: { ...process.env, ORCHIDS_TRAY_DATA_DIR: dataDir },
      timeoutMs: 60_000,
    });

  it('a process that waited for the schema lock does not run the steps another ran meanwhile', async () => {
    const dataDir = tempDir();
    const other = new Database(path.join(dataDir, 'orchids-tray.db'));
    other.pragma('journal_mode = WAL');
    other.function('redact_secrets', { deterministic: true }, (text: unknown) =>
      typeof text === 'string' ? redactText(text) : text,
    );
    // The other process holds the write lock: the CLI reads schema version 0 and waits for the lock (5 s at most).
    other.exec('BEGIN IMMEDIATE');
    const run = accountsList(dataDir);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const step of MIGRATIONS) other.exec(step);
    other.pragma(`user_version = ${MIGRATIONS.length}`);
    other.exec('COMMIT');
    const exited = await run;
    other.close();
    // Before, it ran step 1 again once it had the lock: "table accounts already exists", exit 1.
    expect({ code: exited.code, stderr: exited.stderr }).toEqual({ code: 0, stderr: '' });
    expect(exited.stdout).toMatch(/no accounts/i);
  }, 60_000);

  it('several at once all succeed and share one whole key file', async () => {
    for (let round = 0; round < 3; round++) {
      const dataDir = tempDir();
      const runs = await Promise.all(Array.from({ length: 6 }, () => accountsList(dataDir)));
      for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      expect(fs.readFileSync(path.join(dataDir, 'secret.key'))).toHaveLength(32);
      expect(fs.readdirSync(dataDir).filter((name) => name.startsWith('secret.key.'))).toEqual([]);
    }
  }, 180_000);
});
