// `npm start`: the desktop app where Electron can run, otherwise the same core headless, after one line saying why.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // In plain Node, the electron package exports the path of its binary; it throws when the binary never downloaded.
    const binary = require('electron');
    return typeof binary === 'string' && fs.existsSync(binary)
      ? { binary }
      : { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)' };
  } catch {
    return { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)' };
  }
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function headless(reason) {
  process.env.ORCHIDS_TRAY_HEADLESS_REASON = reason;
  require(path.join(root, 'dist/main/headless.js')).runHeadless({ reason });
}

const forced = process.env.ORCHIDS_TRAY_HEADLESS === '1';
const electron = electronBinary();
if (forced) headless('ORCHIDS_TRAY_HEADLESS=1 is set.');
else if (!electron.binary) headless(`${electron.reason}.`);
else if (!hasDisplay()) headless('there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set).');
else {
  // The desktop app needs better-sqlite3 built for Electron's ABI (kept apart from the Node build the tests use):
  // made once, then reused until Electron or better-sqlite3 change. Without it, the same core runs headless.
  const sqlite = spawnSync(process.execPath, [path.join(root, 'scripts/rebuild-electron-sqlite.mjs'), '--if-missing'], {
    stdio: 'inherit',
  });
  if (sqlite.status !== 0) {
    headless(
      'the Electron build of better-sqlite3 is missing and could not be made (see above); ' +
        'run `node scripts/rebuild-electron-sqlite.mjs` once with internet access.',
    );
  } else {
    launch(electron.binary);
  }
}

function launch(binary) {
  if (
    !fs.existsSync(path.join(root, 'dist/renderer/index.html')) &&
    fs.existsSync(path.join(root, 'renderer/vite.config.ts'))
  ) {
    // The window's files: built once if this checkout never built them.
    spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'build:renderer'], {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // The V8 flags this node was given (package.json) go to Electron's main process too, which reads them only from
  // its command line: a 32 MB young generation cut the proxy's CPU per request by ~7% (fewer scavenges).
  const v8Flags = process.execArgv.filter((flag) => flag.startsWith('--max-semi-space-size='));
  const args = v8Flags.length > 0 ? [`--js-flags=${v8Flags.join(' ')}`, root] : [root];
  const child = spawn(binary, args, { stdio: 'inherit', env });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}
