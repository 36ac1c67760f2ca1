import fs from 'node:fs';
import path from 'node:path';
import type { DamagedDatabase } from '../../../contract/damaged-database';
import type { Db } from './database';

/**
 * SQLite's words for a file it cannot read as a database: NOTADB when the header is not SQLite's, CORRUPT (and its
 * extended codes) when a page is malformed. Other failures (a locked file, a full disk, no permission) are not the
 * file's fault, and setting it aside would lose a good database.
 */
export function damagedDatabaseCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') ? code : undefined;
}

/** 2026-12-01T19:54:03.123Z → 20261201T195403Z: sorts by time and is a valid file name everywhere. */
function utcStamp(at: number): string {
  return new Date(at)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * Renames `orchids-tray.db` (and its -wal and -shm, which belong to it: SQLite would replay a WAL into whatever
 * database next takes the name) to `orchids-tray.damaged-<UTC stamp>.db…`, never deleting anything, and keeps
 * them private. A name already taken (two failures in one second) gets a counter.
 */
export function setAsideDamagedDatabase(file: string, code: string, at = Date.now()): DamagedDatabase {
  const dir = path.dirname(file);
  const ext = path.extname(file);
  const base = path.basename(file, ext);
  const stamp = utcStamp(at);
  let keptAs = '';
  for (let n = 1; ; n++) {
    keptAs = path.join(dir, `${base}.damaged-${stamp}${n > 1 ? `-${n}` : ''}${ext}`);
    if (!['', '-wal', '-shm'].some((suffix) => fs.existsSync(keptAs + suffix))) break;
  }
  for (const suffix of ['', '-wal', '-shm']) {
    if (!fs.existsSync(file + suffix)) continue;
    fs.renameSync(file + suffix, keptAs + suffix);
    if (process.platform !== 'win32') fs.chmodSync(keptAs + suffix, 0o600);
  }
  return { keptAs, at, code };
}

/**
 * Writes the notice into the fresh database that replaced the damaged one, so that whoever set the file aside (the
 * app, a headless start, a CLI command) leaves it for every later start to say. A fresh database has no older
 * notice; the older one, if any, went aside with the database that held it.
 */
export function keepDamagedDatabaseNotice(db: Db, note: DamagedDatabase): void {
  db.prepare('INSERT OR REPLACE INTO damaged_database_notice (id, kept_as, at, code) VALUES (1, ?, ?, ?)').run(
    note.keptAs,
    note.at,
    note.code,
  );
}

/**
 * The notice of a database set aside, read from the database at open: it is said at every start until the person
 * dismisses it, which deletes it for good.
 */
export class DamagedDatabaseNotice {
  private note: DamagedDatabase | null;

  /**
   * @param setAsideHere what this process's own open set aside, if anything: a CLI command says so itself, once,
   *   since no app may be running to say it.
   */
  constructor(
    private readonly db: Db,
    readonly setAsideHere: DamagedDatabase | null = null,
    private readonly changed: () => void = () => {},
  ) {
    this.note = readNotice(db);
  }

  get current(): DamagedDatabase | null {
    return this.note;
  }

  /**
   * Reads the notice again after another connection committed (the data-version watcher): a CLI command that ran on
   * its own while the app was starting may have dismissed it, and the window would otherwise show it until the next
   * start. Told (`changed`) only when it differs.
   */
  reread(): void {
    const row = readNotice(this.db);
    const now = this.note;
    if (row?.keptAs === now?.keptAs && row?.at === now?.at && row?.code === now?.code) return;
    this.note = row;
    this.changed();
  }

  dismiss(): void {
    // Deleted even when this process read none: another one (the CLI beside the app) may have kept one since.
    const deleted = this.db.prepare('DELETE FROM damaged_database_notice').run().changes > 0;
    if (!this.note && !deleted) return;
    this.note = null;
    this.changed();
  }
}

function readNotice(db: Db): DamagedDatabase | null {
  const row = db.prepare('SELECT kept_as, at, code FROM damaged_database_notice WHERE id = 1').get() as
    { kept_as: string; at: number; code: string } | undefined;
  return row ? { keptAs: row.kept_as, at: row.at, code: row.code } : null;
}
