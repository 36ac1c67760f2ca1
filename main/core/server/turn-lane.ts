/**
 * Lets waiters go one per turn of the event loop. After a large body is parsed, what follows (validation, the
 * token estimate, building the upstream body) runs synchronously for a time proportional to the body; bodies whose
 * parses finished together would otherwise run those stretches back to back, and other clients would wait for
 * all of them at once instead of one at a time.
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
