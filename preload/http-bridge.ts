/**
 * `window.orchids` for a browser tab served by headless Orchids Tray: the same domain API the Electron preload
 * exposes, carried over fetch and an EventSource instead of IPC. The headless server injects this script before
 * the app's own, so the renderer cannot tell which shell it runs in.
 */
import { buildApi, EVENT_NAMES } from './api';
import type { Envelope, EventName, OrchidsApi } from './contract';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
let source: EventSource | undefined;

function connect(): void {
  if (source) return;
  // Same origin: the session cookie the dashboard link set travels with it. EventSource reconnects by itself.
  source = new EventSource('/_tray/api/events');
  for (const name of EVENT_NAMES) {
    source.addEventListener(name, (event) => {
      const payload = JSON.parse((event as MessageEvent<string>).data) as unknown;
      for (const listener of listeners.get(name) ?? []) listener(payload);
    });
  }
}

async function invoke(channel: string, input: unknown): Promise<Envelope<unknown>> {
  let response: Response;
  try {
    response = await fetch(`/_tray/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-orchids-tray': '1' },
      body: JSON.stringify({ input }),
    });
  } catch {
    return { ok: false, error: { code: 'offline', message: 'Orchids Tray is not answering. Is it still running?' } };
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    return {
      ok: false,
      error: { code: `http_${response.status}`, message: body?.error?.message ?? `HTTP ${response.status}` },
    };
  }
  return (await response.json()) as Envelope<unknown>;
}

const api: OrchidsApi = buildApi(invoke, (event, listener) => {
  connect();
  let set = listeners.get(event);
  if (!set) listeners.set(event, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
  };
});

(window as unknown as { orchids: OrchidsApi }).orchids = api;
