import type { AccountRecord } from './types';

/**
 * The request path's view of the accounts: every lookup and every choice reads memory, never SQLite. Writes go to
 * the database first and then here (`upsert`/`remove`), so the cache is never staler than the last write this
 * process made; edits from other processes arrive through `replaceAll` when the database's data_version moves.
 *
 * Choice is weighted random over accounts that are enabled, weighted above zero and ready. An alias table (Vose's
 * method, built in O(n) after a change) makes one choice a multiply and two array reads whatever the number of
 * accounts, so 10,000 accounts cost what one does. A prefix-sum binary search was 7× slower at 10,000.
 */
export class AccountCache {
  private byId = new Map<number, AccountRecord>();
  private eligible: AccountRecord[] = [];
  /** Where each eligible account sits in `eligible`, so a change that leaves the choice alone swaps it in place. */
  private readonly slotOf = new Map<number, number>();
  /** Alias table: slot i keeps its own account with probability keep[i], else hands over to alias[i]. */
  private keep = new Float64Array(0);
  private alias = new Int32Array(0);
  private readonly listeners = new Set<() => void>();

  /**
   * Takes `records` as the whole list (another process changed the database) and answers the accounts it dropped, as
   * they were, so their names outlive them as a removal made here does. One pass over the old map: at 10,000 accounts
   * the same order of cost as the refill itself.
   */
  replaceAll(records: readonly AccountRecord[]): AccountRecord[] {
    const before = this.byId;
    this.byId = new Map();
    for (const record of records) this.byId.set(record.id, record);
    const dropped: AccountRecord[] = [];
    for (const [id, record] of before) if (!this.byId.has(id)) dropped.push(record);
    this.rebuild();
    return dropped;
  }

  upsert(record: AccountRecord): void {
    const previous = this.byId.get(record.id);
    this.byId.set(record.id, record);
    if (previous && sameChoice(previous, record)) {
      // Most changes (the protocol an account answered on, a failure streak, a rotated cookie) leave the weights
      // alone. Rebuilding the alias table for them made the first request of each of 10,000 accounts O(n).
      const slot = this.slotOf.get(record.id);
      if (slot !== undefined) this.eligible[slot] = record;
      this.notify();
      return;
    }
    this.rebuild();
  }

  remove(id: number): void {
    if (this.byId.delete(id)) this.rebuild();
  }

  get(id: number): AccountRecord | undefined {
    return this.byId.get(id);
  }

  /** The account, if a request could be sent to it right now (what `pick` may choose). */
  usable(id: number): AccountRecord | undefined {
    return this.slotOf.has(id) ? this.byId.get(id) : undefined;
  }

  list(): AccountRecord[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Accounts a request could be sent to right now. */
  get usableCount(): number {
    return this.eligible.length;
  }

  /** Notified after every change, so live views and the tray can follow. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counts a request in memory; the count writer makes it durable. Mutates in place: no rebuild is needed. */
  noteRequest(id: number, at: number): void {
    const record = this.byId.get(id);
    if (!record) return;
    record.requestCount += 1;
    record.lastUsedAt = at;
  }

  pick(exclude?: ReadonlySet<number>, random: () => number = Math.random): AccountRecord | undefined {
    const count = this.eligible.length;
    if (count === 0) return undefined;
    if (!exclude || exclude.size === 0) return this.eligible[this.draw(random())];
    // A few rejection draws are cheaper than a scan while the exclusions are a small part of the weight.
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = this.eligible[this.draw(random())]!;
      if (!exclude.has(candidate.id)) return candidate;
    }
    let remaining = 0;
    for (const record of this.eligible) if (!exclude.has(record.id)) remaining += record.weight;
    if (remaining === 0) return undefined;
    let target = random() * remaining;
    for (const record of this.eligible) {
      if (exclude.has(record.id)) continue;
      target -= record.weight;
      if (target < 0) return record;
    }
    return undefined;
  }

  /** One uniform number in [0, 1) picks the slot (integer part) and decides keep-or-alias (fraction). */
  private draw(uniform: number): number {
    const scaled = uniform * this.keep.length;
    const slot = Math.min(Math.floor(scaled), this.keep.length - 1);
    return scaled - slot < this.keep[slot]! ? slot : this.alias[slot]!;
  }

  private rebuild(): void {
    this.eligible = [];
    this.slotOf.clear();
    let total = 0;
    for (const record of this.byId.values()) {
      if (isEligible(record)) {
        this.slotOf.set(record.id, this.eligible.length);
        this.eligible.push(record);
        total += record.weight;
      }
    }
    this.buildAliasTable(total);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private buildAliasTable(total: number): void {
    const n = this.eligible.length;
    const keep = new Float64Array(n);
    const alias = new Int32Array(n);
    // Each slot's share scaled so the average is 1; slots under 1 borrow the rest from one slot over 1.
    const share = new Float64Array(n);
    const under = new Int32Array(n);
    const over = new Int32Array(n);
    let underCount = 0;
    let overCount = 0;
    for (let i = 0; i < n; i++) {
      share[i] = (this.eligible[i]!.weight * n) / total;
      if (share[i]! < 1) under[underCount++] = i;
      else over[overCount++] = i;
    }
    while (underCount > 0 && overCount > 0) {
      const small = under[--underCount]!;
      const large = over[--overCount]!;
      keep[small] = share[small]!;
      alias[small] = large;
      share[large] = share[large]! + share[small]! - 1;
      if (share[large] < 1) under[underCount++] = large;
      else over[overCount++] = large;
    }
    // What is left is 1 up to rounding error: those slots keep their own account.
    while (overCount > 0) keep[over[--overCount]!] = 1;
    while (underCount > 0) keep[under[--underCount]!] = 1;
    this.keep = keep;
    this.alias = alias;
  }
}

function isEligible(record: AccountRecord): boolean {
  return record.enabled && record.weight > 0 && record.status === 'ready';
}

/** The two versions of an account weigh the same in a choice: same eligibility, same weight. */
function sameChoice(a: AccountRecord, b: AccountRecord): boolean {
  return isEligible(a) === isEligible(b) && a.weight === b.weight;
}
