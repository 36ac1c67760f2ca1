/**
 * Wires the desktop app together: Electron objects on one side, the core and the testable pieces in this folder on
 * the other. Deliberately plain: every decision worth testing lives in a module that takes fakes (ipc.ts,
 * tray-model.ts, tray.ts, window.ts, lifecycle.ts, alerts.ts, secrets.ts, login-item.ts, native-sqlite.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import { attachAppControl, type AppControl } from '../core/control/app-control';
import { proxyStatus } from '../core/control/control-service';
import { OrchidsCore } from '../core/core';
import { AccountAlerts, type StateChangeLike } from './alerts';
import { EventPush, registerIpc, type TrustedWindow } from './ipc';
import { desktopShutdownSteps, installQuitHooks, Shutdown } from './lifecycle';
import { applyLaunchAtLogin, HIDDEN_ARG } from './login-item';
import { electronSqliteBinding } from './native-sqlite';
import { chooseSecretBox } from './secrets';
import { ShellState } from './shell-state';
import { TrayController, menuTemplate, readTrayState, trayActions } from './tray';
import { trayIconFile } from './tray-model';
import { guardSession, guardWebContents, MainWindow, secureWebPreferences } from './window';

export const APP_ID = 'app.orchidstray.desktop';
/** In-flight requests get this long to finish on quit; every later step has its own bound (see core.stop). */
const QUIT_GRACE_MS = 3000;
const QUIT_DEADLINE_MS = 20_000;

export interface DesktopOptions {
  /** dist/: the preload, the renderer and the headless bridge. */
  distDir: string;
  /** Hands main.ts the function a second launch calls. */
  onReady(showWindow: () => void): void;
}

