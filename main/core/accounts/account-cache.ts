import type { AccountRecord } from './types';

/**
 * The request path's view of the accounts: every lookup and every choice reads memory, never SQLite. Writes go to
 * the database first and then here (`upsert`/`remove`), so the cache is never staler than the last write this
 * process made; edits from other processes arrive through `replaceAll` when the database's data_version moves.
 *
 * Choice is weighted random over accounts that are enabled, weighted above zero and ready. A prefix-sum array
 * makes one choice a binary search, so 10,000 accounts cost about what one does.
 */
export class AccountCache {
  private readonly byId = new Map<number, AccountRecord>();
  private eligible: AccountRecord[] = [];
  private cumulative = new Float64Array(0);
  private totalWeight = 0;
  private readonly listeners = new Set<() => void>();

  replaceAll(records: readonly AccountRecord[]): void {
    this.byId.clear();
    for (const record of records) this.byId.set(record.id, record);
    this.rebuild();
  }

  upsert(record: AccountRecord): void {
    this.byId.set(record.id, record);
    this.rebuild();
  }

  remove(id: number): void {
    if (this.byId.delete(id)) this.rebuild();
  }

  get(id: number): AccountRecord | undefined {
    return this.byId.get(id);
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
    if (!exclude || exclude.size === 0) return this.eligible[this.search(random() * this.totalWeight)];
    // A few rejection draws are cheaper than a scan while the exclusions are a small part of the weight.
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = this.eligible[this.search(random() * this.totalWeight)]!;
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

  private search(target: number): number {
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  private rebuild(): void {
    this.eligible = [];
    for (const record of this.byId.values()) {
      if (record.enabled && record.weight > 0 && record.status === 'ready') this.eligible.push(record);
    }
    this.cumulative = new Float64Array(this.eligible.length);
    let running = 0;
    this.eligible.forEach((record, index) => {
      running += record.weight;
      this.cumulative[index] = running;
    });
    this.totalWeight = running;
    for (const listener of this.listeners) listener();
  }
}
