// `npm run demo`: Orchids Tray without an Orchids account. Starts the project's own upstream simulator (test/sim), adds
// one fake simulator account the way `npm run cli -- accounts add` does, and runs the headless app against it, on a
// data folder of its own; Ctrl+C (or SIGTERM) stops both and removes that folder (after a SIGKILL, the next demo does).
//
//   node scripts/demo.mjs [--port <port>]    the port is the app's default (3002) unless this or ORCHIDS_TRAY_PORT
//
// Built first when a source changed since the last build (scripts/build-if-changed.mjs), as `npm start` does.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { appBuild, buildApp, changedSinceBuilt, recordBuilt } from './build-if-changed.mjs';
import { makeDemoFolder, removeStaleDemoFolders } from './demo-folders.mjs';
import { demoFolderLine } from './demo-words.mjs';
import { withTypedInPaths } from './typed-in.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nodeFlags = String(pkg.config?.nodeFlags ?? '')
  .split(/\s+/)
  .filter(Boolean);

const port = portArgument(process.argv.slice(2));

// What the demo runs: the app's build, plus the simulator and the CLI, which the same build makes (build-main.mjs).
const demoBuild = {
  inputs: [...appBuild.inputs, 'test/sim'],
  outputs: [...appBuild.outputs, 'dist/main/cli.js', 'dist/test/sim/main.js'],
  record: 'dist/.inputs-demo.json',
};
if (changedSinceBuilt(demoBuild)) {
  buildApp();
  recordBuilt(demoBuild);
}

// DECISION: a fresh folder under the system temp folder, removed on exit: a demo leaves nothing behind, and whatever
// ORCHIDS_TRAY_DATA_DIR says is not used, so the user's own data folder is never opened. The folder of an earlier
// demo killed with SIGKILL (which could not remove it) goes first: demo-folders.mjs says which are safe to remove.
for (const left of removeStaleDemoFolders(os.tmpdir()))
  console.log(`Demo: removed the folder an earlier demo left behind when it was killed: ${left}`);
const dataDir = makeDemoFolder(os.tmpdir());
const children = new Set();
let stopping = false;

// Both children get `--exit-with-parent` and an IPC channel: killed with SIGKILL, the demo forwards nothing, and they
// stop the normal way when the channel ends (main/core/util/parent-watch.ts).
const sim = spawn(process.execPath, [path.join(root, 'dist/test/sim/main.js'), '--exit-with-parent'], {
  cwd: root,
  // Loopback, on ports of its own choosing: whatever SIM_* the terminal has set is the simulator's, not the demo's.
  env: { ...process.env, SIM_HOST: '127.0.0.1' },
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
track(sim, 'the simulator');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stopAll(0, signal));
const urls = await firstLine(sim);

// A relative ORCHIDS_TRAY_CA_FILE is read from the folder `npm run demo` was typed in (typed-in.mjs), as `npm start`
// reads it.
const env = { ...withTypedInPaths(process.env) };
// DECISION: loopback only, whatever this terminal has set for the real app (the app's default host is 127.0.0.1).
delete env.ORCHIDS_TRAY_HOST;
delete env.ORCHIDS_TRAY_ALLOW_REMOTE;
Object.assign(env, {
  ORCHIDS_TRAY_DATA_DIR: dataDir,
  ORCHIDS_CLERK_URL: urls.clerkUrl,
  ORCHIDS_AGENT_URL: urls.agentUrl,
  ORCHIDS_AGENT_WS_URL: urls.agentWsUrl,
  ORCHIDS_AGENT_B_URL: urls.agentBUrl,
  ORCHIDS_SITE_URL: urls.siteUrl,
  ...(port === undefined ? {} : { ORCHIDS_TRAY_PORT: port }),
});

// A fake user of the simulator's Clerk, whose cookie goes through the app's own add-account path: the CLI's, on the
// folder before the app opens it, so the app starts with the account in place.
const user = await (await fetch(`${urls.controlUrl}/users`, { method: 'POST', body: '{}' })).json();
const add = spawnSync(
  process.execPath,
  [path.join(root, 'dist/main/cli.js'), 'accounts', 'add', '--cookie', user.clientCookie, '--name', 'Demo'],
  { cwd: root, env, encoding: 'utf8' },
);
if (add.status !== 0) {
  process.stderr.write(`${add.stdout}${add.stderr}`);
  console.error('The demo could not add its simulator account; nothing was started.');
  await stopAll(1);
}

// Two lines: what it is, then where its parts are (one line of both was 300 characters).
console.log(
  'Demo: against the project\'s Orchids simulator (test/sim), not Orchids; every answer is "Hello from the Orchids ' +
    'simulator.".',
);
// Quoted as the app's own commands are: a temp folder's path may hold a space (a Windows user name).
console.log(demoFolderLine(urls.controlUrl, dataDir));
const app = spawn(process.execPath, [...nodeFlags, path.join(root, 'dist/main/headless.js'), '--exit-with-parent'], {
  cwd: root,
  env,
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
});
track(app, 'the app');
// The app's start line names its own pid for a fresh dashboard link; one sent here instead is passed on (its default
// would end the demo and leave both children running).
if (process.platform !== 'win32') process.on('SIGUSR2', () => app.kill('SIGUSR2'));

/** `--port <port>` or `--port=<port>` as ORCHIDS_TRAY_PORT, which the app checks; anything else is a usage error. */
function portArgument(args) {
  let value;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port' && i + 1 < args.length) value = args[++i];
    else if (args[i].startsWith('--port=')) value = args[i].slice('--port='.length);
    else {
      console.error(`npm run demo: unknown argument "${args[i]}"; it takes --port <port> and nothing else.`);
      process.exit(2);
    }
  }
  return value;
}

/** The simulator's one JSON line of URLs, which it prints once it listens. */
function firstLine(child) {
  return new Promise((resolve) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      lines.close();
      child.stdout.resume();
      resolve(JSON.parse(line));
    });
  });
}

/** Either child ending on its own ends the demo: the other is stopped and the folder removed. */
function track(child, name) {
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    if (stopping) return;
    if (child === sim) console.error(`The demo stopped: ${name} exited (${signal ?? `code ${code}`}).`);
    void stopAll(code ?? 1);
  });
}

/**
 * The app first, so it finishes its in-flight requests while the simulator still answers them; then the simulator;
 * then the folder. A Ctrl+C in a terminal reaches the children too: the app counts signals a moment apart as one.
 */
async function stopAll(code, signal = 'SIGTERM') {
  if (stopping) return;
  stopping = true;
  let exitCode = code;
  // The app (when started) first, the simulator last.
  const order = [...children].filter((child) => child !== sim);
  if (children.has(sim)) order.push(sim);
  for (const child of order) {
    // Gone already (a terminal's Ctrl+C reaches every process of the group at once): its exit has fired, and will not
    // again; waiting for it would leave the demo with nothing to run and the folder in place.
    if (!children.has(child)) continue;
    const exited = new Promise((resolve) => child.once('exit', (c) => resolve(c)));
    child.kill(signal);
    const childCode = await exited;
    if (child !== sim && typeof childCode === 'number') exitCode = childCode;
  }
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  process.exit(exitCode);
}
