import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataVersion, openDatabase, schemaVersion, type Db } from '../../main/core/db/database';
import { MIGRATIONS } from '../../main/core/db/migrations';

let dir: string;
let file: string;
const open: Db[] = [];

function track(db: Db): Db {
  open.push(db);
  return db;
}
const tables = (db: Db) =>
  (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as Array<{ name: string }>
  ).map((r) => r.name);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-db-'));
  file = path.join(dir, 'data', 'tray.db'); // the folder does not exist yet
});
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the folder and the file, in WAL mode', () => {
    const db = track(openDatabase(file));
    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('brings a fresh file to the latest user_version with the expected tables', () => {
    const db = track(openDatabase(file));
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(tables(db)).toEqual(expect.arrayContaining(['accounts', 'settings']));
  });

  it('is idempotent on reopen and keeps the data', () => {
    const first = openDatabase(file);
    first.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('port', '4100', 1)").run();
    const tablesBefore = tables(first);
    first.close();

    const second = track(openDatabase(file));
    expect(schemaVersion(second)).toBe(MIGRATIONS.length);
    expect(tables(second)).toEqual(tablesBefore);
    expect(second.prepare("SELECT value FROM settings WHERE key = 'port'").get()).toEqual({ value: '4100' });
    // And a third time, while the second is still open (the CLI beside the running app).
    const third = track(openDatabase(file));
    expect(schemaVersion(third)).toBe(MIGRATIONS.length);
  });

  it('applies only the missing migrations to an older file', () => {
    // A file at schema 0 that already has unrelated content; migration 1 must run on top of it.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const raw = new Database(file);
    raw.exec('CREATE TABLE unrelated (x INTEGER)');
    raw.close();
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(tables(db)).toEqual(expect.arrayContaining(['accounts', 'settings', 'unrelated']));
  });

  it('refuses a schema newer than this build knows, with a message saying what to do', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    let message = '';
    try {
      track(openDatabase(file));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('written by a newer Orchids Tray');
    expect(message).toContain(`schema ${MIGRATIONS.length + 1}; this build knows ${MIGRATIONS.length}`);
    expect(message).toContain('Update the app');
    expect(message).toContain('ORCHIDS_TRAY_DATA_DIR');
    // Nothing was migrated or downgraded.
    const check = track(new Database(file));
    expect(check.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(tables(check)).toEqual([]);
  });
});

describe('dataVersion', () => {
  it('moves after another connection commits, not after our own', () => {
    const app = track(openDatabase(file));
    const cli = track(openDatabase(file));
    const insert = (db: Db, key: string) =>
      db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 0)').run(key, '1');

    const start = dataVersion(app);
    expect(dataVersion(app)).toBe(start); // polling alone changes nothing

    insert(app, 'ours');
    expect(dataVersion(app)).toBe(start);

    insert(cli, 'theirs');
    const afterCli = dataVersion(app);
    expect(afterCli).not.toBe(start);

    insert(app, 'ours again');
    expect(dataVersion(app)).toBe(afterCli);

    // A transaction the other side rolls back is not a change.
    try {
      cli.transaction(() => {
        insert(cli, 'rolled back');
        throw new Error('abort');
      })();
    } catch {
      // expected
    }
    expect(dataVersion(app)).toBe(afterCli);
    expect(app.prepare("SELECT count(*) AS n FROM settings WHERE key = 'rolled back'").get()).toEqual({ n: 0 });
  });
});

describe('migration 8: error text written before redaction at the point of writing', () => {
  /** A database as version 7 left it, with `rows` history rows that each have an error; every 100th quotes secrets. */
  function version7(rows: number): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    for (const step of MIGRATIONS.slice(0, 7)) db.exec(step);
    db.pragma('user_version = 7');
    db.prepare(
      `INSERT INTO accounts (name, user_id, client_cookie, status, status_reason, created_at, updated_at)
       VALUES ('a', 'user_1', 'sealed', 'failing', ?, 0, 0), ('b', 'user_2', 'sealed', 'ready', '', 0, 0)`,
    ).run(`3 failures in a row; last: Cannot open the Orchids WebSocket: wss://x/ws?token=${FAKE_JWT}`);
    const insert = db.prepare(
      `INSERT INTO request_history (request_id, started_at, model, upstream_model, stream, status, input_tokens,
         output_tokens, duration_ms, error_type, error_message, retries, accounts_tried)
       VALUES (?, ?, 'm', 'm', 0, ?, 0, 0, 1, ?, ?, 0, '[]')`,
    );
    db.transaction(() => {
      for (let i = 0; i < rows; i++) {
        const message =
          i % 100 === 0
            ? `Orchids answered HTTP 401: cookie __client=fake-client-${i}; key sk-ant-api03-FAKEFAKE${i}`
            : 'Orchids answered HTTP 502: bad gateway';
        insert.run(`req_${i}`, i, 502, 'api_error', message);
      }
      insert.run('req_ok', rows, 200, null, null);
    })();
    db.close();
  }
  const FAKE_JWT = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJmYWtlIn0.fake-signature';

  it('redacts history and account reasons once, leaving other text and successful rows as they were', () => {
    version7(1000);
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const error = (id: string) =>
      (
        db.prepare('SELECT error_message FROM request_history WHERE request_id = ?').get(id) as {
          error_message: string | null;
        }
      ).error_message;
    expect(error('req_0')).toBe('Orchids answered HTTP 401: cookie __client=[redacted]; key [redacted-key]');
    expect(error('req_1')).toBe('Orchids answered HTTP 502: bad gateway');
    expect(error('req_ok')).toBeNull();
    const all = db.prepare('SELECT error_message FROM request_history').all() as Array<{ error_message: string }>;
    expect(all.filter((r) => /fake-client|sk-ant-api03/.test(r.error_message ?? ''))).toEqual([]);
    expect(db.prepare('SELECT name, status_reason FROM accounts ORDER BY name').all()).toEqual([
      {
        name: 'a',
        status_reason: '3 failures in a row; last: Cannot open the Orchids WebSocket: wss://x/ws?token=[redacted-jwt]',
      },
      { name: 'b', status_reason: '' },
    ]);
  });

  it('is cheap on 100,000 history rows, each with an error', () => {
    version7(100_000);
    const started = performance.now();
    track(openDatabase(file));
    const ms = performance.now() - started;
    // The figure the migration's comment quotes, printed for whoever measures again.
    console.log(`migration 8 on 100,000 rows: ${ms.toFixed(0)} ms`);
    // A generous bound (about 0.4 s here on 2 shared cores): it guards against a rewrite of every row or worse.
    expect(ms).toBeLessThan(5000);
  });
});
