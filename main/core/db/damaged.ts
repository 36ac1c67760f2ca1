import fs from 'node:fs';
import path from 'node:path';
import type { DamagedDatabase } from '../../../contract/damaged-database';

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

/** The notice of a database set aside at this start, until the person dismisses it (for this run). */
export class DamagedDatabaseNotice {
  private note: DamagedDatabase | null;

  constructor(
    note: DamagedDatabase | null,
    private readonly changed: () => void = () => {},
  ) {
    this.note = note;
  }

  get current(): DamagedDatabase | null {
    return this.note;
  }

  dismiss(): void {
    if (!this.note) return;
    this.note = null;
    this.changed();
  }
}
