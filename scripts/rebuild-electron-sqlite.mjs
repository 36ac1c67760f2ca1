// Makes better-sqlite3's native addon for Electron's ABI, next to (never instead of) the Node 20 build in
// node_modules that the tests, the CLI and headless mode load.
//
//   node scripts/rebuild-electron-sqlite.mjs               build (or fetch) it now
//   node scripts/rebuild-electron-sqlite.mjs --if-missing  only when missing or made for other versions (npm start)
//   options: --arch=<x64|arm64|ia32>  (default: this machine's)
//
// Output: build/electron-sqlite/<platform>-<arch>/better_sqlite3.node (+ build-info.json). The desktop app hands it
// to better-sqlite3 through its `nativeBinding` option (main/electron/native-sqlite.ts); electron-builder copies it
// into the installer as resources/native/better_sqlite3.node (electron-builder.yml, extraResources).
//
// How: a copy of the better-sqlite3 package is staged under build/electron-sqlite/, then
//   1. prebuild-install fetches the prebuilt binary for Electron <version> from better-sqlite3's GitHub release;
//   2. failing that, node-gyp compiles it against Electron's headers (https://electronjs.org/headers), which needs
//      a C++ toolchain: python3, make and g++ on Linux, Xcode's command line tools on macOS, the Visual Studio
//      Build Tools on Windows.
// Both need internet access once. The result is checked: it must refuse to load under Node with Electron's ABI.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const ifMissing = args.includes('--if-missing');
const arch = args.find((a) => a.startsWith('--arch='))?.slice('--arch='.length) || process.arch;
const platform = process.platform;

const ADDON = 'better_sqlite3.node';
const electronPkg = readJson(path.join(root, 'node_modules/electron/package.json'));
const sqliteDir = path.join(root, 'node_modules/better-sqlite3');
const sqlitePkg = readJson(path.join(sqliteDir, 'package.json'));
if (!electronPkg || !sqlitePkg)
  fail('node_modules is incomplete (electron or better-sqlite3 is missing): run `npm install` first.');
const electronVersion = electronPkg.version;
const abi = readAbi(electronVersion);
const outDir = path.join(root, 'build', 'electron-sqlite', `${platform}-${arch}`);
const outFile = path.join(outDir, ADDON);
const infoFile = path.join(outDir, 'build-info.json');
const wanted = { electron: electronVersion, abi, betterSqlite3: sqlitePkg.version, platform, arch };

if (ifMissing && fs.existsSync(outFile)) {
  const info = readJson(infoFile);
  if (info && Object.keys(wanted).every((key) => info[key] === wanted[key])) process.exit(0);
  console.log(`[electron-sqlite] ${path.relative(root, outFile)} was made for other versions; rebuilding.`);
}

console.log(
  `[electron-sqlite] better-sqlite3 ${sqlitePkg.version} for Electron ${electronVersion} (ABI ${abi}), ` +
    `${platform}-${arch}`,
);
const stage = path.join(root, 'build', 'electron-sqlite', `.stage-${platform}-${arch}`);
fs.rmSync(stage, { recursive: true, force: true });
const pkgDir = path.join(stage, 'better-sqlite3');
fs.cpSync(sqliteDir, pkgDir, {
  recursive: true,
  // Everything but the Node build (and its intermediate files): the copy must not pass it off as Electron's.
  filter: (source) => {
    const relative = path.relative(sqliteDir, source);
    return (
      relative !== 'build' &&
      !relative.startsWith(`build${path.sep}`) &&
      !relative.startsWith(`node_modules${path.sep}`)
    );
  },
});
const built = path.join(pkgDir, 'build', 'Release', ADDON);

