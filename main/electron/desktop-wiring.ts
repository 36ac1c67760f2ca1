/**
 * The desktop app's parts once the core exists: the window, the contract over IPC and the event push, the tray,
 * notifications, launch at login. `runDesktop` (desktop-app.ts) calls these in start-up order; each takes the
 * shared `Desktop` facts and registers what it must undo in `running.disposers`.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  session,
  shell,
  Tray,
} from 'electron';
import type { Handlers } from '../../contract/api';
import type { AppControl } from '../core/control/app-control';
import type { DataFolderClaim } from '../core/control/runtime-file';
import type { OrchidsCore } from '../core/core';
import { switchWord } from '../core/util/switch-word';
import { AccountAlerts, type StateChangeLike } from './alerts';
import { EventPush, registerIpc, type TrustedWindow } from './ipc';
import type { Shutdown } from './lifecycle';
import { applyLaunchAtLogin } from './login-item';
import type { SecretChoice } from './secrets';
import type { ShellState } from './shell-state';
import { SignInWindows } from './sign-in';
import { browserUserAgent } from './sign-in-policy';
import { TrayController, menuTemplate, readTrayState, trayActions } from './tray';
import { trayIconFile } from './tray-model';
import { guardSession, guardWebContents, MAIN_WINDOW_SIZE, MainWindow, secureWebPreferences } from './window';
import { attachZoomKeys, restoredZoomFactor } from './zoom-keys';

/** What exists so far; the shutdown reads it when it runs, so it stops whatever start-up got to. */
export interface Running {
  claim?: DataFolderClaim;
  control?: AppControl;
  core?: OrchidsCore;
  tray?: TrayController;
  mainWindow?: MainWindow<BrowserWindow>;
  disposers: Array<() => void>;
}

/** The shared facts every step needs. */
export interface Desktop {
  log: (line: string) => void;
  platform: NodeJS.Platform;
  distDir: string;
  dataDir: string;
  assetsDir: string;
  rendererIndex: string;
  rendererUrl: string;
  core: OrchidsCore;
  secrets: SecretChoice;
  state: ShellState;
  running: Running;
  shutdown: Shutdown;
  showWindow: () => void;
  notify: (title: string, body: string) => void;
  signIn: SignInWindows;
}

/** "Sign in with Orchids" windows: a fresh in-memory partition each, reading only Clerk's `__client` cookie. */
export function createSignIn(core: OrchidsCore, log: (line: string) => void): SignInWindows {
  return new SignInWindows({
    fromPartition: (partition) => session.fromPartition(partition, { cache: false }),
    createWindow: (options) => new BrowserWindow(options),
    openExternal: (url) => void shell.openExternal(url),
    addAccount: (input) => core.accounts.add(input),
    clerkHost: new URL(core.config.clerkUrl).hostname,
    userAgent: browserUserAgent(app.userAgentFallback, process.versions.chrome ?? ''),
    log,
  });
}

export function notifier(showWindow: () => void): (title: string, body: string) => void {
  const notifications = new Set<Notification>();
  return (title, body) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    // Held until closed: a notification garbage-collected early loses its click handler.
    notifications.add(notification);
    notification.on('click', showWindow);
    notification.on('close', () => notifications.delete(notification));
    notification.show();
  };
}

/** The window: created on first show, locked down, hidden to the tray on close. */
export function createMainWindow(desktop: Desktop): MainWindow<BrowserWindow> {
  const { core, platform, rendererIndex, rendererUrl, log } = desktop;
  const mainWindow = new MainWindow<BrowserWindow>({
    isQuitting: () => desktop.shutdown.isQuitting,
    onHiddenToTray: () =>
      desktop.state.once('closeNoticeShown', () => {
        const message = 'Orchids Tray is still running';
        const detail =
          `It keeps serving ${core.proxy.url} from the tray. ` +
          'Quit it from the tray menu; launching it again opens this window.';
        if (Notification.isSupported()) desktop.notify(message, detail);
        else void dialog.showMessageBox({ type: 'info', message, detail, buttons: ['OK'] });
      }),
    create: () => {
      const window = new BrowserWindow({
        ...MAIN_WINDOW_SIZE,
        show: false,
        title: 'Orchids Tray',
        autoHideMenuBar: true,
        backgroundColor: nativeTheme.shouldUseDarkColors ? '#16131c' : '#ffffff',
        ...(platform === 'linux' ? { icon: path.join(desktop.assetsDir, 'icon.png') } : {}),
        webPreferences: secureWebPreferences(path.join(desktop.distDir, 'preload', 'index.js'), {
          // An unclear word is off: developer tools in an installed app are asked for, never guessed.
          devTools: !app.isPackaged || switchWord(process.env.ORCHIDS_TRAY_DEVTOOLS ?? '') === true,
        }),
      });
      // No View menu, so no built-in zoom accelerators: the window has its own, remembered across runs.
      attachZoomKeys(window.webContents, {
        platform,
        initial: restoredZoomFactor(desktop.state.get('zoomFactor')),
        onChange: (factor) => desktop.state.set('zoomFactor', factor),
      });
      if (!fs.existsSync(rendererIndex)) log(`[window] ${rendererIndex} is missing: run \`npm run build\``);
      window
        .loadFile(rendererIndex)
        .catch((error: unknown) => log(`[window] could not load the window: ${(error as Error).message}`));
      return window;
    },
  });
  guardSession(session.defaultSession, {
    isOwnContents: (contents) => contents !== null && contents === mainWindow.current?.webContents,
  });
  app.on('web-contents-created', (_event, contents) => {
    // A sign-in window has its own guard (sign-in.ts): it must reach Orchids' pages, which this one forbids.
    if (desktop.signIn.owns(contents.session)) return;
    guardWebContents(contents, { rendererUrl, openExternal: (url) => void shell.openExternal(url), log });
  });
  return mainWindow;
}

