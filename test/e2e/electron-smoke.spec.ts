/**
 * The desktop app, launched for real through Playwright's `_electron`: the window opens on the Overview, the page
 * is isolated (no Node), and the contract answers over IPC from the main process. Runs where an Electron binary
 * exists (and, on Linux, a display); reports itself skipped, with the reason, everywhere else.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { freePort } from '../helpers/processes';

const root = path.resolve(__dirname, '..', '..');

function electronBinary(): { path?: string; reason?: string } {
  try {
    // In Node, the electron package exports its binary's path; it throws when the binary was never downloaded.
    const binary = require('electron') as unknown;
    if (typeof binary === 'string' && fs.existsSync(binary)) return { path: binary };
    return { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)' };
  } catch {
    return { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)' };
  }
}

const binary = electronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skipReason = binary.reason ?? (hasDisplay ? undefined : 'no display (run under xvfb-run, or set DISPLAY)');

function prepare(): void {
  // The main bundle is quick to make; the Electron build of better-sqlite3 is made once (needs internet once).
  if (!fs.existsSync(path.join(root, 'dist/main/electron/main.js'))) {
    const build = spawnSync(process.execPath, ['scripts/build-main.mjs'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('node scripts/build-main.mjs failed');
  }
  if (!fs.existsSync(path.join(root, 'dist/renderer/index.html'))) {
    throw new Error('dist/renderer/index.html is missing: run `npm run build` before the Electron smoke test.');
  }
  const sqlite = spawnSync(process.execPath, ['scripts/rebuild-electron-sqlite.mjs', '--if-missing'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (sqlite.status !== 0) throw new Error('node scripts/rebuild-electron-sqlite.mjs failed (see its output above).');
}

test.describe('desktop app (Electron)', () => {
  // The reason is printed at the end of the run (test/e2e/skip-reasons-reporter.ts).
  test.skip(skipReason !== undefined, skipReason);

  let app: ElectronApplication | undefined;
  let dataDir: string;

  test.afterEach(async () => {
    // close() quits through the app's graceful shutdown, which exits the process.
    await app?.close().catch(() => undefined);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('opens its window on the Overview, isolated, with the contract answering over IPC', async () => {
    test.setTimeout(120_000);
    prepare();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-tray-electron-e2e-'));
    const port = await freePort();
    const args = [root];
    // Chromium refuses to run as root with its sandbox (CI containers); the renderer stays sandboxed by Electron.
    if (process.platform === 'linux' && process.getuid?.() === 0) args.unshift('--no-sandbox');
    app = await electron.launch({
      executablePath: binary.path,
      args,
      env: {
        ...process.env,
        ORCHIDS_TRAY_DATA_DIR: dataDir,
        ORCHIDS_TRAY_PORT: String(port),
        ELECTRON_ENABLE_LOGGING: '1',
      },
      timeout: 60_000,
    });

    const window = await app.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    expect(new URL(window.url()).pathname).toMatch(/\/dist\/renderer\/index\.html$/);
    await expect(window.getByText('Overview', { exact: false }).first()).toBeVisible({ timeout: 30_000 });

    // The page has the contract, and nothing of Node.
    const page = await window.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      orchids: typeof (globalThis as { orchids?: { proxy?: { status?: unknown } } }).orchids?.proxy?.status,
    }));
    expect(page).toEqual({ require: 'undefined', process: 'undefined', orchids: 'function' });

    // A round trip through the preload, the sender check and the core.
    const status = await window.evaluate(() =>
      (
        globalThis as unknown as {
          orchids: { proxy: { status(): Promise<{ running: boolean; shell: string; url: string; dataDir: string }> } };
        }
      ).orchids.proxy.status(),
    );
    expect(status).toMatchObject({ running: true, shell: 'desktop', url: `http://127.0.0.1:${port}` });
    expect(path.resolve(status.dataDir)).toBe(path.resolve(dataDir));

    // Main refuses navigation away from the renderer: the page stays where it is.
    await window.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await window.waitForTimeout(500);
    expect(new URL(window.url()).protocol).toBe('file:');

    // The proxy itself answers on the port the window shows.
    const health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    expect(health?.status).toBeLessThan(500);
  });
});
