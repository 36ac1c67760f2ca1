// `npm run cli` and `npm start` build only when a source changed since the last build: a build takes seconds, and a
// `proxy status` should answer at once.
//
//   node scripts/build-if-changed.mjs    builds dist/main (scripts/build-main.mjs) if a source of the CLI is newer
//
// Changed means newer by mtime: any input file or folder (a folder's mtime moves when a file in it is added, removed
// or renamed) newer than the oldest output, or an output missing. Editing, `git checkout`, `git pull` and `npm install`
// all give what they write the time they write it, so this catches every change a checkout sees; hashing the sources
// instead would cost about what esbuild takes to build them. What it misses: a file put back with an older mtime
// (`cp -p`, an archive unpacked), and an edit saved while a build runs, after esbuild read that file; any later edit,
// or `npm run -s build:main`, rebuilds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What build-main.mjs reads: the sources its entry points import, the config esbuild reads, the build itself. */
const mainInputs = [
  'main',
  'contract',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.base.json',
  'scripts/build-main.mjs',
];

/** What `npm start` runs: the headless app, the Electron shell, its preload, the dashboard bridge and the window. */
export const appBuild = {
  inputs: [...mainInputs, 'preload', 'renderer'],
  outputs: [
    'dist/main/headless.js',
    'dist/main/electron/main.js',
    'dist/preload/index.js',
    'dist/renderer-bridge/bridge.js',
    'dist/renderer/index.html',
  ],
};

const cliBuild = { inputs: mainInputs, outputs: ['dist/main/cli.js'] };

/** Whether `outputs` (paths under the repository) are missing or older than any file or folder in `inputs`. */
export function changedSinceBuilt({ inputs, outputs }) {
  let oldestOutput = Infinity;
  for (const output of outputs) {
    const stat = fs.statSync(path.join(root, output), { throwIfNoEntry: false });
    if (!stat) return true;
    oldestOutput = Math.min(oldestOutput, stat.mtimeMs);
  }
  return inputs.some((input) => newerThan(path.join(root, input), oldestOutput));
}

function newerThan(file, time) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return false;
  if (stat.mtimeMs > time) return true;
  if (!stat.isDirectory()) return false;
  return fs.readdirSync(file).some((name) => newerThan(path.join(file, name), time));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && changedSinceBuilt(cliBuild)) {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts/build-main.mjs')], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
