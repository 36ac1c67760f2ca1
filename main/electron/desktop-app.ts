/**
 * Wires the desktop app together: Electron objects on one side, the core and the testable pieces in this folder on
 * the other. Deliberately plain: every decision worth testing lives in a module that takes fakes (ipc.ts,
 * tray-model.ts, tray.ts, window.ts, lifecycle.ts, alerts.ts, secrets.ts, login-item.ts, native-sqlite.ts).
 * `runDesktop` reads top to bottom as the start-up order: the steps before the core exists are below, the parts
 * wired to it in desktop-wiring.ts.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog, Menu, safeStorage } from 'electron';
import { attachAppControl, claimAppFolder, type AppControl } from '../core/control/app-control';
import type { DataFolderClaim } from '../core/control/runtime-file';
import { OrchidsCore } from '../core/core';
import { redactText } from '../core/logs/redact';
import { stopWithParent } from '../core/util/parent-watch';
import { startFailureLine } from '../core/util/start-errors';
import {
  applyLoginItem,
  connectWindow,
  createMainWindow,
  createSignIn,
  createTray,
  followCore,
  notifier,
  type Desktop,
  type Running,
} from './desktop-wiring';
import { desktopShutdownSteps, installQuitHooks, Shutdown } from './lifecycle';
import { HIDDEN_ARG } from './login-item';
import { electronSqliteBinding } from './native-sqlite';
import { chooseSecretBox, type SecretChoice } from './secrets';
import { ShellState } from './shell-state';

export const APP_ID = 'app.orchidstray.desktop';
/** In-flight requests get this long to finish on quit; every later step has its own bound (see core.stop). */
const QUIT_GRACE_MS = 3000;
const QUIT_DEADLINE_MS = 20_000;
const CANNOT_START = 'Orchids Tray cannot start';

export interface DesktopOptions {
  /** dist/: the preload, the renderer and the headless bridge. */
  distDir: string;
  /** Hands main.ts the function a second launch calls. */
  onReady(showWindow: () => void): void;
}

export async function runDesktop(options: DesktopOptions): Promise<void> {
  // Uncaught exceptions and start failures are printed here too, not only the core's (already redacted) lines.
  const log = (line: string): void => console.log(redactText(line));
  const platform = process.platform;
  const startHidden =
    process.argv.includes(HIDDEN_ARG) ||
    (platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true);
  const running: Running = { disposers: [] };
  const shutdown = installShutdown(running, log);

  await app.whenReady();
  if (platform === 'win32') app.setAppUserModelId(APP_ID);
  Menu.setApplicationMenu(
    platform === 'darwin'
      ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }])
      : null,
  );

  // The data folder is this app's before anything opens it; another app holding it ends the start here.
  const dataDir = app.getPath('userData');
  running.claim = claimFolder(dataDir);
  if (!running.claim) return;
  const opened = openCore(dataDir, platform, log);
  if (!opened) {
    running.claim.release();
    return;
  }
  running.core = opened.core;
  const showWindow = (): void => void running.mainWindow?.show();
  const desktop: Desktop = {
    log,
    platform,
    distDir: options.distDir,
    dataDir,
    assetsDir: app.isPackaged ? path.join(process.resourcesPath, 'assets') : path.join(app.getAppPath(), 'assets'),
    rendererIndex: path.join(options.distDir, 'renderer', 'index.html'),
    rendererUrl: pathToFileURL(path.join(options.distDir, 'renderer', 'index.html')).href,
    core: opened.core,
    secrets: opened.secrets,
    state: new ShellState(dataDir),
    running,
    shutdown,
    showWindow,
    notify: notifier(showWindow),
    signIn: createSignIn(opened.core, log),
  };
  running.control = attachAppControl(desktop.core, { distDir: options.distDir, log, claim: running.claim });

  running.mainWindow = createMainWindow(desktop);
  connectWindow(desktop, running.control);
  let startError: string | undefined;
  running.tray = createTray(desktop, () => startError);
  const checkUsable = followCore(desktop);

  startError = await startServing(desktop, running.control);
  checkUsable();
  applyLoginItem(desktop);
  running.tray.start();
  const { note } = desktop.secrets;
  if (note) desktop.state.once('keyFileNoticeShown', () => desktop.notify('Cookies are sealed with a key file', note));
  options.onReady(showWindow);
  app.on('activate', showWindow);
  if (startHidden) running.mainWindow.ensure();
  else running.mainWindow.show();
}