/** The contract over IPC, and the core's event stream to the window (status pushes included). */
export function connectWindow(desktop: Desktop, control: AppControl): void {
  const { core, running } = desktop;
  const trusted: TrustedWindow = {
    webContents: () => running.mainWindow?.current?.webContents,
    rendererUrl: desktop.rendererUrl,
  };
  const eventPush = new EventPush({
    subscribe: (listener) => core.subscribe(listener),
    window: trusted,
    status: () => core.proxy.status(),
  });
  // Only our window's IPC gets the sign-in window; the CLI and browsers (HTTP) hear that it needs the desktop app.
  const handlers: Handlers = {
    ...control.handlers,
    'accounts:signIn': (input) => desktop.signIn.signIn(input),
    'accounts:refreshSignIn': ({ id }) => desktop.signIn.refresh(id),
  };
  running.disposers.push(
    () => desktop.signIn.closeAll(),
    registerIpc({
      ipcMain,
      handlers,
      window: trusted,
      log: desktop.log,
      afterCall: () => running.tray?.update(),
    }),
  );
  eventPush.start();
  running.disposers.push(() => eventPush.dispose());
}

export function createTray(desktop: Desktop, startError: () => string | undefined): TrayController {
  const { core, platform, assetsDir, running } = desktop;
  return new TrayController<Electron.NativeImage, Electron.Menu>({
    createTray: (image) => new Tray(image),
    image: (iconState) => nativeImage.createFromPath(path.join(assetsDir, trayIconFile(iconState, platform))),
    menu: (items, onAction) => Menu.buildFromTemplate(menuTemplate(items, onAction)),
    state: () =>
      readTrayState(core, {
        startError: startError(),
        secretsNote: desktop.secrets.note ? 'Cookies sealed with a key file (no OS keychain)' : undefined,
      }),
    onAction: trayActions({
      core,
      clipboard,
      showWindow: desktop.showWindow,
      quit: () => void desktop.shutdown.run('quit from the tray'),
      changed: () => running.tray?.update(),
      log: desktop.log,
      platform,
    }),
    onClick: platform === 'darwin' ? undefined : desktop.showWindow,
  });
}

/**
 * The tray and the notifications follow the core: its event stream (states, pauses, settings) and account edits.
 * Returns the check to run once serving started, so "no account can serve" is known from the first moment.
 */
export function followCore(desktop: Desktop): () => void {
  const { core, running } = desktop;
  const alerts = new AccountAlerts({
    notify: (alert) => desktop.notify(alert.title, alert.body),
    nameOf: (id) => {
      const account = core.accounts.list().find((a) => a.id === id);
      return account?.name || account?.email || `Account ${id}`;
    },
  });
  const usable = () => {
    const status = core.proxy.status();
    return { usable: status.accounts.usable, total: status.accounts.enabled, paused: status.paused };
  };
  running.disposers.push(
    core.subscribe((batch) => {
      running.tray?.update();
      const changes = batch.flatMap((event): StateChangeLike[] => (event.type === 'account.state' ? [event] : []));
      alerts.observe(changes, usable());
    }),
    core.accounts.onChange(() => running.tray?.update()),
    core.settings.onChange((key) => {
      if (key === 'launchAtLogin') applyLoginItem(desktop);
    }),
  );
  return () => alerts.observe([], usable());
}

export function applyLoginItem(desktop: Desktop): void {
  applyLaunchAtLogin(desktop.core.settings.get('launchAtLogin'), {
    platform: desktop.platform,
    isPackaged: app.isPackaged,
    setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    executable: process.env.APPIMAGE || process.execPath,
    log: desktop.log,
  });
}