export async function runDesktop(options: DesktopOptions): Promise<void> {
  const log = (line: string): void => console.log(line);
  const platform = process.platform;
  const startHidden =
    process.argv.includes(HIDDEN_ARG) ||
    (platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true);
  let core: OrchidsCore | undefined;
  let control: AppControl | undefined;
  let tray: TrayController | undefined;
  let mainWindow: MainWindow<BrowserWindow> | undefined;
  const showWindow = (): void => void mainWindow?.show();
  const disposers: Array<() => void> = [];

  const shutdown: Shutdown = new Shutdown({
    log,
    exit: (code) => app.exit(code),
    deadlineMs: QUIT_DEADLINE_MS,
    steps: () =>
      desktopShutdownSteps(() => ({ window: mainWindow?.current, disposers, control, core, tray }), {
        graceMs: QUIT_GRACE_MS,
        coreTimeoutMs: QUIT_DEADLINE_MS - 4000,
      }),
  });
  installQuitHooks({ app, signals: process }, shutdown);
  // A tray app lives on with no window open.
  app.on('window-all-closed', () => {});
  process.on('uncaughtException', (error) => log(`[uncaught] ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (error) => log(`[unhandled rejection] ${String((error as Error)?.stack ?? error)}`));

  await app.whenReady();
  if (platform === 'win32') app.setAppUserModelId(APP_ID);
  Menu.setApplicationMenu(
    platform === 'darwin'
      ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }])
      : null,
  );

  const dataDir = app.getPath('userData');
  const assetsDir = app.isPackaged ? path.join(process.resourcesPath, 'assets') : path.join(app.getAppPath(), 'assets');
  const rendererIndex = path.join(options.distDir, 'renderer', 'index.html');
  const rendererUrl = pathToFileURL(rendererIndex).href;
  const state = new ShellState(dataDir);
  const notifications = new Set<Notification>();
  const notify = (title: string, body: string): void => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    notifications.add(notification);
    notification.on('click', showWindow);
    notification.on('close', () => notifications.delete(notification));
    notification.show();
  };

  // Secrets: the OS keychain unless Linux offers only its plaintext fallback.
  const secrets = chooseSecretBox({ safeStorage, platform, dataDir });
  if (secrets.note) log(`[secrets] ${secrets.note}`);
  else
    log(`[secrets] account cookies are sealed with the OS keychain${secrets.backend ? ` (${secrets.backend})` : ''}`);

  // better-sqlite3 built for Electron's ABI, kept apart from the Node build the tests and the CLI use.
  const binding = electronSqliteBinding({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    platform,
    arch: process.arch,
    env: process.env,
  });
  if ('missing' in binding) {
    dialog.showErrorBox(
      'Orchids Tray cannot start',
      `SQLite for Electron is missing: ${binding.missing}\n\n${binding.hint}`,
    );
    app.exit(1);
    return;
  }

  try {
    core = new OrchidsCore({ config: { dataDir }, secrets: secrets.box, nativeBinding: binding.file, log });
  } catch (error) {
    dialog.showErrorBox('Orchids Tray cannot start', (error as Error).message);
    app.exit(1);
    return;
  }
  const theCore = core;
  control = attachAppControl(theCore, { shell: 'desktop', distDir: options.distDir, log });
  // The core already reconciled sealed cookies while loading accounts; this second pass only reports.
  const reconciled = theCore.reconcileSealedSecrets();
  const locked = theCore.cache.list().filter((account) => account.status === 'locked').length;
  if (locked) log(`[secrets] ${locked} account(s) were sealed where this app cannot open them and are locked here`);
  if (reconciled.resealed) log(`[secrets] ${reconciled.resealed} account(s) re-sealed with the OS keychain`);

  const trusted: TrustedWindow = { webContents: () => mainWindow?.current?.webContents, rendererUrl };
  const eventPush = new EventPush({
    subscribe: (listener) => theCore.subscribe(listener),
    window: trusted,
    status: () => proxyStatus(theCore, 'desktop'),
  });

  // The window.
  mainWindow = new MainWindow<BrowserWindow>({
    isQuitting: () => shutdown.isQuitting,
    onHiddenToTray: () =>
      state.once('closeNoticeShown', () => {
        const message = 'Orchids Tray is still running';
        const detail =
          `It keeps serving ${theCore.server.url} from the tray. ` +
          'Quit it from the tray menu; launching it again opens this window.';
        if (Notification.isSupported()) notify(message, detail);
        else void dialog.showMessageBox({ type: 'info', message, detail, buttons: ['OK'] });
      }),
    create: () => {
      const window = new BrowserWindow({
        width: 1120,
        height: 780,
        minWidth: 760,
        minHeight: 520,
        show: false,
        title: 'Orchids Tray',
        autoHideMenuBar: true,
        backgroundColor: nativeTheme.shouldUseDarkColors ? '#16131c' : '#ffffff',
        ...(platform === 'linux' ? { icon: path.join(assetsDir, 'icon.png') } : {}),
        webPreferences: secureWebPreferences(path.join(options.distDir, 'preload', 'index.js'), {
          devTools: !app.isPackaged || process.env.ORCHIDS_TRAY_DEVTOOLS === '1',
        }),
      });
      window.webContents.on('did-finish-load', () => eventPush.pushStatus());
      if (!fs.existsSync(rendererIndex)) log(`[window] ${rendererIndex} is missing: run \`npm run build\``);
      window
        .loadFile(rendererIndex)
        .catch((error: unknown) => log(`[window] could not load the window: ${(error as Error).message}`));
      return window;
    },
  });
  guardSession(session.defaultSession, {
    isOwnContents: (contents) => contents !== null && contents === mainWindow?.current?.webContents,
  });
  app.on('web-contents-created', (_event, contents) =>
    guardWebContents(contents, { rendererUrl, openExternal: (url) => void shell.openExternal(url), log }),
  );

  // The contract over IPC, and the live stream to the window.
  let startError: string | undefined;
  const changed = (): void => {
    tray?.update();
    eventPush.pushStatus();
  };
  disposers.push(
    registerIpc({
      ipcMain,
      handlers: control.handlers,
      window: trusted,
      log,
      afterCall: (channel) => {
        if (channel === 'proxy:pause' || channel === 'proxy:resume') changed();
      },
    }),
  );
  eventPush.start();
  disposers.push(() => eventPush.dispose());

  // The tray.
  const loginItem = (enabled: boolean): void => {
    applyLaunchAtLogin(enabled, {
      platform,
      isPackaged: app.isPackaged,
      setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
      executable: process.env.APPIMAGE || process.execPath,
      log,
    });
  };
  tray = new TrayController<Electron.NativeImage, Electron.Menu>({
    createTray: (image) => new Tray(image),
    image: (iconState) => nativeImage.createFromPath(path.join(assetsDir, trayIconFile(iconState, platform))),
    menu: (items, onAction) => Menu.buildFromTemplate(menuTemplate(items, onAction)),
    state: () =>
      readTrayState(theCore, {
        startError,
        secretsNote: secrets.note ? 'Cookies sealed with a key file (no OS keychain)' : undefined,
      }),
    onAction: trayActions({
      core: theCore,
      clipboard,
      showWindow,
      quit: () => void shutdown.run('quit from the tray'),
      changed,
      log,
      platform,
    }),
    onClick: platform === 'darwin' ? undefined : showWindow,
  });

  // Notifications about accounts, and the tray following the core.
  const alerts = new AccountAlerts({
    notify: (alert) => notify(alert.title, alert.body),
    nameOf: (id) => {
      const account = theCore.cache.get(id);
      return account?.name || account?.email || `Account ${id}`;
    },
  });
  const usable = () => ({
    usable: theCore.cache.usableCount,
    total: theCore.cache.list().filter((a) => a.enabled).length,
    paused: theCore.isPaused,
  });
  disposers.push(
    theCore.subscribe((batch) => {
      tray?.update();
      const changes = batch.flatMap((event): StateChangeLike[] => (event.type === 'account.state' ? [event] : []));
      alerts.observe(changes, usable());
    }),
    theCore.cache.onChange(() => tray?.update()),
    theCore.settings.onChange((key) => {
      changed();
      if (key === 'launchAtLogin') loginItem(theCore.settings.get('launchAtLogin'));
    }),
  );

  // Start serving.
  try {
    const url = await theCore.start();
    control.announce(url);
    log(`Proxy: ${url}`);
    log(`Data: ${dataDir}`);
  } catch (error) {
    startError = (error as Error).message;
    log(`[start] ${startError}`);
    void dialog.showMessageBox({
      type: 'error',
      message: 'Orchids Tray could not start its proxy',
      detail: `${startError}\n\nChange the port or host in Settings, then quit and start Orchids Tray again.`,
      buttons: ['OK'],
    });
  }
  alerts.observe([], usable());
  loginItem(theCore.settings.get('launchAtLogin'));
  tray.start();
  if (secrets.note) state.once('keyFileNoticeShown', () => notify('Cookies are sealed with a key file', secrets.note!));
  options.onReady(showWindow);
  app.on('activate', showWindow);
  if (startHidden) mainWindow.ensure();
  else mainWindow.show();
}