/** Every way of quitting ends in the same graceful, bounded shutdown of whatever has started. */
function installShutdown(running: Running, log: (line: string) => void): Shutdown {
  const shutdown: Shutdown = new Shutdown({
    log,
    exit: (code) => app.exit(code),
    deadlineMs: QUIT_DEADLINE_MS,
    steps: () =>
      desktopShutdownSteps(
        () => ({
          window: running.mainWindow?.current,
          disposers: running.disposers,
          control: running.control,
          core: running.core,
          tray: running.tray,
        }),
        { graceMs: QUIT_GRACE_MS, coreTimeoutMs: QUIT_DEADLINE_MS - 4000 },
      ),
  });
  installQuitHooks({ app, signals: process }, shutdown);
  // Started by npm start (scripts/start.mjs) with --exit-with-parent: its end is a quit, as headless. Where this
  // Electron opens no Node IPC channel in its main process, there is none to watch and nothing changes.
  stopWithParent(() => void shutdown.run('parent gone'));
  // A tray app lives on with no window open.
  app.on('window-all-closed', () => {});
  process.on('uncaughtException', (error) => log(`[uncaught] ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (error) => log(`[unhandled rejection] ${String((error as Error)?.stack ?? error)}`));
  return shutdown;
}

/** A headless app (or a desktop app on another Electron profile) may hold the folder: say which, and leave. */
function claimFolder(dataDir: string): DataFolderClaim | undefined {
  try {
    return claimAppFolder(dataDir, 'desktop');
  } catch (error) {
    // DataFolderInUseError names the folder and the other app's port; anything else is a folder we cannot write.
    dialog.showErrorBox(CANNOT_START, startFailureLine(error, dataDir) ?? (error as Error).message);
    app.exit(1);
    return undefined;
  }
}

/** The secret box and the Electron build of SQLite, then the core (constructed only: it opens on start). */
function openCore(
  dataDir: string,
  platform: NodeJS.Platform,
  log: (line: string) => void,
): { core: OrchidsCore; secrets: SecretChoice } | undefined {
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
    dialog.showErrorBox(CANNOT_START, `SQLite for Electron is missing: ${binding.missing}\n\n${binding.hint}`);
    app.exit(1);
    return undefined;
  }
  try {
    const core = new OrchidsCore({
      config: { dataDir },
      shell: 'desktop',
      secrets: secrets.box,
      nativeBinding: binding.file,
      log,
    }).open();
    return { core, secrets };
  } catch (error) {
    // A newer database or a folder this user cannot write: the words that say what to do, as headless prints them.
    dialog.showErrorBox(CANNOT_START, startFailureLine(error, dataDir) ?? (error as Error).message);
    app.exit(1);
    return undefined;
  }
}

/** Starts the core and tells the CLI where it listens; a failure is shown and kept for the tray to say. */
async function startServing(desktop: Desktop, control: AppControl): Promise<string | undefined> {
  try {
    const url = await desktop.core.start();
    control.announce(url);
    desktop.log(`Proxy: ${url}`);
    desktop.log(`Data: ${desktop.dataDir}`);
    return undefined;
  } catch (error) {
    const startError = (error as Error).message;
    desktop.log(`[start] ${startError}`);
    void dialog.showMessageBox({
      type: 'error',
      message: 'Orchids Tray could not start its proxy',
      detail: `${startError}\n\nChange the port or host in Settings, then quit and start Orchids Tray again.`,
      buttons: ['OK'],
    });
    return startError;
  }
}
