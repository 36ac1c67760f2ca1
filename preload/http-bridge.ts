/**
 * `window.orchids` for a browser tab served by headless Orchids Tray: the same domain API the Electron preload
 * exposes, carried over fetch and an EventSource instead of IPC. The headless server injects this script before
 * the app's own, so the renderer cannot tell which shell it runs in.
 *
 * The EventSource reconnects by itself after a break (the app restarted, the machine slept); the bridge reports
 * that as `connection` events, so the window re-reads what it may have missed exactly then and at no other time.
 */
import { buildApi, type Envelope, type OrchidsApi, type SubscribableName } from '../contract/api';
import { CONNECTION_EVENT, EVENT_NAMES } from '../contract/channels';
import type { ConnectionChange } from '../contract/views';

const listeners = new Map<SubscribableName, Set<(payload: unknown) => void>>();
let source: EventSource | undefined;
let everOpened = false;
let lost = false;

function emit(name: SubscribableName, payload: unknown): void {
  for (const listener of listeners.get(name) ?? []) listener(payload);
}

function connect(): void {
  if (source) return;
  // Same origin: the session cookie the dashboard link set travels with it.
  source = new EventSource('/_tray/api/events');
  source.addEventListener('open', () => {
    const change: ConnectionChange = { state: 'open', resumed: everOpened };
    everOpened = true;
    lost = false;
    emit(CONNECTION_EVENT, change);
  });
  source.addEventListener('error', () => {
    // An EventSource retries a network failure by itself but gives up for good on an HTTP refusal (CLOSED).
    if (source?.readyState === EventSource.CLOSED) void afterRefusal();
    // Fired on every failed retry too: one `lost` per break is enough.
    if (lost || !everOpened) return;
    lost = true;
    emit(CONNECTION_EVENT, { state: 'lost' } satisfies ConnectionChange);
  });
  for (const name of EVENT_NAMES) {
    source.addEventListener(name, (event) => emit(name, JSON.parse((event as MessageEvent<string>).data) as unknown));
  }
}

/**
 * The app refused the stream: after a restart it is back but knows no session from before it (they live in memory),
 * which no retry mends; the window says to open a fresh link. Any other refusal is tried again in a while.
 */
async function afterRefusal(): Promise<void> {
  source = undefined;
  const status = await fetch('/_tray/api/events', { method: 'HEAD' }).then(
    (response) => response.status,
    () => 0,
  );
  if (status === 401) {
    lost = true;
    emit(CONNECTION_EVENT, { state: 'lost', sessionEnded: true } satisfies ConnectionChange);
  } else setTimeout(connect, 3_000);
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
