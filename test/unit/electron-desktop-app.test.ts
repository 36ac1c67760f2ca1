/**
 * The desktop wiring (main/electron/desktop-app.ts) run in Node against a fake `electron` module and a real core:
 * what the app registers, shows and does on quit, without an Electron binary. The fake is deliberately small: each
 * piece records what the app asked of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS, IPC_EVENT_CHANNEL } from '../../contract/channels';
import { RUNTIME_FILE } from '../../main/core/control/runtime-file';
import { freePort } from '../helpers/processes';
import { until } from '../helpers/wait';

const fake = vi.hoisted(() => {
  // vi.hoisted runs before imports: only what it requires itself is available here.
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const { pathToFileURL: toUrl } = require('node:url') as typeof import('node:url');
  const state = {
    userData: '',
    backend: 'gnome_libsecret',
    exits: [] as number[],
    trays: [] as Array<{
      image: { path: string };
      tooltip: string;
      menu: { template: Array<Record<string, unknown>> };
      destroyed: boolean;
    }>,
    windows: [] as Array<InstanceType<typeof FakeWindow>>,
    notifications: [] as Array<{ title: string; body: string }>,
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
    clipboard: [] as string[],
    dialogs: [] as unknown[],
    partitions: new Map<string, InstanceType<typeof Emitter> & { cookies: InstanceType<typeof Emitter> }>(),
  };
  class FakeContents extends Emitter {
    constructor(readonly session: unknown) {
      super();
    }
    mainFrame = { url: 'about:blank', processId: 4, routingId: 1, parent: null };
    sent: Array<{ channel: string; message: { name: string; payload: unknown } }> = [];
    isDestroyed = () => false;
    send = (channel: string, message: { name: string; payload: unknown }) => void this.sent.push({ channel, message });
    setWindowOpenHandler = () => {};
    zoomFactor = 1;
    getZoomFactor = () => this.zoomFactor;
    setZoomFactor = (factor: number) => void (this.zoomFactor = factor);
  }
  class FakeWindow extends Emitter {
    webContents: FakeContents;
    visible = false;
    destroyed = false;
    loadedUrls: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      super();
      const partition = (options.webPreferences as { partition?: string } | undefined)?.partition;
      this.webContents = new FakeContents(partition ? state.partitions.get(partition) : defaultSession);
      state.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      this.loadedUrls.push(url);
      return Promise.resolve();
    }
    loadFile(file: string) {
      this.webContents.mainFrame.url = toUrl(file).href;
      this.webContents.emit('did-finish-load');
      return Promise.resolve();
    }
    show() {
      this.visible = true;
    }
    hide() {
      this.visible = false;
    }
    focus() {}
    isMinimized() {
      return false;
    }
    restore() {}
    isDestroyed() {
      return this.destroyed;
    }
    close() {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (!prevented) {
        this.destroyed = true;
        this.emit('closed');
      }
    }
  }
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    whenReady: () => Promise.resolve(),
    getPath: () => state.userData,
    getAppPath: () => process.cwd(),
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
    setLoginItemSettings: () => {},
    setAppUserModelId: () => {},
    exit: (code: number) => void state.exits.push(code),
    quit: () => {},
  });
  class Tray {
    tooltip = '';
    menu = { template: [] as Array<Record<string, unknown>> };
    destroyed = false;
    constructor(public image: { path: string }) {
      state.trays.push(this);
    }
    setImage(image: { path: string }) {
      this.image = image;
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu(menu: { template: Array<Record<string, unknown>> }) {
      this.menu = menu;
    }
    on() {}
    destroy() {
      this.destroyed = true;
    }
  }
  class Notification extends Emitter {
    static isSupported = () => true;
    constructor(readonly options: { title: string; body: string }) {
      super();
    }
    show() {
      state.notifications.push({ title: this.options.title, body: this.options.body });
    }
  }
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  const defaultSession = Object.assign(new Emitter(), {
    setPermissionRequestHandler: () => {},
    setPermissionCheckHandler: () => {},
    webRequest: { onHeadersReceived: () => {} },
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Tray,
    Notification,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: () => {} },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    nativeTheme: { shouldUseDarkColors: false },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => state.backend,
      encryptString: (plain: string) => xor(Buffer.from(`kc:${plain}`)),
      decryptString: (cipher: Buffer) => xor(cipher).toString().slice(3),
    },
    session: {
      defaultSession,
      fromPartition: (partition: string) => {
        const session = Object.assign(new Emitter(), {
          cookies: new Emitter(),
          setPermissionRequestHandler: () => {},
          setPermissionCheckHandler: () => {},
          setUserAgent: () => {},
          clearStorageData: () => Promise.resolve(),
          clearCache: () => Promise.resolve(),
        });
        state.partitions.set(partition, session);
        return session;
      },
    },
    shell: { openExternal: () => Promise.resolve() },
    clipboard: { writeText: (text: string) => void state.clipboard.push(text) },
    dialog: {
      showErrorBox: (...a: unknown[]) => void state.dialogs.push(a),
      showMessageBox: (...a: unknown[]) => (state.dialogs.push(a), Promise.resolve({ response: 0 })),
    },
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) =>
        void state.handlers.set(channel, listener),
      removeHandler: (channel: string) => void state.handlers.delete(channel),
    },
  };
  return { state, electron, app };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const root = path.resolve(__dirname, '../..');
const { state, app } = fake;
let port: number;
let ready: (() => void) | undefined;
const addedListeners: Array<[string, (...args: unknown[]) => void]> = [];

const menuLabels = () => state.trays[0]!.menu.template.map((item) => (item.type === 'separator' ? '---' : item.label));
const menuItem = (label: string) => state.trays[0]!.menu.template.find((item) => item.label === label)!;
const window = () => state.windows[0]!;
const fromWindow = () => ({ sender: window().webContents, senderFrame: window().webContents.mainFrame });

beforeAll(async () => {
  state.userData = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-desktop-'));
  // Zoomed to 150% in a previous run: the window comes back at 150%.
  fs.writeFileSync(path.join(state.userData, 'desktop-state.json'), JSON.stringify({ zoomFactor: 1.5 }));
  state.backend = 'basic_text'; // Linux without a keyring: the key-file fallback, reported
  port = await freePort();
  vi.stubEnv('ORCHIDS_TRAY_PORT', String(port));
  vi.stubEnv(
    'ORCHIDS_TRAY_SQLITE_BINDING',
    path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
  );
  vi.spyOn(process, 'platform', 'get').mockReturnValue('linux');
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const before = new Map(
    ['SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection'].map((e) => [e, process.listeners(e as never)]),
  );
  const { runDesktop } = await import('../../main/electron/desktop-app');
  await runDesktop({ distDir: path.join(root, 'dist'), onReady: (show) => (ready = show) });
  for (const [event, listeners] of before) {
    for (const listener of process.listeners(event as never))
      if (!listeners.includes(listener)) addedListeners.push([event, listener as never]);
  }
}, 30_000);

afterAll(() => {
  for (const [event, listener] of addedListeners) process.removeListener(event, listener);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  fs.rmSync(state.userData, { recursive: true, force: true });
});

describe('desktop app wiring (fake Electron, real core)', () => {
  it('starts the core, announces it for the CLI, opens the window with locked-down preferences', async () => {
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(fs.readFileSync(path.join(state.userData, RUNTIME_FILE), 'utf8'))).toMatchObject({
      url: `http://127.0.0.1:${port}`,
      shell: 'desktop',
    });
    expect(state.windows).toHaveLength(1);
    expect(window().visible).toBe(true);
    expect(window().webContents.mainFrame.url).toBe(pathToFileURL(path.join(root, 'dist/renderer/index.html')).href);
    expect(window().options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect((window().options.webPreferences as { preload: string }).preload).toBe(
      path.join(root, 'dist/preload/index.js'),
    );
  });

  it('registers every contract channel, answers our window and refuses others', async () => {
    expect([...state.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    const status = (await state.handlers.get('proxy:status')!(fromWindow(), undefined)) as {
      ok: boolean;
      value: Record<string, unknown>;
    };
    expect(status).toMatchObject({
      ok: true,
      value: { running: true, paused: false, shell: 'desktop', url: `http://127.0.0.1:${port}` },
    });
    const stranger = {
      sender: {},
      senderFrame: { url: 'https://evil.example/', processId: 9, routingId: 1, parent: null },
    };
    expect(await state.handlers.get('accounts:export')!(stranger, undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await state.handlers.get('accounts:remove')!(fromWindow(), { id: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('falls back to the key file on basic_text and says so: log, notification, tray line', () => {
    expect(fs.existsSync(path.join(state.userData, 'secret.key'))).toBe(true);
    expect(state.notifications).toContainEqual(
      expect.objectContaining({ title: 'Cookies are sealed with a key file' }),
    );
    expect(menuLabels()).toContain('Cookies sealed with a key file (no OS keychain)');
  });

  it('shows the tray in trouble (no accounts) with the full menu', () => {
    const tray = state.trays[0]!;
    expect(tray.image.path).toBe(path.join(root, 'assets/tray/linux/tray-trouble-32.png'));
    expect(tray.tooltip).toContain(`http://127.0.0.1:${port}`);
    expect(menuLabels()).toEqual([
      'No accounts: Add an Orchids account to start serving requests',
      `http://127.0.0.1:${port} · today 0 requests`,
      'Cookies sealed with a key file (no OS keychain)',
      '---',
      'Open Orchids Tray',
      'Copy base URL',
      'Copy Claude Code setup',
      '---',
      'Pause proxy',
      'Debug logging',
      'Launch at login',
      '---',
      'Quit',
    ]);
  });

  it('tray actions drive the core and the window follows: pause, copy setup with the key, settings', async () => {
    window().webContents.sent.length = 0;
    (menuItem('Pause proxy').click as () => void)();
    // The status reaches the window the way every status does: from the core's event stream.
    const pushed = () =>
      window().webContents.sent.filter((s) => s.channel === IPC_EVENT_CHANNEL && s.message.name === 'proxyStatus');
    await until(() => pushed().length > 0, { what: 'a proxyStatus push to the window' });
    expect(pushed().at(-1)!.message.payload).toMatchObject({ paused: true });
    await until(() => /tray-paused-32\.png$/.test(state.trays[0]!.image.path), { what: 'the paused tray icon' });
    expect(state.trays[0]!.image.path).toMatch(/tray-paused-32\.png$/);
    expect(menuLabels()).toContain('Resume proxy');

    // The window changes a setting over IPC: the tray's checkbox follows.
    await state.handlers.get('settings:set')!(fromWindow(), { key: 'debugLogs', value: true });
    await until(() => menuItem('Debug logging').checked === true, { what: 'the Debug logging item to be checked' });
    expect(menuItem('Debug logging').checked).toBe(true);

    const generated = (await state.handlers.get('settings:generateApiKey')!(fromWindow(), undefined)) as {
      value: { apiKey: string };
    };
    (menuItem('Copy Claude Code setup').click as () => void)();
    expect(state.clipboard.at(-1)).toBe(
      `export ANTHROPIC_BASE_URL=http://127.0.0.1:${port}\nexport ANTHROPIC_API_KEY=${generated.value.apiKey}\n` +
        'export CLAUDE_CODE_ENABLE_TASKS=false\n',
    );

    // Resume from the window: the tray follows.
    await state.handlers.get('proxy:resume')!(fromWindow(), undefined);
    await until(() => menuLabels().includes('Pause proxy'), { what: 'a "Pause proxy" item in the tray menu' });
    expect(menuLabels()).toContain('Pause proxy');
  });

  it('closing hides to the tray and says so once; a second launch shows the window again', () => {
    const before = state.notifications.length;
    window().close();
    expect(window().visible).toBe(false);
    expect(window().destroyed).toBe(false);
    window().show();
    window().close();
    expect(state.notifications.slice(before)).toEqual([
      expect.objectContaining({ title: 'Orchids Tray is still running' }),
    ]);
    ready!();
    expect(window().visible).toBe(true);
  });

  it('the window comes back at the remembered zoom; Ctrl + "=" zooms a step and is remembered', () => {
    expect(window().webContents.zoomFactor).toBe(1.5);
    let prevented = false;
    const input = { type: 'keyDown', key: '=', code: 'Equal', control: true, meta: false, alt: false, shift: false };
    window().webContents.emit('before-input-event', { preventDefault: () => (prevented = true) }, input);
    expect(prevented).toBe(true);
    expect(window().webContents.zoomFactor).toBe(1.75);
    const saved = JSON.parse(fs.readFileSync(path.join(state.userData, 'desktop-state.json'), 'utf8')) as unknown;
    expect(saved).toMatchObject({ zoomFactor: 1.75 });
  });

  it('Sign in with Orchids: a window with its own partition and guard; HTTP clients hear desktop_only', async () => {
    const signIn = state.handlers.get('accounts:signIn')!(fromWindow(), {});
    const signInWindow = state.windows.at(-1)!;
    expect(signInWindow).not.toBe(window());
    const { partition } = signInWindow.options.webPreferences as { partition: string };
    expect(partition).toMatch(/^orchids-sign-in-/);
    expect(signInWindow.webContents.session).toBe(state.partitions.get(partition));
    expect(signInWindow.loadedUrls).toEqual(['https://accounts.orchids.app/sign-in']);
    // Only the sign-in guard: the main window's would send every Orchids page to the system browser.
    expect(signInWindow.webContents.listenerCount('will-navigate')).toBe(1);
    expect(window().webContents.listenerCount('will-navigate')).toBe(1);
    expect(await state.handlers.get('accounts:signIn')!(fromWindow(), {})).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });
    signInWindow.close();
    expect(await signIn).toEqual({ ok: true, value: { outcome: 'cancelled' } });

    const viaHttp = await fetch(`http://127.0.0.1:${port}/_tray/api/accounts:refreshSignIn`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-orchids-tray': '1',
        authorization: `Bearer ${fs.readFileSync(path.join(state.userData, 'control-token'), 'utf8').trim()}`,
      },
      body: JSON.stringify({ input: { id: 1 } }),
    });
    expect(await viaHttp.json()).toMatchObject({ ok: false, error: { code: 'desktop_only' } });
  });

  it('quit: before-quit is held, the graceful stop runs, the runtime file goes, the app exits 0', async () => {
    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await until(() => state.exits.length > 0, { what: 'the app to exit', timeoutMs: 15_000 });
    expect(state.exits).toEqual([0]);
    expect(fs.existsSync(path.join(state.userData, RUNTIME_FILE))).toBe(false);
    expect(state.trays[0]!.destroyed).toBe(true);
    expect(state.handlers.size).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    // While quitting, closing the window really closes it.
    window().close();
    expect(window().destroyed).toBe(true);
  }, 20_000);
});
