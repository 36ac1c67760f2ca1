import type { Db } from '../db/database';
import { isUpstreamProtocol, type ProtocolSetting, type UpstreamProtocol } from '../upstream/protocol';

export interface PinnedMismatchNote {
  protocol: UpstreamProtocol;
  at: number;
}

/** The note's time is written again at most this often while the pin keeps failing: memory has the exact one. */
const KEEP_TIME_EVERY_MS = 60_000;

/**
 * Remembers that the pinned protocol met a wrong-protocol answer, so the window and the tray can say so: the error
 * each request gets already does, but the accounts stay "ready" and a person looking at the app saw nothing wrong.
 * The request path pays a field write on such a failure and a field read on success; `changed` (a status push)
 * runs only when the note appears, moves to another protocol, or goes.
 *
 * The note is kept in the database too: held in memory only, a restart (which the warning advises when the
 * environment holds the pin) put "Running" back while the pin still failed every request. A row is written when the
 * note appears, moves or goes, and its time at most once a minute: a failing pin costs no SQLite write per request.
 */
export class PinnedMismatchWatch {
  private note: PinnedMismatchNote | null;
  private keptAt = 0;

  /**
   * @param pin the pin in force now: a kept note about another (the environment or the setting changed while no
   *   process of this folder ran) no longer holds, and goes.
   */
  constructor(
    private readonly changed: () => void,
    private readonly db?: Db,
    pin?: ProtocolSetting,
  ) {
    const kept = db ? readNote(db) : null;
    this.note = kept?.protocol === pin ? kept : null;
    if (kept && !this.note) this.write(() => db?.prepare('DELETE FROM pinned_mismatch').run());
    this.keptAt = this.note?.at ?? 0;
  }

  get current(): PinnedMismatchNote | null {
    return this.note;
  }

  missed(protocol: UpstreamProtocol, at: number): void {
    const before = this.note;
    this.note = { protocol, at };
    const moved = before?.protocol !== protocol;
    if (moved || at - this.keptAt >= KEEP_TIME_EVERY_MS) this.keep();
    if (moved) this.changed();
  }

  /** A request was answered on `protocol`: a note about it no longer holds. */
  answered(protocol: UpstreamProtocol): void {
    if (this.note !== null && this.note.protocol === protocol) this.clear();
  }

  /** The setting changed: whatever the note said was about the old pin. */
  clear(): void {
    if (this.note === null) return;
    this.note = null;
    this.write(() => this.db?.prepare('DELETE FROM pinned_mismatch').run());
    this.changed();
  }

  private keep(): void {
    const note = this.note;
    if (!note) return;
    this.keptAt = note.at;
    this.write(() =>
      this.db
        ?.prepare('INSERT OR REPLACE INTO pinned_mismatch (id, protocol, at) VALUES (1, ?, ?)')
        .run(note.protocol, note.at),
    );
  }

  /** A database closing or busy keeps the note in memory, where the window and the tray read it. */
  private write(work: () => unknown): void {
    try {
      work();
    } catch {
      // Said again by the next failure or success.
    }
  }
}

function readNote(db: Db): PinnedMismatchNote | null {
  const row = db.prepare('SELECT protocol, at FROM pinned_mismatch WHERE id = 1').get() as
    { protocol: string; at: number } | undefined;
  return row && isUpstreamProtocol(row.protocol) ? { protocol: row.protocol, at: row.at } : null;
}