const attempts = [];
const prebuild = run(
  'prebuild-install (download)',
  resolveBin('prebuild-install/bin.js', [sqliteDir, root]),
  ['--runtime=electron', `--target=${electronVersion}`, `--arch=${arch}`, `--platform=${platform}`, '--verbose'],
  3 * 60_000,
);
if (!prebuild || !fs.existsSync(built)) {
  run(
    'node-gyp (build from source)',
    resolveNodeGyp(),
    [
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electronVersion}`,
      `--arch=${arch}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    20 * 60_000,
  );
}
if (!fs.existsSync(built)) {
  fs.rmSync(stage, { recursive: true, force: true });
  fail(
    `could not get better-sqlite3 for Electron ${electronVersion} (${platform}-${arch}).\n` +
      attempts.map((a) => `  - ${a}`).join('\n') +
      '\nThis needs internet access once ' +
      "(github.com for the prebuilt binary, electronjs.org for Electron's headers) and," +
      '\nto build from source, a C++ toolchain ' +
      '(python3, make and g++; Xcode command line tools; or the Visual Studio Build Tools).' +
      '\nThe Node build in node_modules is untouched: tests, the CLI and `npm run headless` still work.',
  );
}
checkAbi(built);
fs.mkdirSync(outDir, { recursive: true });
fs.copyFileSync(built, outFile);
fs.writeFileSync(infoFile, `${JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2)}\n`);
fs.rmSync(stage, { recursive: true, force: true });
console.log(`[electron-sqlite] ready: ${path.relative(root, outFile)}`);

// ---------- helpers ----------
function run(label, script, scriptArgs, timeoutMs) {
  if (!script) {
    attempts.push(`${label}: not installed`);
    return false;
  }
  console.log(`[electron-sqlite] ${label}…`);
  const result = spawnSync(process.execPath, [script, ...scriptArgs], {
    cwd: pkgDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: timeoutMs,
    env: { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion, npm_config_arch: arch },
  });
  if (result.status === 0) return true;
  const why =
    result.error?.code === 'ETIMEDOUT'
      ? `timed out after ${timeoutMs / 1000} s`
      : (result.error?.message ?? `exit code ${result.status}`);
  attempts.push(`${label}: ${why}`);
  return false;
}

function resolveBin(request, from) {
  try {
    return require.resolve(request, { paths: from });
  } catch {
    return undefined;
  }
}

function resolveNodeGyp() {
  // The project's own node-gyp, else the one every npm carries.
  const local = resolveBin('node-gyp/bin/node-gyp.js', [root]);
  if (local) return local;
  const npmDir = path.join(
    path.dirname(process.execPath),
    platform === 'win32' ? '' : '..',
    platform === 'win32' ? '' : 'lib',
    'node_modules',
    'npm',
  );
  const bundled = path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return fs.existsSync(bundled) ? bundled : undefined;
}

function readAbi(version) {
  // Electron's package records its ABI; node-abi (prebuild-install's) knows it too.
  const recorded = readText(path.join(root, 'node_modules/electron/abi_version'))?.trim();
  if (recorded) return recorded;
  try {
    const nodeAbi = require(
      resolveBin('node-abi', [path.dirname(resolveBin('prebuild-install/package.json', [sqliteDir, root]) ?? root)]),
    );
    return nodeAbi.getAbi(version, 'electron');
  } catch {
    fail(`cannot tell Electron ${version}'s ABI (node_modules/electron/abi_version is missing).`);
  }
}

/** An Electron-ABI addon must refuse to load in this Node, naming Electron's module version. */
function checkAbi(file) {
  const probe = spawnSync(process.execPath, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(file)})`], {
    encoding: 'utf8',
  });
  if (probe.status === 0)
    fail(`${file} loads under Node ${process.versions.node}: it was built for Node, not Electron. Not installing it.`);
  const version = /NODE_MODULE_VERSION (\d+)\. This version/.exec(probe.stderr)?.[1];
  if (version && version !== String(abi))
    fail(`${file} was built for ABI ${version}, Electron ${electronVersion} needs ${abi}.`);
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson(file) {
  const text = readText(file);
  return text === undefined ? undefined : JSON.parse(text);
}

function fail(message) {
  console.error(`[electron-sqlite] ${message}`);
  process.exit(1);
}
