// The folder a command was typed in, for this package's npm scripts, and the path-valued variables read against it.
// Shared by the scripts that start the app (start.mjs, demo.mjs) and by the CLI (main/cli.ts, which esbuild bundles
// it into): the app and the CLI must resolve a relative ORCHIDS_TRAY_DATA_DIR to the same folder, or the CLI does
// not find the running app.
import path from 'node:path';

/**
 * This package's npm scripts that run the app or the CLI: npm runs each in the project's root, whatever folder it was
 * typed in, and names that folder in INIT_CWD.
 */
const OWN_SCRIPTS = new Set(['cli', 'start', 'headless', 'demo']);

/**
 * The variables that name a file or folder. XDG_CONFIG_HOME and APPDATA, which the default data folder is read from,
 * are absolute by their own definitions and left as they are.
 */
const PATH_VARIABLES = ['ORCHIDS_TRAY_DATA_DIR', 'ORCHIDS_TRAY_CA_FILE', 'ORCHIDS_TRAY_SQLITE_BINDING'];

/**
 * The folder the person typed the command in. DECISION: INIT_CWD is taken only for this package's own scripts
 * (OWN_SCRIPTS): another package's npm script that runs dist/main/cli.js sets it to a folder unrelated to that
 * script's own paths.
 *
 * @param {NodeJS.ProcessEnv} env
 * @param {string} [cwd]
 * @returns {string}
 */
export function typedIn(env, cwd = process.cwd()) {
  const own = OWN_SCRIPTS.has(env.npm_lifecycle_event ?? '') && env.npm_package_name === 'orchids-tray';
  return (own && env.INIT_CWD) || cwd;
}

/**
 * `env` with each relative path variable made absolute against the folder the command was typed in, as a path given
 * to any other command would be read. DECISION: the data folder follows the rule `--cookie-file` does, for the app
 * (`npm start`, `npm run headless`, `npm run demo`) and the CLI (`npm run cli`) alike, so the two agree wherever both
 * are typed. Unchanged when that folder is this process's own (a `node dist/…` run, or npm typed in the root): then
 * the app reads the variable as it was given, and its messages name it as typed.
 *
 * @param {NodeJS.ProcessEnv} env
 * @param {string} [cwd]
 * @returns {NodeJS.ProcessEnv}
 */
export function withTypedInPaths(env, cwd = process.cwd()) {
  const folder = typedIn(env, cwd);
  if (path.resolve(folder) === path.resolve(cwd)) return env;
  const resolved = { ...env };
  for (const name of PATH_VARIABLES) {
    const value = env[name]?.trim();
    if (value && !path.isAbsolute(value)) resolved[name] = path.resolve(folder, value);
  }
  return resolved;
}
