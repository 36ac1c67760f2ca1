/**
 * The desktop app started on a data folder another running app (here: a headless one) holds: it says which folder
 * and which port in a dialog and leaves, before it opens anything. Electron is a small fake; the folder is real.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { claimDataFolder, readRuntimeInfo } from '../../main/core/control/runtime-file';

const fake = vi.hoisted(() => {
  const { EventEmitter } = require('node:events') as typeof import('node:events');
  const state = { userData: '', exits: [] as number[], errors: [] as Array<[string, string]> };
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    whenReady: () => Promise.resolve(),
    getPath: () => state.userData,
    getAppPath: () => process.cwd(),
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
    setAppUserModelId: () => {},
    exit: (code: number) => void state.exits.push(code),
  });
  const unused = () => {
    throw new Error('the desktop app went past the data-folder check');
  };
  const electron = {
    app,
    Menu: { setApplicationMenu: () => {}, buildFromTemplate: unused },
    dialog: { showErrorBox: (title: string, body: string) => void state.errors.push([title, body]) },
    safeStorage: { isEncryptionAvailable: unused },
    BrowserWindow: unused,
    Tray: unused,
    Notification: unused,
    clipboard: {},
    ipcMain: {},
    nativeImage: {},
    nativeTheme: {},
    session: {},
    shell: {},
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const added: Array<[string, (...args: unknown[]) => void]> = [];
beforeAll(() => {
  fake.state.userData = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-second-'));
});
afterAll(() => {
  for (const [event, listener] of added) process.removeListener(event, listener);
  fs.rmSync(fake.state.userData, { recursive: true, force: true });
});

describe('a desktop app on a folder another app holds', () => {
  it('names the folder and the other app’s port, exits 1, and opens nothing', async () => {
    const dataDir = fake.state.userData;
    // The other app: a live process (ours) that claimed the folder and listens on 3102.
    const other = claimDataFolder(dataDir, 'headless', {}, process.ppid);
    other.announce('http://127.0.0.1:3102', 'fake-control-token-XXXX');
    const before = new Map(
      ['SIGINT', 'SIGTERM', 'uncaughtException', 'unhandledRejection'].map((e) => [e, process.listeners(e as never)]),
    );

    const { runDesktop } = await import('../../main/electron/desktop-app');
    await runDesktop({ distDir: path.resolve(__dirname, '../../dist'), onReady: () => {} });
    for (const [event, listeners] of before)
      for (const listener of process.listeners(event as never))
        if (!listeners.includes(listener)) added.push([event, listener as never]);

    expect(fake.state.exits).toEqual([1]);
    expect(fake.state.errors).toHaveLength(1);
    const [title, body] = fake.state.errors[0]!;
    expect(title).toBe('Orchids Tray cannot start');
    expect(body).toContain(`Orchids Tray is already running for the data folder ${dataDir}`);
    expect(body).toContain('port 3102');
    expect(fs.existsSync(path.join(dataDir, 'orchids-tray.db'))).toBe(false);
    expect(readRuntimeInfo(dataDir)).toMatchObject({ pid: process.ppid, port: 3102 }); // still the other app's
  });
});
