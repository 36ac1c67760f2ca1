// `npm start` and `npm run headless`. The first line says which app runs ("Desktop app", or "Running headless:" and
// why); then the app is built, quietly (its output shows only when the build fails, or with --verbose), when a source
// changed since the last build (scripts/build-if-changed.mjs), and run: the desktop app where Electron can run,
// otherwise the same core headless.
//
//   node scripts/start.mjs [--headless] [--verbose] [app arguments, e.g. --hidden]
//
// The node flags the app runs with live in package.json's `config.nodeFlags`, read here and by the benchmark, so
// both measure and run the same thing.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appBuild, buildApp, changedSinceBuilt, recordBuilt } from './build-if-changed.mjs';
import { withTypedInPaths } from './typed-in.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const appArgs = args.filter((arg) => arg !== '--verbose' && arg !== '--headless');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nodeFlags = String(pkg.config?.nodeFlags ?? '')
  .split(/\s+/)
  .filter(Boolean);
// The C allocator's settings (package.json `config.appEnv`, which the benchmark reads too). glibc reads them once, as
// the process starts, so the app cannot set them for itself: they are given to the child here. With glibc's
// defaults, memory freed after a burst of large request bodies stays with the process: its threshold for giving
// big blocks their own mapping rises to 32 MB once such a block is freed, so later bodies come from the arenas,
// which keep what is freed. A fixed 4 MB threshold returns every large body's memory when it is freed, and two
// arenas instead of up to 16 keep less idle memory after streaming bursts (figures in the README). A value the user
// has set is kept. A relative data folder or CA file is read from the folder `npm start` was typed in, as `npm run
// cli` reads it (typed-in.mjs), not from the project's root where npm runs this script.
const appEnv = { ...parseEnv(pkg.config?.appEnv), ...withTypedInPaths(process.env) };

// The app's stdio is ours, plus an IPC channel: killed with SIGKILL (an IDE's stop button, `kill -9`), this script
// forwards nothing, and the app, given this argument, stops gracefully when the channel ends (the operating system
// closes it with us; main/core/util/parent-watch.ts says why a channel). Only these scripts opt in: the app run
// directly is not affected.
const EXIT_WITH_PARENT = '--exit-with-parent';
const withParentChannel = ['inherit', 'inherit', 'inherit', 'ipc'];

const mode = chooseMode();
console.log(mode.desktop ? 'Desktop app' : `Running headless: ${mode.reason}`);
if (changedSinceBuilt(appBuild)) {
  buildApp({ verbose });
  recordBuilt(appBuild);
}
if (mode.desktop) {
  const sqlite = await electronSqlite();
  if (sqlite.ok) launchDesktop(mode.desktop);
  else {
    process.stdout.write(sqlite.output);
    console.log(
      'Running headless: the Electron build of better-sqlite3 is missing and could not be made (see above); ' +
        'run `node scripts/rebuild-electron-sqlite.mjs` once with internet access.',
    );
    launchHeadless();
  }
} else {
  launchHeadless();
}

function chooseMode() {
  if (args.includes('--headless')) return { reason: 'asked for with npm run headless.' };
  const headless = process.env.ORCHIDS_TRAY_HEADLESS?.trim() ?? '';
  // The on/off words of every other switch (main/core/util/switch-word.ts; this script runs before any build).
  if (/^(1|true|yes|on)$/i.test(headless)) return { reason: `ORCHIDS_TRAY_HEADLESS=${headless} is set.` };
  if (headless !== '' && !/^(0|false|no|off)$/i.test(headless)) {
    console.error(`ORCHIDS_TRAY_HEADLESS is "${headless}": use 1 (or true, yes, on) or 0 (false, no, off).`);
    process.exit(2);
  }
  const binary = electronBinary();
  if (!binary) return { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD).' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set).' };
  return { desktop: binary };
}

function electronBinary() {
  try {
    // In plain Node, the electron package exports the path of its binary; it throws when the binary never downloaded.
    const binary = require('electron');
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The desktop app needs better-sqlite3 built for Electron's ABI (kept apart from the Node build the tests use): made
 * once, then reused until Electron or better-sqlite3 change. Silent when it is there; one line when it is made.
 */
function electronSqlite() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/rebuild-electron-sqlite.mjs'), '--if-missing'], {
      cwd: root,
      stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let announced = false;
    const collect = (chunk) => {
      if (!announced) {
        announced = true;
        console.log('Making better-sqlite3 for Electron (first start only; it needs internet access once)…');
      }
      output += chunk;
    };
    child.stdout?.setEncoding('utf8').on('data', collect);
    child.stderr?.setEncoding('utf8').on('data', collect);
    child.on('error', (error) => resolve({ ok: false, output: `${output}${error.message}\n` }));
    child.on('exit', (code) => resolve({ ok: code === 0, output }));
  });
}

function launchDesktop(binary) {
  const env = { ...appEnv };
  delete env.ELECTRON_RUN_AS_NODE;
  // Electron's main process reads V8 flags only from its command line.
  const jsFlags = nodeFlags.length > 0 ? [`--js-flags=${nodeFlags.join(' ')}`] : [];
  // The same opt-in as headless (below). DECISION: given to Electron too, where the desktop app listens for it the
  // same way; an Electron that opens no Node IPC channel in its main process just never sees one, and runs as before.
  follow(spawn(binary, [...jsFlags, root, ...appArgs, EXIT_WITH_PARENT], { stdio: withParentChannel, env }));
}

function launchHeadless() {
  follow(
    spawn(process.execPath, [...nodeFlags, path.join(root, 'dist/main/headless.js'), ...appArgs, EXIT_WITH_PARENT], {
      stdio: withParentChannel,
      env: appEnv,
    }),
    // The headless app's start line names its own pid for SIGUSR2 (a fresh dashboard link); one sent here instead,
    // to the process `npm start` shows, would otherwise end this one (SIGUSR2's default) and orphan the app.
    process.platform === 'win32' ? [] : ['SIGUSR2'],
  );
}

/** `NAME=value NAME2=value2` as an object. */
function parseEnv(text) {
  return Object.fromEntries(
    String(text ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

/**
 * The app is a child (it needs its own node flags): its exit is ours, and a signal sent to this process reaches it.
 * A Ctrl+C in a terminal reaches both at once; the app counts signals a moment apart as one.
 */
function follow(child, alsoForward = []) {
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const signal of ['SIGINT', 'SIGTERM', ...alsoForward]) process.on(signal, () => child.kill(signal));
}
