// `npm start`: the desktop app where Electron can run, otherwise the same core headless, after one line saying why.
import { spawn } from 'node:child_process';
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
    return typeof binary === 'string' && fs.existsSync(binary) ? { binary } : { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD)' };
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
  const child = spawn(electron.binary, [root], { stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}
