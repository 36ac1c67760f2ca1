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
 * 0..max ms, never before an event the stream delivered earlier.
 */
function holdEventsInPage(maxMs: number): void {
  const add = Object.getOwnPropertyDescriptor(EventTarget.prototype, 'addEventListener')!.value as (
    this: EventSource,
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ) => void;
  const releaseAt = new WeakMap<EventSource, number>();
  EventSource.prototype.addEventListener = function (
    this: EventSource,
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (!listener) return;
    const hear = (event: Event): void => {
      const at = Math.max(releaseAt.get(this) ?? 0, performance.now() + Math.random() * maxMs);
      releaseAt.set(this, at);
      const deliver = (): void =>
        typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event);
      setTimeout(deliver, at - performance.now());
    };
    add.call(this, type, hear, options);
  } as typeof EventSource.prototype.addEventListener;
}
