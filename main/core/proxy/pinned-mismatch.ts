import type { UpstreamProtocol } from '../upstream/protocol';

export interface PinnedMismatchNote {
  protocol: UpstreamProtocol;
  at: number;
}

/**
 * Remembers that the pinned protocol met a wrong-protocol answer, so the window and the tray can say so: the error
 * each request gets already does, but the accounts stay "ready" and a person looking at the app saw nothing wrong.
 * The request path pays a field write on such a failure and a field read on success; `changed` (a status push)
 * runs only when the note appears, moves to another protocol, or goes.
 */
export class PinnedMismatchWatch {
  private note: PinnedMismatchNote | null = null;

  constructor(private readonly changed: () => void) {}

  get current(): PinnedMismatchNote | null {
    return this.note;
  }

  missed(protocol: UpstreamProtocol, at: number): void {
    const before = this.note;
    this.note = { protocol, at };
    if (before?.protocol !== protocol) this.changed();
  }

  /** A request was answered on `protocol`: a note about it no longer holds. */
  answered(protocol: UpstreamProtocol): void {
    if (this.note !== null && this.note.protocol === protocol) this.clear();
  }

  /** The setting changed: whatever the note said was about the old pin. */
  clear(): void {
    if (this.note === null) return;
    this.note = null;
    this.changed();
  }
}
