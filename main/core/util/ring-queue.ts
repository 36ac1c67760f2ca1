/**
 * A bounded FIFO that overwrites its oldest item when full, in O(1): a storm of events into a full queue costs
 * the same per event as into an empty one (an array's shift() would move every element each time).
 */
export class RingQueue<T> {
  private items: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Adds an item; returns true when the oldest one had to go to make room. */
  push(item: T): boolean {
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = item;
      this.count += 1;
      return false;
    }
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return true;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) {
      const index = (this.head + i) % this.capacity;
      out[i] = this.items[index] as T;
      this.items[index] = undefined;
    }
    this.head = 0;
    this.count = 0;
    return out;
  }
}
