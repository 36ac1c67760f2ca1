/**
 * The contract over Electron IPC. One `ipcMain.handle` per channel in `CHANNELS` (never anything else), each of
 * which first checks that the call comes from our window's top frame showing our renderer document, then hands the
 * payload to `dispatch`, which validates it against the contract's schema before any handler runs. Pushed events
 * go to that same window only. Everything is written against the small `…Like` interfaces below, so the tests
 * drive it with fakes and no Electron.
 */
import type { Envelope, Events, Handlers } from '../../contract/api';
import { CHANNELS, IPC_EVENT_CHANNEL, type Channel, type EventName } from '../../contract/channels';
import type { ProxyStatus } from '../../contract/status-views';
import { dispatch } from '../core/control/dispatch';
import { toContractEvents } from '../core/control/event-adapter';
import type { CoreEvent } from '../core/events/types';

/** The parts of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly processId?: number;
  readonly routingId?: number;
  readonly parent?: FrameLike | null;
}

/** The parts of IpcMainInvokeEvent the sender check reads. */
export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, message: unknown): void;
}

/** Our window as the IPC layer sees it: its webContents (if it exists now) and the document it must show. */
export interface TrustedWindow {
  webContents(): WebContentsLike | undefined;
  /** `file://…/dist/renderer/index.html`; query and hash are ignored when comparing. */
  readonly rendererUrl: string;
}

export const FORBIDDEN: Envelope<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This page is not allowed to talk to Orchids Tray.' },
};

/** True when `url` is the renderer document (same scheme, host and path; `#/logs` or `?x` do not matter). */
export function isRendererDocument(url: string, rendererUrl: string): boolean {
  try {
    const actual = new URL(url);
    const expected = new URL(rendererUrl);
    return (
      actual.protocol === expected.protocol &&
      actual.host === expected.host &&
      decodeURIComponent(actual.pathname) === decodeURIComponent(expected.pathname)
    );
  } catch {
    return false;
  }
}

/**
 * The sender must be our window's webContents, the call must come from its main frame (not an iframe, not a frame
 * that has since navigated: a null `senderFrame`), and that frame must show our renderer document.
 */
export function isTrustedSender(event: InvokeEventLike, window: TrustedWindow): boolean {
  const contents = window.webContents();
  if (!contents || contents.isDestroyed()) return false;
  if (event.sender !== contents) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent) return false;
  const main = contents.mainFrame;
  const sameFrame =
    frame === main ||
    (frame.processId !== undefined && frame.processId === main.processId && frame.routingId === main.routingId);
  return sameFrame && isRendererDocument(frame.url, window.rendererUrl);
}

export interface IpcOptions {
  ipcMain: IpcMainLike;
  handlers: Handlers;
  window: TrustedWindow;
  log?: (line: string) => void;
  /** Called after a call succeeded: the tray shows what the window just changed without waiting for the stream. */
  afterCall?: (channel: Channel) => void;
}

/** Registers one handler per contract channel; returns a function that removes them all. */
export function registerIpc(options: IpcOptions): () => void {
  const log = options.log ?? (() => {});
  let refusals = 0;
  for (const channel of CHANNELS) {
    options.ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event, options.window)) {
        // Logged, but bounded: a hostile page must not be able to fill the log.
        if (refusals++ < 20) log(`[ipc] refused ${channel} from ${event.senderFrame?.url ?? 'a frame that is gone'}`);
        return FORBIDDEN;
      }
      if (args.length > 1) return { ok: false, error: { code: 'invalid_input', message: 'One argument per call.' } };
      const envelope = await dispatch(options.handlers, channel, args[0], log);
      if (envelope.ok) options.afterCall?.(channel);
      return envelope;
    });
  }
  return () => {
    for (const channel of CHANNELS) options.ipcMain.removeHandler(channel);
  };
}

export interface EventPushOptions {
  subscribe(listener: (batch: CoreEvent[]) => void): () => void;
  window: TrustedWindow;
  status: () => ProxyStatus;
}

/**
 * The core's live stream to the window: each batched delivery becomes one message per contract event (the same
 * regrouping the HTTP event stream uses, status pushes included), sent on the single event channel, and only while
 * the window shows our renderer (never to a page it was navigated to).
 */
export class EventPush {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: EventPushOptions) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.options.subscribe((batch) => {
      for (const { name, payload } of toContractEvents(batch, this.options.status)) this.send(name, payload);
    });
  }

  dispose(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private send<E extends EventName>(name: E, payload: Events[E]): void {
    const contents = this.options.window.webContents();
    if (!contents || contents.isDestroyed()) return;
    if (!isRendererDocument(contents.mainFrame.url, this.options.window.rendererUrl)) return;
    try {
      contents.send(IPC_EVENT_CHANNEL, { name, payload });
    } catch {
      // The renderer went away between the check and the send; the next delivery finds it gone.
    }
  }
}
