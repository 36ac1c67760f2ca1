import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DamagedDatabase } from '../../../contract/damaged-database';
import { redactText } from '../logs/redact';
import { damagedDatabaseCode, keepDamagedDatabaseNotice, setAsideDamagedDatabase } from './damaged';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Where the native addon lives when it is not the default build (the desktop app's Electron-ABI copy). */
  nativeBinding?: string;
  /** A file SQLite cannot read is renamed aside (setAsideDamagedDatabase) and DatabaseSetAsideError thrown. */
  setAsideDamaged?: boolean;
}

/** The file could not be read and was set aside: opening again makes a fresh database under the usual name. */
export class DatabaseSetAsideError extends Error {
  constructor(
    readonly setAside: DamagedDatabase,
    cause: unknown,
  ) {
    super(`The database could not be read and was set aside as ${setAside.keptAs}`, { cause });
  }
}

/**
 * Opens (creating if needed) the app's SQLite file in WAL mode and brings its schema up to date. WAL lets the CLI
 * write while the app reads, and keeps a reader from ever blocking the count writer.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // The first read of the file: a file that is not a database fails here, and must not stay open (Windows would
    // refuse to rename it aside).
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode loses at most the last transactions on power loss, never corrupts; FULL would fsync
    // every batch for no user-visible gain.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    assertReadable(db);
    // For migration 8, which redacts error text written by older versions.
    db.function('redact_secrets', { deterministic: true }, (text: unknown) =>
      typeof text === 'string' ? redactText(text) : text,
    );
    migrate(db);
  } catch (error) {
    const code = options.setAsideDamaged ? damagedDatabaseCode(error) : undefined;
    // Closing the last connection deletes the -wal by name (and may checkpoint it): on POSIX the files are renamed
    // while still open, so the WAL is kept as it was. Windows cannot rename an open file; there it goes after close.
    let setAside = code && process.platform !== 'win32' ? setAsideDamagedDatabase(file, code) : undefined;
    db.close();
    if (code && !setAside) setAside = setAsideDamagedDatabase(file, code);
    if (setAside) throw new DatabaseSetAsideError(setAside, error);
    throw error;
  }
  return db;
}

/**
 * Opens the app's database, and when SQLite cannot read the file, sets it aside and opens a fresh one under the
 * usual name: such a file would stop every start until someone found and deleted it, so it is kept under another
 * name (for sqlite3's .recover) and the app starts empty, saying so: the notice is kept in the fresh database
 * (keepDamagedDatabaseNotice) until dismissed. `setAside` is what this call set aside, if anything. `beforeFresh`
 * prepares the file's place again (its mode) before the fresh one is made.
 */
export function openOrReplaceDatabase(
  file: string,
  options: Pick<OpenDatabaseOptions, 'nativeBinding'>,
  beforeFresh: () => void,
): { db: Db; setAside: DamagedDatabase | null } {
  const open = (): Db => openDatabase(file, { ...options, setAsideDamaged: true });
  try {
    return { db: open(), setAside: null };
  } catch (error) {
    if (!(error instanceof DatabaseSetAsideError)) throw error;
    beforeFresh();
    const db = open();
    try {
      keepDamagedDatabaseNotice(db, error.setAside);
    } catch (keepError) {
      db.close();
      throw keepError;
    }
    return { db, setAside: error.setAside };
  }
}

/** The database is from a newer build: nothing is wrong with it, so it is left alone and the start stops. */
export class NewerSchemaError extends Error {}

/**
 * A valid header over a malformed page opens fine, and SQLite says so only when a query reaches that page: history
 * writes then fail one batch at a time, for as long as the app runs. A structural check at open finds it first, so
 * it is handled as a file that is not a database is. It reads every page once: about 50 ms for 100,000 history rows
 * (13 MB); it stops at the first fault.
 */
function assertReadable(db: Db): void {
  const verdict = db.pragma('quick_check(1)', { simple: true });
  if (verdict === 'ok') return;
  throw Object.assign(new Error(`database disk image is malformed: ${String(verdict)}`), { code: 'SQLITE_CORRUPT' });
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new NewerSchemaError(
      `The database was written by a newer Orchids Tray (schema ${current}; this build knows ${MIGRATIONS.length}). ` +
        'Update the app, or point ORCHIDS_TRAY_DATA_DIR at another folder.',
    );
  }
  // The version is read again inside each write transaction: another process opening the same fresh folder (the CLI
  // beside the app, two commands a script starts together) may have run the step while this one waited for the lock,
  // and running it twice fails ("table accounts already exists").
  const nextStep = db.transaction((): boolean => {
    const version = schemaVersion(db);
    if (version >= MIGRATIONS.length) return false;
    db.exec(MIGRATIONS[version]!);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (nextStep.immediate());
}

/**
 * SQLite's `data_version` changes when another connection commits. Polling it is how the running app notices an
 * edit made by the CLI without a restart, at the cost of one tiny pragma per poll.
 */
export function dataVersion(db: Db): number {
  return db.pragma('data_version', { simple: true }) as number;
}
