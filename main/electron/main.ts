/**
 * The desktop app's entry (package.json `main`, bundled to dist/main/electron/main.js). Only what must happen
 * before anything else lives here: the data folder (so the lock is per folder), sandboxing every renderer, and the
 * single-instance lock. A second launch hands over to the first, which shows its window, and leaves.
 */
import path from 'node:path';
import { app, dialog } from 'electron';

// ORCHIDS_TRAY_DATA_DIR moves everything, Electron's own userData included, so the lock guards exactly one app per
// data folder (tests and a second profile run beside the everyday instance).
const dataDirOverride = process.env.ORCHIDS_TRAY_DATA_DIR?.trim();
if (dataDirOverride) app.setPath('userData', path.resolve(dataDirOverride));
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // The first instance gets 'second-instance' and shows its window.
  app.exit(0);
} else {
  let showWindow: (() => void) | undefined;
  let pendingShow = false;
  app.on('second-instance', () => {
    if (showWindow) showWindow();
    else pendingShow = true;
  });
  // Loaded after the lock, so a second instance never opens the database or touches the core.
  import('./desktop-app')
    .then(({ runDesktop }) =>
      runDesktop({
        distDir: path.resolve(__dirname, '..', '..'),
        onReady: (show) => {
          showWindow = show;
          if (pendingShow) show();
        },
      }),
    )
    .catch((error: unknown) => {
      // Start-up failed past the cases runDesktop reports itself: say so rather than linger without a window.
      console.error(error);
      dialog.showErrorBox('Orchids Tray cannot start', (error as Error)?.stack ?? String(error));
      app.exit(1);
    });
}
