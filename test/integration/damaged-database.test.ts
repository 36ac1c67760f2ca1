/**
 * A database SQLite cannot read does not stop Orchids Tray: the file is set aside byte for byte under another name,
 * a fresh one is opened, and the notice reaches the start line, the status, /health and the CLI, at every start
 * until it is dismissed. A newer database or
 * a folder this user cannot write stops the start with one line, no stack.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrchidsCore } from '../../main/core/core';
import type { CoreEvent } from '../../main/core/events/types';
import { openDatabase } from '../../main/core/db/database';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { cli, cliOk } from '../helpers/cli';
import { buildEntryPoints, startProcess, type Running } from '../helpers/processes';
import { simConfig, simEnv } from '../helpers/sim-env';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

const DB = 'orchids-tray.db';
const DAMAGED = /^orchids-tray\.damaged-\d{8}T\d{6}Z\.db$/;

let sim: OrchidsSimulator | undefined;
const cores: OrchidsCore[] = [];
const apps: Running[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.stop(0);
  for (const app of apps.splice(0)) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
  await sim?.close();
  sim = undefined;
});

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

/** The data folder's files set aside, by name. */
const setAside = (dataDir: string): string[] => fs.readdirSync(dataDir).filter((name) => name.includes('.damaged-'));

function garbageFolder(): { dataDir: string; bytes: Buffer; wal: Buffer } {
  const dataDir = tempDir();
  const bytes = crypto.randomBytes(8192);
  const wal = crypto.randomBytes(4096);
  fs.writeFileSync(path.join(dataDir, DB), bytes, { mode: 0o644 });
  fs.writeFileSync(path.join(dataDir, `${DB}-wal`), wal, { mode: 0o644 });
  return { dataDir, bytes, wal };
}

