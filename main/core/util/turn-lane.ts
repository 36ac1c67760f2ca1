/**
 * Lets waiters go one per turn of the event loop. Work on large bodies (parsing, the token estimate, encoding the
 * upstream body) is done in slices of a few milliseconds; if every body in flight resumed on the same turn, one
 * turn would hold a slice of each of them back to back (13 bodies of 31 MB: over 50 ms), and other clients would
 * wait for all of them at once instead of one at a time.
 */
export class TurnLane {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  pass(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    // An immediate queued from inside another runs on the next turn, after the I/O of other clients.
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()!();
      this.schedule();
    });
  }
}

/** The one lane all large-body work shares (util/time-slices.ts, server/json-yielding.ts, the server's parse). */
export const largeBodyLane = new TurnLane();
