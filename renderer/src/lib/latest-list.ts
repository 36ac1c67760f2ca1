/** Changes kept while a list is on its way; more than this before it lands is a window long asleep. */
const CHANGES_LIMIT = 5_000;

export type ListChange<T> = (list: T[]) => T[];

/**
 * A list read whole from the core, kept current between reads by local changes (an account just added) and pushed
 * events (counts, states). A read is answered as of the moment the core computed it, so a change that lands while
 * it is on its way may be missing from it: the change is applied again on top of the answer, in the order the
 * changes came. Only the answer to the newest read counts; an older one would put an older list back.
 */
export class LatestList<T> {
  private asked = 0;
  private waiting = false;
  private changes: Array<ListChange<T>> = [];

  /** Call before reading the list; pass the returned ticket to `answer` or `failed`. */
  ask(): number {
    this.waiting = true;
    this.changes = [];
    return ++this.asked;
  }

  /** Keeps a change already applied to the shown list, to apply again on top of the answer now on its way. */
  keep(change: ListChange<T>): void {
    if (!this.waiting) return;
    this.changes.push(change);
    if (this.changes.length > CHANGES_LIMIT) this.changes.splice(0, this.changes.length - CHANGES_LIMIT);
  }

  /** The list to show for this answer, or null when a newer read is already on its way. */
  answer(ticket: number, list: T[]): T[] | null {
    if (ticket !== this.asked) return null;
    const current = this.changes.reduce((shown, change) => change(shown), list);
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