describe('a database SQLite cannot read', () => {
  it('is set aside byte for byte; the core starts fresh, says so in status and /health until dismissed', async () => {
    sim = await OrchidsSimulator.start();
    const user = sim.addUser();
    const { dataDir, bytes, wal } = garbageFolder();
    const logs: string[] = [];
    const core = new OrchidsCore({
      env: {},
      config: { dataDir, ...simConfig(sim) },
      port: 0,
      dataVersionPollMs: 50,
      log: (line) => logs.push(line),
    });
    cores.push(core);
    const url = await core.start();

    // SQLite made a -shm beside them when it tried to open them; it goes with them.
    const kept = setAside(dataDir).sort();
    const [main] = kept as [string];
    expect(main).toMatch(DAMAGED);
    expect(kept).toEqual([main, `${main}-shm`, `${main}-wal`]);
    expect(fs.readFileSync(path.join(dataDir, main)).equals(bytes)).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, `${main}-wal`)).equals(wal)).toBe(true);
    if (process.platform !== 'win32') for (const name of kept) expect(mode(path.join(dataDir, name)), name).toBe(0o600);

    const said = logs.filter((line) => line.includes('could not be read'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('SQLITE_NOTADB');
    expect(said[0]).toContain(path.join(dataDir, main));
    expect(said[0]).toContain('accounts must be added again');
    expect(said[0]).toContain('.recover');

    const status = core.proxy.status();
    expect(status.damagedDatabase).toMatchObject({ keptAs: path.join(dataDir, main), code: 'SQLITE_NOTADB' });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { damagedDatabase: { keptAs: string; message: string } | null };
    expect(body.damagedDatabase?.keptAs).toBe(path.join(dataDir, main));
    expect(body.damagedDatabase?.message).toBe(said[0]!.replace(/^\[data\] /, ''));

    // The fresh database works: an account added with the CLI reaches the running core.
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir, ...simEnv(sim) };
    const added = await cli(env, 'accounts', 'add', '--cookie', user.clientCookie, '--name', 'Again');
    expect(added.code).toBe(0);
    expect(added.notes.join('\n')).not.toContain('could not be read'); // the CLI found a good database
    await until(() => core.accounts.list().length === 1);
    expect(core.accounts.list()[0]).toMatchObject({ name: 'Again', email: user.email });
    expect(setAside(dataDir)).toHaveLength(3);

    expect(core.proxy.dismissDamagedDatabase().damagedDatabase).toBeNull();
    expect(((await (await fetch(`${url}/health`)).json()) as { damagedDatabase: unknown }).damagedDatabase).toBeNull();
  });

  it('a valid header over a malformed page is found at open and set aside too', () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, DB);
    const db = openDatabase(file);
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
      INSERT INTO request_history (request_id, started_at, account_id, model, upstream_model, stream, status,
        input_tokens, output_tokens, duration_ms, retries, accounts_tried, protocol, api)
      SELECT 'req_' || i, 1700000000000 + i * 1000, 1, 'claude-sonnet-4', 'claude-sonnet-4', 1, 200, 1000, 500,
        1234, 0, '[1]', 'ws', 'messages' FROM n`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    const page = Math.floor((bytes.length / pageSize) * 0.6);
    expect(page).toBeGreaterThan(10);
    bytes.fill(0x5a, page * pageSize, (page + 1) * pageSize);
    fs.writeFileSync(file, bytes);

    const core = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: () => {} }).open();
    cores.push(core);
    expect(core.proxy.status().damagedDatabase).toMatchObject({ code: 'SQLITE_CORRUPT' });
    const [main] = setAside(dataDir);
    expect(fs.readFileSync(path.join(dataDir, main!)).equals(bytes)).toBe(true);
    expect(core.history.stats().counted).toBe(0);
    expect(core.internals.db.prepare('SELECT count(*) AS n FROM request_history').get()).toEqual({ n: 0 });
  });

  it('a CLI command on it sets it aside too, and says so on stderr', async () => {
    const { dataDir, bytes } = garbageFolder();
    const run = await cli({ ORCHIDS_TRAY_DATA_DIR: dataDir }, 'accounts', 'list', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual([]);
    // Other notes may name apps other tests run on other folders.
    const said = run.notes.filter((line) => line.includes('could not be read'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('could not be read (SQLITE_NOTADB)');
    const [main] = setAside(dataDir).filter((name) => DAMAGED.test(name));
    expect(said[0]).toContain(path.join(dataDir, main!));
    expect(fs.readFileSync(path.join(dataDir, main!)).equals(bytes)).toBe(true);
    // The next command finds the fresh database and has nothing to say.
    const next = await cli({ ORCHIDS_TRAY_DATA_DIR: dataDir }, 'accounts', 'list');
    expect(next.notes.filter((line) => line.includes('could not be read'))).toEqual([]);
    expect(setAside(dataDir)).toHaveLength(3);
  });
});

describe('the notice of a replaced database', () => {
  /** An app start on the folder, as the desktop and headless shells make it: what it logged, and its answers. */
  async function startApp(dataDir: string) {
    const logs: string[] = [];
    const core = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: (line) => logs.push(line) });
    cores.push(core);
    const url = await core.start();
    const health = (await (await fetch(`${url}/health`)).json()) as {
      damagedDatabase: { keptAs: string; code: string; message: string } | null;
    };
    return { core, said: logs.filter((line) => line.includes('could not be read')), health };
  }
  const stop = async (core: OrchidsCore): Promise<void> => {
    await core.stop(0);
    cores.splice(cores.indexOf(core), 1);
  };

  it('set aside by a CLI command, is said by every later app start until dismissed in the window', async () => {
    const { dataDir } = garbageFolder();
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir };
    const run = await cli(env, 'accounts', 'list', '--json');
    expect(run.code).toBe(0);
    const [main] = setAside(dataDir).filter((name) => DAMAGED.test(name));
    const keptAs = path.join(dataDir, main!);
    expect(run.notes).toContain(
      'The app says this at each start until it is dismissed: npm run cli -- proxy dismiss-notice',
    );

    // No app ran when the file was set aside, and the app started later still says why its accounts are gone.
    for (let start = 1; start <= 2; start++) {
      const app = await startApp(dataDir);
      expect(app.said, `start ${start}`).toHaveLength(1);
      expect(app.said[0]).toContain(keptAs);
      expect(app.said[0]).toMatch(/set aside at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      expect(app.core.proxy.status().damagedDatabase).toMatchObject({ keptAs, code: 'SQLITE_NOTADB' });
      expect(app.health.damagedDatabase?.keptAs).toBe(keptAs);
      expect(app.health.damagedDatabase?.message).toBe(app.said[0]!.replace(/^\[data\] /, ''));
      if (start === 2) expect(app.core.proxy.dismissDamagedDatabase().damagedDatabase).toBeNull();
      await stop(app.core);
    }

    // Dismissed for good: neither the next start nor a CLI command brings it back.
    const after = await startApp(dataDir);
    expect(after.said).toEqual([]);
    expect(after.core.proxy.status().damagedDatabase).toBeNull();
    expect(after.health.damagedDatabase).toBeNull();
    await stop(after.core);
    expect((await cliOk(env, 'proxy', 'dismiss-notice')).trim()).toBe(
      'There is no notice of a replaced database to dismiss.',
    );
    expect(setAside(dataDir)).toHaveLength(3);
  });

  it('is dismissed from the command line with no app running, for good', async () => {
    const { dataDir } = garbageFolder();
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir };
    expect((await cli(env, 'accounts', 'list')).code).toBe(0);
    const [main] = setAside(dataDir).filter((name) => DAMAGED.test(name));
    const dismissed = await cli(env, 'proxy', 'dismiss-notice');
    expect(dismissed.code).toBe(0);
    expect(dismissed.out).toMatch(/^Dismissed the notice of the database replaced at \d{4}-\d\d-\d\d [\d:]{8} UTC; /);
    expect(dismissed.out).toContain(`the old file stays as ${path.join(dataDir, main!)}`);
    const app = await startApp(dataDir);
    expect(app.said).toEqual([]);
    expect(app.health.damagedDatabase).toBeNull();
  });

  it('dismissed by a CLI command that opened the folder itself beside a running core: it goes there too', async () => {
    const { dataDir } = garbageFolder();
    const core = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, dataVersionPollMs: 50, log: () => {} });
    cores.push(core);
    await core.start();
    expect(core.proxy.status().damagedDatabase).not.toBeNull();
    const pushed: CoreEvent[] = [];
    core.subscribe((batch) => pushed.push(...batch));
    // This core wrote no runtime.json, as an app still starting has not: the command opens the folder itself.
    const dismissed = await cli({ ORCHIDS_TRAY_DATA_DIR: dataDir }, 'proxy', 'dismiss-notice');
    expect(dismissed.out).toMatch(/^Dismissed the notice/);
    await until(() => core.proxy.status().damagedDatabase === null, { what: 'the notice gone from the status' });
    expect(core.proxy.health().damagedDatabase).toBeNull();
    // Pushed, so an open window drops it too, without a reload.
    await until(() => pushed.some((event) => event.type === 'proxy.changed'), { what: 'a status push' });
  });

  it('replaced again before it was dismissed: the newest replacement is the one said', async () => {
    const { dataDir } = garbageFolder();
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir };
    const kept = (): string[] => setAside(dataDir).filter((name) => DAMAGED.test(name) || /-2\.db$/.test(name));
    expect((await cli(env, 'accounts', 'list')).code).toBe(0);
    const [older] = kept();
    // The fresh database is damaged in turn, and another command meets it (in the same second, a counter in the name).
    for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(dataDir, DB + suffix), { force: true });
    fs.writeFileSync(path.join(dataDir, DB), crypto.randomBytes(8192));
    expect((await cli(env, 'accounts', 'list')).code).toBe(0);
    const [newer] = kept().filter((name) => name !== older);
    expect(newer).toBeDefined();

    const app = await startApp(dataDir);
    expect(app.said).toHaveLength(1);
    expect(app.said[0]).toContain(path.join(dataDir, newer!));
    expect(app.said[0]).not.toContain(path.join(dataDir, older!));
    expect(app.health.damagedDatabase?.keptAs).toBe(path.join(dataDir, newer!));
    // The older file itself stays where it was put.
    expect(fs.existsSync(path.join(dataDir, older!))).toBe(true);
  });
});

describe('the headless app on a damaged database', () => {
  beforeAll(buildEntryPoints);

  it('prints the notice once at start, and `proxy status` prints it until it is dismissed', async () => {
    const { dataDir } = garbageFolder();
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir };
    const app = startProcess('dist/main/headless.js', { ...env, ORCHIDS_TRAY_PORT: '0' });
    apps.push(app);
    await app.waitFor(/^Use it: /m);
    const said = app
      .output()
      .split('\n')
      .filter((line) => line.includes('could not be read'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^\[data\] The database could not be read \(SQLITE_NOTADB\)/);
    expect(app.output()).not.toMatch(/^\s+at /m);

    const status = await cli(env, 'proxy', 'status');
    expect(status.code).toBe(0);
    expect(status.out).toContain(said[0]!.replace(/^\[data\] /, ''));
    expect((await cli(env, 'proxy', 'status')).out).toContain('could not be read');
    // Dismissed from the command line: it goes to the running app through the control API, as the window's button.
    const dismissed = await cliOk(env, 'proxy', 'dismiss-notice');
    expect(dismissed).toMatch(/^Dismissed the notice of the database replaced at /);
    expect((await cli(env, 'proxy', 'status')).out).not.toContain('could not be read');
    expect((await cliOk(env, 'proxy', 'dismiss-notice')).trim()).toBe(
      'There is no notice of a replaced database to dismiss.',
    );
  });
});

describe('start failures the person can act on', () => {
  beforeAll(buildEntryPoints);

  const noStack = (output: string): void => {
    expect(output).not.toMatch(/^\s+at /m);
    expect(output.trim().split('\n')).toHaveLength(1);
  };

  it('a database from a newer Orchids Tray: one line, exit 1, the file left alone', async () => {
    const dataDir = tempDir();
    const db = openDatabase(path.join(dataDir, DB));
    db.pragma('user_version = 999');
    db.close();
    const before = fs.readFileSync(path.join(dataDir, DB));
    const app = startProcess('dist/main/headless.js', { ORCHIDS_TRAY_DATA_DIR: dataDir, ORCHIDS_TRAY_PORT: '0' });
    apps.push(app);
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('Orchids Tray cannot start: The database was written by a newer Orchids Tray');
    expect(app.output()).toContain('point ORCHIDS_TRAY_DATA_DIR at another folder');
    noStack(app.output());
    expect(setAside(dataDir)).toEqual([]);
    expect(fs.readFileSync(path.join(dataDir, DB)).equals(before)).toBe(true);
  });

  // Linux's /sys refuses a new folder even to root (EPERM): the same line as a folder without write access.
  it.runIf(process.platform === 'linux' && fs.existsSync('/sys/kernel'))(
    'a data folder that cannot be created: one line naming it, exit 1',
    async () => {
      const dataDir = '/sys/orchids-tray-test';
      const app = startProcess('dist/main/headless.js', { ORCHIDS_TRAY_DATA_DIR: dataDir, ORCHIDS_TRAY_PORT: '0' });
      apps.push(app);
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain(`Orchids Tray cannot start: The data folder ${dataDir} cannot be written`);
      noStack(app.output());
    },
  );

  // A slip a newcomer makes: ORCHIDS_TRAY_DATA_DIR naming the cookie file, or a folder under a file. mkdir says
  // EEXIST or ENOTDIR; both the app and the CLI say it in one line, not a stack.
  it.each([
    ['is a file', (file: string) => file],
    ['lies under a file', (file: string) => path.join(file, 'Orchids Tray')],
  ])('a data folder that %s: one line naming it, from the app and the CLI, exit 1', async (_, dataDirOf) => {
    const file = path.join(tempDir(), 'cookie.txt');
    fs.writeFileSync(file, 'not a folder\n');
    const dataDir = dataDirOf(file);
    // A runtime folder of its own: apps running elsewhere on this machine would add the CLI's note naming them.
    const env = { ORCHIDS_TRAY_DATA_DIR: dataDir, ORCHIDS_TRAY_PORT: '0', XDG_RUNTIME_DIR: tempDir() };
    const app = startProcess('dist/main/headless.js', env);
    const command = startProcess('dist/main/cli.js', env, ['accounts', 'list']);
    apps.push(app, command);
    for (const run of [app, command]) {
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`The data folder ${dataDir} is not a folder: ${file} is a file.`);
      expect(run.output()).toContain('point ORCHIDS_TRAY_DATA_DIR at a folder');
    }
    expect(app.output()).toMatch(/^Orchids Tray cannot start: The data folder /);
    for (const run of [app, command]) noStack(run.output());
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder\n');
  });

  // Root writes anywhere, so only another user meets EACCES here.
  it.runIf(process.platform !== 'win32' && process.getuid?.() !== 0)(
    'a data folder this user cannot write: one line naming it, exit 1',
    async () => {
      const parent = tempDir();
      fs.chmodSync(parent, 0o500);
      const dataDir = path.join(parent, 'Orchids Tray');
      const app = startProcess('dist/main/headless.js', { ORCHIDS_TRAY_DATA_DIR: dataDir, ORCHIDS_TRAY_PORT: '0' });
      apps.push(app);
      expect(await app.exited).toBe(1);
      fs.chmodSync(parent, 0o700);
      expect(app.output()).toContain(`Orchids Tray cannot start: The data folder ${dataDir} cannot be written`);
      noStack(app.output());
    },
  );
});
