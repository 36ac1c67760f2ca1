/**
 * The database file could not be read (SQLite said it is not a database, or malformed), so the app set it aside
 * and started on a fresh one. The words for it live here once, so the start line, the window, the CLI and /health
 * say the same thing.
 */

export interface DamagedDatabase {
  /** The file as it was, renamed beside the fresh one (full path). */
  keptAs: string;
  /** When it was set aside (ms since the epoch). */
  at: number;
  /** SQLite's code for what it met: SQLITE_NOTADB or SQLITE_CORRUPT (or an extended SQLITE_CORRUPT_*). */
  code: string;
}

export interface DamagedDatabaseWords {
  /** A few words for a badge or a heading. */
  short: string;
  /** What happened, and what it means for accounts and history. */
  detail: string;
  /** What the kept file is good for. */
  way: string;
}

export function damagedDatabaseWords(damaged: DamagedDatabase): DamagedDatabaseWords {
  return {
    short: 'Database replaced',
    detail:
      `The database could not be read (${damaged.code}), so Orchids Tray set it aside and started with a fresh, ` +
      'empty one: accounts must be added again, and history and settings start empty.',
    // When: the notice is said at every start until dismissed, so it may be read days later.
    way:
      `The old file was set aside at ${setAsideAt(damaged)} and is kept, unchanged, as ${damaged.keptAs}; ` +
      "rows may be recovered from it with sqlite3's .recover.",
  };
}

/** The one line printed at start, and /health's message. */
export function damagedDatabaseLine(damaged: DamagedDatabase): string {
  const words = damagedDatabaseWords(damaged);
  return `${words.detail} ${words.way}`;
}

/** The command line's way to dismiss the notice (its words after `npm run cli --`, cliCommand), which the window's
 * Dismiss button also does. */
export const DISMISS_DAMAGED_NOTICE_ARGS = 'proxy dismiss-notice';

/** 2026-12-01 19:54:03 UTC: in UTC, so that a bug report reads the same in every time zone. */
export function setAsideAt(damaged: Pick<DamagedDatabase, 'at'>): string {
  return `${new Date(damaged.at).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}
