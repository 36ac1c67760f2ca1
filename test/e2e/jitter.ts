import type { Page } from '@playwright/test';

/**
 * Opt-in timing shake for the browser tests: `E2E_API_JITTER_MS=<max>` holds every contract answer
 * (`/_tray/api/<channel>`) for a random 0..max ms, so answers land in a different order than they were asked, and
 * holds every pushed event for a random 0..max ms as well (in order, as one stream delivers them), so events and
 * answers cross. A test that passes only when the app answers in the order it was asked fails under it; a view
 * that shows a stale or half-updated state to a person does too. Unset or 0: nothing is added.
 */
export function jitterMaxMs(): number {
  const value = Number(process.env.E2E_API_JITTER_MS ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

export async function addJitter(page: Page, maxMs: number): Promise<void> {
  // On the context, so a test's own `page.route` (which wins over it) still stands in for an answer; an answer a
  // test lets through with `route.fallback()` is shaken here too.
  await page.context().route('**/_tray/api/**', async (route) => {
    // The event stream never ends: fetching it whole would hang. Its events are held in the page instead.
    if (new URL(route.request().url()).pathname.endsWith('/events')) return route.fallback();
    const response = await route.fetch();
    await new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
    await route.fulfill({ response }).catch(() => undefined); // the page may have gone meanwhile
  });
  await page.addInitScript(holdEventsInPage, maxMs);
}

/**
 * Runs in the page before its own scripts: every listener added to an EventSource hears each event after a random
 * 0..max ms, never before an event the stream delivered earlier. One queue per stream, drained in order by one timer
 * at a time: timers of their own could swap two events due within the same millisecond.
 */
function holdEventsInPage(maxMs: number): void {
  const add = Object.getOwnPropertyDescriptor(EventTarget.prototype, 'addEventListener')!.value as (
    this: EventSource,
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ) => void;
  interface Held {
    at: number;
    deliver: () => void;
  }
  const queues = new WeakMap<EventSource, { held: Held[]; timer: number | undefined }>();
  const drain = (queue: { held: Held[]; timer: number | undefined }): void => {
    queue.timer = undefined;
    while (queue.held.length > 0 && queue.held[0]!.at <= performance.now()) queue.held.shift()!.deliver();
    if (queue.held.length > 0) {
      queue.timer = window.setTimeout(() => drain(queue), Math.max(1, queue.held[0]!.at - performance.now()));
    }
  };
  EventSource.prototype.addEventListener = function (
    this: EventSource,
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (!listener) return;
    const hear = (event: Event): void => {
      let queue = queues.get(this);
      if (!queue) queues.set(this, (queue = { held: [], timer: undefined }));
      const at = Math.max(queue.held.at(-1)?.at ?? 0, performance.now() + Math.random() * maxMs);
      queue.held.push({
        at,
        deliver: () => (typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event)),
      });
      if (queue.timer === undefined) {
        const first = queue;
        queue.timer = window.setTimeout(() => drain(first), Math.max(1, queue.held[0]!.at - performance.now()));
      }
    };
    add.call(this, type, hear, options);
  } as typeof EventSource.prototype.addEventListener;
}
