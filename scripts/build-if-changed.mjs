// `npm run cli` and `npm start` build only when a source changed since the last build: a build takes seconds, and a
// `proxy status` should answer at once.
//
//   node scripts/build-if-changed.mjs    builds dist/main (scripts/build-main.mjs) if a source of the CLI changed
//
// Changed is asked by mtime first: any input file or folder (a folder's mtime moves when a file in it is added, removed
// or renamed) newer than the oldest output, or an output missing. Editing, `git checkout`, `git pull` and `npm install`
// all give what they write the time they write it, so this catches every change a checkout sees, but also what git
// rewrites unchanged (a branch switch and back). So where the mtimes say changed, the inputs' content is hashed and
// compared with the hash recorded beside the outputs at the last build here. DECISION: a hash, not mtimes alone: on
// this tree (about 350 files, 2.3 MB) it cost 20–85 ms on a 2-core machine (50–330 ms with a load average of 20),
// against seconds for a build, and only when an mtime moved. A record counts only while the outputs keep the mtimes
// it noted, so outputs built another way since (`npm run build` of other sources) are built again. What it misses: a
// file put back with an older mtime (`cp -p`, an archive unpacked), and an edit saved while a build runs, after
// esbuild read that file; any later edit, or `npm run -s build:main`, rebuilds.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
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
  // The CLI bundles it (main/cli.ts imports it).
  'scripts/typed-in.mjs',
];

/** What `npm start` runs: the headless app, the Electron shell, its preload, the dashboard bridge and the window. */
export const appBuild = {
  inputs: [...mainInputs, 'preload', 'renderer'],
  record: 'dist/.inputs-app.json',
  outputs: [
    'dist/main/headless.js',
    'dist/main/electron/main.js',
    'dist/preload/index.js',
    'dist/renderer-bridge/bridge.js',
    'dist/renderer/index.html',
  ],
};

const cliBuild = { inputs: mainInputs, outputs: ['dist/main/cli.js'], record: 'dist/.inputs-cli.json' };

/**
 * Whether `outputs` (paths under the repository) are missing, or older than a file or folder in `inputs` whose content
 * differs from that of the last build (see the top). When they are to be built, call `recordBuilt` after the build.
 */
export function changedSinceBuilt(build) {
  let oldestOutput = Infinity;
  for (const output of build.outputs) {
    const stat = fs.statSync(path.join(root, output), { throwIfNoEntry: false });
    if (!stat) return true;
    oldestOutput = Math.min(oldestOutput, stat.mtimeMs);
  }
  if (!build.inputs.some((input) => newerThan(path.join(root, input), oldestOutput))) return false;
  // Hashed before the build, so an edit saved while it runs differs from the record and builds next time.
  hashes.set(build, inputsHash(build.inputs));
  const record = readRecord(build.record);
  if (record?.hash !== hashes.get(build) || !sameMtimes(record.outputs, outputMtimes(build.outputs))) return true;
  // Unchanged: the outputs are made newer, so the next run asks the mtimes alone again.
  const now = new Date();
  for (const output of build.outputs) fs.utimesSync(path.join(root, output), now, now);
  recordBuilt(build);
  return false;
}

/** Notes the inputs' hash and the outputs' mtimes after a build (or a finding that none was needed). */
export function recordBuilt(build) {
  const hash = hashes.get(build) ?? inputsHash(build.inputs);
  const file = path.join(root, build.record);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ hash, outputs: outputMtimes(build.outputs) }));
}

/**
 * `npm run build`, silent unless it fails (then its whole output, and exit 1) or `verbose` asks for it: what
 * `npm start` and `npm run demo` run when changedSinceBuilt says so. Through the npm that started us when there is
 * one: no shell, and the same npm on every platform.
 */
export function buildApp({ verbose = false } = {}) {
  const npm = process.env.npm_execpath;
  const [command, commandArgs, shell] = npm
    ? [process.execPath, [npm, 'run', '-s', 'build'], false]
    : [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '-s', 'build'], process.platform === 'win32'];
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    shell,
    stdio: verbose ? 'inherit' : 'pipe',
    encoding: 'utf8',
  });
  if (result.status === 0) return;
  if (!verbose) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  console.error(`The build failed${result.error ? ` (${result.error.message})` : ''}; nothing was started.`);
  process.exit(1);
}

const hashes = new Map();

function inputsHash(inputs) {
  const hash = crypto.createHash('sha256');
  const add = (file) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(file).sort()) add(path.join(file, name));
      return;
    }
    // The path too: a file renamed or moved is a change its content alone does not show.
    hash.update(path.relative(root, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  };
  for (const input of inputs) add(path.join(root, input));
  return hash.digest('hex');
}

function outputMtimes(outputs) {
  return outputs.map((output) => fs.statSync(path.join(root, output), { throwIfNoEntry: false })?.mtimeMs ?? null);
}

function sameMtimes(recorded, now) {
  return Array.isArray(recorded) && recorded.length === now.length && recorded.every((time, i) => time === now[i]);
}

function readRecord(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  } catch {
    return undefined;
  }
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
  if (result.status === 0) recordBuilt(cliBuild);
  process.exit(result.status ?? 1);
}
