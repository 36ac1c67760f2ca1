import { describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../contract/api';
import { CHANNELS, IPC_EVENT_CHANNEL, type Channel } from '../../contract/channels';
import { INVOKE } from '../../contract/schemas';
import type { ProxyStatus } from '../../contract/status-views';
import { AccountError } from '../../main/core/accounts/account-service';
import type { CoreEvent } from '../../main/core/events/types';
import type { RequestReport } from '../../main/core/proxy/observer';
import {
  EventPush,
  FORBIDDEN,
  isRendererDocument,
  registerIpc,
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type TrustedWindow,
  type WebContentsLike,
} from '../../main/electron/ipc';

const RENDERER = 'file:///opt/Orchids%20Tray/resources/app.asar/dist/renderer/index.html';

class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void {
    if (this.listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  /** What ipcRenderer.invoke(channel, ...args) does on the main side. */
  invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return listener(event, ...args);
  }
}

function frame(
  url: string,
  ids: { processId?: number; routingId?: number; parent?: FrameLike | null } = {},
): FrameLike {
  return { url, processId: ids.processId ?? 7, routingId: ids.routingId ?? 1, parent: ids.parent ?? null };
}

function contents(url = RENDERER): WebContentsLike & { sent: unknown[]; destroyed: boolean; mainFrame: FrameLike } {
  const fake = {
    mainFrame: frame(url),
    sent: [] as unknown[],
    destroyed: false,
    isDestroyed: () => fake.destroyed,
    send: (channel: string, message: unknown) => {
      fake.sent.push({ channel, message });
    },
  };
  return fake;
}

function fakeHandlers(): Handlers & Record<Channel, ReturnType<typeof vi.fn>> {
  return Object.fromEntries(
    CHANNELS.map((channel) => [channel, vi.fn(async (input: unknown) => ({ channel, input }))]),
  ) as never;
}

function setup(options: { afterCall?: (channel: Channel) => void } = {}) {
  const ipcMain = new FakeIpcMain();
  const handlers = fakeHandlers();
  const ours = contents();
  let current: WebContentsLike | undefined = ours;
  const window: TrustedWindow = { webContents: () => current, rendererUrl: RENDERER };
  const log = vi.fn();
  const dispose = registerIpc({ ipcMain, handlers, window, log, afterCall: options.afterCall });
  const fromUs: InvokeEventLike = { sender: ours, senderFrame: ours.mainFrame };
  return {
    ipcMain,
    handlers,
    ours,
    fromUs,
    log,
    dispose,
    setWindow: (next: WebContentsLike | undefined) => (current = next),
  };
}

/** A payload each channel's schema refuses, beyond the generic wrong-type one. */
const BAD_PAYLOADS: Partial<Record<Channel, unknown>> = {
  'accounts:add': { cookie: '' },
  'accounts:update': { id: 0, name: 'x' },
  'accounts:remove': { id: -1 },
  'accounts:reset': { id: 1.5 },
  'accounts:import': { json: 'x' },
  'accounts:checkCredits': { id: 0 },
  'accounts:test': { id: 1, protocol: 'http' },
  'settings:set': { key: '', value: 1 },
  'settings:reset': { key: 'k'.repeat(65) },
  'history:query': { limit: 100_000 },
  'history:record': { requestId: '../../etc/passwd' },
};

describe('IPC registration', () => {
  it('registers exactly one handler per contract channel, and nothing else', () => {
    const { ipcMain } = setup();
    expect(new Set(ipcMain.listeners.keys())).toEqual(new Set(Object.keys(INVOKE)));
    expect([...ipcMain.listeners.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('dispose removes every handler', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.listeners.size).toBe(0);
  });

  it('a valid call from our window reaches the handler with the parsed input', async () => {
    const { ipcMain, handlers, fromUs } = setup();
    const envelope = await ipcMain.invoke('accounts:update', fromUs, { id: 3, name: '  Work  ' });
    expect(envelope).toEqual({ ok: true, value: { channel: 'accounts:update', input: { id: 3, name: 'Work' } } });
    expect(handlers['accounts:update']).toHaveBeenCalledTimes(1);
    const status = await ipcMain.invoke('proxy:status', fromUs, undefined);
    expect(status).toMatchObject({ ok: true });
  });

  it('every channel refuses a schema-violating payload before its handler runs', async () => {
    const { ipcMain, handlers, fromUs } = setup();
    for (const channel of CHANNELS) {
      for (const bad of [42, 'a string', BAD_PAYLOADS[channel]].filter((value) => value !== undefined)) {
        const envelope = (await ipcMain.invoke(channel, fromUs, bad)) as { ok: boolean; error?: { code: string } };
        expect(envelope, `${channel} with ${JSON.stringify(bad)}`).toMatchObject({
          ok: false,
          error: { code: 'invalid_input' },
        });
      }
      expect(handlers[channel], channel).not.toHaveBeenCalled();
    }
  });

  it('refuses extra arguments', async () => {
    const { ipcMain, handlers, fromUs } = setup();
    const envelope = await ipcMain.invoke('proxy:pause', fromUs, undefined, 'extra');
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(handlers['proxy:pause']).not.toHaveBeenCalled();
  });

  it('refuses foreign senders with an envelope error, without calling the handler', async () => {
    const { ipcMain, handlers, ours, log } = setup();
    const other = contents();
    const foreign: Array<[string, InvokeEventLike]> = [
      ['another webContents', { sender: other, senderFrame: other.mainFrame }],
      [
        'an iframe in our window',
        { sender: ours, senderFrame: frame(RENDERER, { routingId: 9, parent: ours.mainFrame }) },
      ],
      ['another frame of our process', { sender: ours, senderFrame: frame(RENDERER, { routingId: 2 }) }],
      ['our frame showing a web page', { sender: ours, senderFrame: frame('https://evil.example/index.html') }],
      ['our frame showing another local file', { sender: ours, senderFrame: frame('file:///tmp/evil/index.html') }],
      ['a frame that navigated away (null senderFrame)', { sender: ours, senderFrame: null }],
    ];
    for (const [name, event] of foreign) {
      for (const channel of ['accounts:export', 'settings:generateApiKey', 'proxy:pause'] as const) {
        expect(await ipcMain.invoke(channel, event, undefined), `${name} → ${channel}`).toEqual(FORBIDDEN);
      }
    }
    for (const channel of CHANNELS) expect(handlers[channel]).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(
      expect.stringMatching(/^\[ipc\] refused accounts:export from https:\/\/evil\.example/),
    );
  });

  it('refuses calls once the window is gone or destroyed', async () => {
    const { ipcMain, handlers, ours, fromUs, setWindow } = setup();
    ours.destroyed = true;
    expect(await ipcMain.invoke('accounts:list', fromUs, undefined)).toEqual(FORBIDDEN);
    setWindow(undefined);
    expect(await ipcMain.invoke('accounts:list', fromUs, undefined)).toEqual(FORBIDDEN);
    expect(handlers['accounts:list']).not.toHaveBeenCalled();
  });

  it('accepts our main frame by process and routing id, and with a hash route', async () => {
    const { ipcMain, ours } = setup();
    const sameFrameOtherObject = frame(`${RENDERER}#/logs`);
    expect(
      await ipcMain.invoke('stats:get', { sender: ours, senderFrame: sameFrameOtherObject }, undefined),
    ).toMatchObject({ ok: true });
  });

  it('turns handler failures into envelope errors and calls afterCall only on success', async () => {
    const afterCall = vi.fn();
    const { ipcMain, handlers, fromUs } = setup({ afterCall });
    handlers['accounts:remove'].mockRejectedValueOnce(new AccountError('not_found', 'No account with id 9.'));
    expect(await ipcMain.invoke('accounts:remove', fromUs, { id: 9 })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No account with id 9.' },
    });
    expect(afterCall).not.toHaveBeenCalled();
    await ipcMain.invoke('proxy:pause', fromUs, undefined);
    expect(afterCall).toHaveBeenCalledWith('proxy:pause');
  });
});

describe('isRendererDocument', () => {
  it('compares scheme, host and decoded path; ignores query and hash', () => {
    expect(isRendererDocument(`${RENDERER}#/accounts`, RENDERER)).toBe(true);
    expect(isRendererDocument(`${RENDERER}?x=1`, RENDERER)).toBe(true);
    expect(isRendererDocument('file:///opt/Orchids Tray/resources/app.asar/dist/renderer/index.html', RENDERER)).toBe(
      true,
    );
    expect(isRendererDocument('file:///opt/Orchids%20Tray/resources/app.asar/dist/renderer/other.html', RENDERER)).toBe(
      false,
    );
    expect(isRendererDocument('https://opt/Orchids%20Tray/resources/app.asar/dist/renderer/index.html', RENDERER)).toBe(
      false,
    );
    expect(isRendererDocument('not a url', RENDERER)).toBe(false);
  });
});

describe('pushed events', () => {
  const status = { running: true, paused: false, url: 'http://127.0.0.1:3002' } as ProxyStatus;
  const report = { requestId: 'req_1', status: 200, accountId: 1 } as unknown as RequestReport;

  function push(target: ReturnType<typeof contents> | undefined) {
    let listener: ((batch: CoreEvent[]) => void) | undefined;
    const unsubscribe = vi.fn();
    const eventPush = new EventPush({
      subscribe: (l) => {
        listener = l;
        return unsubscribe;
      },
      window: { webContents: () => target, rendererUrl: RENDERER },
      status: () => status,
    });
    eventPush.start();
    return { eventPush, deliver: (batch: CoreEvent[]) => listener!(batch), unsubscribe };
  }

  it('reach the window as { name, payload } on the event channel, with a fresh status after state changes', () => {
    const target = contents();
    const { deliver } = push(target);
    deliver([
      { type: 'counts.changed', counts: [{ accountId: 1, requestCount: 5, lastUsedAt: 1 }] },
      { type: 'request.finished', report, debugLog: null, statsSeq: 1 },
      {
        type: 'account.state',
        accountId: 1,
        previous: 'ready',
        status: 'signed_out',
        reason: 'gone',
        until: null,
        at: 2,
      },
      { type: 'log.line', level: 'info', message: 'hello', at: 3 },
    ]);
    expect(target.sent).toEqual([
      {
        channel: IPC_EVENT_CHANNEL,
        message: { name: 'counts', payload: [{ accountId: 1, requestCount: 5, lastUsedAt: 1 }] },
      },
      {
        channel: IPC_EVENT_CHANNEL,
        message: {
          name: 'accountStates',
          payload: [{ accountId: 1, previous: 'ready', status: 'signed_out', reason: 'gone', until: null, at: 2 }],
        },
      },
      {
        channel: IPC_EVENT_CHANNEL,
        message: { name: 'requestsFinished', payload: [{ ...report, debugLog: null, statsSeq: 1 }] },
      },
      {
        channel: IPC_EVENT_CHANNEL,
        message: { name: 'logLines', payload: [{ level: 'info', message: 'hello', at: 3 }] },
      },
      { channel: IPC_EVENT_CHANNEL, message: { name: 'proxyStatus', payload: status } },
    ]);
  });

  it('a proxy.changed event sends the proxy status; nothing goes to a destroyed window or a foreign page', () => {
    const target = contents();
    const { deliver } = push(target);
    // A pause, a resume or a settings change: the core publishes proxy.changed, the window gets the status.
    const statusMoved = () => deliver([{ type: 'proxy.changed' }]);
    statusMoved();
    expect(target.sent).toEqual([{ channel: IPC_EVENT_CHANNEL, message: { name: 'proxyStatus', payload: status } }]);
    target.sent.length = 0;
    target.mainFrame = frame('https://evil.example/');
    deliver([{ type: 'log.line', level: 'info', message: 'secret-ish', at: 1 }]);
    statusMoved();
    target.mainFrame = frame(RENDERER);
    target.destroyed = true;
    deliver([{ type: 'log.line', level: 'info', message: 'x', at: 1 }]);
    expect(target.sent).toEqual([]);
  });

  it('survives a missing window, and dispose unsubscribes from the core', () => {
    const { eventPush, deliver, unsubscribe } = push(undefined);
    expect(() => deliver([{ type: 'log.line', level: 'info', message: 'x', at: 1 }])).not.toThrow();
    eventPush.dispose();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });
});
