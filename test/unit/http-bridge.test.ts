/**
 * The headless window's bridge (preload/http-bridge.ts) in Node, with a stand-in EventSource: what the renderer
 * hears from the transport itself (`connection`) and from the core (pushed events).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OrchidsApi } from '../../contract/api';

class FakeEventSource {
  static readonly CLOSED = 2;
  static last: FakeEventSource | undefined;
  /** 0 CONNECTING, as a real one is while it retries; 2 CLOSED once it gave up (an HTTP refusal). */
  readyState = 0;
  readonly listeners = new Map<string, Array<(event: { data?: string }) => void>>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, listener: (event: { data?: string }) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }
  fire(name: string, data?: unknown): void {
    for (const listener of this.listeners.get(name) ?? [])
      listener(data === undefined ? {} : { data: JSON.stringify(data) });
  }
}

let api: OrchidsApi;
beforeAll(async () => {
  vi.stubGlobal('window', {});
  vi.stubGlobal('EventSource', FakeEventSource);
  await import('../../preload/http-bridge');
  api = (globalThis as unknown as { window: { orchids: OrchidsApi } }).window.orchids;
});
afterAll(() => vi.unstubAllGlobals());

describe('the HTTP bridge', () => {
  it('reports the stream opening, breaking and coming back as `connection`, once per change', () => {
    const changes: unknown[] = [];
    const statuses: unknown[] = [];
    api.on('connection', (change) => changes.push(change));
    api.on('proxyStatus', (status) => statuses.push(status));
    const source = FakeEventSource.last!;
    expect(source.url).toBe('/_tray/api/events');

    source.fire('open');
    source.fire('proxyStatus', { paused: false });
    source.fire('error'); // the app went away
    source.fire('error'); // and every retry fails until it is back
    source.fire('open');
    source.fire('proxyStatus', { paused: true });
    expect(changes).toEqual([{ state: 'open', resumed: false }, { state: 'lost' }, { state: 'open', resumed: true }]);
    // A status push is only a status: it says nothing about the connection.
    expect(statuses).toEqual([{ paused: false }, { paused: true }]);
  });

  it('says the session ended when the app is back and refuses it, and retries after any other refusal', async () => {
    vi.useFakeTimers();
    const changes: unknown[] = [];
    api.on('connection', (change) => changes.push(change));
    const answers = [503, 401];
    const heads: string[] = [];
    vi.stubGlobal('fetch', (url: string, init: { method: string }) => {
      heads.push(`${init.method} ${url}`);
      return Promise.resolve({ status: answers.shift() });
    });
    const refuse = async (): Promise<void> => {
      const source = FakeEventSource.last!;
      source.readyState = FakeEventSource.CLOSED;
      source.fire('error');
      await vi.advanceTimersByTimeAsync(0);
    };
    try {
      await refuse(); // a 503: the same stream is asked for again a little later
      expect(changes).toEqual([{ state: 'lost' }]);
      const first = FakeEventSource.last;
      await vi.advanceTimersByTimeAsync(3_000);
      expect(FakeEventSource.last).not.toBe(first);
      await refuse(); // a 401: no retry mends it
      expect(changes).toEqual([{ state: 'lost' }, { state: 'lost', sessionEnded: true }]);
      expect(heads).toEqual(['HEAD /_tray/api/events', 'HEAD /_tray/api/events']);
      const last = FakeEventSource.last;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(FakeEventSource.last).toBe(last);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses events that are not in the contract', () => {
    expect(() => api.on('nonsense' as 'counts', () => {})).toThrow(/Unknown event/);
  });
});
