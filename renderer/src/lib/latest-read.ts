/** Changes kept while a read is on its way; more than this before it lands is a window long asleep. */
const CHANGES_LIMIT = 5_000;

export type Change<V> = (value: V) => V;

/**
 * A value read whole from the core (the account list, the statistics), kept current between reads by local changes
 * (an account just added) and pushed events (counts, states, finished requests). A read is answered as of the
 * moment the core computed it, so a change that lands while it is on its way may be missing from it: the change is
 * applied again on top of the answer, in the order the changes came. A change must therefore be safe to apply to a
 * value that already has it (a count set, not added; the statistics' reports skip what a snapshot counts). Only the
 * answer to the newest read counts; an older one would put an older value back.
 */
export class LatestRead<V> {
  private asked = 0;
  private waiting = false;
  private changes: Array<Change<V>> = [];

  /** Call before reading; pass the returned ticket to `answer` or `failed`. */
  ask(): number {
    this.waiting = true;
    this.changes = [];
    return ++this.asked;
  }

  /** Keeps a change already applied to the shown value, to apply again on top of the answer now on its way. */
  keep(change: Change<V>): void {
    if (!this.waiting) return;
    this.changes.push(change);
    if (this.changes.length > CHANGES_LIMIT) this.changes.splice(0, this.changes.length - CHANGES_LIMIT);
  }

  /** The value to show for this answer, or null when a newer read is already on its way. */
  answer(ticket: number, value: V): V | null {
    if (ticket !== this.asked) return null;
    const current = this.changes.reduce((shown, change) => change(shown), value);
    this.stop();
    return current;
  }

  /** Whether this failure is the newest read's (older reads' failures are not news). */
  failed(ticket: number): boolean {
    if (ticket !== this.asked) return false;
    this.stop();
    return true;
  }

  private stop(): void {
    this.waiting = false;
    this.changes = [];
  }
}
