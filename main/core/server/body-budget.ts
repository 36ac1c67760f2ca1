/**
 * A process-wide budget for request bodies in flight. A body costs several times its size in memory (the bytes,
 * the parsed value, the upstream body built from it), so without a bound forty 31 MB uploads at once took the
 * process past 6 GB. Each request holds a reservation from its first body byte until its response is over, since
 * the parsed body lives that long; past the budget the request is refused at once with a retryable error.
 */

/** Bodies up to this size may use the last part of the budget that bigger ones may not. */
const SMALL_BODY_BYTES = 1024 * 1024;
/** The share of the budget kept for small bodies, so a burst of huge uploads never locks out ordinary requests. */
const SMALL_BODY_SHARE = 1 / 8;

export class BodyBudget {
  private used = 0;
  private refusedCount = 0;
  private peakBytes = 0;

  /** `limit` is read on every reservation, so a settings change applies to the next request. */
  constructor(private readonly limit: () => number) {}

  get inUse(): number {
    return this.used;
  }

  get refused(): number {
    return this.refusedCount;
  }

  get peak(): number {
    return this.peakBytes;
  }

  get bytes(): number {
    return this.limit();
  }

  /** The largest single body this budget can ever hold: bigger ones are refused as too large, not as busy. */
  get largestBody(): number {
    const total = this.limit();
    return Math.max(SMALL_BODY_BYTES, total - Math.floor(total * SMALL_BODY_SHARE));
  }

  /** A reservation that grows as the body arrives; release it when the request is over. */
  open(): BodyReservation {
    return new BodyReservation(this);
  }

  /** @internal Grows `reservation` by `bytes`, or refuses (counted) when the budget would be exceeded. */
  grow(held: number, bytes: number): boolean {
    const total = this.limit();
    const ceiling = held + bytes > SMALL_BODY_BYTES ? total - Math.floor(total * SMALL_BODY_SHARE) : total;
    if (this.used + bytes > ceiling) {
      this.refusedCount += 1;
      return false;
    }
    this.used += bytes;
    if (this.used > this.peakBytes) this.peakBytes = this.used;
    return true;
  }

  /** @internal */
  shrink(bytes: number): void {
    this.used -= bytes;
  }
}

export class BodyReservation {
  private held = 0;
  private released = false;

  constructor(private readonly budget: BodyBudget) {}

  get bytes(): number {
    return this.held;
  }

  /** False when the budget cannot take `bytes` more; the reservation keeps what it already had. */
  take(bytes: number): boolean {
    if (this.released || bytes <= 0) return !this.released;
    if (!this.budget.grow(this.held, bytes)) return false;
    this.held += bytes;
    return true;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.shrink(this.held);
    this.held = 0;
  }
}
