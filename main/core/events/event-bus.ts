import { RingQueue } from '../util/ring-queue';
import type { AccountCount } from '../../../contract/request-views';
import type { CoreEvent } from './types';

export interface SubscribeOptions {
  /** At most one delivery per interval: about ten a second by default. */
  intervalMs?: number;
  /** Events held for a subscriber that has not taken them yet; beyond it the oldest are dropped and counted. */
  capacity?: number;
}

interface Subscriber {
  listener: (batch: CoreEvent[]) => void;
  queue: RingQueue<CoreEvent>;
  dropped: number;
  countsDirty: boolean;
  intervalMs: number;
  lastDeliveryAt: number;
}

/**
 * The in-process live stream. Publishing is an array push per subscriber, so the request path pays almost nothing
 * and nothing when nobody listens. Deliveries are batched on a timer, request counts are coalesced into one
 * snapshot per delivery, and each subscriber's backlog is bounded: a slow one loses its oldest events (and is
 * told how many) instead of holding anything up.
 */
export class EventBus {
  private readonly subscribers = new Set<Subscriber>();
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;
  private totalDropped = 0;

  constructor(
    private readonly counts: () => AccountCount[],
    options: { tickMs?: number } = {},
  ) {
    this.tickMs = options.tickMs ?? 100;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Events dropped across all subscribers since start. */
  get dropped(): number {
    return this.totalDropped;
  }

  subscribe(listener: (batch: CoreEvent[]) => void, options: SubscribeOptions = {}): () => void {
    const subscriber: Subscriber = {
      listener,
      queue: new RingQueue<CoreEvent>(options.capacity ?? 2000),
      dropped: 0,
      countsDirty: false,
      intervalMs: Math.max(this.tickMs, options.intervalMs ?? 100),
      lastDeliveryAt: 0,
    };
    this.subscribers.add(subscriber);
    if (!this.timer) {
      this.timer = setInterval(() => this.deliver(), this.tickMs);
      this.timer.unref();
    }
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  publish(event: CoreEvent): void {
    for (const subscriber of this.subscribers) {
      if (subscriber.queue.push(event)) {
        subscriber.dropped += 1;
        this.totalDropped += 1;
      }
    }
  }

  /** Request counts moved; each subscriber gets one fresh snapshot at its next delivery, however many requests. */
  countsChanged(): void {
    for (const subscriber of this.subscribers) subscriber.countsDirty = true;
  }

  /** Delivers what is due now; the timer calls this, tests may too. */
  deliver(now: number = Date.now()): void {
    let snapshot: AccountCount[] | undefined;
    for (const subscriber of this.subscribers) {
      if (now - subscriber.lastDeliveryAt < subscriber.intervalMs) continue;
      if (subscriber.queue.length === 0 && !subscriber.countsDirty && subscriber.dropped === 0) continue;
      const batch = subscriber.queue.drain();
      if (subscriber.dropped > 0) {
        batch.unshift({ type: 'events.dropped', count: subscriber.dropped });
        subscriber.dropped = 0;
      }
      if (subscriber.countsDirty) {
        snapshot ??= this.counts();
        batch.push({ type: 'counts.changed', counts: snapshot });
        subscriber.countsDirty = false;
      }
      subscriber.lastDeliveryAt = now;
      try {
        subscriber.listener(batch);
      } catch {
        // A broken listener must not stop the others.
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.subscribers.clear();
  }
}
